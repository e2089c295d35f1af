"""Run a tournament into a results folder, and open a folder's results again.

The folder holds ``tournament.json`` (the spec's name, digest and plain form, and the store's
URL when it is not the folder's own ``results.db``) and, by default, ``results.db``. Running
a spec on a folder that holds another spec's results is refused; running the same spec again
runs only the negotiations not yet stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summitry.errors import TournamentError, TournamentStoreError

from .backends import Backend, chunked
from .plan import plan_negotiations
from .results import ResultStore, sqlite_url
from .runner import RunSettings
from .spec import TournamentSpec

__all__ = ["MANIFEST", "RunSummary", "TournamentResults", "open_results", "run_tournament"]

MANIFEST = "tournament.json"
"""The file naming the tournament a results folder belongs to."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    """What a run did: the tournament's size, what was already stored, what ran now."""

    name: str
    total: int
    already: int
    ran: int
    failed: int
    store: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TournamentResults:
    """A results folder opened for reading: the tournament's name, digest, plain spec, size and store."""

    name: str
    digest: str
    spec: dict[str, Any]
    total: int
    store: ResultStore


def run_tournament(
    spec: TournamentSpec,
    out: Path,
    backend: Backend,
    *,
    store_url: str | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Run every negotiation of ``spec`` not yet stored for it, storing each chunk of results as it finishes.

    ``progress(done, total)`` is called once before the first result and after each chunk.

    Raises:
        TournamentStoreError: ``out`` holds another spec's results, or the store cannot be used.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise TournamentStoreError(f"--out {out}: is a file; expected a folder for the results")
    digest = spec.digest()
    manifest = out / MANIFEST
    if manifest.is_file():
        earlier = _read_manifest(manifest)
        if earlier["digest"] != digest:
            changes = _differences(earlier.get("spec", {}), spec.canonical())
            raise TournamentStoreError(
                f"{out}: holds the results of another spec ({changes}); give a new --out folder, or restore the spec"
            )
        if store_url is None:
            store_url = earlier.get("store")
        elif earlier.get("store") not in (None, store_url):
            raise TournamentStoreError(f"{out}: its results are in {earlier['store']}, not in --store {store_url}")
    tasks = plan_negotiations(spec)
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(store_url or sqlite_url(out / "results.db"))
    try:
        store.register(digest, spec.name, spec.canonical(), len(tasks))
        if not manifest.is_file():
            _write_manifest(
                manifest, {"name": spec.name, "digest": digest, "store": store_url, "spec": spec.canonical()}
            )
        done = store.done_keys(digest)
        todo = [task for task in tasks if task.key not in done]
        already = len(tasks) - len(todo)
        count, failed = already, 0
        if progress is not None:
            progress(count, len(tasks))
        settings = RunSettings.of(spec)
        for records in backend.run(settings, chunked(todo, backend.workers)):
            store.add(digest, records)
            count += len(records)
            failed += sum(1 for r in records if r["failed_party"] is not None)
            if progress is not None:
                progress(count, len(tasks))
        stored = store.count(digest)
        if stored != len(tasks):
            raise TournamentError(
                f"{out}: {len(tasks) - stored} of {len(tasks)} negotiations are missing after the run "
                "(a worker lost them); rerun the same command to run them"
            )
        return RunSummary(
            name=spec.name, total=len(tasks), already=already, ran=count - already, failed=failed, store=store.url
        )
    finally:
        store.close()


def open_results(folder: Path) -> TournamentResults:
    """Return the results in ``folder`` (made by ``summitry tournament run``).

    Raises:
        TournamentStoreError: the folder holds no tournament, or its store is gone.
    """
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        what = "no such folder" if not folder.exists() else f"no {MANIFEST} there"
        raise TournamentStoreError(f"{folder}: {what}; expected the --out folder of `summitry tournament run`")
    data = _read_manifest(manifest)
    url = data.get("store") or sqlite_url(folder / "results.db")
    if data.get("store") is None and not (folder / "results.db").is_file():
        raise TournamentStoreError(f"{folder}: results.db is missing")
    store = ResultStore(url)
    found = store.spec(data["digest"])
    if found is None:
        store.close()
        raise TournamentStoreError(f"{folder}: the store {url} holds no results of tournament {data['name']!r}")
    name, spec, total = found
    return TournamentResults(name=name, digest=data["digest"], spec=spec, total=total, store=store)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TournamentStoreError(
            f"{path}: unreadable ({exc}); expected what `summitry tournament run` wrote"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("digest"), str):
        raise TournamentStoreError(f"{path}: expected a mapping with the tournament's digest")
    return data


def _write_manifest(path: Path, data: dict[str, Any]) -> None:
    from summitry.formats.atomic import write_bytes

    write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def _differences(before: dict[str, Any], now: dict[str, Any]) -> str:
    now = json.loads(json.dumps(now))  # tuples as the manifest holds them: lists
    changed = [key for key in sorted(set(before) | set(now)) if before.get(key) != now.get(key)]
    shown = [f"{key}: {_short(before.get(key))} -> {_short(now.get(key))}" for key in changed[:3]]
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return "changed " + "; ".join(shown) + more if shown else "a different digest"


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
