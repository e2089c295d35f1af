"""Tournament specs are checked with clear errors; negotiations and seeds follow from the spec alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from summitry.errors import TournamentSpecError
from summitry.tournament import TournamentSpec, count_negotiations, load_tournament_spec, plan_negotiations

from .conftest import write_spec


def test_defaults_and_relative_paths(spec_folder: Path) -> None:
    scenario = spec_folder / "deal.yaml"
    from summitry.formats import load_scenario, save_scenario

    save_scenario(load_scenario("hanoi-deal"), scenario)
    spec = load_tournament_spec(
        write_spec(spec_folder, scenarios=["deal.yaml"], agents=["boulware", "misbehaving.py:Raiser"])
    )
    assert spec.swap_roles is True and spec.self_play is False and spec.repetitions == 1
    assert spec.scenario_refs == (str(scenario.resolve()),)
    assert spec.agents == ("boulware", "misbehaving.py:Raiser")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"agents": ["boulware", "bouleware"]}, r"spec.yaml: agents\[1\]: .*Did you mean 'boulware'\?.*\(line 4\)"),
        ({"agents": ["boulware", "nofile.py:X"]}, r"agents\[1\]: agent 'nofile.py:X': no such file"),
        ({"scenarios": ["no-such-scenario"]}, r"scenarios\[0\]: .*no-such-scenario"),
        ({"repetitions": 0}, r"spec.yaml: repetitions: expected a number >= 1, got 0 \(line \d+\)"),
        ({"rounds": "many"}, r"rounds: expected an integer"),
        ({"colour": "red"}, r"colour: unknown field"),
        ({"agents": ["boulware"]}, r"has 2 parties but only 1 agents are listed and self_play is false"),
        ({"agents": ["boulware", "boulware"]}, r"'boulware' is listed twice"),
    ],
)
def test_bad_specs_are_one_clear_line(spec_folder: Path, fields: dict[str, object], message: str) -> None:
    with pytest.raises(TournamentSpecError, match=message) as caught:
        load_tournament_spec(write_spec(spec_folder, **fields))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("swap", "self_play", "expected"),
    [(True, False, 3 * 2), (True, True, 3 * 3), (False, False, 3), (False, True, 6)],
)
def test_assignments_follow_swap_roles_and_self_play(
    spec_folder: Path, swap: bool, self_play: bool, expected: int
) -> None:
    spec = load_tournament_spec(
        write_spec(
            spec_folder, agents=["boulware", "conceder", "micro"], swap_roles=swap, self_play=self_play, repetitions=2
        )
    )
    tasks = plan_negotiations(spec)
    assert len(tasks) == expected * 2 == count_negotiations(spec)
    assert len({t.key for t in tasks}) == len(tasks)
    assert all(self_play or len(set(t.agents)) == len(t.agents) for t in tasks)


def test_seeds_depend_on_the_seed_and_coordinates_only(spec_folder: Path) -> None:
    first = plan_negotiations(load_tournament_spec(write_spec(spec_folder, repetitions=3)))
    again = plan_negotiations(load_tournament_spec(write_spec(spec_folder, repetitions=3)))
    other = plan_negotiations(load_tournament_spec(write_spec(spec_folder, repetitions=3, seed=4)))
    assert [t.seed for t in first] == [t.seed for t in again]
    assert len({t.seed for t in first}) == len(first)
    assert not {t.seed for t in first} & {t.seed for t in other}
    more = plan_negotiations(
        load_tournament_spec(write_spec(spec_folder, repetitions=3, agents=["boulware", "conceder", "micro"]))
    )
    by_key = {t.key: t.seed for t in more}
    assert all(by_key[t.key] == t.seed for t in first)  # adding an agent keeps the others' seeds


def test_sample_keeps_at_most_k_assignments(spec_folder: Path) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", "conceder", "micro", "linear"], sample=5))
    tasks = plan_negotiations(spec)
    assert len(tasks) == 5 == count_negotiations(spec)
    assert tasks == plan_negotiations(spec)


@pytest.mark.parametrize(
    ("swap", "self_play", "expected"),
    [(True, False, 4 * 3 * 2), (True, True, 4**3), (False, False, 4), (False, True, 20)],
)
def test_multilateral_scenarios_get_every_assignment(swap: bool, self_play: bool, expected: int) -> None:
    spec = TournamentSpec(
        name="three",
        agents=("a", "b", "c", "d"),
        scenarios=("s",),
        scenario_refs=("s",),
        parties=(3,),
        swap_roles=swap,
        self_play=self_play,
    )
    tasks = plan_negotiations(spec)
    assert len(tasks) == expected == count_negotiations(spec)
    assert all(len(t.agents) == 3 for t in tasks) and len({t.agents for t in tasks}) == expected
