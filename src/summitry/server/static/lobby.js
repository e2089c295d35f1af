// The lobby: create a session, then hand out its links.
"use strict";

(() => {
  const { el, clear, Api, setStatus, pageLink } = Summitry;
  const $ = (id) => document.getElementById(id);
  let catalogue = { scenarios: [], agents: [] };
  let chosen = null; // {summary, document|null}

  function agentsFor(protocol) {
    return catalogue.agents.filter((a) => a.protocols.includes(protocol));
  }

  function paramsText(params) {
    return Object.entries(params || {}).map(([k, v]) => `${k}=${v}`).join(":");
  }

  function renderScenario() {
    const about = $("scenario-about");
    if (!chosen) {
      about.textContent = "";
      clear($("parties"));
      return;
    }
    const s = chosen.summary;
    about.textContent = `${s.description ? s.description + " " : ""}Issues: ${s.issues.map((i) => i.name).join(", ")}.`;
    $("protocol").value = s.protocol === "mediation" ? "mediation" : "sao";
    $("rounds").value = s.rounds || "";
    $("seconds").value = s.seconds || "";
    renderParties();
  }

  function renderParties() {
    const box = clear($("parties"));
    if (!chosen) return;
    const protocol = $("protocol").value;
    $("amendments-box").hidden = protocol !== "mediation";
    const agents = agentsFor(protocol);
    const fallback = protocol === "mediation" ? "greedy-voter" : "boulware";
    chosen.summary.parties.forEach((party, i) => {
      const kindId = `kind-${i}`;
      const agentId = `agent-${i}`;
      const paramsId = `params-${i}`;
      const kind = el(
        "select",
        { id: kindId, "data-party": party, class: "party-kind" },
        el("option", { value: "human", text: "a person (in the browser)" }),
        el("option", { value: "agent", text: "a built-in agent" }),
        el("option", { value: "envoy", text: "an envoy (a remote program)" })
      );
      kind.value = i === 0 ? "human" : "agent";
      const agent = el("select", { id: agentId }, agents.map((a) => el("option", { value: a.name, text: a.name, title: a.description })));
      if (agents.some((a) => a.name === fallback)) agent.value = fallback;
      const params = el("input", { id: paramsId, type: "text", autocomplete: "off", spellcheck: "false" });
      const setPlaceholder = () => {
        const spec = agents.find((a) => a.name === agent.value);
        params.placeholder = spec ? paramsText(spec.params) || "no parameters" : "";
        params.value = "";
      };
      setPlaceholder();
      agent.addEventListener("change", setPlaceholder);
      const agentBox = el(
        "div",
        { class: "row agent-box" },
        el("div", { class: "field" }, el("label", { for: agentId, text: `Agent for ${party}` }), agent),
        el("div", { class: "field" }, el("label", { for: paramsId, text: `Parameters for ${party}` }), params)
      );
      const sync = () => (agentBox.hidden = kind.value !== "agent");
      kind.addEventListener("change", sync);
      sync();
      box.append(
        el(
          "div",
          { class: "party" },
          el("div", { class: "field" }, el("label", { for: kindId, text: `Who plays ${party}` }), kind),
          agentBox
        )
      );
    });
  }

  async function chooseShipped() {
    const name = $("scenario").value;
    const summary = catalogue.scenarios.find((s) => s.name === name);
    chosen = summary ? { summary, document: null } : null;
    renderScenario();
  }

  async function chooseFile() {
    const file = $("scenario-file").files[0];
    chosen = null;
    renderScenario();
    if (!file) return;
    setStatus($("create-status"), `Reading ${file.name}…`);
    try {
      const response = await fetch("/lobby/scenario", {
        method: "POST",
        headers: { "X-Filename": file.name, "Content-Type": "application/octet-stream" },
        body: file,
      });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || response.statusText);
      chosen = { summary: data.summary, document: data.document };
      setStatus($("create-status"), `Read ${file.name}: scenario ${data.summary.name}.`, "ok");
      renderScenario();
    } catch (err) {
      setStatus($("create-status"), err.message, "error");
    }
  }

  function sourceChanged() {
    const upload = document.querySelector("input[name=source]:checked").value === "upload";
    $("shipped-box").hidden = upload;
    $("upload-box").hidden = !upload;
    if (upload) chooseFile();
    else chooseShipped();
  }

  async function create(event) {
    event.preventDefault();
    const status = $("create-status");
    if (!chosen) {
      setStatus(status, "Choose a scenario first.", "error");
      return;
    }
    const protocol = $("protocol").value;
    const body = {
      scenario: chosen.document || chosen.summary.name,
      protocol,
      parties: {},
      reveal: $("reveal").checked ? "after_end" : "never",
    };
    if (protocol === "mediation") body.amendments = $("amendments").checked;
    const rounds = $("rounds").value.trim();
    const seconds = $("seconds").value.trim();
    if (rounds) body.rounds = Number(rounds);
    if (seconds) body.seconds = Number(seconds);
    chosen.summary.parties.forEach((party, i) => {
      const kind = $(`kind-${i}`).value;
      const entry = { kind };
      if (kind === "agent") {
        const params = $(`params-${i}`).value.trim().replace(/^:+/, "");
        entry.agent = $(`agent-${i}`).value + (params ? `:${params.replace(/[,\s]+/g, ":")}` : "");
      }
      body.parties[party] = entry;
    });
    $("create-button").disabled = true;
    setStatus(status, "Creating the session…");
    try {
      const created = await Api.api("/api/sessions", { method: "POST", body });
      setStatus(status, `Session ${created.id} created.`, "ok");
      showLinks(created, body);
    } catch (err) {
      setStatus(status, err.message, "error");
    } finally {
      $("create-button").disabled = false;
    }
  }

  function linkItem(label, href, note) {
    const url = new URL(href, location.href).href;
    return el(
      "li",
      {},
      el("span", { class: "link-label", text: label }),
      el("a", { href: url, class: "link", text: url }),
      note ? el("span", { class: "help", text: note }) : null
    );
  }

  function showLinks(created, body) {
    const list = clear($("links"));
    for (const [party, token] of Object.entries(created.party_tokens || {})) {
      const kind = body.parties[party] ? body.parties[party].kind : "human";
      const note =
        kind === "agent"
          ? `played by the server (${body.parties[party].agent})`
          : kind === "envoy"
          ? `for the envoy: summitry envoy ${location.origin} --session ${created.id} --token ${token} --agent boulware`
          : "for the person who negotiates for " + party;
      list.append(linkItem(`Party ${party}`, pageLink("party", created.id, token), note));
    }
    list.append(linkItem("Observers", pageLink("observer", created.id, created.observer_token), "the public trace only"));
    list.append(linkItem("Administrator", pageLink("observer", created.id, created.admin_token), "keep it: it can revoke tokens"));
    $("created").hidden = false;
    $("created").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function start() {
    const select = $("scenario");
    select.addEventListener("change", chooseShipped);
    $("scenario-file").addEventListener("change", chooseFile);
    for (const radio of document.querySelectorAll("input[name=source]")) radio.addEventListener("change", sourceChanged);
    $("protocol").addEventListener("change", renderParties);
    $("create").addEventListener("submit", create);
    try {
      catalogue = await Api.api("/lobby/catalogue");
    } catch (err) {
      setStatus($("create-status"), `Cannot load the scenarios: ${err.message}`, "error");
      return;
    }
    for (const s of catalogue.scenarios) select.append(el("option", { value: s.name, text: s.name }));
    if (document.querySelector("input[name=source]:checked").value === "shipped") await chooseShipped();
  }

  start();
})();
