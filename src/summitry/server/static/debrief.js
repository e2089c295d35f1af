// The debrief page: the result, what was possible, the trace, and the reply thread.
"use strict";

(() => {
  const { el, clear, Api, asOutcome, fmt, outcomeText, setStatus } = Summitry;
  const $ = (id) => document.getElementById(id);
  const sessionId = Summitry.sessionIdFromLocation();
  const token = Summitry.tokenFromLocation();
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  let issues = [];
  let parties = [];

  // A point as [u_a, u_b]: from a list, a mapping by party, or {utilities: ...}.
  function vector(raw) {
    if (!raw) return null;
    if (Array.isArray(raw)) return raw.map(Number);
    if (raw.utilities) return vector(raw.utilities);
    if (typeof raw === "object") return parties.map((p) => Number(raw[p]));
    return null;
  }

  // rowClass(k): the class of the k-th body row (the trace marks its events' kinds, as the observer's does)
  function table(node, head, rows, classes, rowClass) {
    const cls = (c, i) => (classes && classes[i]) || (typeof c === "number" ? "num" : undefined);
    clear(node).append(
      el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows.map((r, k) => el("tr", { class: rowClass ? rowClass(k) : undefined }, r.map((c, i) => el(i ? "td" : "th", { scope: i ? undefined : "row", class: cls(c, i), text: typeof c === "number" ? fmt(c) : c ?? "—" })))))
    );
  }

  function render(debrief, state) {
    parties = (debrief.parties || state.parties || []).map((p) => (typeof p === "string" ? p : p.name));
    issues = Summitry.issuesOf(state);
    $("result-title").textContent = `Debrief — ${Summitry.scenarioName(state)}`;
    $("where").textContent = `Debrief · session ${sessionId}`;
    document.title = `summitry — debrief — ${Summitry.scenarioName(state)}`;
    const agreement = asOutcome(debrief.agreement, issues);
    const rounds = `${debrief.rounds} round${debrief.rounds === 1 ? "" : "s"}`;
    setStatus(
      $("result"),
      agreement ? `Agreement reached after ${rounds}.` : `No agreement after ${rounds}: ${Summitry.reasonText(debrief.reason)}.`,
      agreement ? "ok" : "info"
    );
    const box = clear($("agreement"));
    if (agreement) {
      box.append(
        el("div", { class: "table-wrap free" }, el("table", { class: "compact outcome" }, el("tbody", {}, issues.map((i) => el("tr", {}, el("th", { scope: "row", text: i.name }), el("td", { text: String(agreement[i.name]) }))))))
      );
    }
    const utilities = debrief.utilities || {};
    const reservations = debrief.reservations || {};
    const shown = (v) => (v === undefined || v === null ? "not revealed" : Number(v));
    table(
      $("utilities"),
      ["party", agreement ? "utility of the agreement" : "utility (no agreement)", "reservation value"],
      parties.map((p) => [p, shown(utilities[p]), shown(reservations[p])])
    );
  }

  function renderSpace(debrief, events) {
    if (!debrief.revealed) {
      $("space-title").textContent = "What was possible";
      clear($("space")).append(el("p", { class: "help", text: `Not shown: ${debrief.withheld || "this session keeps every party's preferences private."}` }));
      $("distances").closest(".split").querySelectorAll("h3, .table-wrap").forEach((n) => (n.hidden = true));
      return;
    }
    const distances = debrief.distances || {};
    const label = (k) => k.replace(/^to_/, "").replace(/_/g, " ");
    const rows = Object.entries(distances).map(([k, v]) => [label(k), v === null || v === undefined ? "—" : Number(v)]);
    if (debrief.pareto_optimal !== undefined) rows.push(["Pareto optimal", debrief.pareto_optimal ? "yes" : "no"]);
    table($("distances"), ["to", "distance"], rows);
    const points = debrief.points || {};
    const pointRows = Object.entries(points)
      .filter(([, v]) => v)
      .map(([k, v]) => [label(k), ...vector(v.utilities), outcomeText(asOutcome(v.outcome, issues), issues)]);
    table($("points"), ["point", ...parties.map((p) => `utility to ${p}`), "outcome"], pointRows, { [parties.length + 1]: "what" });
    if (parties.length !== 2) {
      clear($("space")).append(el("p", { class: "help", text: "The utility space is drawn for two parties." }));
      return;
    }
    const preferences = debrief.preferences || {};
    const utils = parties.map((p) => new Summitry.Utility(preferences[p] || {}, issues));
    const offers = events
      .filter((e) => e.kind === "offer" || e.kind === "proposal")
      .map((e) => {
        const outcome = asOutcome(e.outcome, issues);
        return { party: e.kind === "proposal" ? "" : e.party, u: utils.map((u) => u.of(outcome)) };
      });
    const agreementU = debrief.agreement ? vector(debrief.utilities) : null;
    SummitryChart.space($("space"), {
      parties,
      frontier: debrief.frontier || [],
      offers,
      nash: points.nash ? vector(points.nash.utilities) : null,
      agreement: agreementU,
      reservations: vector(debrief.reservations),
    });
  }

  async function renderRoadmap(state, debrief) {
    if (!debrief.agreement) return;
    let answer;
    try {
      answer = await Api.api("/lobby/roadmap", { method: "POST", body: { scenario: Summitry.scenarioName(state), agreement: debrief.agreement } });
    } catch (err) {
      return;
    }
    const roadmap = answer && answer.roadmap;
    if (!roadmap) return;
    $("roadmap-card").hidden = false;
    const box = clear($("roadmap"));
    const two = (v) => Number(v).toFixed(2);
    box.append(el("p", { class: "help", text: `From ${roadmap.start}, in ${roadmap.phases.length} phases; the largest exposure of any party after any phase (what it has given minus what it has received, in the catalogue's values) is ${two(roadmap.max_exposure)}.` }));
    for (const phase of roadmap.phases) {
      const exposure = Object.entries(phase.exposure || {}).map(([p, v]) => `${p} ${two(v)}`).join(", ");
      box.append(
        el("h3", { text: `Phase ${phase.number}: ${phase.start} to ${phase.end}` }),
        el("ul", { class: "plain roadmap" }, phase.commitments.map((c) => el("li", {}, el("strong", { text: `${c.owner}: ` }), c.description || c.id))),
        el("p", { class: "help", text: `exposure after this phase: ${exposure}` })
      );
    }
  }

  async function renderTrace(state) {
    const data = await Api.api(`${base}/events?after=-1`, { token });
    const events = Summitry.eventsOf(data);
    const rows = events.map((e) => {
      const outcome = asOutcome(e.outcome, issues);
      const d = e.data || {};
      let what = e.kind;
      if (outcome) what += `: ${outcomeText(outcome, issues)}`;
      if (e.kind === "amend") what += `: ${Object.entries(d.changes || {}).map(([k, v]) => `${k} → ${v}`).join(", ") || "no change"}`;
      if (e.kind === "vote" || e.kind === "approve") what += d.accept ? " (yes)" : " (no)";
      if (e.kind === "letter") what = `letter to ${(d.to || []).join(", ")}`;
      return [String(e.index ?? ""), Summitry.roundNumber(e.round, state.deadline && state.deadline.rounds), e.party || "", what];
    });
    table($("trace"), ["#", "round", "who", "what"], rows, ["num", "num", "who", "what"], (k) => `ev ev-${events[k].kind}`);
    return events;
  }

  async function loadReplies() {
    const data = await Api.api(`${base}/comments`, { token });
    const replies = Array.isArray(data) ? data : data.comments || data.replies || [];
    const thread = clear($("thread"));
    for (const reply of replies) {
      thread.append(
        el(
          "li",
          { class: "reply" },
          el("p", { class: "reply-head" }, el("strong", { class: "reply-name", text: reply.name }), reply.created_at ? ` · ${new Date(Number(reply.created_at) * 1000).toLocaleString()}` : ""),
          el("p", { class: "reply-text", text: reply.text })
        )
      );
    }
    if (!replies.length) thread.append(el("li", { class: "help", text: "No replies yet." }));
  }

  async function postReply(event) {
    event.preventDefault();
    const form = $("reply-form");
    if (!form.reportValidity()) return;
    const body = { name: $("reply-name").value, email: $("reply-email").value, text: $("reply-text").value };
    $("post-reply").disabled = true;
    try {
      await Api.api(`${base}/comments`, { method: "POST", token, body, key: Api.newKey() });
      form.reset();
      setStatus($("reply-status"), "Thank you: your reply is posted.", "ok");
      await loadReplies();
    } catch (err) {
      setStatus($("reply-status"), err.message, "error");
    } finally {
      $("post-reply").disabled = false;
    }
  }

  async function start() {
    $("reply-form").addEventListener("submit", postReply);
    if (!token) {
      setStatus($("result"), "The link has no token: open the debrief from your party or observer page.", "error");
      return;
    }
    try {
      const state = await Api.api(base, { token });
      const debrief = await Api.api(`${base}/debrief`, { token });
      render(debrief, state);
      const events = await renderTrace(state);
      renderSpace(debrief, events);
      await renderRoadmap(state, debrief);
    } catch (err) {
      setStatus($("result"), err.status === 409 ? "The negotiation is not over yet: the debrief opens at the end." : err.message, "error");
    }
    try {
      await loadReplies();
    } catch (err) {
      setStatus($("reply-status"), err.message, "error");
    }
  }

  start();
})();
