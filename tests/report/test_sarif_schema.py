"""The session's SARIF validation (tests/report/sarif_schema.py) still rejects what the schema
rejects once a catalogue has passed: a broken or repeated descriptor, a broken result."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from devops_lint.report import sarif
from tests.fixture_support import FIXTURES, lint_folder
from tests.report.sarif_schema import assert_valid_log


@pytest.fixture(scope="module")
def log() -> dict[str, Any]:
    """A log describing the whole catalogue, validated once (so its descriptors are known)."""
    built = sarif.build(lint_folder(FIXTURES / "kubernetes" / "K8S-001"))
    assert len(built["runs"][0]["tool"]["driver"]["rules"]) > 100
    assert_valid_log(built)
    return built


def _rules(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[no-any-return]


def test_the_same_catalogue_passes_again(log: dict[str, Any]) -> None:
    assert_valid_log(copy.deepcopy(log))


def test_a_broken_descriptor_fails(log: dict[str, Any]) -> None:
    broken = copy.deepcopy(log)
    _rules(broken)[3]["shortDescription"] = {"markdown": "no text"}  # `text` is required
    with pytest.raises(AssertionError, match="shortDescription"):
        assert_valid_log(broken)


def test_a_repeated_descriptor_fails(log: dict[str, Any]) -> None:
    repeated = copy.deepcopy(log)
    _rules(repeated).append(copy.deepcopy(_rules(repeated)[0]))
    with pytest.raises(AssertionError, match="not unique"):
        assert_valid_log(repeated)


def test_a_broken_result_fails_beside_a_known_catalogue(log: dict[str, Any]) -> None:
    broken = copy.deepcopy(log)
    results = broken["runs"][0]["results"]
    assert results, "the fixture folder's log has results"
    results[0]["level"] = "fatal"  # not one of SARIF's levels
    with pytest.raises(AssertionError, match="level"):
        assert_valid_log(broken)


def test_a_log_changed_after_it_passed_is_judged_as_it_is_now(log: dict[str, Any]) -> None:
    changed = copy.deepcopy(log)
    extra = copy.deepcopy(_rules(changed)[0])
    extra["id"] = "X-999"
    _rules(changed).append(extra)  # a catalogue not seen before: it is remembered
    assert_valid_log(changed)
    _rules(changed)[0]["defaultConfiguration"] = {"level": "fatal"}
    with pytest.raises(AssertionError, match="level"):
        assert_valid_log(changed)
