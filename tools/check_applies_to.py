"""Prove that the ``applies_to`` prefilters of the rule files change no result.

``applies_to`` only saves calls to checks that would have returned nothing; a value
missing from a list would silently drop findings. This script lints every fixture
folder, ``fixtures/seed/`` and ``examples/`` twice, with the prefilters and with every
``Rule.applies_to`` set to None, and fails on any difference in the findings (every
field: rule, place, message, severity, outcome, suppression). It also calls each check
on the targets its prefilter skips and fails if such a call yields a result, which
names the rule and the missing value even when no finding changes (the unfiltered
run's checks record it, so no check runs twice).

Run: ``python tools/check_applies_to.py`` (``-v`` lists, per annotated rule, how many
findings the corpus gives it: a rule with none is checked only by the skipped calls).
``tests/test_applies_to.py`` runs the comparison on the annotated rules' own fixtures.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devops_lint.config import build_settings  # noqa: E402
from devops_lint.context import Context  # noqa: E402
from devops_lint.engine import RunResult, run  # noqa: E402
from devops_lint.model import Finding, Result, Target  # noqa: E402
from devops_lint.rules import CheckFn, Rule, load_rules  # noqa: E402

FIXTURES = ROOT / "fixtures"
TREES = (ROOT / "examples", FIXTURES / "seed")

FindingKey = tuple[Any, ...]


def fixture_folders() -> list[Path]:
    """``fixtures/<format>/<folder>``: the unit the fixture test lints."""
    return sorted(  # fixtures/security/ holds hostile repositories, not rule fixtures
        p
        for fmt in FIXTURES.iterdir()
        if fmt.is_dir() and fmt.name != "security"
        for p in fmt.iterdir()
        if p.is_dir()
    )


def corpus() -> list[Path]:
    return [*fixture_folders(), *(t for t in TREES if t.is_dir())]


def rules_for(folder: Path, settings: dict[str, Any]) -> list[Rule]:
    """The shipped rules, plus the folder's own rule folders (as ``lint_folder`` does)."""
    if settings["rule_paths"]:
        return load_rules(folder / p for p in settings["rule_paths"])
    return load_rules()


def _skipped(applies_to: dict[str, frozenset[str]], target: Target) -> bool:
    return any(target.context.get(k) not in allowed for k, allowed in applies_to.items())


def _audited(rule: Rule, applies_to: dict[str, frozenset[str]], problems: list[str]) -> CheckFn:
    """``rule``'s check, recording any result or error on a target the prefilter skips."""
    check = rule.check_fn

    def call(target: Target, lint_rule: Rule, ctx: Context) -> list[Result]:
        if not _skipped(applies_to, target):
            return list(check(target, lint_rule, ctx))
        where = f"{target.locator} ({target.doc.path}) with " + ", ".join(
            f"{k}={target.context.get(k)!r}" for k in applies_to
        )
        try:
            results = list(check(target, lint_rule, ctx))
        except Exception as exc:
            problems.append(f"{rule.id}: check raised {exc!r} on skipped {where}")
            raise
        if results:
            problems.append(f"{rule.id}: {len(results)} result(s) on skipped {where}")
        return results

    return call


def unfiltered(rules: Iterable[Rule], problems: list[str] | None = None) -> list[Rule]:
    """Copies of ``rules`` without prefilter: every target reaches every check.

    With ``problems``, a check that yields anything (or raises) on a target its rule's
    prefilter would have skipped is recorded there: the call the prefilter saves was
    not a no-op.
    """
    out = []
    for rule in rules:
        twin = copy.copy(rule)
        twin.applies_to = None
        if problems is not None and rule.applies_to is not None and rule.check is not None:
            twin.__dict__["check_fn"] = _audited(rule, rule.applies_to, problems)
        out.append(twin)
    return out


def finding_keys(result: RunResult) -> dict[FindingKey, Finding]:
    """Every field of every finding (the key), with the finding for display."""
    return {tuple(repr(v) for v in dataclasses.astuple(f)): f for f in result.findings}


def describe(f: Finding) -> str:
    return f"{f.rule_id} {f.path}:{f.span.line} {f.outcome} {f.severity} {f.message!r}"


def lint(folder: Path, prefilter: bool, problems: list[str] | None = None) -> RunResult:
    settings, _ = build_settings(folder, None, {})
    rules = rules_for(folder, settings)
    if not prefilter:
        rules = unfiltered(rules, problems)
    return run(folder, [folder], settings, rules)


def compare(folder: Path, problems: list[str] | None = None) -> tuple[list[str], RunResult]:
    """The differences between the runs with and without prefilters, and the filtered run."""
    with_filter = finding_keys(lint(folder, prefilter=True))
    without_run = lint(folder, prefilter=False, problems=problems)
    without = finding_keys(without_run)
    diff = [
        f"only with prefilter: {describe(f)}" for k, f in with_filter.items() if k not in without
    ]
    diff += [
        f"only without prefilter: {describe(f)}" for k, f in without.items() if k not in with_filter
    ]
    return sorted(diff), without_run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="findings per rule")
    args = parser.parse_args(argv)

    annotated = sorted(r.id for r in load_rules() if r.applies_to is not None)
    print(f"{len(annotated)} rules with applies_to")
    failures: list[str] = []
    problems: list[str] = []
    hits: Counter[str] = Counter()
    folders = corpus()
    for folder in folders:
        diff, result = compare(folder, problems)
        name = folder.relative_to(ROOT).as_posix()
        failures += [f"{name}: {line}" for line in diff]
        hits.update(f.rule_id for f in result.findings)
    print(f"{len(folders)} folders linted with and without the prefilters")
    if args.verbose:
        for rule_id in annotated:
            print(f"  {rule_id:<45} {hits[rule_id]:>4} finding(s)")
    unexercised = [r for r in annotated if not hits[r]]
    if unexercised:
        print(f"annotated rules with no finding in the corpus: {', '.join(unexercised)}")
    for line in [*failures, *sorted(set(problems))]:
        print("FAIL", line)
    if failures or problems:
        return 1
    print("OK: identical findings; no skipped call would have produced a result")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
