"""The pages under ``summitry serve --workers 2``, opened at a worker that does not own the session.

Every request about the session (the page itself, the API calls, the live stream) reaches worker
0, which relays it to worker 1, the owner; the browser never talks to worker 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from summitry.server.shards import shard_of

from .._served import Workers, serving_workers

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (dev extra)").expect

pytestmark = pytest.mark.slow


@pytest.fixture
def workers(tmp_path: Path, chromium_path: str) -> Iterator[Workers]:
    yield from serving_workers(f"sqlite:///{tmp_path / 'workers.db'}", tmp_path, 2)


def _session_of_worker_1(workers: Workers) -> dict[str, Any]:
    """Create sessions through worker 0 until one is owned by worker 1; return the create answer."""
    body = {
        "scenario": "hanoi-deal",
        "protocol": "sao",
        "rounds": 20,
        "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "conceder"}},
    }
    for _ in range(6):
        answer = httpx.post(f"{workers.url}/api/sessions", json=body, timeout=30)
        assert answer.status_code == 201, answer.text
        if shard_of(answer.json()["id"], 2) == 1:
            assert answer.headers["summitry-owner"] == f"http://127.0.0.1:{workers.port + 1}"
            return dict(answer.json())
    raise AssertionError("no session of worker 1 in six made through worker 0 (they are shared out in turn)")


def test_a_person_negotiates_to_the_end_on_pages_relayed_by_a_worker_that_does_not_own_the_session(
    context: Any, workers: Workers, shots: Path
) -> None:
    session = _session_of_worker_1(workers)
    sid = session["id"]
    owner = f"http://127.0.0.1:{workers.port + 1}"
    answers: list[tuple[str, int, str | None]] = []
    context.on("response", lambda r: answers.append((r.url, r.status, r.headers.get("summitry-owner"))))

    page = context.new_page()
    page.goto(urljoin(workers.url + "/", session["links"]["parties"]["dprk"]))  # the link, relative to worker 0
    page.get_by_text(re.compile(r"^Your turn")).wait_for()
    expect(page.locator("#connection")).to_have_text("live")  # the stream, through the relay
    page.get_by_role("button", name="Send offer").click()
    page.get_by_text("Standing offer from usa").wait_for()  # the agent's answer, live
    for sent in range(2, 20):  # offer until the agent's standing offer is worth 0.45 to dprk, then accept it
        if float(page.locator("#standing strong").first.inner_text()) >= 0.45:
            break
        page.get_by_role("button", name="Send offer").click()
        expect(page.locator("#history tbody tr")).to_have_count(1 + 2 * sent)
        page.get_by_text(re.compile(r"^Your turn")).wait_for()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#turn")).to_have_text(re.compile(r"^Agreement: "))
    expect(page.locator("#connection")).to_have_text("over: agreement")
    page.screenshot(path=shots / "party-relayed-over.png", full_page=True)

    logged = httpx.get(
        f"{owner}/api/sessions/{sid}/events",
        headers={"Authorization": f"Bearer {session['observer_token']}"},
        timeout=30,
    ).json()["events"]  # from the owner itself
    assert logged[-1]["kind"] == "agreement"
    expect(page.locator("#history tbody tr")).to_have_count(len(logged))
    observer = context.new_page()
    with observer.expect_response(lambda r: urlsplit(r.url).path.endswith("/stream")):
        observer.goto(urljoin(workers.url + "/", session["links"]["observer"]))
    expect(observer.locator("#turn")).to_have_text(page.locator("#turn").inner_text().split(" — worth")[0])
    expect(observer.locator("#connection")).to_have_text("over: agreement")
    expect(observer.locator("#trace tbody tr")).to_have_count(len(logged))
    expected = [(str(e["index"]), e.get("party") or "") for e in logged]
    assert list(zip(_column(observer, "trace", 1), _column(observer, "trace", 3), strict=True)) == expected
    assert list(zip(_column(page, "history", 1), _column(page, "history", 3), strict=True)) == expected
    observer.screenshot(path=shots / "observer-relayed-over.png", full_page=True)
    page.get_by_role("link", name="Read the debrief").click()
    expect(page.locator("#result")).to_have_text(re.compile(r"^Agreement reached after \d+ rounds\.$"))
    expect(page.locator("#trace tbody tr")).to_have_count(len(logged))

    worker0 = urlsplit(workers.url).netloc
    assert {urlsplit(url).netloc for url, _, _ in answers} == {worker0}  # the browser only ever asked worker 0
    about = [(url, status, by) for url, status, by in answers if f"/sessions/{sid}/" in url]
    paths = {urlsplit(url).path for url, _, _ in about}
    pages = {f"/sessions/{sid}/{name}" for name in ("party", "observe", "debrief")}
    assert {*pages, f"/api/sessions/{sid}/stream", f"/api/sessions/{sid}/debrief"} <= paths
    assert all(by == owner for _, _, by in about), about  # each one relayed by worker 0 from the owner
    streams = [url for url, _, _ in about if urlsplit(url).path.endswith("/stream")]
    assert len(streams) == 2, streams  # one for each page, never dropped: every event came live through it
    assert all(status < 400 for _, status, _ in answers), [a for a in answers if a[1] >= 400]


def _column(page: Any, table: str, number: int) -> list[str]:
    """Return the texts of column ``number`` (from 1) of ``#table``'s body."""
    return list(page.locator(f"#{table} tbody tr td:nth-child({number})").all_inner_texts())
