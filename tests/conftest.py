"""Test-wide settings: Hypothesis profiles.

Property tests have no per-example deadline (a loaded 2-core CI machine must not turn a slow
example into a failure). On CI (``CI`` set, as ``.ci/run`` runs) the examples are
derandomized, so a run is reproducible; locally each run explores new examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
