"""Schema validation of SARIF logs, with the rule catalogue validated once per session.

Every log of a run describes every rule that ran (460+ reporting descriptors with generated
help): validating them again in each test cost most of the SARIF tests' time. Each descriptor
is validated the first time its exact content is seen; a log is then validated with only the
descriptors not seen before, which is the same verdict (the schema checks each array item on
its own) once uniqueness, the one constraint over the whole array, is checked here.

Most logs of a session describe the same catalogue: an array equal to one that passed before
(uniqueness included) is not digested again, which was most of the remaining cost (a JSON
dump of each of 460 descriptors per log). The arrays compared are JSON values from one
builder, so Python's equality is the JSON equality here.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from tests.report.conftest import assert_valid_sarif

_VALIDATED: set[str] = set()  # digests of descriptors that passed the schema this session
# Copies of whole descriptor arrays that passed this session: the largest few (the
# catalogues), so that comparing against them stays cheap when tests build many small ones.
_VALIDATED_ARRAYS: list[list[Any]] = []
_MAX_ARRAYS = 8


def _digest(item: Any) -> str:
    return hashlib.sha1(json.dumps(item, sort_keys=True).encode("utf-8")).hexdigest()


def assert_valid_log(log: dict[str, Any]) -> None:
    runs = log.get("runs")
    if not isinstance(runs, list):
        assert_valid_sarif(log)
        return
    trimmed_runs = []
    seen_now: list[str] = []
    new_arrays: list[list[Any]] = []
    for run in runs:
        driver = run.get("tool", {}).get("driver", {}) if isinstance(run, dict) else {}
        rules = driver.get("rules")
        if not isinstance(rules, list):
            trimmed_runs.append(run)
            continue
        if rules and any(rules == seen for seen in _VALIDATED_ARRAYS):
            trimmed_runs.append({**run, "tool": {**run["tool"], "driver": {**driver, "rules": []}}})
            continue
        new_arrays.append(rules)
        digests = [_digest(d) for d in rules]
        assert len(set(digests)) == len(digests), "tool.driver.rules items are not unique"
        new = [d for d, h in zip(rules, digests, strict=True) if h not in _VALIDATED]
        seen_now += [h for h in digests if h not in _VALIDATED]
        trimmed_runs.append({**run, "tool": {**run["tool"], "driver": {**driver, "rules": new}}})
    assert_valid_sarif({**log, "runs": trimmed_runs})
    _VALIDATED.update(seen_now)
    for rules in new_arrays:
        _remember(rules)


def _remember(rules: list[Any]) -> None:
    if len(_VALIDATED_ARRAYS) == _MAX_ARRAYS:
        smallest = min(_VALIDATED_ARRAYS, key=len)
        if len(smallest) >= len(rules):
            return
        _VALIDATED_ARRAYS.remove(smallest)
    # A copy: the caller's log may be changed after it passed.
    _VALIDATED_ARRAYS.append(copy.deepcopy(rules))
