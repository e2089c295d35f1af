"""The browser pages: the lobby, the party and observer pages, and the debrief.

The pages are plain HTML, CSS and JavaScript shipped in ``summitry/server/static`` (no build
step, nothing loaded from outside the server). They hold no data: each page reads its token
from the link's fragment (``#token=…``, which browsers never send to a server) and calls the
JSON API with it, so a page sees exactly what its token may see.

Besides the pages, this router serves two small helpers for the lobby:

- ``GET /lobby/catalogue``: the shipped scenarios (their public parts: issues, parties,
  defaults) and the built-in agents with their parameters;
- ``POST /lobby/scenario``: an uploaded scenario file (native YAML or JSON, or a GENIUS or
  GeniusWeb folder as a ``.zip``) read and returned as a native document, ready to be sent as
  ``"scenario"`` to ``POST /api/sessions``. Uploads are limited in bytes, in files and in
  outcomes;
- ``POST /lobby/roadmap``: the road-map of an agreement, for the debrief, when the scenario has a
  shipped catalogue of commitments (``{"scenario": NAME, "agreement": {ISSUE: VALUE}}``). It
  uses only public things: the agreement and the shipped catalogue.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from summitry.agents.registry import REGISTRY
from summitry.errors import SummitryError
from summitry.formats.loading import load_scenario, shipped_scenarios
from summitry.formats.native import loads_native, scenario_from_document, scenario_to_document
from summitry.formats.roadmap_files import catalogue_names, load_catalogue
from summitry.model import Scenario, plain_value
from summitry.roadmap import commitments_for, plan

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_OUTCOMES", "router"]

MAX_UPLOAD_BYTES = 2_000_000
"""The largest scenario upload accepted, in bytes (a zip: also its unpacked size)."""

MAX_UPLOAD_OUTCOMES = 1_000_000
"""The largest outcome space an uploaded scenario may have."""

_MAX_ZIP_FILES = 64

_PAGES = {
    "lobby": "lobby.html",
    "party": "party.html",
    "observer": "observer.html",
    "debrief": "debrief.html",
}
_MEDIA = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript"}
_STATIC = frozenset(
    {"style.css", "common.js", "chart.js", "lobby.js", "party.js", "observer.js", "debrief.js", "favicon.svg"}
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = APIRouter()


def _static(name: str) -> bytes:
    return resources.files("summitry.server").joinpath("static", name).read_bytes()


def _page(name: str) -> Response:
    return Response(_static(_PAGES[name]), media_type=_MEDIA[".html"], headers=_SECURITY_HEADERS)


@router.get("/", include_in_schema=False)
def lobby_page() -> Response:
    """Return the lobby: create a session, then hand out its links."""
    return _page("lobby")


@router.get("/sessions/{session_id}/party", include_in_schema=False)
def party_page(session_id: str) -> Response:
    """Return the party page (its token is in the link's fragment)."""
    return _page("party")


@router.get("/sessions/{session_id}/observe", include_in_schema=False)
def observer_page(session_id: str) -> Response:
    """Return the observer page: the public trace, live."""
    return _page("observer")


@router.get("/sessions/{session_id}/debrief", include_in_schema=False)
def debrief_page(session_id: str) -> Response:
    """Return the debrief page: the result, its analysis, the trace and the replies."""
    return _page("debrief")


@router.get("/static/pages/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """Return one of the pages' style sheets or scripts (a fixed list; anything else is 404)."""
    if name not in _STATIC:
        return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)
    suffix = PurePosixPath(name).suffix
    media = "image/svg+xml" if suffix == ".svg" else _MEDIA[suffix]
    headers = {**_SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(_static(name), media_type=media, headers=headers)


@router.get("/lobby/catalogue")
def catalogue() -> dict[str, Any]:
    """Return the shipped scenarios (public parts only) and the built-in agents with their parameters."""
    scenarios = []
    for name in shipped_scenarios():
        scenario = load_scenario(name)
        scenarios.append(_public_summary(scenario))
    agents = [
        {
            "name": spec.name,
            "description": spec.description,
            "params": {key: value for key, value in (spec.params or {}).items()},
            "protocols": list(spec.protocols),
        }
        for spec in REGISTRY.values()
    ]
    return {"scenarios": scenarios, "agents": agents}


@router.post("/lobby/scenario")
async def upload_scenario(request: Request) -> JSONResponse:
    """Read an uploaded scenario file and return it as a native document with its public summary.

    The body is the file's bytes; the ``X-Filename`` header names it (``.yaml``, ``.yml``,
    ``.json`` or ``.zip``). Errors are ``{"error": ...}``: 413 too large, 422 not a scenario.
    """
    filename = PurePosixPath(request.headers.get("x-filename", "scenario.yaml")).name or "scenario.yaml"
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        return _error(413, f"{filename}: {int(declared):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_UPLOAD_BYTES:
            return _error(413, f"{filename}: more than {MAX_UPLOAD_BYTES:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
    try:
        scenario = _read_upload(filename, bytes(body))
    except _TooLarge as exc:
        return _error(413, str(exc))
    except (SummitryError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        return _error(422, f"{filename}: {exc}")
    if scenario.space.cardinality > MAX_UPLOAD_OUTCOMES:
        return _error(413, f"{filename}: {scenario.space.cardinality:,} outcomes; the limit is {MAX_UPLOAD_OUTCOMES:,}")
    try:
        document = scenario_to_document(scenario)
    except SummitryError as exc:
        return _error(422, f"{filename}: {exc}")
    return JSONResponse({"document": document, "summary": _public_summary(scenario)})


@router.post("/lobby/roadmap")
async def road_map(request: Request) -> JSONResponse:
    """Return the road-map of an agreement from the scenario's shipped catalogue (``null`` without one).

    The body is ``{"scenario": NAME, "agreement": {ISSUE: VALUE}}``; the answer
    ``{"roadmap": {"start", "max_exposure", "phases": [...]}}`` or ``{"roadmap": null, "note": ...}``.
    """
    raw = await request.body()
    if len(raw) > 20_000:
        return _error(413, f"request body: {len(raw):,} bytes; the limit is 20,000")
    try:
        body = json.loads(raw)
    except ValueError:
        return _error(400, 'request body: expected JSON {"scenario": NAME, "agreement": {ISSUE: VALUE}}')
    if not isinstance(body, dict) or not isinstance(body.get("agreement"), dict):
        return _error(400, 'request body: expected {"scenario": NAME, "agreement": {ISSUE: VALUE}}')
    name = body.get("scenario")
    if name not in catalogue_names():
        return JSONResponse({"roadmap": None, "note": f"no catalogue of commitments for scenario {name!r}"})
    catalogue = load_catalogue(str(name))
    try:
        commitments = commitments_for(body["agreement"], catalogue)
    except SummitryError as exc:
        return JSONResponse({"roadmap": None, "note": str(exc)})
    if not commitments:
        return JSONResponse({"roadmap": None, "note": "the agreement commits nobody to anything"})
    planned = plan(commitments, catalogue.parties, start=date.today())
    phases = [
        {
            "number": phase.number,
            "start": phase.start.isoformat(),
            "end": phase.end.isoformat(),
            "commitments": [{"id": c.id, "owner": c.owner, "description": c.description} for c in phase.commitments],
            "exposure": dict(planned.exposure[phase.number - 1]),
        }
        for phase in planned.phases
    ]
    return JSONResponse(
        {"roadmap": {"start": planned.start.isoformat(), "max_exposure": planned.max_exposure, "phases": phases}}
    )


class _TooLarge(Exception):
    """An upload over one of the limits."""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _public_summary(scenario: Scenario) -> dict[str, Any]:
    """Return what anyone may know of a scenario: name, description, issues, parties, defaults."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "protocol": scenario.protocol,
        "rounds": scenario.rounds,
        "seconds": scenario.seconds,
        "parties": list(scenario.party_names),
        "issues": [
            {"name": issue.name, "values": [plain_value(v) for v in issue.values]} for issue in scenario.space.issues
        ],
    }


def _read_upload(filename: str, body: bytes) -> Scenario:
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        document = loads_native(body.decode("utf-8"), filename, json_syntax=suffix == ".json")
        return scenario_from_document(document, filename)
    if suffix == ".zip":
        return _read_zip(filename, body)
    raise _Unreadable(f"{filename}: expected a .yaml, .yml or .json scenario, or a GENIUS/GeniusWeb folder as .zip")


class _Unreadable(SummitryError, ValueError):
    """An upload of a kind the lobby does not read."""


def _read_zip(filename: str, body: bytes) -> Scenario:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > _MAX_ZIP_FILES:
            raise _TooLarge(f"{filename}: {len(members)} files; the limit is {_MAX_ZIP_FILES}")
        if sum(m.file_size for m in members) > MAX_UPLOAD_BYTES:
            raise _TooLarge(f"{filename}: unpacks to more than {MAX_UPLOAD_BYTES:,} bytes")
        with tempfile.TemporaryDirectory(prefix="summitry-upload-") as folder:
            root = Path(folder)
            for member in members:
                parts = PurePosixPath(member.filename).parts
                if member.filename.startswith("/") or ".." in parts or not parts:
                    raise _Unreadable(f"{filename}: member {member.filename!r} has an unsafe path")
                target = root.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
            return load_scenario(_scenario_folder(root, filename))


def _scenario_folder(root: Path, filename: str) -> Path:
    """Return the folder in the unpacked zip that holds the scenario's files."""
    candidates = [root, *sorted(p for p in root.rglob("*") if p.is_dir())]
    for folder in candidates:
        if any(folder.glob("*.xml")) or any(folder.glob("*.json")):
            return folder
    natives = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))
    if natives:
        return natives[0]
    raise _Unreadable(f"{filename}: no GENIUS XML, GeniusWeb JSON or native YAML file inside")
