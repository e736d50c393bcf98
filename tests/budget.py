"""Hypothesis budgets: one profile for the whole suite, picked by the environment.

``quick`` (the default on a developer's machine) runs a quarter of each test's examples,
``thorough`` (CI, where ``CI=true``) the full number, ``fuzz`` twenty times as many (the long run
from the README: ``HYPOTHESIS_PROFILE=fuzz pytest``). A test states its relative weight once,
``@settings(max_examples=examples(300))``; no deadline anywhere (the machine is shared).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALES = {"quick": 0.25, "thorough": 1.0, "fuzz": 20.0}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "thorough" if os.environ.get("CI", "").lower() == "true" else "quick")
if PROFILE not in SCALES:
    raise SystemExit(f"HYPOTHESIS_PROFILE={PROFILE!r}: expected one of {', '.join(SCALES)}")
SCALE = SCALES[PROFILE]

for _name, _scale in SCALES.items():
    settings.register_profile(_name, deadline=None, max_examples=max(10, int(100 * _scale)),
                              suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """``n`` examples at the thorough budget, scaled to the active profile."""
    return max(5, int(n * SCALE))
