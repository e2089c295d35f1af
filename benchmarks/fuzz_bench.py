"""A longer fuzzing run of every reader: seeded mutations of real files through the public API.

    .venv/bin/python benchmarks/fuzz_bench.py                 # 300 files per reader, seed 1
    .venv/bin/python benchmarks/fuzz_bench.py --files 2000 --seed 7
    make fuzz

Prints, per reader, how many mutated files loaded (and were then analysed or used), how many
were refused with a SummitryError, how many raised anything else (a defect, shown with the
mutation seed that reproduces it), and the slowest file. Exits 1 if any defect was found.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing import READERS, mutate, prepare  # noqa: E402

from summitry.errors import SummitryError  # noqa: E402


def main() -> int:
    """Run the fuzzing and print the table; return 1 if any defect was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="mutated files per reader")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=None, help="one reader: " + ", ".join(READERS))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    defects = 0
    print("| reader | files | loaded | refused (SummitryError) | other exception | slowest (s) | files/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for name, reader in READERS.items():
            if args.only and name != args.only:
                continue
            originals = [prepare(reader, Path(work) / f"{name}-{v}") for v in (0, 1)]
            loaded = refused = other = 0
            slowest = 0.0
            started = time.perf_counter()
            for index in range(args.files):
                mutation_seed = rng.randrange(2**32)
                variant = index % 2
                path, data = originals[variant]
                folder = path.parent if name not in ("genius", "geniusweb") else path.parent.parent
                rounds = 1 + mutation_seed % 3
                mutated = mutate(data, random.Random(mutation_seed), rounds)
                with tempfile.TemporaryDirectory(dir=work) as temp:
                    copy = Path(temp) / folder.name
                    shutil.copytree(folder, copy)
                    target = copy / path.relative_to(folder)
                    target.write_bytes(mutated)
                    began = time.perf_counter()
                    try:
                        reader.read(target)
                        loaded += 1
                    except SummitryError:
                        refused += 1
                    except Exception as exc:
                        other += 1
                        if other <= 3:
                            where = traceback.extract_tb(exc.__traceback__)[-1]
                            print(
                                f"  DEFECT {name} seed={mutation_seed} rounds={rounds} variant={variant}: "
                                f"{type(exc).__name__}: {str(exc)[:160]} at {Path(where.filename).name}:{where.lineno}",
                                file=sys.stderr,
                            )
                    slowest = max(slowest, time.perf_counter() - began)
            elapsed = time.perf_counter() - started
            defects += other
            print(
                f"| {name} | {args.files} | {loaded} | {refused} | {other} | {slowest:.3f} | "
                f"{args.files / elapsed:.0f} |"
            )
    return 1 if defects else 0


if __name__ == "__main__":
    raise SystemExit(main())
