"""NegMAS scenario folders: read with NegMAS's own utilities for every outcome; pickles refused, nothing run."""

from __future__ import annotations

import base64
import pickle
from pathlib import Path

import numpy as np
import pytest

from summitry.errors import ScenarioFormatError, UnsafeScenarioError
from summitry.formats import detect_format, load_scenario

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) writes the files these tests read")
pytestmark = pytest.mark.negmas

from negmas.inout import Scenario as NegmasScenario  # noqa: E402
from negmas.outcomes import make_issue, make_os  # noqa: E402
from negmas.preferences import ExpDiscountedUFun, MappingUtilityFunction  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction as Linear  # noqa: E402
from negmas.preferences.value_fun import AffineFun, IdentityFun, LinearFun, TableFun  # noqa: E402


def _space() -> object:
    return make_os(
        [
            make_issue(values=["red", "green", "blue"], name="colour"),
            make_issue(values=(1, 4), name="quantity"),
            make_issue(values=[2, 5, 10], name="weeks"),
        ],
        name="deal",
    )


def _linear(space: object, name: str, reserved: float = 0.25) -> Linear:
    return Linear(
        values=[TableFun({"red": 1.0, "green": 0.4, "blue": 0.0}), LinearFun(0.25), AffineFun(-0.1, 1.0)],
        weights=[0.5, 0.3, 0.2],
        outcome_space=space,
        reserved_value=reserved,
        name=name,
    )


def _assert_same(folder: Path, ufuns: dict[str, object]) -> None:
    ours = load_scenario(folder)
    assert set(ours.party_names) == set(ufuns)
    outcomes = list(next(iter(ufuns.values())).outcome_space.enumerate())  # type: ignore[attr-defined]
    indices = np.arange(ours.space.cardinality)
    assert len(outcomes) == indices.size
    for party in ours.parties:
        theirs = ufuns[party.name]
        base = theirs.ufun if isinstance(theirs, ExpDiscountedUFun) else theirs
        expected = np.array([float(base(o)) for o in outcomes])
        got = party.utility.batch(indices)
        np.testing.assert_array_equal(got, expected)  # the same sums, in the same order: bit for bit
        reserved = float(theirs.reserved_value)
        assert party.reservation_value == pytest.approx(reserved if np.isfinite(reserved) else base.reserved_value)


@pytest.mark.parametrize("kind", ["yml", "json"])
def test_linear_additive_files_read_with_negmas_utilities(tmp_path: Path, kind: str) -> None:
    """Table, linear and affine value functions, weights and reservation: every outcome's utility is NegMAS's."""
    space = _space()
    ufuns = {"buyer": _linear(space, "buyer"), "seller": IdentityLinear(space)}
    NegmasScenario(outcome_space=space, ufuns=tuple(ufuns.values())).dumpas(tmp_path / "deal", kind, save_stats=False)
    assert detect_format(tmp_path / "deal") == "negmas"
    _assert_same(tmp_path / "deal", ufuns)
    if kind == "yml":  # NegMAS 0.16 loads back its YAML folders (not its JSON ones): the same values again
        reloaded = NegmasScenario.load(tmp_path / "deal")
        assert reloaded is not None
        _assert_same(tmp_path / "deal", {u.name: u for u in reloaded.ufuns})


def IdentityLinear(space: object) -> Linear:  # reason: reads like the NegMAS class it builds
    """Return a NegMAS linear additive utility with an identity value function on a numeric issue."""
    return Linear(
        values=[TableFun({"red": 0.0, "green": 0.5, "blue": 1.0}), IdentityFun(), TableFun({2: 1.0, 5: 0.5, 10: 0.0})],
        weights=[0.4, 0.1, 0.5],
        outcome_space=space,
        reserved_value=0.1,
        name="seller",
    )


def test_mapping_and_discounted_files_read_with_negmas_utilities(tmp_path: Path) -> None:
    """A mapping utility (one value per outcome) and a discounted one read as NegMAS computes them."""
    space = _space()
    outcomes = list(space.enumerate())
    mapping = MappingUtilityFunction(
        mapping={o: ((i * 7) % 11) / 10 for i, o in enumerate(outcomes)},
        outcome_space=space,
        reserved_value=0.3,
        name="mapper",
    )
    discounted = ExpDiscountedUFun(
        ufun=_linear(space, "patient"), discount=0.8, factor="relative_time", outcome_space=space, name="patient"
    )
    NegmasScenario(outcome_space=space, ufuns=(mapping, discounted)).dumpas(tmp_path / "d", "yml", save_stats=False)
    _assert_same(tmp_path / "d", {"mapper": mapping, "patient": discounted})
    ours = load_scenario(tmp_path / "d")
    assert ours.party("patient").utility.discount_factor == 0.8
    assert ours.party("mapper").utility.discount_factor is None


class _Trap:
    """Unpickling this would create the file: proof that something was executed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (Path.touch, (self.path,))


def _write_pair(folder: Path, evil: str) -> None:
    space = _space()
    NegmasScenario(outcome_space=space, ufuns=(_linear(space, "good"), _linear(space, "evil"))).dumpas(
        folder, "yml", save_stats=False
    )
    (folder / "evil.yml").write_text(evil, encoding="utf-8")


def test_embedded_pickle_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    """A NegMAS cloudpickle payload (as NegMAS writes lambdas) is refused naming the field; it is never unpickled."""
    sentinel = tmp_path / "executed"
    payload = b"__CLOUDPICKLE_START__:" + pickle.dumps(_Trap(sentinel))
    encoded = base64.encodebytes(payload).decode().replace("\n", "\n  ")
    folder = tmp_path / "s"
    _write_pair(
        folder, f"name: evil\ntype: MappingUtilityFunction\nreserved_value: 0.0\nmapping: !!binary |\n  {encoded}\n"
    )
    with pytest.raises(UnsafeScenarioError, match=r"evil\.yml: field 'mapping' holds __CLOUDPICKLE_START__"):
        load_scenario(folder)
    assert not sentinel.exists()


def test_negmas_written_lambda_is_refused(tmp_path: Path) -> None:
    """A utility NegMAS wrote from a Python function (pickled by NegMAS itself) is refused, not run."""
    space = _space()
    evil = MappingUtilityFunction(mapping=lambda o: 0.5, outcome_space=space, reserved_value=0.0, name="evil")
    NegmasScenario(outcome_space=space, ufuns=(_linear(space, "good"), evil)).dumpas(
        tmp_path / "l", "yml", save_stats=False
    )
    with pytest.raises(UnsafeScenarioError, match="field 'mapping' holds __LAMBDAOBJ__"):
        load_scenario(tmp_path / "l")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: evil\ntype: !!python/object/apply:pathlib.Path.touch [{sentinel}]\n", "Python object tag"),
        ("name: evil\ntype: mypackage.EvilUfun\nreserved_value: 0\n", "names class 'mypackage.EvilUfun' outside"),
        ("name: evil\ntype: LambdaUtilityFunction\nf: x\n", "is a LambdaUtilityFunction, a Python function"),
    ],
)
def test_code_in_a_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    """Python tags, classes outside NegMAS and lambda types are refused; the tag's function never runs."""
    sentinel = tmp_path / "executed"
    folder = tmp_path / "s"
    _write_pair(folder, text.format(sentinel=str(sentinel)))
    with pytest.raises(UnsafeScenarioError, match=message):
        load_scenario(folder)
    assert not sentinel.exists()


def test_unsupported_value_function_names_the_file_and_field(tmp_path: Path) -> None:
    """A value function summitry does not read is a ScenarioFormatError naming it and the supported ones."""
    folder = tmp_path / "s"
    text = (
        "name: evil\ntype: LinearAdditiveUtilityFunction\nweights: [1, 1, 1]\nvalues:\n"
        "- {type: TableFun, mapping: {red: 1, green: 0, blue: 0}}\n- {type: GaussianFun, mean: 1}\n"
        "- {type: IdentityFun}\n"
    )
    _write_pair(folder, text)
    with pytest.raises(ScenarioFormatError, match=r"evil\.yml\.values\[1\]: value function type 'GaussianFun'"):
        load_scenario(folder)
