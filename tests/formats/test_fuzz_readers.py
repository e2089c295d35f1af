"""Fuzzing every reader with seeded mutations of real files, through the public API.

Each mutated file (flipped bytes, truncation, other encodings, deleted and duplicated lines and
attributes, numbers replaced by text, negatives, NaN, infinities and huge values, renamed tags
and keys, swapped YAML types) either loads — and is then analysed or used — or raises a
:class:`~summitry.errors.SummitryError`. Anything else is a defect. A longer run:
``python benchmarks/fuzz_bench.py`` (``make fuzz``).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from summitry.errors import SummitryError
from tests.fuzzing import MUTATIONS, READERS, mutate, prepare


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each reader's real files, written once: ``{reader: (folder, file to mutate)}``."""
    made = {}
    for name, reader in READERS.items():
        for variant in (0, 1):
            folder = tmp_path_factory.mktemp(f"{name}-{variant}")
            path, _ = prepare(reader, folder)
            made[f"{name}-{variant}"] = (folder, path)
    return made


@pytest.mark.parametrize("name", sorted(READERS))
def test_real_files_load(name: str, originals: dict[str, tuple[Path, Path]]) -> None:
    """Unmutated, every seed file loads and is used: the fuzzing starts from good files."""
    for variant in (0, 1):
        _, path = originals[f"{name}-{variant}"]
        assert READERS[name].read(path) is not None


@pytest.mark.parametrize("name", sorted(READERS))
@seed(20261202)
@settings(max_examples=30)
@given(mutation_seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 3), variant=st.integers(0, 1))
def test_mutated_files_load_or_raise_a_summitry_error(
    name: str, originals: dict[str, tuple[Path, Path]], mutation_seed: int, rounds: int, variant: int
) -> None:
    folder, path = originals[f"{name}-{variant}"]
    mutated = mutate(path.read_bytes(), random.Random(mutation_seed), rounds)
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / folder.name
        shutil.copytree(folder, copy)
        target = copy / path.relative_to(folder)
        target.write_bytes(mutated)
        with contextlib.suppress(SummitryError):
            READERS[name].read(target)


def test_every_mutation_changes_real_files() -> None:
    """Each mutation changes some file (so none is a silent no-op)."""
    sample = b'name: x\nissues:\n  - {name: a, values: [p, q]}\n<issue index="1" name="a">\n"low": 3\n'
    for name, mutation in MUTATIONS.items():
        assert any(mutation(sample, random.Random(k)) != sample for k in range(20)), name
