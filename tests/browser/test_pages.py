"""The pages in a real browser (Debian's chromium) against a real ``summitry serve`` process.

Each test drives the pages the way a person would: by the buttons' names and the fields'
labels the issue fixes ("Send offer", "Propose amendment", "Email", ...).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import PHONE, WIDE, Server

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (dev extra)").expect

pytestmark = pytest.mark.slow

SECRET_MARKERS = ("0.4321", "0.1234", "7.654321", "usa-private-brief")
OPEN = re.compile(
    r"Standing offer|Your offer stands|[Cc]urrent text"
)  # what reads as still on the table (visible text)


def _party_page(context: Any, server: Server, session: dict[str, Any], party: str) -> Any:
    page = context.new_page()
    page.goto(server.page("party", session["id"], session["party_tokens"][party]))
    page.get_by_text(re.compile(r"^(Your turn|Waiting)")).wait_for()
    return page


def _wait_turn(page: Any) -> None:
    page.get_by_text(re.compile(r"^Your turn")).wait_for()


def test_a_person_negotiates_against_an_agent_from_the_lobby_to_the_debrief(
    context: Any, server: Server, shots: Path
) -> None:
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_label("Scenario", exact=True).select_option("hanoi-deal")
    page.get_by_label("Protocol").select_option("sao")
    page.get_by_label("Rounds").fill("20")
    page.get_by_label("Who plays dprk").select_option("human")
    page.get_by_label("Who plays usa").select_option("agent")
    page.get_by_label("Agent for usa").select_option("conceder")
    page.get_by_label("Reveal every party's utility after the end").check()
    page.screenshot(path=shots / "lobby.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "lobby-phone.png", full_page=True)
    _fits(page)
    page.set_viewport_size(WIDE)
    page.get_by_role("button", name="Create session").click()
    page.get_by_role("heading", name="Session created").wait_for()
    links = page.locator("#links a")
    assert links.count() == 4  # two parties, the observers and the administrator
    page.screenshot(path=shots / "lobby-links.png", full_page=True)

    dprk_link = links.first.get_attribute("href")
    page.goto(dprk_link)
    _wait_turn(page)
    assert "dprk" in page.title()
    offer_utility = page.locator("#offer-utility")
    assert offer_utility.inner_text() == "1.000"  # the form starts at dprk's best outcome
    page.get_by_label("sanctions_relief").select_option(label="partial (0.600)")
    assert offer_utility.inner_text() == "0.880"  # 1 - 0.30 * (1 - 0.6): seen before sending
    page.get_by_role("button", name="Send offer").click()
    page.get_by_text("Standing offer from usa").wait_for()
    page.locator("#history").get_by_text("usa").first.wait_for()
    page.screenshot(path=shots / "party-sao.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "party-sao-phone.png", full_page=True)
    _fits(page)
    page.set_viewport_size(WIDE)

    # Keep offering until the agent's standing offer is worth at least 0.45 to dprk, then accept it.
    worth = 0.0
    for sent in range(2, 20):
        worth = float(page.locator("#standing strong").first.inner_text())
        if worth >= 0.45:
            break
        page.get_by_role("button", name="Send offer").click()
        expect(page.locator("#history tbody tr")).to_have_count(1 + 2 * sent)
        expect(page.locator("#round")).to_have_text(f"{sent + 1} of 20")  # usa answered: round sent + 1 begins
        _wait_turn(page)
    page.get_by_role("button", name="Accept").click()
    page.get_by_text(re.compile(r"^Agreement: ")).wait_for()
    assert f"worth {worth:.3f} to you" in page.locator("#turn").inner_text()
    # the session reveals preferences at the end: the chart now shows both utilities and the frontier
    page.locator("#chart svg[aria-label^='Utility space of dprk and usa']").wait_for()
    page.get_by_role("link", name="Read the debrief").click()
    page.get_by_text(re.compile(r"^Agreement reached")).wait_for()
    page.locator("#space svg").wait_for()
    state = server.get(f"/api/sessions/{_session_of(page)}", dprk_link.split("#token=", 1)[1])
    agreement = state["agreement"]
    rows = page.locator("#agreement tr")
    assert {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text() for i in range(rows.count())
    } == {k: str(v) for k, v in agreement.items()}
    assert page.locator("#roadmap-card").is_visible()  # hanoi-deal has a catalogue of commitments
    assert page.locator("#trace tbody tr").count() >= 4
    # the agreement stands out in the trace, as on the observer's page: its row, and only it, is tinted
    marked = page.locator("#trace tbody tr.ev-agreement")
    expect(marked).to_have_count(1)
    assert "agreement" in marked.inner_text()
    tint = "el => getComputedStyle(el).backgroundColor"
    assert marked.locator("th, td").evaluate_all(f"cells => cells.map({tint})") == ["rgb(238, 246, 238)"] * 4
    assert page.locator("#trace tbody tr.ev-offer td").first.evaluate(tint) != "rgb(238, 246, 238)"
    page.screenshot(path=shots / "debrief.png", full_page=True)
    marked.scroll_into_view_if_needed()  # the trace's box scrolls: its end, where the agreement is
    page.locator("#trace").locator("xpath=..").screenshot(path=shots / "debrief-trace-end.png")


def _fits(page: Any) -> None:
    """Assert that nothing sticks out sideways at the page's width (no horizontal scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _session_of(page: Any) -> str:
    return str(re.search(r"/sessions/([^/]+)/", page.url).group(1))  # type: ignore[union-attr]


def test_two_people_mediate_the_dinner_with_amendments_and_votes(browser: Any, server: Server, shots: Path) -> None:
    session = server.create(
        {
            "scenario": "hanoi-dinner",
            "protocol": "mediation",
            "amendments": True,
            "rounds": 2,
            "reveal": "after_end",
            "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}},
        }
    )
    contexts = [browser.new_context(viewport=WIDE), browser.new_context(viewport=PHONE)]
    try:
        dprk = _party_page(contexts[0], server, session, "dprk")
        usa = _party_page(contexts[1], server, session, "usa")
        observer = contexts[0].new_page()
        observer.goto(server.page("observer", session["id"], session["observer_token"]))
        expect(observer.locator("#current")).to_have_text(re.compile(r"^Current text: starter="))
        # Round 1: each delegation amends one course (to a value the text does not have yet), and
        # both approve the chefs' merged draft. Round 2: no amendments, and both reject the
        # chefs' own proposal. Then both approve the final text.
        wishes = {"dprk": ("dessert", ("fruit", "che")), "usa": ("drinks", ("wine", "water"))}
        wanted: dict[str, str] = {}
        for name, page in (("dprk", dprk), ("usa", usa)):
            _wait_turn(page)
            issue, (first, second) = wishes[name]
            chooser = page.get_by_label(issue, exact=True)
            value = second if chooser.locator("option:checked").inner_text().startswith(f"{first} ") else first
            labels = chooser.locator("option").all_inner_texts()
            chooser.select_option(index=next(i for i, t in enumerate(labels) if t.startswith(f"{value} ")))
            wanted[issue] = value
            page.get_by_role("button", name="Propose amendment").click()
        for page in (dprk, usa):
            _wait_turn(page)
            page.get_by_text("The vote on the new draft").wait_for()
            if page is dprk:
                page.screenshot(path=shots / "party-mediation.png", full_page=True)
            page.get_by_role("button", name="Approve").click()
        for page in (dprk, usa):
            _wait_turn(page)
            page.get_by_role("button", name="No amendment").click()
        for page in (dprk, usa):
            _wait_turn(page)
            page.get_by_text("The vote on the new draft").wait_for()
            page.get_by_role("button", name="Reject").click()
        for page in (dprk, usa):
            page.get_by_text("Final approval of the text").wait_for()
            _wait_turn(page)
            page.get_by_role("button", name="Approve").click()
        for page in (dprk, usa):
            page.get_by_text(re.compile(r"^Agreement: ")).wait_for()
        menu = server.get(f"/api/sessions/{session['id']}", session["observer_token"])["agreement"]
        assert {issue: menu[issue] for issue in wanted} == wanted
        text = dprk.locator("#turn").inner_text()
        assert all(f"{k}={v}" in text for k, v in menu.items())
        amendments = [
            e
            for e in server.get(f"/api/sessions/{session['id']}/events", session["observer_token"])["events"]
            if e["kind"] == "amend"
        ]
        assert {"dprk", "usa"} <= {e["party"] for e in amendments}
        _shows_the_agreement_and_no_open_offer(dprk, usa, observer)
        for page in (dprk, usa):
            expect(page.locator("#draft")).to_contain_text("The agreed text, worth ")
            rows = page.locator("#draft tbody tr")
            assert {r.locator("th").inner_text(): r.locator("td").inner_text() for r in rows.all()} == menu
        expect(observer.locator("#current")).to_be_empty()
        expect(observer.locator("#trace tbody tr").last).to_contain_text("agreement: starter=")
        assert _scrolls(observer, "trace") and _newest_in_view(observer, "trace")  # the end, without scrolling
        observer.screenshot(path=shots / "observer-mediation-over.png", full_page=True)
        usa.screenshot(path=shots / "party-mediation-phone.png", full_page=True)
    finally:
        for made in contexts:
            made.close()


def _finished_session(server: Server) -> dict[str, Any]:
    session = server.create(
        {
            "scenario": "hanoi-deal",
            "protocol": "sao",
            "rounds": 10,
            "parties": {"dprk": {"kind": "agent", "agent": "conceder"}, "usa": {"kind": "agent", "agent": "conceder"}},
        }
    )
    for _ in range(200):
        if server.get(f"/api/sessions/{session['id']}", session["observer_token"])["status"] != "running":
            return session
        time.sleep(0.05)
    raise AssertionError("a session of two agents did not finish")


def test_a_reply_shows_its_text_as_typed_runs_no_script_and_never_shows_the_email(
    context: Any, server: Server, shots: Path
) -> None:
    session = _finished_session(server)
    page = context.new_page()
    bodies: list[str] = []
    page.on("response", lambda response: bodies.append(_text(response)))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.page("debrief", session["id"], session["observer_token"]))
    page.get_by_role("heading", name="Leave a reply").wait_for()
    typed = "<script>window.pwned = 1; alert('x')</script> <img src=x onerror=\"window.pwned=2\"> Fine & fair."
    email = "reader.secret@example.org"
    page.get_by_label("Name").fill("A <b>reader</b>")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Comment").fill(typed)
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("your reply is posted").wait_for()
    reply = page.locator(".reply").first
    assert reply.locator(".reply-text").inner_text() == typed
    assert reply.locator(".reply-name").inner_text() == "A <b>reader</b>"
    page.reload()
    page.locator(".reply-text").first.wait_for()
    assert page.locator(".reply-text").first.inner_text() == typed
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []
    assert page.locator("#thread script, #thread img").count() == 0
    assert email not in page.content()
    assert all(email not in body for body in bodies)
    assert email not in json.dumps(server.get(f"/api/sessions/{session['id']}/comments", session["observer_token"]))
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "debrief-phone.png", full_page=True)
    _fits(page)


def _text(response: Any) -> str:
    if "text/event-stream" in response.headers.get("content-type", ""):
        return ""  # a live stream never ends; what it carries is checked through events
    try:
        return str(response.text())
    except Exception:  # a body the browser no longer holds (a redirect, an aborted fetch)
        return ""


def _three_parties() -> dict[str, Any]:
    values = {"none": 0, "some": 5, "all": 10}
    issues = [{"name": n, "values": list(values)} for n in ("trade", "aid", "talks")]

    def party(name: str, weights: list[float], reservation: float) -> dict[str, Any]:
        return {
            "name": name,
            "reservation": reservation,
            "utility": {
                "type": "linear-additive",
                "weights": {i["name"]: w for i, w in zip(issues, weights, strict=True)},
                "values": {i["name"]: values for i in issues},
            },
        }

    return {
        "name": "three-capitals",
        "issues": issues,
        "parties": [
            party("dprk", [0.5, 0.3, 0.2], 0.2),
            party("usa", [0.2, 0.5, 0.3], 0.2),
            party("rok", [0.3, 0.2, 0.5], 0.2),
        ],
    }


def test_a_letter_reaches_its_addressee_live_and_no_one_else(browser: Any, server: Server, shots: Path) -> None:
    session = server.create(
        {
            "scenario": _three_parties(),
            "protocol": "sao",
            "rounds": 10,
            "parties": {name: {"kind": "human"} for name in ("dprk", "usa", "rok")},
        }
    )
    contexts = [browser.new_context(viewport=WIDE) for _ in range(4)]
    try:
        dprk, usa, rok = (
            _party_page(c, server, session, p) for c, p in zip(contexts[:3], ("dprk", "usa", "rok"), strict=True)
        )
        observer = contexts[3].new_page()
        observer.goto(server.page("observer", session["id"], session["observer_token"]))
        observer.get_by_text("The public trace").wait_for()
        text = "Dear Mr President, the envoy brings our proposal on talks. Sealed for usa."
        dprk.get_by_role("button", name="Write letter").click()
        dprk.get_by_label("usa").check()
        dprk.get_by_label("rok").uncheck()
        dprk.get_by_label("Letter", exact=True).fill(text)
        dprk.get_by_role("button", name="Send letter").click()
        usa.locator(".letter-text").get_by_text(text).wait_for()  # live: usa's page was not reloaded
        assert usa.locator(".letter-head").first.inner_text() == "dprk wrote to usa"
        usa.screenshot(path=shots / "party-letter.png", full_page=True)
        observer.get_by_text("sent a letter to usa").wait_for()
        rok.locator("#history").get_by_text("letter to usa").wait_for()
        for page in (observer, rok):
            assert "envoy brings" not in page.content()
        observer.set_viewport_size(PHONE)
        observer.screenshot(path=shots / "observer-phone.png", full_page=True)
        _fits(observer)
        for token in (session["observer_token"], session["party_tokens"]["rok"]):
            events = server.get(f"/api/sessions/{session['id']}/events", token)["events"]
            letters = [e for e in events if e["kind"] == "letter"]
            assert letters and all("text" not in e["data"] for e in letters)
    finally:
        for made in contexts:
            made.close()


def _private_scenario() -> dict[str, Any]:
    """The dinner, with usa's brief rewritten so that its numbers are unmistakable."""
    from summitry.formats.loading import load_scenario
    from summitry.formats.native import scenario_to_document

    document = scenario_to_document(load_scenario("hanoi-dinner"))
    usa = document["parties"][1]
    usa["description"] = "usa-private-brief"
    usa["reservation"] = 0.4321
    usa["utility"]["weights"] = {"starter": 0.1234, "main": 0.4, "dessert": 0.2, "drinks": 0.2766}
    usa["utility"]["values"]["main"]["beef_steak"] = 7.654321
    return document


def test_the_party_page_shows_no_trace_of_the_other_partys_utility(context: Any, server: Server) -> None:
    session = server.create(
        {
            "scenario": _private_scenario(),
            "protocol": "sao",
            "rounds": 10,
            "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "boulware"}},
        }
    )
    page = context.new_page()
    bodies: list[str] = []
    page.on("response", lambda response: bodies.append(_text(response)))
    page.goto(server.page("party", session["id"], session["party_tokens"]["dprk"]))
    _wait_turn(page)
    page.get_by_role("button", name="Send offer").click()
    page.get_by_text("Standing offer from usa").wait_for()
    page.get_by_role("button", name="Send offer").click()
    page.locator("#history tbody tr").nth(4).wait_for()
    dom = page.content() + page.evaluate("document.body.innerText")
    fetched = "\n".join(bodies)
    events = json.dumps(server.get(f"/api/sessions/{session['id']}/events", session["party_tokens"]["dprk"]))
    assert "0.55" in dom  # dprk's own reservation value is on its page ...
    for marker in SECRET_MARKERS:  # ... and nothing of usa's brief, anywhere
        assert marker not in dom, marker
        assert marker not in fetched, marker
        assert marker not in events, marker


def test_a_reload_and_a_server_restart_mid_session_catch_up_and_carry_on(context: Any, own_server: Server) -> None:
    server = own_server
    session = server.create(
        {
            "scenario": "hanoi-deal",
            "protocol": "sao",
            "rounds": 30,
            "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}},
        }
    )
    sid, usa = session["id"], session["party_tokens"]["usa"]
    page = _party_page(context, server, session, "dprk")
    page.get_by_role("button", name="Send offer").click()
    page.get_by_text("Waiting: it is usa's turn.").wait_for()
    page.reload()
    page.get_by_text("Waiting: it is usa's turn.").wait_for()
    expect(page.locator("#history tbody tr")).to_have_count(2)  # start and dprk's offer, caught up after the reload
    counter = {
        "yongbyon": "full",
        "other_sites": "all",
        "remains": "more",
        "test_moratorium": "missiles_and_nuclear",
        "liaison_offices": "no",
        "cultural_exchange": "none",
        "end_of_war": "no",
        "sanctions_relief": "partial",
    }
    server.act(sid, usa, {"kind": "offer", "outcome": counter})
    page.get_by_text("Standing offer from usa").wait_for()  # live, no reload

    page.get_by_role("button", name="Send offer").click()
    page.get_by_text("Waiting: it is usa's turn.").wait_for()
    server.kill()
    page.locator("#connection", has_text="reconnecting").wait_for()
    server.start()
    page.locator("#connection", has_text="live").wait_for()
    server.act(sid, usa, {"kind": "offer", "outcome": {**counter, "sanctions_relief": "full"}})
    page.get_by_text(re.compile(r"^Your turn")).wait_for()  # caught up after the restart, no reload
    expect(page.locator("#history tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Accept").click()
    page.get_by_text(re.compile(r"^Agreement: ")).wait_for()
    final = server.get(f"/api/sessions/{sid}", usa)
    assert final["status"] == "agreed" and final["agreement"]["sanctions_relief"] == "full"


def test_a_finished_session_shows_the_rounds_played_as_the_debrief_does_and_says_it_is_over(
    browser: Any, server: Server, shots: Path
) -> None:
    """The first party accepts in round 2: the state's ``round`` (an index from 0) is 1, ``result.rounds`` is 2."""
    session = server.create(
        {"scenario": "hanoi-deal", "rounds": 10, "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}}}
    )
    sid, dprk, usa = session["id"], session["party_tokens"]["dprk"], session["party_tokens"]["usa"]
    context = browser.new_context(viewport=WIDE)
    try:
        party = _party_page(context, server, session, "usa")
        observer = context.new_page()
        observer.goto(server.page("observer", sid, session["observer_token"]))
        for page in (party, observer):
            expect(page.locator("#round")).to_have_text("1 of 10")
            expect(page.locator("#connection")).to_have_text("live")
        outcome = {i["name"]: i["values"][0] for i in server.get(f"/api/sessions/{sid}", dprk)["scenario"]["issues"]}
        server.act(sid, dprk, {"kind": "offer", "outcome": outcome})
        server.act(sid, usa, {"kind": "offer", "outcome": outcome})
        expect(observer.locator("#current")).to_have_text(re.compile(r"^Standing offer by usa: yongbyon="))
        server.act(sid, dprk, {"kind": "accept"})
        final = server.get(f"/api/sessions/{sid}", usa)
        assert (final["status"], final["round"], final["result"]["rounds"]) == ("agreed", 1, 2)
        for page in (party, observer):  # both pages were open: they follow the end live, without a reload
            expect(page.locator("#round-label")).to_have_text("Rounds played")
            expect(page.locator("#round")).to_have_text("2 of 10")
            expect(page.locator("#connection")).to_have_text("over: agreement")
            expect(page.locator("#connection")).to_have_attribute("data-kind", "over")
        assert party.locator("#history tbody tr").last.locator(".col-round").inner_text() == "2"
        party.screenshot(path=shots / "party-over.png", full_page=True)
        _shows_the_agreement_and_no_open_offer(party, observer)
        observer.reload()  # opened after the end, too
        expect(observer.locator("#round")).to_have_text("2 of 10")
        expect(observer.locator("#connection")).to_have_text("over: agreement")
        _shows_the_agreement_and_no_open_offer(party, observer)
        observer.screenshot(path=shots / "observer-over.png", full_page=True)
        party.get_by_role("link", name="Read the debrief").click()
        expect(party.locator("#result")).to_have_text("Agreement reached after 2 rounds.")
    finally:
        context.close()


def test_the_trace_and_the_history_follow_the_newest_event_unless_the_reader_scrolled_up(
    browser: Any, server: Server, shots: Path
) -> None:
    """The observer's trace and the party's history scroll on their own: to the newest event, as a chat does."""
    session = server.create(
        {"scenario": "hanoi-deal", "rounds": 30, "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}}}
    )
    sid, tokens = session["id"], session["party_tokens"]
    issues = server.get(f"/api/sessions/{sid}", tokens["dprk"])["scenario"]["issues"]

    def offer(party: str, number: int) -> None:
        outcome = {i["name"]: i["values"][(number + k) % len(i["values"])] for k, i in enumerate(issues)}
        server.act(sid, tokens[party], {"kind": "offer", "outcome": outcome})

    context = browser.new_context(viewport=WIDE)
    try:
        party = _party_page(context, server, session, "usa")
        observer = context.new_page()
        observer.goto(server.page("observer", sid, session["observer_token"]))
        boxes = ((party, "history"), (observer, "trace"))
        for page, _ in boxes:
            expect(page.locator("#connection")).to_have_text("live")
        for number in range(20):
            offer(("dprk", "usa")[number % 2], number)
        for page, table in boxes:  # the start and 20 offers: more than the box holds
            expect(page.locator(f"#{table} tbody tr")).to_have_count(21)
            assert _scrolls(page, table) and _newest_in_view(page, table)  # followed them live
            assert _heading_in_view(page, table)  # the column headings stay pinned at the box's top
            page.locator(f"#{table}").evaluate("t => { t.parentElement.scrollTop = 0; }")  # read the first ones
        offer("dprk", 20)
        for page, table in boxes:  # a new event does not take the reader away from what they read
            expect(page.locator(f"#{table} tbody tr")).to_have_count(22)
            assert page.locator(f"#{table}").evaluate("t => t.parentElement.scrollTop") == 0
            assert not _newest_in_view(page, table)
            page.locator(f"#{table}").evaluate("t => { t.parentElement.scrollTop = t.parentElement.scrollHeight; }")
        server.act(sid, tokens["usa"], {"kind": "accept"})
        for page, table in boxes:  # back at the end, it follows again
            expect(page.locator("#turn")).to_have_text(re.compile(r"^Agreement: "))
            expect(page.locator(f"#{table} tbody tr").last).to_contain_text("agreement: ")
            assert _newest_in_view(page, table) and _heading_in_view(page, table)
        party.screenshot(path=shots / "party-history-end.png", full_page=True)
        observer.reload()  # a finished session opened afresh: its end is in view, under the headings
        expect(observer.locator("#trace tbody tr").last).to_contain_text("agreement: ")
        assert _scrolls(observer, "trace") and _newest_in_view(observer, "trace")
        assert _heading_in_view(observer, "trace")
        observer.screenshot(path=shots / "observer-trace-end.png", full_page=True)
    finally:
        context.close()


def _scrolls(page: Any, table: str) -> bool:
    """Return whether the box around ``#table`` holds more than it shows (it scrolls on its own)."""
    return bool(page.locator(f"#{table}").evaluate("t => t.parentElement.scrollHeight > t.parentElement.clientHeight"))


def _newest_in_view(page: Any, table: str) -> bool:
    """Return whether the last row of ``#table`` lies wholly within its scrolling box's visible area."""
    script = """t => {
        const box = t.parentElement.getBoundingClientRect();
        const row = t.querySelector("tbody tr:last-child").getBoundingClientRect();
        return row.top >= box.top - 1 && row.bottom <= box.bottom + 1;
    }"""
    return bool(page.locator(f"#{table}").evaluate(script))


def _heading_in_view(page: Any, table: str) -> bool:
    """Return whether every shown column heading of ``#table`` lies wholly within its scrolling box's visible area."""
    script = """t => {
        const box = t.parentElement.getBoundingClientRect();
        const cells = [...t.querySelectorAll("thead th")].filter((th) => th.offsetParent !== null)
            .map((th) => th.getBoundingClientRect());  // a column hidden at this width has no box
        return cells.length > 0 && cells.every((c) => c.top >= box.top - 1 && c.bottom <= box.bottom + 1);
    }"""
    return bool(page.locator(f"#{table}").evaluate(script))


def _shows_the_agreement_and_no_open_offer(*pages: Any) -> None:
    """After an agreement a page says so, and nothing on it reads as an offer or a text still open."""
    for page in pages:
        expect(page.locator("#turn")).to_have_text(re.compile(r"^Agreement: "))
        expect(page.locator("#main")).not_to_contain_text(OPEN, use_inner_text=True)


def test_an_end_without_agreement_shows_the_last_offer_or_text_as_not_accepted(
    context: Any, server: Server, shots: Path
) -> None:
    """A party ends the negotiation: the last offer (or text) shows as closed, on the observer and party pages."""
    for protocol in ("sao", "mediation"):
        session = server.create(
            {
                "scenario": "hanoi-deal" if protocol == "sao" else "hanoi-dinner",
                "protocol": protocol,
                "rounds": 10,
                "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}},
            }
        )
        sid, dprk, usa = session["id"], session["party_tokens"]["dprk"], session["party_tokens"]["usa"]
        party = _party_page(context, server, session, "usa")
        observer = context.new_page()
        observer.goto(server.page("observer", sid, session["observer_token"]))
        if protocol == "sao":
            issues = server.get(f"/api/sessions/{sid}", dprk)["scenario"]["issues"]
            server.act(sid, dprk, {"kind": "offer", "outcome": {i["name"]: i["values"][0] for i in issues}})
            expect(observer.locator("#current")).to_have_text(re.compile(r"^Standing offer by dprk: yongbyon="))
            expect(party.locator("#standing")).to_contain_text("Standing offer from dprk")
            server.act(sid, usa, {"kind": "end"})
        else:
            expect(observer.locator("#current")).to_have_text(re.compile(r"^Current text: starter="))
            expect(party.locator("#draft")).to_contain_text("The current text, worth ")
            server.act(sid, dprk, {"kind": "end"})
        for page in (party, observer):
            expect(page.locator("#connection")).to_have_text("over: a party ended the negotiation")
            expect(page.locator("#main")).not_to_contain_text(OPEN, use_inner_text=True)
        expect(observer.locator("#turn")).to_have_text(re.compile(r"^Over: no agreement"))
        if protocol == "sao":
            closed = r"^Last offer, by dprk \(not accepted\): yongbyon="
            expect(observer.locator("#current")).to_have_text(re.compile(closed))
            expect(party.locator("#sao-card")).to_be_hidden()
        else:
            expect(observer.locator("#current")).to_have_text(re.compile(r"^Last text \(not agreed\): starter="))
            expect(party.locator("#draft")).to_contain_text("The last text (not agreed), worth ")
        # The party's chart (the offers in its own utility: nothing is revealed) is named as over, aloud too.
        expect(party.locator("#chart-title")).not_to_contain_text("so far")
        expect(party.locator("#chart svg")).not_to_have_attribute("aria-label", re.compile("so far"))
        expect(party.locator("#chart svg")).to_have_attribute(
            "aria-label", re.compile(r"^The .* in the utility of usa$")
        )
        observer.screenshot(path=shots / f"observer-ended-{protocol}.png", full_page=True)
        party.screenshot(path=shots / f"party-ended-{protocol}.png", full_page=True)
        party.close()
        observer.close()


def test_the_administrators_link_gives_a_party_a_new_link_and_the_old_one_stops_working(
    context: Any, server: Server
) -> None:
    session = server.create(
        {"scenario": "hanoi-deal", "rounds": 10, "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "human"}}}
    )
    old = _party_page(context, server, session, "usa")
    admin = context.new_page()
    admin.goto(server.page("observer", session["id"], session["admin_token"]))
    admin.get_by_role("button", name="New link for usa").click()
    link = admin.locator("#admin-links a").first
    link.wait_for()
    assert session["party_tokens"]["usa"] not in link.get_attribute("href")
    old.reload()
    old.get_by_text("This link does not open a party page").wait_for()
    fresh = context.new_page()
    fresh.goto(link.get_attribute("href"))
    fresh.get_by_text("Waiting: it is dprk's turn.").wait_for()
    observer = context.new_page()
    observer.goto(server.page("observer", session["id"], session["observer_token"]))
    observer.get_by_text("The public trace").wait_for()
    expect(observer.locator("#admin-card")).to_be_hidden()


def test_the_lobby_makes_a_session_from_an_uploaded_scenario_file(context: Any, server: Server, tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "three-capitals.yaml"
    path.write_text(yaml.safe_dump(_three_parties()), encoding="utf-8")
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_label("Who plays dprk").wait_for()  # the shipped scenarios are loaded
    page.get_by_label("Upload a file").check()
    page.get_by_label("Scenario file").set_input_files(str(path))
    page.get_by_text("Read three-capitals.yaml: scenario three-capitals.").wait_for()
    assert page.locator("select.party-kind").count() == 3
    for party in ("dprk", "usa", "rok"):
        page.get_by_label(f"Who plays {party}").select_option("agent")
        page.get_by_label(f"Agent for {party}").select_option("conceder")
    page.get_by_label("Parameters for rok").fill("exponent=3")
    page.get_by_role("button", name="Create session").click()
    page.get_by_role("heading", name="Session created").wait_for()
    assert page.locator("#links a").count() == 5
    observer = page.locator("#links a").nth(3).get_attribute("href")
    page.goto(observer)
    page.get_by_text(re.compile(r"^(Agreement|Over)")).wait_for()  # three agents run to the end by themselves
    assert page.locator("#parties").inner_text() == "dprk, usa, rok"
    state = server.get(f"/api/sessions/{_session_of(page)}", observer.split("#token=", 1)[1])
    assert {p["name"]: p.get("agent") for p in state["parties"]}["rok"] == "conceder:exponent=3"
