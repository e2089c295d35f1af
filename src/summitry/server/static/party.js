// The party page: one party's private brief, the negotiation live, its moves and its letters.
"use strict";

(() => {
  const { el, clear, Api, Feed, Utility, asOutcome, breaksConstraints, fmt, outcomeText, setStatus, countdown } = Summitry;
  const $ = (id) => document.getElementById(id);
  const sessionId = Summitry.sessionIdFromLocation();
  const token = Summitry.tokenFromLocation();

  let state = null; // the last GET /api/sessions/{id}
  let issues = [];
  let utility = null;
  let me = "";
  const events = []; // every event this party may see, in order
  let deadlineAt = null; // the deadline in this browser's clock (from the server's remaining seconds)
  let offerDirty = false; // the person has touched the offer form
  let amendDirty = false;
  let busy = false;
  let connection = { kind: "connecting", message: "" }; // the live feed's last word

  // ---- reading the state -------------------------------------------------------------
  const phaseOf = (s) => s.phase || s.request || (s.protocol === "sao" ? "offer" : "vote");
  const running = () => state && state.status === "running";
  const myTurn = () => running() && state.next_party === me;
  const draftOf = (s) => asOutcome(s.draft, issues);
  const proposalOf = (s) => asOutcome(s.proposal, issues);

  const refresh = Summitry.coalesce(async () => {
    try {
      const next = await Api.api(`/api/sessions/${encodeURIComponent(sessionId)}`, { token });
      apply(next);
    } catch (err) {
      if (err.status === 401 || err.status === 403 || err.status === 404) fatal(err.message);
    }
  });

  function fatal(message) {
    $("status-title").textContent = "This link does not open a party page";
    setStatus($("turn"), message, "error");
  }

  function apply(next) {
    const first = state === null;
    state = next;
    if (first) {
      issues = Summitry.issuesOf(next);
      me = next.you;
      utility = new Utility(next.utility || {}, issues);
      document.title = `summitry — ${me} — ${Summitry.scenarioName(next)}`;
      $("where").textContent = `${me} · ${Summitry.scenarioName(next)}`;
      renderBrief();
      if (next.protocol === "sao") buildOfferForm();
      else buildAmendForm();
      buildLetterForm();
    }
    const remaining = next.deadline && next.deadline.remaining_seconds;
    deadlineAt = Number.isFinite(remaining) ? Date.now() + remaining * 1000 : null;
    render();
  }

  // ---- the private brief ---------------------------------------------------------------
  function renderBrief() {
    const box = clear($("brief"));
    $("reservation").textContent = fmt(utility.reservation);
    if (utility.type === "table") {
      box.append(el("p", { text: "Your utility is given outcome by outcome; the utility of each offer is shown beside it." }));
      return;
    }
    for (const issue of issues) {
      box.append(
        el(
          "div",
          { class: "brief-row" },
          el("div", { class: "brief-issue" }, el("strong", { text: issue.name }), el("span", { class: "weight", text: `weight ${fmt(utility.weight(issue.name))}` })),
          el("div", { class: "chips" }, issue.values.map((v) => el("span", { class: "chip" }, `${v} `, el("b", { text: fmt(utility.evaluation(issue.name, v)) }))))
        )
      );
    }
    if (utility.forbid.length) {
      box.append(
        el("p", { class: "help" }, "Never acceptable to you: ", utility.forbid.map((r) => Object.entries(r).map(([k, v]) => `${k} ∈ {${v.join(", ")}}`).join(" and ")).join("; "))
      );
    }
  }

  // ---- value choosers ------------------------------------------------------------------
  function chooser(prefix, issue, onChange) {
    const id = `${prefix}-${issue.name}`;
    const select = el(
      "select",
      { id, name: issue.name, "data-issue": issue.name },
      issue.values.map((v, i) => el("option", { value: String(i), text: optionText(issue, v) }))
    );
    select.addEventListener("change", onChange);
    return el("div", { class: "field" }, el("label", { for: id, text: issue.name }), select);
  }

  function optionText(issue, value) {
    if (utility.type === "table") return String(value);
    return `${value} (${fmt(utility.evaluation(issue.name, value))})`;
  }

  function readChoosers(prefix) {
    const out = {};
    for (const issue of issues) out[issue.name] = issue.values[Number($(`${prefix}-${issue.name}`).value)];
    return out;
  }

  function setChoosers(prefix, outcome) {
    if (!outcome) return;
    for (const issue of issues) {
      const i = issue.values.findIndex((v) => Summitry.sameValue(v, outcome[issue.name]));
      if (i >= 0) $(`${prefix}-${issue.name}`).value = String(i);
    }
  }

  function utilityLine(node, outcome) {
    const u = utility.of(outcome);
    const infeasible = breaksConstraints(outcome, Summitry.constraintsOf(state));
    node.textContent = infeasible ? "not allowed (breaks a rule of the scenario)" : fmt(u);
  }

  // ---- SAO -----------------------------------------------------------------------------
  function buildOfferForm() {
    const box = clear($("offer-issues"));
    for (const issue of issues) {
      box.append(
        chooser("offer", issue, () => {
          offerDirty = true;
          utilityLine($("offer-utility"), readChoosers("offer"));
        })
      );
    }
    const best = bestOutcome();
    if (best) setChoosers("offer", best);
    utilityLine($("offer-utility"), readChoosers("offer"));
    $("offer-form").addEventListener("submit", (e) => {
      e.preventDefault();
      act({ kind: "offer", outcome: readChoosers("offer") }, $("sao-status"), "Offer sent.");
    });
    $("accept").addEventListener("click", () => act({ kind: "accept" }, $("sao-status"), "You accepted."));
    $("end-sao").addEventListener("click", endNegotiation);
  }

  // The best outcome allowed (a starting point for the first offer): issue by issue for a linear
  // utility when that is allowed, else by looking through the outcomes of a small enough space.
  function bestOutcome() {
    const constraints = Summitry.constraintsOf(state);
    const allowed = (o) => { const u = utility.of(o); return u !== -Infinity && u !== null && !breaksConstraints(o, constraints); };
    if (utility.type !== "table") {
      const out = {};
      for (const issue of issues) {
        let best = issue.values[0];
        for (const v of issue.values) if (utility.evaluation(issue.name, v) > utility.evaluation(issue.name, best)) best = v;
        out[issue.name] = best;
      }
      if (allowed(out)) return out;
    }
    const size = issues.reduce((n, i) => n * i.values.length, 1);
    if (size > 50000) return null;
    let best = null;
    let bestU = -Infinity;
    const current = {};
    const walk = (k) => {
      if (k === issues.length) {
        if (!allowed(current)) return;
        const u = utility.of(current);
        if (u > bestU) {
          bestU = u;
          best = { ...current };
        }
        return;
      }
      for (const v of issues[k].values) {
        current[issues[k].name] = v;
        walk(k + 1);
      }
    };
    walk(0);
    return best;
  }

  function renderSao() {
    const standing = asOutcome(state.standing_offer, issues);
    const box = clear($("standing"));
    if (standing && state.standing_offer_by && state.standing_offer_by !== me) {
      box.append(
        el("p", {}, `Standing offer from ${state.standing_offer_by}, worth `, el("strong", { text: fmt(utility.of(standing)) }), " to you:"),
        outcomeTable(standing)
      );
    } else if (standing) {
      box.append(el("p", {}, "Your offer stands, worth ", el("strong", { text: fmt(utility.of(standing)) }), " to you."));
    } else {
      box.append(el("p", { text: "No offer yet." }));
    }
    const mine = myTurn();
    $("send-offer").disabled = !mine || busy;
    $("accept").disabled = !mine || busy || !standing || state.standing_offer_by === me;
    $("end-sao").disabled = !mine || busy;
  }

  // ---- mediation -----------------------------------------------------------------------
  function buildAmendForm() {
    const box = clear($("amend-issues"));
    for (const issue of issues) {
      box.append(
        chooser("amend", issue, () => {
          amendDirty = true;
          utilityLine($("amend-utility"), readChoosers("amend"));
        })
      );
    }
    $("amend-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const draft = draftOf(state) || {};
      const wanted = readChoosers("amend");
      const changes = {};
      for (const issue of issues) if (!Summitry.sameValue(wanted[issue.name], draft[issue.name])) changes[issue.name] = wanted[issue.name];
      if (!Object.keys(changes).length) {
        setStatus($("mediation-status"), "Change at least one issue, or choose No amendment.", "error");
        return;
      }
      act({ kind: "amend", outcome: changes }, $("mediation-status"), "Amendment proposed.").then(() => (amendDirty = false));
    });
    $("no-amendment").addEventListener("click", () => act({ kind: "amend", outcome: {} }, $("mediation-status"), "No amendment this round."));
    $("approve").addEventListener("click", () => act({ kind: "vote", approve: true }, $("mediation-status"), "You approved."));
    $("reject").addEventListener("click", () => act({ kind: "vote", approve: false }, $("mediation-status"), "You rejected."));
    $("end-mediation").addEventListener("click", endNegotiation);
  }

  function renderMediation() {
    const draft = draftOf(state);
    const proposal = proposalOf(state);
    const phase = phaseOf(state);
    const agreed = !running() && asOutcome(state.agreement, issues);
    const label = running() ? "The current text" : agreed ? "The agreed text" : "The last text (not agreed)";
    clear($("draft")).append(
      el("p", {}, `${label}, worth `, el("strong", { text: fmt(utility.of(agreed || draft)) }), " to you:"),
      outcomeTable(agreed || draft)
    );
    const voting = running() && (phase === "vote" || phase === "approve");
    $("vote-box").hidden = !voting;
    if (voting) {
      $("vote-title").textContent = phase === "approve" ? "Final approval of the text" : "The vote on the new draft";
      const box = clear($("proposal"));
      if (phase === "approve") {
        box.append(el("p", { text: "Time is up: approve the text as it stands to make it the agreement, or reject it (no agreement)." }));
      } else if (proposal) {
        box.append(
          el("p", {}, "Proposed draft, worth ", el("strong", { text: fmt(utility.of(proposal)) }), ` to you (the current text: ${fmt(utility.of(draft))}). Changes:`),
          changeList(draft, proposal)
        );
      }
    }
    const amending = running() && phase === "amend";
    $("amend-form").hidden = !amending;
    if (amending && (!amendDirty || !myTurn())) {
      setChoosers("amend", draft);
      amendDirty = false;
    }
    if (amending) utilityLine($("amend-utility"), readChoosers("amend"));
    const mine = myTurn();
    for (const id of ["approve", "reject", "propose", "no-amendment", "end-mediation"]) $(id).disabled = !mine || busy;
    $("end-mediation").parentElement.hidden = !running();
    $("amendments-box").hidden = !running() || !state.amendments;
    renderAmendments();
  }

  function renderAmendments() {
    const list = clear($("amendments"));
    const current = events.filter((e) => e.kind === "amend" && e.round === state.round);
    for (const e of current) {
      const changes = (e.data && e.data.changes) || {};
      const text = Object.keys(changes).length ? Object.entries(changes).map(([k, v]) => `${k} → ${v}`).join(", ") : "no change";
      list.append(el("li", {}, el("strong", { text: e.party }), `: ${text}`));
    }
    if (!current.length) list.append(el("li", { class: "help", text: "None yet." }));
  }

  function outcomeTable(outcome) {
    if (!outcome) return el("p", { class: "help", text: "—" });
    return el(
      "div",
      { class: "table-wrap free" },
      el(
        "table",
        { class: "compact outcome" },
        el("tbody", {}, issues.map((i) => el("tr", {}, el("th", { scope: "row", text: i.name }), el("td", { text: String(outcome[i.name]) }))))
      )
    );
  }

  function changeList(from, to) {
    const items = issues.filter((i) => from && to && !Summitry.sameValue(from[i.name], to[i.name]));
    if (!items.length) return el("p", { class: "help", text: "no change" });
    return el("ul", { class: "plain changes" }, items.map((i) => el("li", { text: `${i.name}: ${from[i.name]} → ${to[i.name]}` })));
  }

  // ---- actions -------------------------------------------------------------------------
  async function act(action, statusNode, done) {
    if (busy) return;
    busy = true;
    render();
    setStatus(statusNode, "Sending…");
    try {
      await Api.sendAction(sessionId, token, action);
      setStatus(statusNode, done, "ok");
      offerDirty = false;
    } catch (err) {
      setStatus(statusNode, err.message, "error");
    } finally {
      busy = false;
      await refresh();
    }
  }

  function endNegotiation() {
    if (!confirm("End the negotiation with no agreement?")) return;
    const node = state.protocol === "sao" ? $("sao-status") : $("mediation-status");
    act({ kind: "end" }, node, "You ended the negotiation.");
  }

  // ---- letters -------------------------------------------------------------------------
  function buildLetterForm() {
    const box = clear($("letter-to"));
    const others = partyNames().filter((p) => p !== me);
    others.forEach((p, i) => {
      const id = `letter-to-${i}`;
      box.append(el("label", { for: id }, el("input", { id, type: "checkbox", value: p, checked: others.length === 1 }), ` ${p}`));
    });
    $("write-letter").addEventListener("click", () => {
      const form = $("letter-form");
      form.hidden = !form.hidden;
      $("write-letter").setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) $("letter-text").focus();
    });
    $("letter-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const to = Array.from(document.querySelectorAll("#letter-to input:checked"), (n) => n.value);
      const text = $("letter-text").value;
      if (!to.length || !text.trim()) {
        setStatus($("letter-status"), "Choose at least one addressee and write something.", "error");
        return;
      }
      $("send-letter").disabled = true;
      try {
        await Api.api(`/api/sessions/${encodeURIComponent(sessionId)}/letters`, { method: "POST", token, body: { to, text }, key: Api.newKey() });
        $("letter-text").value = "";
        $("letter-form").hidden = true;
        $("write-letter").setAttribute("aria-expanded", "false");
        setStatus($("letter-status"), `Letter sent to ${to.join(", ")}.`, "ok");
      } catch (err) {
        setStatus($("letter-status"), err.message, "error");
      } finally {
        $("send-letter").disabled = false;
      }
    });
  }

  function renderLetters() {
    const list = clear($("letters"));
    const letters = events.filter((e) => e.kind === "letter");
    for (const e of letters.slice().reverse()) {
      const data = e.data || {};
      const to = (data.to || []).join(", ");
      const from = e.party || data.from;
      list.append(
        el(
          "li",
          { class: from === me ? "letter sent" : "letter received" },
          el("p", { class: "letter-head", text: from === me ? `You wrote to ${to}` : `${from} wrote to ${to}` }),
          data.text !== undefined ? el("p", { class: "letter-text", text: data.text }) : el("p", { class: "help", text: "(a sealed letter)" })
        )
      );
    }
    if (!letters.length) list.append(el("li", { class: "help", text: "No letters yet." }));
  }

  function partyNames() {
    return (state.parties || []).map((p) => (typeof p === "string" ? p : p.name));
  }

  // ---- history and chart ---------------------------------------------------------------
  // The newest event stays in view, unless the person has scrolled up to read older ones.
  function renderHistory() {
    Summitry.followEnd($("history").parentElement, buildHistory);
  }

  function buildHistory() {
    const table = clear($("history"));
    const sao = state.protocol === "sao";
    const head = [["#", "num"], ["round", "num col-round"], ["who", ""], ["what", ""], ["utility to you", "num"]];
    table.append(el("thead", {}, el("tr", {}, head.map(([h, c]) => el("th", { scope: "col", class: c || undefined, text: h })))));
    const body = el("tbody");
    let draft = null;
    let n = 0;
    for (const e of events) {
      const outcome = asOutcome(e.outcome, issues);
      let what = "";
      let u = null;
      if (e.kind === "offer") {
        what = `offer: ${outcomeText(outcome, issues)}`;
        u = utility.of(outcome);
      } else if (e.kind === "accept") what = "accepted the standing offer";
      else if (e.kind === "end") what = "ended the negotiation";
      else if (e.kind === "start") {
        if (outcome) {
          draft = outcome;
          what = `first draft: ${outcomeText(outcome, issues)}`;
          u = utility.of(outcome);
        } else what = "started";
      } else if (e.kind === "amend") {
        const changes = (e.data && e.data.changes) || {};
        what = Object.keys(changes).length ? `amendment: ${Object.entries(changes).map(([k, v]) => `${k} → ${v}`).join(", ")}` : "no amendment";
      } else if (e.kind === "proposal") {
        what = `${e.data && e.data.source === "amendments" ? "draft from the amendments" : "the chefs' proposal"}: ${changesText(draft, outcome)}`;
        u = utility.of(outcome);
      } else if (e.kind === "vote" || e.kind === "approve") what = e.data && e.data.accept ? (e.kind === "approve" ? "approved the text" : "approved") : "rejected";
      else if (e.kind === "draft") {
        what = `the text changed: ${changesText(draft, outcome)}`;
        draft = outcome;
        u = utility.of(outcome);
      } else if (e.kind === "deadline") what = "deadline: final approval vote";
      else if (e.kind === "agreement") {
        what = `agreement: ${outcomeText(outcome, issues)}`;
        u = utility.of(outcome);
      } else if (e.kind === "timeout") what = "deadline passed: no agreement";
      else if (e.kind === "failure") what = `failed: ${(e.data && e.data.reason) || ""}`;
      else if (e.kind === "letter") what = `letter to ${((e.data && e.data.to) || []).join(", ")}`;
      else what = e.kind;
      n += 1;
      body.append(
        el(
          "tr",
          { class: `ev ev-${e.kind}` },
          el("td", { class: "num", text: String(e.index ?? n) }),
          el("td", { class: "num col-round", text: Summitry.roundNumber(e.round, state.deadline && state.deadline.rounds) }),
          el("td", { class: "who", text: e.party || (e.kind === "proposal" || e.kind === "draft" ? "chefs" : "") }),
          el("td", { class: "what", text: what }),
          el("td", { class: "num", text: u === null ? "" : fmt(u) })
        )
      );
    }
    table.append(body);
  }

  function changesText(from, to) {
    if (!from || !to) return outcomeText(to, issues);
    const changed = issues.filter((i) => !Summitry.sameValue(from[i.name], to[i.name]));
    return changed.length ? changed.map((i) => `${i.name} ${from[i.name]} → ${to[i.name]}`).join(", ") : "no change";
  }

  function renderChart() {
    const points = [];
    if (state.protocol === "sao") {
      for (const e of events) {
        if (e.kind !== "offer") continue;
        points.push({ n: points.length + 1, u: utility.of(asOutcome(e.outcome, issues)), mine: e.party === me });
      }
      if (drawnSpace) return; // the offers in both utilities, drawn after the end, stay
      const title = running() ? "Offers so far" : "The offers";
      $("chart-title").textContent = title;
      SummitryChart.offers($("chart"), { offers: points, reservation: utility.reservation, you: me, title: `${title} in the utility of ${me}` });
      return;
    }
    // Mediation: each draft put to the vote, and the text as it stood when it was voted on.
    let text = null;
    let votes = 0;
    for (const e of events) {
      const outcome = asOutcome(e.outcome, issues);
      if ((e.kind === "start" || e.kind === "draft") && outcome) text = outcome;
      if (e.kind === "proposal" && outcome) {
        votes += 1;
        const n = votes;
        if (text) points.push({ n, u: utility.of(text), mine: true });
        points.push({ n, u: utility.of(outcome), mine: false });
      }
    }
    if (drawnSpace) return;
    const title = running() ? "Drafts put to the vote so far" : "The drafts put to the vote";
    $("chart-title").textContent = title;
    SummitryChart.offers($("chart"), { offers: points, reservation: utility.reservation, you: me, labels: { mine: "the text", theirs: "proposed draft" }, xLabel: "vote", title: `${title} in the utility of ${me}` });
  }

  // ---- the whole page ------------------------------------------------------------------
  function render() {
    if (!state) return;
    const sao = state.protocol === "sao";
    $("sao-card").hidden = !sao || !running();
    $("mediation-card").hidden = sao;
    const title = Summitry.scenarioName(state);
    $("status-title").textContent = `${me} — ${title}`;
    const round = Summitry.roundFact(state);
    $("round-label").textContent = round.label;
    $("round").textContent = round.text;
    Summitry.showConnection($("connection"), connection.kind, connection.message, state);
    tick();
    const turn = $("turn");
    if (running()) {
      if (myTurn()) setStatus(turn, sao ? "Your turn: make an offer, accept the standing one, or end." : turnText(), "mine");
      else setStatus(turn, `Waiting: it is ${state.next_party}'s turn.`, "theirs");
    } else {
      setStatus(turn, endText(), state.status === "agreed" ? "ok" : "info");
    }
    const ended = $("ended");
    ended.hidden = running();
    if (!running()) {
      clear(ended).append(el("a", { href: Summitry.pageLink("debrief", sessionId, token), class: "button-link", text: "Read the debrief" }));
    }
    if (sao && running()) renderSao();
    if (!sao) renderMediation();
    renderLetters();
    renderHistory();
    renderChart();
    drawSpace();
  }

  function turnText() {
    const phase = phaseOf(state);
    if (phase === "amend") return "Your turn: propose an amendment to the text (or none).";
    if (phase === "approve") return "Your turn: approve or reject the final text.";
    return "Your turn: approve or reject the new draft.";
  }

  function endText() {
    const agreement = asOutcome(state.agreement, issues);
    if (state.status === "agreed" && agreement) return `Agreement: ${outcomeText(agreement, issues)} — worth ${fmt(utility.of(agreement))} to you.`;
    if (state.status === "ended") return "The negotiation was ended with no agreement.";
    if (state.status === "timed_out") return "The deadline passed with no agreement.";
    return `The negotiation is over: ${Summitry.reasonText(state.reason || state.status)}.`;
  }

  function tick() {
    if (!state) return;
    const parts = [];
    if (state.deadline && state.deadline.rounds) parts.push(`${state.deadline.rounds} rounds`);
    if (deadlineAt !== null && running()) parts.push(`${countdown((deadlineAt - Date.now()) / 1000)} left`);
    else if (state.deadline && state.deadline.seconds) parts.push(`${state.deadline.seconds} s`);
    $("deadline").textContent = parts.join(", ") || "—";
  }

  // After the end of a session that reveals preferences: the offers in both utilities, with the frontier.
  let drawnSpace = false;
  async function drawSpace() {
    if (drawnSpace || running() || !state.utilities) return;
    drawnSpace = true;
    try {
      const debrief = await Api.api(`/api/sessions/${encodeURIComponent(sessionId)}/debrief`, { token });
      const parties = debrief.parties || [];
      if (parties.length !== 2 || !debrief.frontier) {
        drawnSpace = false;
        return;
      }
      const utils = parties.map((p) => new Utility((debrief.preferences || {})[p] || {}, issues));
      const offers = events
        .filter((e) => e.kind === "offer" || e.kind === "proposal")
        .map((e) => ({ party: e.kind === "proposal" ? "" : e.party, u: utils.map((u) => u.of(asOutcome(e.outcome, issues))) }));
      $("chart-title").textContent = "The offers in both utilities";
      SummitryChart.space($("chart"), {
        parties,
        frontier: debrief.frontier,
        offers,
        nash: debrief.points && debrief.points.nash ? debrief.points.nash.utilities : null,
        agreement: debrief.agreement ? parties.map((p) => debrief.utilities[p]) : null,
        reservations: parties.map((p) => debrief.reservations[p]),
      });
    } catch (err) {
      drawnSpace = false;
    }
  }

  function onEvents(fresh) {
    events.push(...fresh);
    refresh();
  }

  function onConnection(kind, message) {
    connection = { kind, message };
    Summitry.showConnection($("connection"), kind, message, state);
    if (kind === "live") refresh();
  }

  async function start() {
    if (!token) {
      fatal("The link has no token: open the party link you were given.");
      return;
    }
    await refresh();
    if (!state) return;
    new Feed({ sessionId, token, onEvents, onConnection }).start();
    setInterval(tick, 1000);
  }

  start();
})();
