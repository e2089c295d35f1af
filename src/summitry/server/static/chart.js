// summitry pages: two small hand-written SVG charts (no library).
// offers(): the offers so far in one party's utility, by offer number.
// space(): the utility space of two parties: frontier, offers, Nash point, agreement.
"use strict";

const SummitryChart = (() => {
  const NS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function frame(label, width, height) {
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "chart" });
    root.append(svg("title", {}, label));
    return root;
  }

  function axes(root, box, xLabel, yLabel, xTicks, yTicks, sx, sy) {
    const { left, top, right, bottom } = box;
    root.append(svg("rect", { x: left, y: top, width: right - left, height: bottom - top, class: "plot-area" }));
    for (const t of yTicks) {
      root.append(svg("line", { x1: left, x2: right, y1: sy(t), y2: sy(t), class: "grid" }));
      root.append(svg("text", { x: left - 6, y: sy(t) + 4, "text-anchor": "end", class: "tick" }, t.toFixed(1)));
    }
    for (const t of xTicks) {
      root.append(svg("text", { x: sx(t), y: bottom + 16, "text-anchor": "middle", class: "tick" }, formatTick(t)));
    }
    root.append(svg("text", { x: (left + right) / 2, y: bottom + 34, "text-anchor": "middle", class: "axis-label" }, xLabel));
    root.append(
      svg("text", { x: 14, y: (top + bottom) / 2, "text-anchor": "middle", class: "axis-label", transform: `rotate(-90 14 ${(top + bottom) / 2})` }, yLabel)
    );
  }

  function formatTick(t) {
    return Number.isInteger(t) ? String(t) : t.toFixed(1);
  }

  function ticks(low, high, count) {
    if (high <= low) return [low];
    const step = niceStep((high - low) / count);
    const out = [];
    for (let t = Math.ceil(low / step) * step; t <= high + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
    return out;
  }

  function niceStep(raw) {
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (raw <= m * power) return m * power;
    return 10 * power;
  }

  function legend(root, items, x, y) {
    items.forEach((item, i) => {
      const cy = y + i * 16;
      root.append(marker(item.shape, x + 6, cy - 4, item.cls));
      root.append(svg("text", { x: x + 16, y: cy, class: "legend" }, item.label));
    });
  }

  function marker(shape, x, y, cls) {
    if (shape === "square") return svg("rect", { x: x - 4, y: y - 4, width: 8, height: 8, class: cls });
    if (shape === "diamond") return svg("path", { d: `M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z`, class: cls });
    if (shape === "star") return svg("path", { d: star(x, y, 7), class: cls });
    if (shape === "line") return svg("line", { x1: x - 6, x2: x + 6, y1: y, y2: y, class: cls });
    return svg("circle", { cx: x, cy: y, r: 4, class: cls });
  }

  function star(x, y, r) {
    let d = "";
    for (let i = 0; i < 10; i++) {
      const a = (Math.PI / 5) * i - Math.PI / 2;
      const rr = i % 2 ? r / 2.4 : r;
      d += `${i ? "L" : "M"}${(x + rr * Math.cos(a)).toFixed(1)} ${(y + rr * Math.sin(a)).toFixed(1)}`;
    }
    return d + "Z";
  }

  // offers: [{n, u, mine}] — u is this party's utility of offer n.
  // title: what the chart is called (its accessible label); "Offers so far in the utility of YOU" if not given.
  function offers(container, { offers: points, reservation, you, labels, xLabel, title }) {
    const names = labels || { mine: "your offers", theirs: "offers to you" };
    const width = Math.round(Math.max(300, Math.min(container.clientWidth || 560, 760)));
    const height = width < 480 ? 240 : 280;
    const box = { left: 48, top: 30, right: width - 12, bottom: height - 44 };
    const n = Math.max(2, ...points.map((p) => p.n));
    const finite = points.filter((p) => Number.isFinite(p.u));
    const low = Math.min(0, ...finite.map((p) => p.u), reservation ?? 0);
    const high = Math.max(1, ...finite.map((p) => p.u));
    const sx = (x) => box.left + ((x - 1) / (n - 1 || 1)) * (box.right - box.left);
    const sy = (y) => box.bottom - ((y - low) / (high - low || 1)) * (box.bottom - box.top);
    const root = frame(title || `Offers so far in the utility of ${you}`, width, height);
    axes(root, box, xLabel || "offer", `utility to ${you}`, ticks(1, n, 6).filter((t) => Number.isInteger(t)), ticks(low, high, 5), sx, sy);
    if (reservation !== undefined && reservation !== null) {
      root.append(svg("line", { x1: box.left, x2: box.right, y1: sy(reservation), y2: sy(reservation), class: "reservation" }));
      root.append(svg("text", { x: box.right - 4, y: sy(reservation) - 4, "text-anchor": "end", class: "legend" }, "your reservation"));
    }
    for (const [mine, cls] of [[true, "mine"], [false, "theirs"]]) {
      const series = finite.filter((p) => p.mine === mine);
      if (series.length > 1) {
        root.append(svg("polyline", { points: series.map((p) => `${sx(p.n)},${sy(p.u)}`).join(" "), class: `series ${cls}` }));
      }
      for (const p of series) root.append(marker(mine ? "circle" : "square", sx(p.n), sy(p.u), `dot ${cls}`));
    }
    root.append(marker("circle", box.left + 6, 12, "dot mine"), svg("text", { x: box.left + 16, y: 16, class: "legend" }, names.mine));
    root.append(marker("square", box.left + 126, 12, "dot theirs"), svg("text", { x: box.left + 136, y: 16, class: "legend" }, names.theirs));
    container.replaceChildren(root);
  }

  // space: {parties:[a,b], frontier:[[ua,ub]], offers:[{party,u:[ua,ub]}], nash:[..], agreement:[..], reservations:[ra,rb]}
  function space(container, data) {
    const width = Math.round(Math.max(300, Math.min(container.clientWidth || 520, 560)));
    const height = Math.round(width * 0.9);
    const box = { left: 52, top: 14, right: width - 14, bottom: height - 46 };
    const [a, b] = data.parties;
    const sx = (x) => box.left + x * (box.right - box.left);
    const sy = (y) => box.bottom - y * (box.bottom - box.top);
    const root = frame(`Utility space of ${a} and ${b}: Pareto frontier, offers, Nash point and agreement`, width, height);
    axes(root, box, `utility to ${a}`, `utility to ${b}`, ticks(0, 1, 5), ticks(0, 1, 5), sx, sy);
    const clamp = (u) => Math.min(1, Math.max(0, u));
    if (data.reservations) {
      const [ra, rb] = data.reservations;
      root.append(svg("line", { x1: sx(clamp(ra)), x2: sx(clamp(ra)), y1: box.top, y2: box.bottom, class: "reservation" }));
      root.append(svg("line", { x1: box.left, x2: box.right, y1: sy(clamp(rb)), y2: sy(clamp(rb)), class: "reservation" }));
    }
    const frontier = (data.frontier || []).filter((p) => p.every(Number.isFinite)).slice().sort((p, q) => p[0] - q[0]);
    if (frontier.length > 1) {
      root.append(svg("polyline", { points: frontier.map((p) => `${sx(clamp(p[0]))},${sy(clamp(p[1]))}`).join(" "), class: "frontier" }));
    }
    for (const p of frontier) root.append(svg("circle", { cx: sx(clamp(p[0])), cy: sy(clamp(p[1])), r: 2.5, class: "frontier-dot" }));
    const kinds = { [a]: ["circle", "dot mine", `offers by ${a}`], [b]: ["square", "dot theirs", `offers by ${b}`] };
    const drafts = ["circle", "dot draft", "drafts put to the vote"];
    const seen = new Set();
    for (const offer of data.offers || []) {
      if (!offer.u.every(Number.isFinite)) continue;
      const [shape, cls] = kinds[offer.party] || drafts;
      seen.add(offer.party in kinds ? offer.party : "");
      root.append(marker(shape, sx(clamp(offer.u[0])), sy(clamp(offer.u[1])), cls));
    }
    const items = [{ shape: "line", cls: "frontier", label: "Pareto frontier" }];
    for (const key of [a, b, ""]) {
      if (!seen.has(key)) continue;
      const [shape, cls, label] = kinds[key] || drafts;
      items.push({ shape, cls, label });
    }
    if (data.nash) {
      root.append(marker("diamond", sx(clamp(data.nash[0])), sy(clamp(data.nash[1])), "nash"));
      items.push({ shape: "diamond", cls: "nash", label: "Nash point" });
    }
    if (data.agreement) {
      root.append(marker("star", sx(clamp(data.agreement[0])), sy(clamp(data.agreement[1])), "agreement"));
      items.push({ shape: "star", cls: "agreement", label: "agreement" });
    }
    legend(root, items, box.left + 10, box.bottom - 10 - 16 * (items.length - 1));
    container.replaceChildren(root);
  }

  return { offers, space };
})();
