"""Settings for the whole suite."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Property tests judge correctness, never speed (benchmarks live in bench/): on a busy 2-core
# machine input generation and examples can be slow without anything being wrong.
settings.register_profile(
    "devops-lint", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("devops-lint")
