"""``summitry analyze``: tables, exact JSON, a PNG plot, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summitry.cli import _register, app

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
LAPTOP = SHARED / "scenarios" / "genius" / "Laptop"

needs_laptop = pytest.mark.skipif(not LAPTOP.is_dir(), reason="../shared/scenarios/genius/Laptop is absent")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register()
    return CliRunner()


@needs_laptop
def test_table_output_names_parties_sizes_and_every_point(runner: CliRunner) -> None:
    """The tables show parties, reservation values, sizes and the four solution points."""
    result = runner.invoke(app, ["analyze", str(LAPTOP)])
    assert result.exit_code == 0, result.output
    for text in ("Laptop", "27 feasible outcomes", "4 on the Pareto frontier", "Reservation value", "Nash",
                 "Kalai–Smorodinsky", "max welfare", "egalitarian", "Laptop=HP"):  # fmt: skip
        assert text in result.stdout


@needs_laptop
def test_json_output_has_exactly_the_documented_keys(runner: CliRunner) -> None:
    """--json prints one JSON object with the documented keys and plain values."""
    result = runner.invoke(app, ["analyze", str(LAPTOP), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == [
        "scenario", "parties", "outcomes", "combinations", "opposition", "reserved", "worst", "best", "pareto",
        "nash", "kalai_smorodinsky", "max_welfare", "egalitarian",
    ]  # fmt: skip
    assert payload["scenario"] == "Laptop"
    assert payload["outcomes"] == 27
    assert payload["reserved"] == [0.0, 0.0]
    assert len(payload["pareto"]) == 4
    first = payload["pareto"][0]
    assert set(first) == {"outcome", "utilities", "rational"}
    assert set(first["outcome"]) == {"Laptop", "Harddisk", "External Monitor"}
    assert first["rational"] is True
    nash = payload["nash"]
    assert set(nash) == {"outcome", "utilities"}
    assert nash["outcome"] == {"Laptop": "HP", "Harddisk": "60 Gb", "External Monitor": "19'' LCD"}
    assert nash["utilities"] in [p["utilities"] for p in payload["pareto"]]


def test_json_gives_null_for_points_that_do_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    """A point that does not exist is JSON null (reservation values above every outcome)."""
    folder = tmp_path / "hopeless"
    folder.mkdir()
    (folder / "domain.xml").write_text(_DOMAIN, encoding="utf-8")
    (folder / "a.xml").write_text(_PROFILE.format(r=0.99, x=1, y=5), encoding="utf-8")
    (folder / "b.xml").write_text(_PROFILE.format(r=0.99, x=5, y=1), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["nash"] is None and payload["kalai_smorodinsky"] is None and payload["egalitarian"] is None
    assert payload["max_welfare"] is not None
    assert [p["rational"] for p in payload["pareto"]] == [False, False]


@needs_laptop
def test_plot_writes_a_png(runner: CliRunner, tmp_path: Path) -> None:
    """--plot writes a PNG file and says so."""
    target = tmp_path / "laptop.png"
    result = runner.invoke(app, ["analyze", str(LAPTOP), "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "laptop.png" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["laptop.png"]


@pytest.mark.parametrize("reference", ["no-such-scenario", "missing/folder/scenario.yaml"])
def test_bad_scenario_is_one_error_line_and_exit_code_2(runner: CliRunner, reference: str) -> None:
    """An unknown name or a missing file gives `error: ...` on stderr, nothing on stdout."""
    result = runner.invoke(app, ["analyze", reference, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


@needs_laptop
def test_plot_into_an_unwritable_place_fails_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    """An unwritable plot path is a one-line error and nothing is printed or left behind."""
    (tmp_path / "no").write_text("a file in the way", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(LAPTOP), "--json", "--plot", str(tmp_path / "no" / "x.png")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: --plot: cannot make the folder")
    assert list(tmp_path.iterdir()) == [tmp_path / "no"]


_DOMAIN = """<negotiation_template>
<utility_space>
<objective index="0" etype="objective" type="objective" name="deal">
<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="deal">
<item index="1" value="x"></item>
<item index="2" value="y"></item>
</issue>
</objective>
</utility_space>
</negotiation_template>
"""

_PROFILE = """<utility_space>
<objective index="0" etype="objective" type="objective" name="deal">
<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="deal">
<item index="1" value="x" evaluation="{x}"></item>
<item index="2" value="y" evaluation="{y}"></item>
</issue>
<weight index="1" value="1.0"></weight>
</objective>
<reservation value="{r}"/>
</utility_space>
"""


def test_json_carries_every_number_the_tables_show(runner: CliRunner) -> None:
    """Opposition, sizes and each party's reservation, worst and best utility are in both views."""
    table = runner.invoke(app, ["analyze", "hanoi-deal"], env={"COLUMNS": "160"})
    result = runner.invoke(app, ["analyze", "hanoi-deal", "--json"])
    assert table.exit_code == 0 and result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert f"{payload['outcomes']:,} feasible outcomes" in table.stdout
    assert payload["combinations"] == payload["outcomes"] == 2916
    assert f"opposition {payload['opposition']:.3f}" in table.stdout
    assert 0.0 < payload["opposition"] < 1.0
    for party, reserved, worst, best in zip(
        payload["parties"], payload["reserved"], payload["worst"], payload["best"], strict=True
    ):
        assert worst <= reserved <= best
        row = next(line for line in table.stdout.splitlines() if line.strip("│ ").startswith(party + " "))
        assert all(f"{v:.4f}" in row for v in (reserved, worst, best)), row
    rational = sum(p["rational"] for p in payload["pareto"])
    assert f"{len(payload['pareto']):,} on the Pareto frontier, {rational:,} of them rational" in table.stdout
