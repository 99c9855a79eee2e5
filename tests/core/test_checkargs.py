"""checkargs.given / given_in_run: the check body gets what its finder found, or is not run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devops_lint.checkargs import given, given_in_run
from devops_lint.context import Context
from devops_lint.model import Document, Result, Target
from devops_lint.project import Project

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


def _name_in_run(target: Target, ctx: Context) -> str | None:
    """A finder that reads the run: the name the run's settings give the target's key."""
    key = target.data.get("key") if isinstance(target.data, dict) else None
    name = ctx.settings["names"].get(key)
    return name if isinstance(name, str) else None


@given_in_run(_name_in_run)
def _named_in_run(target: Target, rule: Any, ctx: Context, name: str) -> Iterator[Result]:
    yield Result(message=f"found {name}")


def test_run_finder_reads_the_context_it_is_given() -> None:
    ctx = Context(settings={"names": {"a": "web"}}, project=Project(root=Path(".")))
    assert [r.message for r in _named_in_run(_target({"key": "a"}), UNUSED, ctx)] == ["found web"]
    assert list(_named_in_run(_target({"key": "b"}), UNUSED, ctx)) == []
    assert _named_in_run.__name__ == "_named_in_run"
