"""Fixes for Prometheus alerting rules (PROM-008.missing, PROM-020.regex-anchor/-literal)."""

from __future__ import annotations

import re

from ..model import Document, JsonPath
from .edits import Edit
from .locate import at_finding
from .registry import FixContext, Proposal, fix, located
from .yamledit import insert_into_mapping, written_value

# A regex matcher as written inside the expression's YAML text: operator, quote, pattern.
_MATCHER = re.compile(r"(=~|!~)(\s*)([\"'`])((?:\\.|(?!\3).)*?)\3", re.DOTALL)
# Where an alert's expression starts in the file, and its regex matchers.
_Matchers = tuple[int, list[re.Match[str]]]


def _alert(ctx: FixContext) -> tuple[Document, JsonPath] | None:
    return at_finding(
        ctx, lambda p, v: isinstance(v, dict) and "alert" in v and isinstance(v.get("expr"), str)
    )


@fix("PROM-008.missing", "unsafe", "sets `for:` to the `min_alert_for` setting")
@located(_alert)
def alert_for(ctx: FixContext, found: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = found
    if "for" in doc.get(path):
        return None
    value = ctx.settings.get("min_alert_for", "1m")
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-z]+", value):
        return None
    edit = insert_into_mapping(ctx.source, doc, path, {"for": value}, after="expr")
    return Proposal([edit], safe=False) if edit else None


def _matchers(ctx: FixContext) -> _Matchers | None:
    """Where the alert's expression is written and the regex matchers in it."""
    found = _alert(ctx)
    if found is None:
        return None
    doc, path = found
    value = written_value(ctx.source, doc, (*path, "expr"))
    if value is None:
        return None
    start, written = value
    if written[:1] == '"' or (written[:1] == "'" and "''" in written):
        return None  # YAML escapes inside the expression
    return start, list(_MATCHER.finditer(written))


@fix("PROM-020.regex-anchor", "safe", "removes the redundant `^`/`$` anchors of regex matchers")
@located(_matchers)
def strip_anchors(ctx: FixContext, found: _Matchers) -> Proposal | None:
    start, matchers = found
    edits: list[Edit] = []
    for m in matchers:
        pattern = m.group(4)
        at = start + m.start(4)
        if pattern.startswith("^"):
            edits.append(Edit(at, at + 1, ""))
        if len(pattern) > 1 and pattern.endswith("$") and not pattern.endswith("\\$"):
            end = at + len(pattern)
            edits.append(Edit(end - 1, end, ""))
    return Proposal(edits) if edits else None


@fix("PROM-020.regex-literal", "safe", 'turns `=~"value"` without metacharacters into `="value"`')
@located(_matchers)
def regex_to_equality(ctx: FixContext, found: _Matchers) -> Proposal | None:
    from ..prometheus.re2 import is_literal

    start, matchers = found
    edits = [
        Edit(start + m.start(1), start + m.end(1), "=" if m.group(1) == "=~" else "!=")
        for m in matchers
        if "\\" not in m.group(4) and is_literal(m.group(4))
    ]
    return Proposal(edits) if edits else None
