"""The HTML report of a tournament: ranking with intervals, neighbour tests, per-scenario tables, figures.

One self-contained file (figures embedded as PNG data), written atomically.
"""

from __future__ import annotations

import base64
import math
import os
from typing import Any

import jinja2
from markupsafe import Markup, escape

from summitry import __version__
from summitry.analysis import ScenarioAnalysis, analyze
from summitry.errors import SummitryError
from summitry.formats import load_scenario
from summitry.formats.atomic import write_bytes
from summitry.plots.tournament import plot_ranking, plot_scenario_results
from summitry.tournament.scoring import METRICS, TEST, AgentScore, Scores

__all__ = ["tournament_html", "write_tournament_html"]

_LABELS = {
    "utility": "utility",
    "utility_undiscounted": "undiscounted",
    "normalized_utility": "normalised",
    "advantage": "advantage",
    "agreement_rate": "agreements",
    "welfare": "welfare",
    "pareto_distance": "to Pareto",
    "nash_distance": "to Nash",
    "ks_distance": "to KS",
    "rounds_to_agreement": "rounds",
}

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ name }} — tournament report</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}td.agent,th.agent{text-align:left}
small{color:#666}</style></head><body>
<h1>Tournament {{ name }}</h1>
<p>{{ done }} of {{ total }} negotiations done{% if done < total %} (unfinished){% endif %};
{{ failed }} ended in an agent's failure. Ranked by mean {{ which }}; intervals are 95% bootstrap intervals.</p>
{{ ranking_table }}
<h2>Neighbours</h2><p>{{ test }}.</p><ul>
{% for c in comparisons %}<li>{{ c.better }} vs {{ c.worse }}: difference {{ "%+.3f"|format(c.difference) }},
p = {{ "%.3f"|format(c.p_value) }} ({{ "significant" if c.significant else "not significant" }})</li>{% endfor %}
</ul>
<img alt="ranking with 95% intervals" src="data:image/png;base64,{{ ranking_png }}">
{% for s in scenarios %}<h2>Scenario {{ s.name }}</h2>{{ s.table }}
<img alt="results of {{ s.name }} in utility space" src="data:image/png;base64,{{ s.png }}">{% endfor %}
<p><small>summitry {{ version }}</small></p></body></html>
"""
)


def tournament_html(scores: Scores, scenario_refs: dict[str, str] | None = None) -> str:
    """Return the HTML report of ``scores``; ``scenario_refs`` (label → file or name) adds Pareto frontiers."""
    scenarios = []
    for name, table in scores.by_scenario.items():
        analysis = _analysis((scenario_refs or {}).get(name))
        png = plot_scenario_results(scores, name, analysis)
        scenarios.append({"name": name, "table": _table(table), "png": base64.b64encode(png).decode()})
    return _TEMPLATE.render(
        name=scores.name,
        done=scores.done,
        total=scores.total,
        failed=scores.failed,
        which="discounted utility (u·δ^t)" if scores.discounted else "utility",
        ranking_table=_table(scores.ranking),
        test=TEST,
        comparisons=scores.comparisons,
        ranking_png=base64.b64encode(plot_ranking(scores)).decode(),
        scenarios=scenarios,
        version=__version__,
    )


def write_tournament_html(
    scores: Scores, path: str | os.PathLike[str], scenario_refs: dict[str, str] | None = None
) -> None:
    """Write :func:`tournament_html` to ``path`` (atomically)."""
    write_bytes(path, tournament_html(scores, scenario_refs).encode())


def _analysis(ref: str | None) -> ScenarioAnalysis | None:
    if ref is None:
        return None
    try:
        return analyze(load_scenario(ref))
    except (SummitryError, OSError):  # the scenario moved since the run: the figure goes without frontier
        return None


def _table(rows: tuple[AgentScore, ...]) -> Any:
    head = "".join(f"<th>{_LABELS[m]}</th>" for m in METRICS)
    lines = [f"<table><tr><th>#</th><th class=agent>agent</th><th>n</th>{head}<th>failures</th></tr>"]
    for rank, a in enumerate(rows, start=1):
        cells = "".join(f"<td>{_cell(a, m)}</td>" for m in METRICS)
        agent = escape(a.agent)
        lines.append(f"<tr><td>{rank}</td><td class=agent>{agent}</td><td>{a.n}</td>{cells}<td>{a.failures}</td></tr>")
    lines.append("</table>")
    return Markup("\n".join(lines))


def _cell(a: AgentScore, metric: str) -> str:
    i = a.stats[metric]
    if not math.isfinite(i.mean):
        return "n/a"
    form = "{:.1f}" if metric == "rounds_to_agreement" else "{:.3f}"
    return f"{form.format(i.mean)}<br><small>[{form.format(i.low)}, {form.format(i.high)}]</small>"
