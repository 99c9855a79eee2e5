"""Findings inside called modules: named after their call chains (standards 0.6 item 3).

A finding on a resource of a called instance stays at the child module's line. The
engine passes it to the target's ``refine_finding`` hook, built here, which

- appends the call chains to the message (``… (in module.eks.module.node_group["a"])``);
- adds related locations: the ``module`` block of every call of each chain, and, when
  the reported value was written as ``var.x`` (directly, or through the caller's own
  variables further up), the caller's argument that gave it;
- reports a location once per outcome: a finding with the same rule, place and
  outcome that another call already produced is merged into that one (its calls and
  related locations added; the message is the first call's) instead of being reported
  again.

Suppressions: the engine honours a suppression written on the finding's line, on its
block's first line, or on any related location (the caller's argument, the module
block of a call on the chain). A suppression on a caller's line covers that caller's
calls only: the calls it covers are reported as a finding of their own, apart from
the calls it does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..model import Finding, JsonPath, Result, Span
from ..suppress import Suppression, comment_suppressions
from .calls import Chain, chain_label, graph_of
from .expr import references

if TYPE_CHECKING:
    from ..context import Context
    from .module import Module
    from .objects import Resource

MAX_LISTED = 5  # call chains written out in a message
Related = tuple[str, Span, str]


def _var_names(expr: Any) -> list[str]:
    if expr is None:
        return []
    return [str(r.parts[1]) for r in references(expr) if r.root == "var" and len(r.parts) >= 2]


def argument_sources(chain: Chain, names: list[str]) -> list[Related]:
    """The callers' arguments that gave the variables ``names`` of the chain's last module,
    followed up the chain while an argument is itself a ``var.x`` of its caller."""
    out: list[Related] = []
    for depth in range(len(chain) - 1, -1, -1):
        entry = chain[depth]
        label = chain_label(chain[: depth + 1])
        next_names: list[str] = []
        for name in dict.fromkeys(names):
            attr = entry.args.get(name)
            if attr is None:
                continue
            out.append((entry.call.doc.path, attr.span, f"{label}: argument {name}"))
            next_names.extend(_var_names(attr.expr))
        if not next_names:
            break
        names = next_names
    return out


def _call_locations(chain: Chain) -> list[Related]:
    return [
        (e.call.doc.path, e.call.block.header, chain_label(chain[: i + 1]))
        for i, e in enumerate(chain)
    ]


def _suppressed(ctx: Context, finding: Finding, locations: list[Related]) -> bool:
    """Whether a suppression comment on one of ``locations`` names the finding's rule."""
    texts: dict[str, list[Suppression]] = ctx.memo("terraform.call_suppressions", dict)
    for path, span, _ in locations:
        found = texts.get(path)
        if found is None:
            text = next((d.text for d in ctx.project.documents if d.path == path), "")
            found = texts[path] = comment_suppressions(path, text)
        for s in found:
            if span.line in s.lines and s.covers(finding.rule_id, finding.controls):
                return True
    return False


def _with_chains(message: str, labels: list[str]) -> str:
    shown = ", ".join(labels[:MAX_LISTED])
    if len(labels) > MAX_LISTED:
        shown += f" and {len(labels) - MAX_LISTED} more"
    return f"{message} (in {shown})"


def refiner(
    ctx: Context, module: Module, resource: Resource
) -> Callable[[Finding, Result], list[Finding]] | None:
    """The ``refine_finding`` hook of a resource target of a called instance, else None."""
    if not module.entries:
        return None
    # Chains, their labels and module blocks: once per instance, for all its findings.
    per_instance: dict[int, tuple[list[Chain], list[str], list[list[Related]]]] = ctx.memo(
        "terraform.call_chains", dict
    )
    info = per_instance.get(id(module))
    if info is None:
        chains = [c for c in graph_of(ctx.project, ctx).chains(module) if c]
        calls = [_call_locations(c) for c in chains]
        info = per_instance[id(module)] = (chains, [chain_label(c) for c in chains], calls)
    chains, labels, call_locations = info
    if not chains:
        return None
    merged: dict[tuple[Any, ...], tuple[Finding, str, list[str]]] = ctx.memo(
        "terraform.call_findings", dict
    )

    def refine(finding: Finding, res: Result) -> list[Finding]:
        names: list[str] = []
        if res.path is not None and res.path[: len(resource.path)] == resource.path:
            rel: JsonPath = res.path[len(resource.path) :]
            names = _var_names(resource.expr(*rel)) if rel else []
        groups: dict[bool, list[tuple[str, list[Related]]]] = {}
        for label, chain, calls in zip(labels, chains, call_locations, strict=True):
            locations = [*argument_sources(chain, names), *calls] if names else calls
            # A suppression on a caller's line speaks for that caller's calls only: they
            # are reported apart, so that it never hides what another caller passes.
            covered = _suppressed(ctx, finding, locations)
            groups.setdefault(covered, []).append((label, locations))
        out: list[Finding] = []
        for covered, group in sorted(groups.items()):
            one = finding if not out else replace(finding, related=[])
            if _merge(one, group, covered):
                out.append(one)
        return out

    def _merge(finding: Finding, group: list[tuple[str, list[Related]]], covered: bool) -> bool:
        """Fold ``finding`` into an earlier one at the same place (False), else name it."""
        chain_labels = [label for label, _ in group]
        related = [loc for _, locations in group for loc in locations]
        # Once per distinct location and outcome (standards 0.6 item 3): calls giving other
        # values at the same place are listed with the first message. Instances of one
        # resource (count, for_each inside the module) stay apart, as in a module alone.
        place = (finding.rule_id, finding.path, finding.span, finding.locator)
        key = (*place, finding.outcome, covered)
        earlier = merged.get(key)
        if earlier is not None:
            first, first_base, first_labels = earlier
            first_labels.extend(lb for lb in chain_labels if lb not in first_labels)
            first.message = _with_chains(first_base, first_labels)
            first.related.extend(r for r in related if r not in first.related)
            return False
        base = finding.message
        finding.message = _with_chains(base, chain_labels)
        finding.related = list(dict.fromkeys(related))
        merged[key] = (finding, base, list(dict.fromkeys(chain_labels)))
        return True

    return refine
