"""checkargs.given: the check body gets what its finder found, or is not run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from devops_lint.checkargs import given
from devops_lint.model import Document, Result, Target

UNUSED: Any = None  # the rule and context, which these checks do not read


def _target(data: Any) -> Target:
    return Target.of_file("x.file", Document("a.yaml", "yaml", data), data, "a", {})


def _name(target: Target) -> str | None:
    name = target.data.get("name") if isinstance(target.data, dict) else None
    return name if isinstance(name, str) else None


@given(_name)
def _named(target: Target, rule: Any, ctx: Any, name: str) -> Iterator[Result]:
    yield Result(message=f"found {name}")


def test_body_gets_what_the_finder_found() -> None:
    results = list(_named(_target({"name": "web"}), UNUSED, UNUSED))
    assert [r.message for r in results] == ["found web"]


def test_body_is_not_run_when_the_finder_finds_nothing() -> None:
    assert list(_named(_target({"other": 1}), UNUSED, UNUSED)) == []
    assert list(_named(_target([1, 2]), UNUSED, UNUSED)) == []


def test_the_check_keeps_its_name() -> None:
    assert _named.__name__ == "_named"
