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
block of a call on the chain).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model import Finding, JsonPath, Result, Span
from .calls import Chain, chain_label, graph_of
from .expr import references

if TYPE_CHECKING:
    from ..context import Context
    from .module import Module, Resource

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


def _with_chains(message: str, labels: list[str]) -> str:
    shown = ", ".join(labels[:MAX_LISTED])
    if len(labels) > MAX_LISTED:
        shown += f" and {len(labels) - MAX_LISTED} more"
    return f"{message} (in {shown})"


def refiner(
    ctx: Context, module: Module, resource: Resource
) -> Callable[[Finding, Result], bool] | None:
    """The ``refine_finding`` hook of a resource target of a called instance, else None."""
    if not module.entries:
        return None
    # Chains, their labels and module blocks: once per instance, for all its findings.
    per_instance: dict[int, tuple[list[Chain], list[str], list[Related]]] = ctx.memo(
        "terraform.call_chains", dict
    )
    info = per_instance.get(id(module))
    if info is None:
        chains = [c for c in graph_of(ctx.project, ctx).chains(module) if c]
        calls = [loc for c in chains for loc in _call_locations(c)]
        info = per_instance[id(module)] = (chains, [chain_label(c) for c in chains], calls)
    chains, labels, call_locations = info
    if not chains:
        return None
    merged: dict[tuple[Any, ...], tuple[Finding, str, list[str]]] = ctx.memo(
        "terraform.call_findings", dict
    )

    def refine(finding: Finding, res: Result) -> bool:
        names: list[str] = []
        if res.path is not None and res.path[: len(resource.path)] == resource.path:
            rel: JsonPath = res.path[len(resource.path) :]
            names = _var_names(resource.expr(*rel)) if rel else []
        related: list[Related] = []
        if names:
            for chain in chains:
                related.extend(argument_sources(chain, names))
        related.extend(call_locations)
        base = finding.message
        # Once per distinct location and outcome (standards 0.6 item 3): calls giving other
        # values at the same place are listed with the first message.
        key = (finding.rule_id, finding.path, finding.span, finding.outcome)
        earlier = merged.get(key)
        if earlier is not None:
            first, first_base, first_labels = earlier
            first_labels.extend(lb for lb in labels if lb not in first_labels)
            first.message = _with_chains(first_base, first_labels)
            first.related.extend(r for r in related if r not in first.related)
            return False
        finding.message = _with_chains(base, labels)
        finding.related = list(dict.fromkeys(related))
        merged[key] = (finding, base, list(dict.fromkeys(labels)))
        return True

    return refine
