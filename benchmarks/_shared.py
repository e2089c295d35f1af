"""The shared ANAC scenarios and datasets that most benchmarks read: ``../shared``, beside the checkout.

They are not in the repository (see the README, "Development"). A benchmark that needs them
and finds them absent stops with one line saying so (exit code 2), not a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""``scenarios/genius``, ``scenarios/geniusweb`` and ``datasets/casino`` live here."""


def require(path: Path) -> None:
    """Exit with code 2 and one ``error:`` line on stderr if ``path`` (under ``../shared``) is absent."""
    if not path.exists():
        print(
            f"error: {path.resolve()} is absent: this benchmark reads the shared ANAC scenarios and datasets "
            f"from {SHARED} (beside the checkout)",
            file=sys.stderr,
        )
        raise SystemExit(2)
