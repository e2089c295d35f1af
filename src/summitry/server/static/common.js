// summitry pages: what every page shares (the API client, the live feed, DOM building,
// the party's own utility). Plain JavaScript, no build step, nothing from outside the server.
// Text from the server or from people is only ever put in the page with textContent.
"use strict";

const Summitry = (() => {
  // A failure in a page's script is shown, not swallowed.
  window.addEventListener("unhandledrejection", (event) => {
    console.error("summitry page error:", event.reason);
    const main = document.getElementById("main");
    if (main && !document.getElementById("page-error")) {
      const note = document.createElement("p");
      note.id = "page-error";
      note.className = "status";
      note.dataset.kind = "error";
      note.setAttribute("role", "alert");
      note.textContent = `Something went wrong on this page: ${event.reason && event.reason.message ? event.reason.message : event.reason}. Reload to continue.`;
      main.prepend(note);
    }
  });

  // ---- links and tokens ----------------------------------------------------------------
  function tokenFromLocation() {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
    const query = new URLSearchParams(location.search);
    return fragment.get("token") || query.get("token") || "";
  }

  function sessionIdFromLocation() {
    const match = location.pathname.match(/\/sessions\/([^/]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function pageLink(kind, sessionId, token) {
    const path = { party: "party", observer: "observe", debrief: "debrief" }[kind];
    return `/sessions/${encodeURIComponent(sessionId)}/${path}` + (token ? `#token=${encodeURIComponent(token)}` : "");
  }

  // ---- the API -------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function api(path, { method = "GET", token = "", body, key } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (err) {
      throw new ApiError(0, "the server cannot be reached");
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const message = data && (data.error || data.detail) ? String(data.error || data.detail) : `${response.status} ${response.statusText}`;
      throw new ApiError(response.status, typeof message === "string" ? message : JSON.stringify(message));
    }
    return data;
  }

  // An action is sent with one idempotency key however often it has to be retried.
  async function sendAction(sessionId, token, action) {
    const key = newKey();
    let wait = 400;
    for (let attempt = 0; ; attempt++) {
      try {
        return await api(`/api/sessions/${encodeURIComponent(sessionId)}/actions`, { method: "POST", token, body: action, key });
      } catch (err) {
        const transient = err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504;
        if (!transient || attempt >= 8) throw err;
        await sleep(wait);
        wait = Math.min(wait * 2, 4000);
      }
    }
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // ---- the live feed: catch up with ?after=N, then follow the stream; reconnect forever ----
  class Feed {
    constructor({ sessionId, token, onEvents, onConnection }) {
      this.sessionId = sessionId;
      this.token = token;
      this.onEvents = onEvents;
      this.onConnection = onConnection || (() => {});
      this.last = -1;
      this.stopped = false;
      this.controller = null;
    }

    deliver(events) {
      const fresh = [];
      for (const event of events) {
        const index = Number(event.index);
        if (Number.isFinite(index) && index <= this.last) continue;
        if (Number.isFinite(index)) this.last = index;
        fresh.push(event);
      }
      if (fresh.length) this.onEvents(fresh);
    }

    async catchUp() {
      const base = `/api/sessions/${encodeURIComponent(this.sessionId)}/events?after=${this.last}`;
      const data = await api(base, { token: this.token });
      this.deliver(eventsOf(data));
    }

    async start() {
      let wait = 500;
      while (!this.stopped) {
        try {
          await this.catchUp();
          this.onConnection("live");
          wait = 500;
          await this.follow();
        } catch (err) {
          if (this.stopped) return;
          if (err.status === 401 || err.status === 403 || err.status === 404) {
            this.onConnection("refused", err.message);
            return;
          }
        }
        if (this.stopped) return;
        this.onConnection("reconnecting");
        await sleep(wait);
        wait = Math.min(wait * 2, 4000);
      }
    }

    async follow() {
      this.controller = new AbortController();
      const url = `/api/sessions/${encodeURIComponent(this.sessionId)}/stream?after=${this.last}`;
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${this.token}`, Accept: "text/event-stream", "Last-Event-ID": String(this.last) },
        signal: this.controller.signal,
        cache: "no-store",
      });
      if (!response.ok || !response.body) throw new ApiError(response.status, "stream refused");
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let data = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, cut);
          buffer = buffer.slice(cut + (buffer[cut] === "\r" ? 2 : 1));
          if (line === "") {
            if (data.length) this.dispatch(data.join("\n"));
            data = [];
          } else if (line.startsWith("data:")) {
            data.push(line.slice(5).replace(/^ /, ""));
          }
        }
      }
      throw new ApiError(0, "stream closed");
    }

    dispatch(text) {
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        return;
      }
      this.deliver(eventsOf(parsed));
    }

    stop() {
      this.stopped = true;
      if (this.controller) this.controller.abort();
    }
  }

  function eventsOf(data) {
    if (!data) return [];
    if (Array.isArray(data)) return data;
    if (Array.isArray(data.events)) return data.events;
    if (data.kind !== undefined) return [data];
    return [];
  }

  // ---- DOM -----------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = String(value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function fmt(u) {
    if (u === null || u === undefined || Number.isNaN(u)) return "—";
    if (u === -Infinity) return "not allowed";
    return Number(u).toFixed(3);
  }

  function outcomeText(outcome, issues) {
    if (!outcome) return "—";
    const names = issues ? issues.map((i) => i.name) : Object.keys(outcome);
    return names.filter((n) => n in outcome).map((n) => `${n}=${outcome[n]}`).join(", ");
  }

  // The scenario's issues as [{name, values}], from the public scenario (native issue documents:
  // categorical values, an integer range, or a real range with its number of steps).
  function issuesOf(state) {
    const raw = state.issues || (state.scenario && state.scenario.issues) || [];
    return raw.map((issue) => ({ name: issue.name, values: valuesOf(issue) }));
  }

  function valuesOf(issue) {
    if (Array.isArray(issue.values)) return issue.values;
    const low = Number(issue.low);
    const high = Number(issue.high);
    if (issue.type === "integer") {
      const out = [];
      for (let v = low; v <= high; v++) out.push(v);
      return out;
    }
    const steps = Number(issue.steps || 2);
    if (low === high || steps < 2) return [low];
    return Array.from({ length: steps }, (_, i) => low + ((high - low) * i) / (steps - 1));
  }

  function constraintsOf(state) {
    return state.constraints || (state.scenario && state.scenario.constraints) || [];
  }

  function scenarioName(state) {
    return state.scenario_name || (state.scenario && state.scenario.name) || "";
  }

  // An outcome as {issue: value}, whatever shape the server sent (mapping or list).
  function asOutcome(raw, issues) {
    if (raw === null || raw === undefined) return null;
    if (Array.isArray(raw)) {
      const out = {};
      issues.forEach((issue, i) => (out[issue.name] = raw[i]));
      return out;
    }
    if (typeof raw === "object" && raw.outcome !== undefined) return asOutcome(raw.outcome, issues);
    return raw;
  }

  function sameValue(a, b) {
    return String(a) === String(b);
  }

  // ---- the party's own utility (from its private brief) --------------------------------
  class Utility {
    constructor(brief, issues) {
      this.issues = issues;
      const spec = brief && brief.utility && typeof brief.utility === "object" && !brief.weights ? brief.utility : brief || {};
      this.reservation = Number(brief.reservation ?? brief.reservation_value ?? spec.reservation ?? 0);
      this.type = spec.type || "linear-additive";
      this.forbid = (brief.forbid || []).map((c) => c.forbid || c);
      this.weights = {};
      this.tables = {};
      if (this.type === "table") {
        this.rows = (spec.outcomes || []).map((row) => ({ outcome: row.outcome, utility: Number(row.utility) }));
        this.defaultUtility = Number(spec.default || 0);
        return;
      }
      for (const issue of issues) {
        const weight = Number((spec.weights || {})[issue.name] || 0);
        this.weights[issue.name] = weight;
        this.tables[issue.name] = evaluations(issue, (spec.values || {})[issue.name]);
      }
    }

    // The (unweighted) evaluation of one value, in [0, 1] for tables.
    evaluation(issueName, value) {
      const table = this.tables[issueName] || {};
      return table[String(value)] ?? 0;
    }

    weight(issueName) {
      return this.weights[issueName] ?? 0;
    }

    forbids(outcome) {
      return this.forbid.some((rule) =>
        Object.entries(rule).every(([issue, values]) => issue in outcome && values.some((v) => sameValue(v, outcome[issue])))
      );
    }

    of(outcome) {
      if (!outcome) return null;
      if (this.issues.some((issue) => !(issue.name in outcome))) return null;
      if (this.forbids(outcome)) return -Infinity;
      if (this.type === "table") {
        const row = this.rows.find((r) => this.issues.every((i) => sameValue(r.outcome[i.name], outcome[i.name])));
        return row ? row.utility : this.defaultUtility;
      }
      let total = 0;
      for (const issue of this.issues) total += this.weight(issue.name) * this.evaluation(issue.name, outcome[issue.name]);
      return total;
    }
  }

  function evaluations(issue, spec) {
    const out = {};
    const values = issue.values;
    if (spec && typeof spec === "object" && spec.linear) {
      const { slope = 0, offset = 0 } = spec.linear;
      for (const v of values) out[String(v)] = Number(offset) + Number(slope) * Number(v);
      return out;
    }
    if (spec && typeof spec === "object" && spec.triangular) {
      const { low, peak, high } = spec.triangular;
      for (const v of values) {
        const x = Number(v);
        let e;
        if (x < low || x > high) e = 0;
        else if (x <= peak) e = peak > low ? (x - low) / (peak - low) : 1;
        else e = high > peak ? (high - x) / (high - peak) : 1;
        out[String(v)] = Math.min(1, Math.max(0, e));
      }
      return out;
    }
    const raw = spec && typeof spec === "object" && spec.table ? spec.table : spec || {};
    let top = 0;
    for (const v of values) top = Math.max(top, Number(raw[String(v)] ?? 0));
    for (const v of values) {
      const r = Number(raw[String(v)] ?? 0);
      out[String(v)] = top > 0 ? r / top : r;
    }
    return out;
  }

  // Public hard constraints of the outcome space ({forbid: {issue: [values]}}).
  function breaksConstraints(outcome, constraints) {
    return (constraints || []).some((c) => {
      const rule = c.forbid || c;
      return Object.entries(rule).every(([issue, values]) => issue in outcome && values.some((v) => sameValue(v, outcome[issue])));
    });
  }

  // ---- rounds and the end ----------------------------------------------------------------
  // The API gives a round's index, counted from 0 (the state's `round`, each event's `round`), and,
  // once over, how many rounds were played (`result.rounds`, the debrief's `rounds`). The pages
  // number rounds from 1, so that the number of the last round played is the count the debrief
  // gives. The events that close a negotiation at its round deadline carry the index after the
  // last round; they are shown in the last round.
  function roundNumber(index, limit) {
    if (index === null || index === undefined || index === "") return "";
    const n = Number(index) + 1;
    return String(limit ? Math.min(n, limit) : n);
  }

  function roundFact(state) {
    const limit = state.deadline && state.deadline.rounds;
    const of = limit ? ` of ${limit}` : "";
    if (state.status !== "running" && state.result) return { label: "Rounds played", text: `${state.result.rounds}${of}` };
    if (state.request === "approve") return { label: "Round", text: `final vote, after ${state.round}${of}` };
    return { label: "Round", text: `${roundNumber(state.round, limit)}${of}` };
  }

  const REASONS = { agreed: "agreement", deadline: "the deadline passed", ended: "a party ended the negotiation", failed: "a party failed" };

  function reasonText(reason) {
    return REASONS[reason] || String(reason || "");
  }

  // The marker of the live feed: once the negotiation is over it says so, with the reason (the
  // feed still follows the session, for letters; a lost connection still shows).
  function showConnection(node, kind, message, state) {
    if (kind === "live" && state && state.status !== "running") {
      node.dataset.kind = "over";
      node.textContent = `over: ${reasonText((state.result && state.result.reason) || state.reason || state.status)}`;
      return;
    }
    node.dataset.kind = kind;
    node.textContent = { live: "live", refused: `refused: ${message}`, connecting: "connecting…" }[kind] || "reconnecting…";
  }

  // ---- small things --------------------------------------------------------------------
  // Wrap an async task so that calls while it runs make it run exactly once more afterwards
  // (so the last call always sees the newest state), and every caller awaits that run.
  function coalesce(task) {
    let running = null;
    let again = false;
    const loop = async () => {
      do {
        again = false;
        await task();
      } while (again);
    };
    return () => {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => {
        running = null;
      });
      return running;
    };
  }

  // Rebuild what a scrolling box holds (`rebuild` does it) and keep the reader where they were
  // reading: a box scrolled to its end (or never scrolled: it starts at its end) shows its newest
  // row afterwards; a box the reader has scrolled up in stays where they left it (the usual chat
  // behaviour). The party page's history and the observer page's trace both follow their events so.
  function followEnd(box, rebuild) {
    const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight <= 4;
    const top = box.scrollTop;
    rebuild();
    box.scrollTop = atEnd ? box.scrollHeight : top;
  }

  function countdown(seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
    const s = Math.max(0, Math.round(seconds));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, "0")}`;
  }

  function setStatus(node, text, kind) {
    node.textContent = text;
    node.dataset.kind = kind || "info";
  }

  return {
    Api: { api, sendAction, ApiError, newKey },
    Feed,
    Utility,
    asOutcome,
    breaksConstraints,
    clear,
    coalesce,
    constraintsOf,
    issuesOf,
    scenarioName,
    countdown,
    el,
    eventsOf,
    fmt,
    followEnd,
    outcomeText,
    pageLink,
    reasonText,
    roundFact,
    roundNumber,
    sameValue,
    sessionIdFromLocation,
    setStatus,
    show,
    showConnection,
    sleep,
    tokenFromLocation,
  };
})();
