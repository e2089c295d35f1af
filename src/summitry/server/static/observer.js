// The observer page: the public trace, live; nothing private (letters show only who wrote to whom).
"use strict";

(() => {
  const { el, clear, Api, Feed, asOutcome, outcomeText, setStatus } = Summitry;
  const $ = (id) => document.getElementById(id);
  const sessionId = Summitry.sessionIdFromLocation();
  const token = Summitry.tokenFromLocation();
  let state = null;
  let issues = [];
  const events = [];
  let connection = { kind: "connecting", message: "" }; // the live feed's last word

  const refresh = Summitry.coalesce(async () => {
    try {
      state = await Api.api(`/api/sessions/${encodeURIComponent(sessionId)}`, { token });
      issues = Summitry.issuesOf(state);
      render();
    } catch (err) {
      if (err.status === 401 || err.status === 403 || err.status === 404) {
        $("status-title").textContent = "This link does not open the session";
        setStatus($("turn"), err.message, "error");
      }
    }
  });

  function render() {
    const name = Summitry.scenarioName(state);
    $("status-title").textContent = `Session ${sessionId} — ${name}`;
    $("where").textContent = `Observer · ${name}`;
    $("protocol").textContent = state.protocol === "sao" ? "alternating offers" : state.amendments ? "mediation with amendments" : "mediation";
    const round = Summitry.roundFact(state);
    $("round-label").textContent = round.label;
    $("round").textContent = round.text;
    Summitry.showConnection($("connection"), connection.kind, connection.message, state);
    $("parties").textContent = (state.parties || []).map((p) => (typeof p === "string" ? p : p.name)).join(", ");
    const running = state.status === "running";
    if (running) setStatus($("turn"), state.next_party ? `It is ${state.next_party}'s turn.` : "Running.", "info");
    else {
      const agreement = asOutcome(state.agreement, issues);
      setStatus($("turn"), agreement ? `Agreement: ${outcomeText(agreement, issues)}` : `Over: no agreement (${Summitry.reasonText(state.reason || state.status)}).`, agreement ? "ok" : "info");
    }
    renderCurrent(running);
    const ended = $("ended");
    ended.hidden = running;
    if (!running) clear(ended).append(el("a", { href: Summitry.pageLink("debrief", sessionId, token), class: "button-link", text: "Read the debrief" }));
    renderAdmin();
    renderTrace();
  }

  // What is on the table: while it runs, the standing offer or the current text; after the end
  // the agreement is in the status line above, and with no agreement the last offer or text is
  // shown as not accepted (nothing reads as if it were still open).
  function renderCurrent(running) {
    const current = clear($("current"));
    const sao = state.protocol === "sao";
    const last = asOutcome(sao ? state.standing_offer : state.draft, issues);
    if (!last || (!running && asOutcome(state.agreement, issues))) return;
    let text;
    if (running) text = sao ? `Standing offer by ${state.standing_offer_by}: ` : "Current text: ";
    else text = sao ? `Last offer, by ${state.standing_offer_by} (not accepted): ` : "Last text (not agreed): ";
    current.append(el("p", { text: text + outcomeText(last, issues) }));
  }

  let adminReady = false;
  function renderAdmin() {
    if (adminReady || state.role !== "admin") return;
    adminReady = true;
    $("admin-card").hidden = false;
    const box = clear($("admin-parties"));
    for (const party of (state.parties || []).map((p) => (typeof p === "string" ? p : p.name))) {
      box.append(el("button", { type: "button", text: `New link for ${party}`, onclick: () => reissue(party) }));
    }
  }

  async function reissue(party) {
    try {
      const answer = await Api.api(`/api/sessions/${encodeURIComponent(sessionId)}/tokens`, { method: "POST", token, body: { party } });
      const url = new URL(answer.link, location.href).href;
      $("admin-links").append(el("li", {}, el("span", { class: "link-label", text: `New link for ${party}` }), el("a", { class: "link", href: url, text: url })));
      setStatus($("admin-status"), `${party}'s old link no longer works.`, "ok");
    } catch (err) {
      setStatus($("admin-status"), err.message, "error");
    }
  }

  function describe(e) {
    const outcome = asOutcome(e.outcome, issues);
    const data = e.data || {};
    switch (e.kind) {
      case "offer": return `offer: ${outcomeText(outcome, issues)}`;
      case "accept": return "accepted the standing offer";
      case "end": return "ended the negotiation";
      case "start": return outcome ? `first draft: ${outcomeText(outcome, issues)}` : "started";
      case "amend": {
        const changes = data.changes || {};
        return Object.keys(changes).length ? `amendment: ${Object.entries(changes).map(([k, v]) => `${k} → ${v}`).join(", ")}` : "no amendment";
      }
      case "proposal": return `${data.source === "amendments" ? "draft from the amendments" : "the chefs' proposal"}: ${outcomeText(outcome, issues)}`;
      case "vote": return data.accept ? "approved" : "rejected";
      case "approve": return data.accept ? "approved the text" : "rejected the text";
      case "draft": return `the text is now: ${outcomeText(outcome, issues)}`;
      case "deadline": return "deadline: final approval vote";
      case "agreement": return `agreement: ${outcomeText(outcome, issues)}`;
      case "timeout": return "deadline passed: no agreement";
      case "letter": return `sent a letter to ${(data.to || []).join(", ")}`;
      case "failure": return `failed: ${data.reason || ""}`;
      default: return e.kind;
    }
  }

  // The newest event stays in view, unless the reader has scrolled up to read older ones.
  function renderTrace() {
    Summitry.followEnd($("trace").parentElement, buildTrace);
  }

  function buildTrace() {
    const table = clear($("trace"));
    table.append(el("thead", {}, el("tr", {}, ["#", "round", "who", "what"].map((h) => el("th", { scope: "col", text: h })))));
    table.append(
      el(
        "tbody",
        {},
        events.map((e) =>
          el(
            "tr",
            { class: `ev ev-${e.kind}` },
            el("td", { class: "num", text: String(e.index ?? "") }),
            el("td", { class: "num", text: Summitry.roundNumber(e.round, state.deadline && state.deadline.rounds) }),
            el("td", { class: "who", text: e.party || (e.kind === "proposal" || e.kind === "draft" ? "chefs" : "") }),
            el("td", { class: "what", text: describe(e) })
          )
        )
      )
    );
  }

  async function start() {
    if (!token) {
      setStatus($("turn"), "The link has no token: open the observer link you were given.", "error");
      return;
    }
    await refresh();
    if (!state) return;
    new Feed({
      sessionId,
      token,
      onEvents: (fresh) => {
        events.push(...fresh);
        refresh();
      },
      onConnection: (kind, message) => {
        connection = { kind, message };
        Summitry.showConnection($("connection"), kind, message, state);
      },
    }).start();
  }

  start();
})();
