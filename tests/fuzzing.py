"""Seeded mutations of real files, and the readers they are fed to (tests and benchmarks/fuzz_bench.py).

Every reader is called through the public API; a mutated file must either load (and then be
analysed or used) or raise a :class:`~summitry.errors.SummitryError`. Any other exception is a
defect; so is a hang (the benchmark reports the slowest file).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from summitry.errors import OutcomeSpaceTooLargeError

__all__ = ["READERS", "Reader", "mutate", "prepare"]

_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_REPLACEMENTS = [
    b"abc", b"-1", b"-0.5", b"0", b"1e308", b"-1e308", b"1e400", b"99999999999999999999999", b".nan", b"NaN",
    b".inf", b"-.inf", b"Infinity", b"", b"null", b"true", b"[1, 2]", b"{a: 1}", b"2019-02-30", b"18:30",
    b"1" * 5000,
]  # fmt: skip
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.-]*)")
_KEY = re.compile(rb"(?m)^(\s*-?\s*)([A-Za-z_][\w-]*)(\s*:)")
_JSON_KEY = re.compile(rb'"([A-Za-z_][\w-]*)"(\s*:)')


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\xff"
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _encode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"])
    return text.encode(encoding, errors="replace")


def _lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    at = rng.randrange(len(lines))
    if rng.random() < 0.5:
        del lines[at]
    else:
        lines.insert(at, lines[at])
    return b"".join(lines)


def _number(data: bytes, rng: random.Random) -> bytes:
    found = list(_NUMBER.finditer(data))
    if not found:
        return _flip(data, rng)
    match = rng.choice(found)
    return data[: match.start()] + rng.choice(_REPLACEMENTS) + data[match.end() :]


def _rename(data: bytes, rng: random.Random) -> bytes:
    found = list(_TAG.finditer(data)) or list(_JSON_KEY.finditer(data)) or list(_KEY.finditer(data))
    if not found:
        return _flip(data, rng)
    match = rng.choice(found)
    group = 2 if match.re is not _JSON_KEY else 1
    name = match.group(group)
    new = rng.choice([name[:-1] or b"x", name + b"s", name.upper(), b"unknown", name[::-1]])
    return data[: match.start(group)] + new + data[match.end(group) :]


def _attribute(data: bytes, rng: random.Random) -> bytes:
    found = list(re.finditer(rb'\s[\w-]+="[^"]*"', data))
    if not found:
        return _lines(data, rng)
    match = rng.choice(found)
    piece = data[match.start() : match.end()]
    replacement = rng.choice([b"", piece + piece, re.sub(rb'"[^"]*"', b'"x"', piece)])
    return data[: match.start()] + replacement + data[match.end() :]


def _swap_type(data: bytes, rng: random.Random) -> bytes:
    found = list(re.finditer(rb"(?m)(:\s+)([^\s\[{][^\n#]*)$", data))
    if not found:
        return _number(data, rng)
    match = rng.choice(found)
    value = match.group(2)
    new = rng.choice([b"[" + value + b"]", b"{x: " + value + b"}", b"~", b"", b'"' + value + b'"', b"- " + value])
    return data[: match.start(2)] + new + data[match.end(2) :]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": _flip,
    "truncate": _truncate,
    "encoding": _encode,
    "line": _lines,
    "number": _number,
    "rename": _rename,
    "attribute": _attribute,
    "swap-type": _swap_type,
}


def mutate(data: bytes, rng: random.Random, rounds: int = 1) -> bytes:
    """Return ``data`` after ``rounds`` mutations drawn from :data:`MUTATIONS` with ``rng``."""
    for _ in range(rounds):
        data = MUTATIONS[rng.choice(sorted(MUTATIONS))](data, rng)
    return data


@dataclass(frozen=True)
class Reader:
    """A file kind: how to make real files of it in a folder, which file to mutate, and how to read it."""

    name: str
    make: Callable[[Path], Path]
    """Write real files into the folder; return the file to mutate."""
    read: Callable[[Path], object]
    """Read (and use) the kind through the public API, from the mutated file's folder or path."""


def _scenario_use(scenario: object) -> object:
    from summitry.analysis import analyze
    from summitry.model import Scenario

    assert isinstance(scenario, Scenario)
    if scenario.space.cardinality > 20_000:
        raise OutcomeSpaceTooLargeError("too large to analyse in a fuzz run")  # a SummitryError: refused
    return analyze(scenario)


def _native_yaml(folder: Path) -> Path:
    from summitry.formats import load_scenario, write_native

    return write_native(load_scenario("hanoi-deal"), folder / "s.yaml")


def _native_json(folder: Path) -> Path:
    from summitry.formats import load_scenario, write_native

    return write_native(load_scenario("hanoi-dinner"), folder / "s.json")


def _genius(folder: Path) -> Path:
    from summitry.formats import load_scenario, write_genius

    written = sorted(write_genius(load_scenario("hanoi-deal"), folder / "g"))
    return written[_pick(folder, len(written))]


def _geniusweb(folder: Path) -> Path:
    from summitry.formats import load_scenario, write_geniusweb

    written = sorted(write_geniusweb(load_scenario("hanoi-deal"), folder / "w"))
    return written[_pick(folder, len(written))]


def _pick(folder: Path, count: int) -> int:
    """Which of a folder's files to mutate: the domain for a folder named ``...-0``, a profile otherwise."""
    tail = folder.name.rsplit("-", 1)[-1]
    return int(tail) % count if tail.isdigit() else 0


def _load_file(path: Path) -> object:
    from summitry.formats import load_scenario

    return _scenario_use(load_scenario(path))


def _load_folder(path: Path) -> object:
    from summitry.formats import load_scenario

    return _scenario_use(load_scenario(path.parent))


def _summit(folder: Path) -> Path:
    from importlib import resources

    path = folder / "summit.yaml"
    path.write_text(
        resources.files("summitry").joinpath("data", "summits", "hanoi.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return path


def _read_summit(path: Path) -> object:
    from summitry.formats.summit_files import load_summit

    agenda = load_summit(path)
    return agenda.conflicts(), list(agenda.days())


_EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "roadmap"


def _commitments(folder: Path) -> Path:
    path = folder / "commitments.yaml"
    path.write_bytes((_EXAMPLES / "commitments.yaml").read_bytes())
    return path


def _read_commitments(path: Path) -> object:
    from summitry.formats.roadmap_files import read_commitments
    from summitry.roadmap import check_commitments

    document = read_commitments(path)
    check_commitments(list(document.commitments), document.parties)
    return document


def _plan_for(folder: Path) -> Path:
    from summitry.formats.roadmap_files import read_commitments, write_plan
    from summitry.roadmap import plan

    document = read_commitments(_EXAMPLES / "commitments.yaml")
    return write_plan(plan(document.commitments, document.parties, start=date(2019, 3, 1)), folder / "plan.yaml")


def _events(folder: Path) -> Path:
    _plan_for(folder)
    path = folder / "events.yaml"
    path.write_bytes((_EXAMPLES / "events.yaml").read_bytes())
    return path


def _read_events(path: Path) -> object:
    from summitry.formats.roadmap_files import read_events, read_plan
    from summitry.roadmap import Tracker

    road_map = read_plan(path.parent / "plan.yaml")
    tracker = Tracker(road_map)
    for event in read_events(path, plan=road_map):
        tracker.record(event)
    return tracker.status(date(2019, 9, 1))


def _read_plan(path: Path) -> object:
    from summitry.formats.roadmap_files import read_plan
    from summitry.roadmap import Tracker

    return Tracker(read_plan(path)).status(date(2019, 9, 1))


def _trace(folder: Path) -> Path:
    from summitry.agents import negotiator_from_text
    from summitry.formats import load_scenario
    from summitry.formats.trace_files import write_trace
    from summitry.protocols import make_mechanism, run

    scenario = load_scenario("hanoi-deal")
    mechanism = make_mechanism("sao", scenario, settings={"rounds": 8})
    trace = run(mechanism, [negotiator_from_text("boulware"), negotiator_from_text("conceder")], seed=1)
    return write_trace(trace, folder / "t.jsonl")


def _read_trace(path: Path) -> object:
    from summitry.formats import load_scenario
    from summitry.formats.trace_files import read_trace
    from summitry.protocols import replay

    trace = read_trace(path)
    if trace.result is not None and trace.header.scenario == "hanoi-deal":
        replay(trace, load_scenario("hanoi-deal"))
    return trace


READERS: dict[str, Reader] = {
    "native-yaml": Reader("native-yaml", _native_yaml, _load_file),
    "native-json": Reader("native-json", _native_json, _load_file),
    "genius": Reader("genius", _genius, _load_folder),
    "geniusweb": Reader("geniusweb", _geniusweb, _load_folder),
    "summit": Reader("summit", _summit, _read_summit),
    "commitments": Reader("commitments", _commitments, _read_commitments),
    "plan": Reader("plan", _plan_for, _read_plan),
    "events": Reader("events", _events, _read_events),
    "trace": Reader("trace", _trace, _read_trace),
}


def prepare(reader: Reader, folder: Path) -> tuple[Path, bytes]:
    """Write ``reader``'s real files into ``folder``; return the file to mutate and its original bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = reader.make(folder)
    return path, path.read_bytes()
