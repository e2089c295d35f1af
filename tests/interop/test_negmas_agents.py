"""``negmas:package.module:Class`` agent names, errors, and NegMAS staying out of summitry unless used."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.agents import negotiator_from_text, resolution
from summitry.cli import app
from summitry.errors import AgentParameterError, MissingExtraError
from summitry.formats import load_scenario
from summitry.protocols import negotiate

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytestmark = pytest.mark.negmas

summitry.cli._register()
runner = CliRunner()

BOULWARE = "negmas:negmas.sao:BoulwareTBNegotiator"
TIME_BASED = "negmas:negmas.sao:TimeBasedConcedingNegotiator"


def test_negmas_spec_makes_a_negotiator_reported_under_the_spec() -> None:
    """The spec string, parameters included, is the negotiator's name and the trace's agent name."""
    spec = f"{TIME_BASED}:offering_curve=linear"
    negotiator = negotiator_from_text(spec)
    assert negotiator.name == spec and negotiator.params == {"offering_curve": "linear"}
    trace = negotiate(load_scenario("hanoi-deal"), [negotiator, negotiator_from_text("conceder")], rounds=10)
    assert trace.header.agents == (spec, "conceder")


def test_negmas_parameters_reach_the_negmas_negotiator() -> None:
    """``offering_curve=`` reaches NegMAS's time-based negotiator: a conceder offers less for itself than a boulware."""
    scenario = load_scenario("hanoi-deal")
    utility = scenario.parties[0].utility
    mean_offered = []
    for curve in ("conceder", "boulware"):
        agents = [negotiator_from_text(f"{TIME_BASED}:offering_curve={curve}"), negotiator_from_text("hardliner")]
        trace = negotiate(scenario, agents, rounds=20)
        offers = [utility(ev.outcome) for ev in trace.events if ev.kind == "offer" and ev.party == "dprk"]
        mean_offered.append(sum(offers) / len(offers))
    assert mean_offered[0] < mean_offered[1]


def test_negotiate_command_accepts_negmas_names() -> None:
    """``summitry negotiate --agents negmas:...,boulware`` runs and reports the NegMAS agent under its spec."""
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", f"{BOULWARE},boulware", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["agents"] == [BOULWARE, "boulware"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("negmas:negmas.sao", "expected negmas:package.module:Class"),
        ("negmas:no_such_module_xyz:Agent", "cannot import module 'no_such_module_xyz'"),
        ("negmas:negmas.sao:NoSuchNegotiator", "has no 'NoSuchNegotiator'"),
        ("negmas:negmas.sao:SAOMechanism", "expected a NegMAS SAO negotiator class"),
        (f"{BOULWARE}:e=0.5", "unexpected keyword argument 'e'"),
    ],
)
def test_bad_negmas_names_say_what_is_wrong(spec: str, message: str) -> None:
    """A negmas: name that cannot be made gives one AgentParameterError naming the problem."""
    with pytest.raises(AgentParameterError, match=message):
        negotiator_from_text(spec)


def test_bad_negmas_name_on_the_command_line_exits_2() -> None:
    """The CLI prints one error line and exits 2."""
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "negmas:negmas.sao:Nope,boulware"])
    assert result.exit_code == 2
    assert "error:" in result.output and "has no 'Nope'" in result.output


def test_missing_negmas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without NegMAS, using the adapter raises MissingExtraError with the pip commands (released package, clone)."""
    for name in [m for m in sys.modules if m == "negmas" or m.startswith(("negmas.", "summitry.interop.negmas"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "negmas", None)  # makes `import negmas` fail
    monkeypatch.delitem(resolution._PREFIXES, "negmas", raising=False)  # as in a fresh process
    with pytest.raises(MissingExtraError) as raised:
        negotiator_from_text(BOULWARE)
    assert str(raised.value).endswith(
        "install it with: pip install 'summitry[negmas]' (in a clone of summitry: .venv/bin/pip install -e '.[negmas]')"
    )


def test_summitry_never_imports_negmas_unless_the_adapter_is_used() -> None:
    """Importing summitry, its agents, formats and CLI, and running built-in agents, loads no NegMAS module."""
    code = textwrap.dedent(
        """
        import sys
        import summitry, summitry.agents, summitry.formats, summitry.interop, summitry.cli
        from summitry.agents import negotiator_from_text, resolution
        from summitry.formats import load_scenario
        from summitry.protocols import negotiate
        summitry.cli._register()
        negotiate(load_scenario("hanoi-deal"), [negotiator_from_text("boulware")] * 2, rounds=5)
        print(sorted(m for m in sys.modules if m.split(".")[0] == "negmas"))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
