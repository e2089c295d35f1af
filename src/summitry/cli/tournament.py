"""``summitry tournament run|report``: run a tournament spec into a folder, then score and show it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summitry.cli import app
from summitry.cli._render import console, err_console, handles_errors, print_json

if TYPE_CHECKING:
    from summitry.tournament.scoring import AgentScore, Scores

__all__ = ["report_command", "run_command", "show_scores", "tournament_app"]

tournament_app = typer.Typer(
    help="Run agents against each other over many scenarios, and score them.",
    no_args_is_help=True,
)
app.add_typer(tournament_app, name="tournament")


@tournament_app.command("run")
@handles_errors
def run_command(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC", help="The tournament spec (YAML).")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the results (rerun to resume).")],
    jobs: Annotated[
        int | None, typer.Option("-j", "--jobs", min=1, help="Local worker processes (default: every core).")
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", metavar="local|tcp://HOST:8786", help="Run on a new LocalCluster or a running scheduler."
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store", metavar="URL", help="Store results there (e.g. postgresql+psycopg://...), not DIR/results.db."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Run every negotiation of SPEC not yet in DIR; results are stored as each finishes."""
    from summitry.tournament import load_tournament_spec, make_backend, run_tournament

    spec = load_tournament_spec(spec_file)
    progress, bar = _progress_bar(quiet)
    backend = make_backend(jobs, dask)
    where = f"Dask ({dask})" if dask else f"{backend.workers} local process{'es' if backend.workers > 1 else ''}"
    console.print(
        f"tournament {spec.name}: {len(spec.agents)} agents, {len(spec.scenarios)} scenarios, {where}", markup=False
    )
    try:
        with bar:
            summary = run_tournament(spec, out, backend, store_url=store, progress=progress)
    except KeyboardInterrupt:
        err_console.print("interrupted: what finished is stored; rerun the same command to finish", markup=False)
        raise typer.Exit(130) from None
    finally:
        backend.close()
    resumed = f" ({summary.already} were already done)" if summary.already else ""
    console.print(
        f"{summary.total} negotiations{resumed}: ran {summary.ran}, {summary.failed} ended in an agent's failure",
        markup=False,
    )
    console.print(f"results in {out}; next: summitry tournament report {out}", markup=False)


@tournament_app.command("report")
@handles_errors
def report_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The --out folder of `tournament run`.")],
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (the ranking)."),
    html: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Write an HTML report with plots.")
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", metavar="FILE", help="Write every statistic as CSV.")] = None,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Score the tournament in DIR: ranking with 95% intervals, per-scenario tables, plots."""
    from summitry.tournament import open_results
    from summitry.tournament.scoring import score, scores_csv, scores_json

    results = open_results(folder)
    try:
        scores = score(results.name, list(results.store.records(results.digest)), total=results.total)
    finally:
        results.store.close()
    if csv is not None:
        from summitry.formats.atomic import write_bytes

        write_bytes(csv, scores_csv(scores).encode())
    if html is not None:
        from summitry.report.tournament_html import write_tournament_html

        refs = dict(zip(results.spec.get("scenarios", []), results.spec.get("scenario_refs", []), strict=False))
        write_tournament_html(scores, html, refs)
    if as_json:
        print_json(scores_json(scores))
        return
    show_scores(scores)
    for path in (csv, html):
        if path is not None:
            console.print(f"wrote {path}", markup=False)


def show_scores(scores: Scores) -> None:
    """Print the ranking with intervals, the neighbour tests and one table per scenario."""
    from summitry.tournament.scoring import TEST

    unfinished = f" (unfinished: {scores.done} of {scores.total} done)" if scores.done < scores.total else ""
    console.print(
        f"tournament {scores.name}: {scores.done} of {scores.total} negotiations done, "
        f"{scores.failed} ended in an agent's failure{unfinished}",
        markup=False,
    )
    which = "discounted utility (u·δ^t; undiscounted shown beside)" if scores.discounted else "utility"
    console.print(f"ranking by mean {which}, with 95% bootstrap intervals:", markup=False)
    console.print(_table(scores.ranking, full=True), markup=False, soft_wrap=True)
    if scores.comparisons:
        console.print(f"neighbours, {TEST}:", markup=False)
        for c in scores.comparisons:
            verdict = "significant" if c.significant else "not significant"
            console.print(
                f"  {c.better} vs {c.worse}: difference {c.difference:+.3f}, p = {c.p_value:.3f} ({verdict})",
                markup=False,
            )
    for scenario, table in scores.by_scenario.items():
        console.print(f"scenario {scenario}:", markup=False)
        console.print(_table(table, full=False), markup=False, soft_wrap=True)


def _table(rows: tuple[AgentScore, ...], *, full: bool) -> str:
    columns = ["#", "agent", "n", "utility [95% CI]"]
    columns += ["undiscounted", "normalised", "advantage"] if full else []
    columns += ["agreements", "welfare", "to Pareto", "to Nash"]
    columns += ["to KS", "rounds", "failures"] if full else ["failures"]
    lines = [columns]
    for rank, a in enumerate(rows, start=1):
        u = a.stats["utility"]
        cells = [str(rank), a.agent, str(a.n), f"{_num(u.mean)} [{_num(u.low)}, {_num(u.high)}]"]
        if full:
            cells += [_num(a.stats[m].mean) for m in ("utility_undiscounted", "normalized_utility", "advantage")]
        cells += [f"{a.stats['agreement_rate'].mean:.0%}"]
        cells += [_num(a.stats[m].mean) for m in ("welfare", "pareto_distance", "nash_distance")]
        if full:
            cells += [_num(a.stats["ks_distance"].mean), _num(a.stats["rounds_to_agreement"].mean, "{:.1f}")]
        cells += [str(a.failures)]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "\n".join(
        "  "
        + "  ".join(
            c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def _num(value: float, form: str = "{:.3f}") -> str:
    return form.format(value) if math.isfinite(value) else "n/a"


def _progress_bar(quiet: bool):  # type: ignore[no-untyped-def]
    import contextlib

    if quiet:
        return None, contextlib.nullcontext()
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("negotiations"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )
    task = bar.add_task("run", total=None, rate="")
    state: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        import time

        now = time.perf_counter()
        if "start" not in state:
            state["start"], state["first"] = now, done
        elapsed = now - state["start"]
        rate = (done - state["first"]) / elapsed if elapsed > 0 else 0.0
        bar.update(task, completed=done, total=total, rate=f"{rate:,.1f}/s")

    return progress, bar
