from __future__ import annotations

from devops_lint.prometheus.re2 import compile_anchored, has_redundant_anchor, is_literal


def test_anchored_and_posix() -> None:
    rx = compile_anchored("(.*):10250")
    assert rx is not None and rx.match("node:10250") and not rx.match("node:10250x")
    rx = compile_anchored("[[:digit:]]+")
    assert rx is not None and rx.match("123") and not rx.match("12a")
    assert compile_anchored("(unclosed") is None


def test_literal_and_anchor() -> None:
    assert is_literal("api") and is_literal("localhost:9090")
    assert not is_literal("5..") and not is_literal("a|b")
    assert has_redundant_anchor("^api$") and has_redundant_anchor("api$")
    assert not has_redundant_anchor("api\\$") and not has_redundant_anchor("a.*")
