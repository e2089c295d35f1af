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

  function table(node, head, rows, classes) {
    const cls = (c, i) => (classes && classes[i]) || (typeof c === "number" ? "num" : undefined);
    clear(node).append(
      el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el(i ? "td" : "th", { scope: i ? undefined : "row", class: cls(c, i), text: typeof c === "number" ? fmt(c) : c ?? "—" })))))
    );
  }

  function render(debrief, state) {
    parties = (debrief.parties || state.parties || []).map((p) => (typeof p === "string" ? p : p.name));
    issues = debrief.issues || state.issues || (state.scenario && state.scenario.issues) || [];
    const name = debrief.scenario || state.scenario_name || (state.scenario && state.scenario.name) || "";
    $("result-title").textContent = `Debrief — ${typeof name === "string" ? name : name.name || ""}`;
    $("where").textContent = `Debrief · session ${sessionId}`;
    document.title = `summitry — debrief — ${sessionId}`;
    const agreement = asOutcome(debrief.agreement, issues);
    setStatus($("result"), agreement ? "Agreement reached." : `No agreement (${debrief.reason || state.reason || state.status}).`, agreement ? "ok" : "info");
    const box = clear($("agreement"));
    if (agreement) {
      box.append(
        el("table", { class: "compact" }, el("tbody", {}, issues.map((i) => el("tr", {}, el("th", { scope: "row", text: i.name }), el("td", { text: String(agreement[i.name]) })))))
      );
    }
    const utilities = debrief.utilities || {};
    const reservations = debrief.reservations || debrief.reservation_values || {};
    table(
      $("utilities"),
      ["party", "utility", "reservation value"],
      parties.map((p, i) => {
        const u = Array.isArray(utilities) ? utilities[i] : utilities[p];
        const r = Array.isArray(reservations) ? reservations[i] : reservations[p];
        return [p, u === undefined || u === null ? "not revealed" : Number(u), r === undefined || r === null ? "not revealed" : Number(r)];
      })
    );
    renderSpace(debrief);
    renderRoadmap(debrief.roadmap || debrief.road_map);
  }

  function renderSpace(debrief) {
    const distances = debrief.distances || {};
    const rows = Object.entries(distances).map(([k, v]) => [k.replace(/_/g, " "), typeof v === "number" ? v : v === null ? "—" : String(v)]);
    table($("distances"), ["to", "distance"], rows.length ? rows : [["—", "not available"]]);
    const points = debrief.points || {};
    const named = { ...points };
    for (const key of ["nash", "kalai_smorodinsky", "max_welfare", "egalitarian"]) if (debrief[key] && !named[key]) named[key] = debrief[key];
    const pointRows = Object.entries(named)
      .filter(([, v]) => v)
      .map(([k, v]) => {
        const u = vector(v.utilities || v.utility || v);
        return [k.replace(/_/g, " "), ...(u || []).map(Number), v.outcome ? outcomeText(asOutcome(v.outcome, issues), issues) : ""];
      });
    table($("points"), ["point", ...parties.map((p) => `utility to ${p}`), "outcome"], pointRows, { [parties.length + 1]: "what" });
    const frontier = (debrief.frontier || debrief.pareto_frontier || []).map((p) => vector(p.utilities || p)).filter(Boolean);
    if (parties.length === 2 && frontier.length) {
      const nash = named.nash ? vector(named.nash.utilities || named.nash) : null;
      const agreement = debrief.agreement ? vector(debrief.agreement_utilities || debrief.utilities) : null;
      const offers = (debrief.offers || []).map((o) => ({ party: o.party, u: vector(o.utilities || o.u) })).filter((o) => o.u);
      const res = debrief.reservations || debrief.reservation_values;
      SummitryChart.space($("space"), { parties, frontier, offers, nash, agreement, reservations: res ? vector(res) : null });
    } else {
      clear($("space")).append(el("p", { class: "help", text: parties.length === 2 ? "The utility space is not revealed for this session." : "The utility space is drawn for two parties." }));
    }
  }

  function renderRoadmap(roadmap) {
    if (!roadmap || !roadmap.phases) return;
    $("roadmap-card").hidden = false;
    const box = clear($("roadmap"));
    roadmap.phases.forEach((phase, i) => {
      const steps = phase.commitments || phase.steps || [];
      box.append(
        el("h3", { text: phase.name || `Phase ${i + 1}` }),
        el("ul", { class: "plain" }, steps.map((c) => el("li", { text: typeof c === "string" ? c : `${c.owner ? c.owner + ": " : ""}${c.description || c.name || c.id}` })))
      );
    });
  }

  async function renderTrace() {
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
      return [String(e.index ?? ""), String(e.round ?? ""), e.party || "", what];
    });
    table($("trace"), ["#", "round", "who", "what"], rows, ["num", "num", "who", "what"]);
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
          el("p", { class: "reply-head" }, el("strong", { class: "reply-name", text: reply.name }), reply.created ? ` · ${new Date(reply.created).toLocaleString()}` : ""),
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
      await renderTrace();
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
