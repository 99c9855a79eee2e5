"""Settings for the whole suite."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Runs under test keep their caches (rule catalogue, results, base scans) in a folder of this
# session, never in the user's cache folder: a test must not depend on, or leave behind,
# what earlier runs stored. Tests about the cache set their own folder.
# The folder starts with the packaged rules parsed, as a user's warm cache does (tests that
# need a cold cache give runs a folder of their own). Set up once, in the first process:
# xdist workers inherit the variable and the folder.
if "DEVOPS_LINT_CACHE_DIR" not in os.environ:
    from tests.rule_cache import seeded

    _session_cache = seeded(Path(tempfile.mkdtemp(prefix="devops-lint-test-cache-")))
    os.environ["DEVOPS_LINT_CACHE_DIR"] = str(_session_cache)
    atexit.register(shutil.rmtree, _session_cache, ignore_errors=True)

# Property tests judge correctness, never speed (benchmarks live in bench/): on a busy 2-core
# machine input generation and examples can be slow without anything being wrong.
settings.register_profile(
    "devops-lint", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("devops-lint")

# The files whose tests take longest, longest first (CPU and network time measured on a
# 2-core machine: the hook environment and the action's install download packages). Under
# `-n auto --dist loadfile` a worker takes one file at a time in collection order, so these
# start first and the many short files even out the end of the run instead of one worker
# finishing a long file alone. A file missing from the list only runs in its usual place.
RUN_FIRST = (
    "tests/integration/test_precommit.py",
    "tests/integration/test_action.py",
    "tests/report/test_sarif.py",
    "tests/fix/test_properties.py",
    "tests/security/test_hostile_inputs.py",
    "tests/tools/test_new_rule.py",
    "tests/adopt/test_baseline_cli.py",
    "tests/integration/test_cli.py",
    "tests/security/test_untrusted_config.py",
    "tests/core/test_quickschema.py",
    "tests/report/test_sarif_properties.py",
)


def pytest_configure(config: pytest.Config) -> None:
    # xdist would otherwise order files by their number of tests, which puts the long files
    # above (few, slow tests) last.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(RUN_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(RUN_FIRST)))
