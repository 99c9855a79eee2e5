"""Helpers shared by the network, compute and logging AWS checks (TF-AWS-015 … 027).

- values: ``as_int`` (Terraform number conversion), ``lower`` (a known string, lowered),
  ``indexed_blocks`` (nested blocks with their index in the data);
- locations: ``entry_span`` (a list entry of an argument, also inside expanded blocks),
  ``require`` (the common "argument must satisfy a predicate" pattern with provider
  defaults, absent arguments reported at the enclosing header);
- run-wide lookups: ``run_resources`` (every instance of a type in every module);
- policies: ``policy_source`` (a resource policy argument as an ``aws_common.PolicySource``,
  for arguments ``aws_common.policy_sources`` does not list, e.g. KMS key policies) and
  ``public_statements`` (Allow statements with ``Principal: "*"`` and no condition).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Span, Unresolved
from .aws_common import PolicySource, arg_result, is_public_principal
from .common import known
from .expr import Expr, ListExpr, Ref
from .module import modules_of
from .objects import Resource
from .policy import Statement, policy_from_expr

if TYPE_CHECKING:
    from ..context import Context


# -- values -------------------------------------------------------------------------


def as_int(value: Any) -> int | None:
    """An integer from a number or numeric string (Terraform converts both)."""
    if isinstance(value, bool) or not known(value):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def lower(value: Any) -> str | None:
    """A resolved string (or number) as lower-case text; ``None`` otherwise."""
    if isinstance(value, bool) or not known(value):
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip().lower() if isinstance(value, str) else None


def starts_with(prefix: str) -> Callable[[Any], bool | None]:
    """A ``require`` test: the value, as lower-case text, starts with ``prefix``."""

    def ok(value: Any) -> bool | None:
        text = lower(value)
        return None if text is None else text.startswith(prefix)

    return ok


def indexed_blocks(data: Any, name: str) -> list[tuple[int, dict[str, Any]]]:
    """(index in the written list, block) for the nested blocks ``name`` that are mappings.

    Indices are those of the data, so result paths stay right when an entry written in
    attribute syntax (``ingress = [...]``) is not a mapping.
    """
    found = data.get(name) if isinstance(data, dict) else None
    if not isinstance(found, list):
        return []
    return [(i, b) for i, b in enumerate(found) if isinstance(b, dict)]


# -- locations ----------------------------------------------------------------------


def entry_span(resource: Resource, parts: tuple[str | int, ...], index: int) -> Span | None:
    """Span of entry ``index`` of a list argument written as a list literal.

    ``Resource.expr`` counts static blocks only, so inside blocks expanded from a
    ``dynamic`` block its index can name another block: the expression is used only
    when it lies within the argument's registered span.
    """
    expr = resource.expr(*parts)
    if not isinstance(expr, ListExpr) or not 0 <= index < len(expr.items):
        return None
    _ = resource.data  # registers spans
    written = resource.doc.spans.get((*resource.path, *parts))
    item = expr.items[index].span
    if written is None or item is None or not written.line <= item.line <= written.end_line:
        return None
    return item


def require(
    resource: Resource,
    parts: tuple[str | int, ...],
    ok: Callable[[Any], bool | None],
    default: Any = None,
    args: dict[str, Any] | None = None,
    judge_unresolved: bool = False,
) -> Iterator[Result]:
    """Report an argument whose value (or provider ``default`` when absent) is not ``ok``.

    ``ok`` returns ``None`` when it cannot decide (e.g. a string that is not a bool):
    that is an unresolved outcome. An absent argument is reported at the header of the
    nearest written block (standards 0.6 item 9), an unresolved one at its line.
    ``judge_unresolved`` hands unresolved values to ``ok`` too (for "is set" checks,
    where ``kms_key_id = aws_kms_key.k.arn`` passes).
    """
    data: Any = resource.data
    for part in parts:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            break
    if data is None:
        if ok(default) is True:
            return
        yield arg_result(resource, *parts, args=args)
        return
    if not known(data) and not judge_unresolved:
        yield arg_result(resource, *parts, unresolved=True, args=args)
        return
    verdict = ok(data)
    if verdict is None:
        yield arg_result(resource, *parts, unresolved=True, args=args)
    elif not verdict:
        yield arg_result(resource, *parts, args=args)


def unresolved_when(uncertain: bool, results: Iterable[Result]) -> Iterator[Result]:
    """``results``, each made unresolved when a condition they rest on is ``uncertain`` (the
    key is symmetric? the protocol known?): an unproven failure is never a failure."""
    for res in results:
        if uncertain:
            res.unresolved = True
        yield res


# -- run-wide lookups ---------------------------------------------------------------


def run_resources(ctx: Context, type_: str) -> list[Resource]:
    """Every instance of ``type_`` in every module of the run ("the scanned set").

    Built once per run and type: checks ask for each resource they look at, and walking
    every module each time made a run quadratic in the number of modules.
    """

    def build() -> list[Resource]:
        out: list[Resource] = []
        for module in modules_of(ctx.project, ctx).values():
            out.extend(module.resources_of_type(type_))
        return out

    found: list[Resource] = ctx.memo(f"terraform.run_resources:{type_}", build)
    return found


# -- policies -----------------------------------------------------------------------


def policy_source(resource: Resource, *arg: str | int) -> PolicySource | None:
    """The resource policy written at ``arg`` (``None`` when the argument is absent)."""
    expr = resource.expr(*arg)
    if expr is None:
        return None
    policy = policy_from_expr(resource.module, expr, resource.scope)
    if policy is None:
        return None
    origin, doc, data_doc = expr, resource.doc, None
    for _ in range(8):  # follow local.x to the expression holding the statements
        if not (isinstance(origin, Ref) and origin.root == "local" and len(origin.parts) == 2):
            break
        entry = resource.module.locals.get(str(origin.parts[1]))
        if entry is None:
            break
        origin, doc = entry
    if isinstance(origin, Ref):
        addr = origin.resource_address()
        if addr is not None and addr[:2] == ("data", "aws_iam_policy_document"):
            found = resource.module.find(origin)
            if found:
                doc, data_doc = found[0].doc, found[0]
    return PolicySource(resource, tuple(arg), "resource", policy, origin, doc, data_doc)


def public_statements(src: PolicySource) -> Iterator[tuple[Statement, bool]]:
    """(statement, unresolved?) for Allow statements open to ``Principal: "*"``.

    A statement with any condition is not public (the condition narrows it, e.g.
    ``aws:PrincipalOrgID``); one whose effect or principal does not resolve is
    reported as unresolved.
    """
    policy = src.policy
    if isinstance(policy, Unresolved):
        return
    for st in policy.statements:
        if st.conditions:
            continue
        effect = st.effect
        if not known(effect):
            public = is_public_principal(st)
            if public is not False:
                yield st, True
            continue
        if effect != "Allow":
            continue
        public = is_public_principal(st)
        if public is None:
            yield st, True
        elif public:
            yield st, False


def policy_results(src: PolicySource) -> Iterator[Result]:
    """Findings (or unresolved outcomes) for public statements of a resource policy."""
    if isinstance(src.policy, Unresolved):
        yield src.arg_result(unresolved=True)
        return
    for st, undecided in public_statements(src):
        res = src.statement_result(st, "Principal", unresolved=undecided)
        inner = _heredoc_principal_span(src, st)
        if inner is not None and res.span == st.span:
            res.span = inner
        yield res


_PRINCIPAL_KEY = re.compile(r'"Principal"\s*:')


def _heredoc_principal_span(src: PolicySource, st: Statement) -> Span | None:
    """The ``"Principal"`` key of ``st`` inside a JSON heredoc, when it can be told apart.

    Statements that carry a principal are matched in order with the ``"Principal"`` keys
    of the text; any other count leaves the finding on the heredoc's first line.
    """
    expr, policy = src.expr, src.policy
    if expr is None or expr.span is None or isinstance(policy, Unresolved):
        return None
    if not expr.text.startswith("<<"):
        return None
    with_principal = [s for s in policy.statements if s.principals is not None]
    keys = list(_PRINCIPAL_KEY.finditer(expr.text))
    if len(keys) != len(with_principal) or not any(s is st for s in with_principal):
        return None
    index = next(i for i, s in enumerate(with_principal) if s is st)
    offset = keys[index].start()
    before = expr.text[:offset]
    line = expr.span.line + before.count("\n")
    column = offset - before.rfind("\n") if "\n" in before else expr.span.column + offset
    return Span(line, column, line, column + len("Principal") + 1)


def expr_text(expr: Expr | None) -> str:
    return expr.text if expr is not None else ""
