"""Evaluating the rules: target kinds in order, shared between forked workers on large runs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import structure
from ..context import Context
from ..model import UNRESOLVED_KEY, Document, Result, Span, Target, contains_unresolved
from ..rules import Rule, RuleError
from ..targets import ANY_FORMAT, TargetKind, UnknownTargetKind, may_apply, resolve_kind
from .state import RunState

KindRules = tuple[str, TargetKind, list[Rule]]
# Below this many documents, forking workers costs more than evaluating here.
PARALLEL_MIN_DOCUMENTS = 300


def evaluate(state: RunState, jobs: int = 1) -> None:
    owns = state.owns
    if "X-000.schema-violation" in state.selected_ids:
        for doc in state.project.documents:  # pod specs, containers (standards 0.6 item 1)
            if owns is not None and not owns(doc.path):
                continue
            for span, where, reason in structure.schema_violations(doc, state.ctx):
                state.report("X-000.schema-violation", doc.path, span, reason, where=where)
    first, last = plan(state)
    if jobs > 1 and len(state.project.documents) >= PARALLEL_MIN_DOCUMENTS and len(first) > 1:
        evaluate_parallel(state, first, jobs)
    else:
        for item in first:
            evaluate_kind(state, item)
    for item in last:
        evaluate_kind(state, item)


def plan(state: RunState) -> tuple[list[KindRules], list[KindRules]]:
    """The target kinds with something to look at, with their rules: (first, last).

    Kinds for every file ("*", secret scanning) run last, so that their checks can read the
    other rules' findings (X-002 de-duplication).
    """
    by_kind: dict[str, list[Rule]] = defaultdict(list)
    for rule in state.rules:
        if rule.target != "core.input":
            by_kind[rule.target].append(rule)
    formats_present = {d.format for d in state.project.documents}
    kinds: list[KindRules] = []
    for kind_name, rules in by_kind.items():
        if not may_apply(kind_name, formats_present):
            continue
        try:
            tk = resolve_kind(kind_name)
        except UnknownTargetKind:
            raise RuleError(f"{rules[0].source}: unknown target kind {kind_name!r}") from None
        if ANY_FORMAT in tk.formats or tk.formats & formats_present:
            kinds.append((kind_name, tk, rules))
    first = [k for k in kinds if ANY_FORMAT not in k[1].formats]
    last = [k for k in kinds if ANY_FORMAT in k[1].formats]
    return first, last


def evaluate_kind(state: RunState, item: KindRules, shard: tuple[int, int] | None = None) -> None:
    kind_name, tk, rules = item
    candidates = _Candidates(rules)
    for target in _targets(state, tk, kind_name, shard):
        for rule in candidates.of(target):
            run_rule(state, rule, target)


class _Candidates:
    """The rules of a kind that may apply to a target, in the kind's rule order.

    Most prefilters name one context key (``type`` for Terraform resources, ``kind`` for
    Kubernetes objects); looking rules up by that value instead of asking every rule keeps
    a large run from making one call per rule and target (871,000 calls on 1,000 files).
    ``run_rule`` still checks every prefilter (``Rule.applies``).
    """

    def __init__(self, rules: list[Rule]) -> None:
        self.always: list[tuple[int, Rule]] = []
        self.by_key: dict[str, dict[Any, list[tuple[int, Rule]]]] = {}
        for index, rule in enumerate(rules):
            prefilter = rule.applies_to
            if prefilter is None or len(prefilter) != 1:
                self.always.append((index, rule))
                continue
            ((key, allowed),) = prefilter.items()
            by_value = self.by_key.setdefault(key, {})
            for value in allowed:
                by_value.setdefault(value, []).append((index, rule))

    def of(self, target: Target) -> list[Rule]:
        context = target.context
        found = list(self.always)
        for key, by_value in self.by_key.items():
            value = context.get(key)
            if isinstance(value, str):  # prefilters list strings; nothing else can match
                found += by_value.get(value, ())
        found.sort(key=lambda pair: pair[0])
        return [rule for _, rule in found]


def _partition(
    items: list[KindRules], bins: int, cost: Callable[[KindRules], int]
) -> list[list[KindRules]]:
    """Greedy balance of target kinds over ``bins`` groups by estimated cost."""
    groups: list[list[KindRules]] = [[] for _ in range(bins)]
    loads = [0] * bins
    for item in sorted(items, key=cost, reverse=True):
        i = loads.index(min(loads))
        groups[i].append(item)
        loads[i] += cost(item)
    return [g for g in groups if g] or [[]]


def evaluate_parallel(state: RunState, kinds: list[KindRules], jobs: int) -> None:
    """Share the evaluation between forked workers that hold the parsed project.

    Forking after parsing hands every worker the documents for free (copy-on-write);
    only findings travel back. Per-document kinds are split by document (worker ``w``
    takes every ``jobs``-th document), project kinds by estimated cost. A worker that
    fails has its share evaluated here instead: parallelism never changes results.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        for item in kinds:
            evaluate_kind(state, item)
        return
    mp = multiprocessing.get_context("fork")
    per_doc = [k for k in kinds if not k[1].project]

    def cost(item: KindRules) -> int:
        _, tk, rules = item
        docs = sum(1 for d in state.project.documents if d.format in tk.formats)
        return len(rules) * max(docs, 1)

    shares = _partition([k for k in kinds if k[1].project], jobs, cost)
    shares += [[] for _ in range(jobs - len(shares))]
    workers: list[tuple[Any, Any, int]] = []
    for w in range(1, jobs):
        try:
            here, there = mp.Pipe(duplex=False)
            proc = mp.Process(
                target=_worker, args=(state, per_doc, shares[w], w, jobs, there), daemon=True
            )
            proc.start()
            there.close()
            workers.append((proc, here, w))
        except OSError:
            _share(state, per_doc, shares[w], w, jobs)
    _share(state, per_doc, shares[0], 0, jobs)
    for proc, conn, w in workers:
        try:
            status, payload = conn.recv()
        except (EOFError, OSError):
            status, payload = "failed", None
        proc.join()
        if status == "ok":
            findings, evaluated = payload
            for finding in findings:
                state.add(finding)
            state.evaluated.update(evaluated)
        else:
            _share(state, per_doc, shares[w], w, jobs)


def _share(
    state: RunState, per_doc: list[KindRules], project: list[KindRules], w: int, n: int
) -> None:
    for item in per_doc:
        evaluate_kind(state, item, (w, n))
    for item in project:
        evaluate_kind(state, item)


def _worker(
    state: RunState,
    per_doc: list[KindRules],
    project: list[KindRules],
    w: int,
    n: int,
    conn: Any,
) -> None:
    start = len(state.findings)
    state.evaluated = Counter()  # this worker's share only; the parent adds it up
    try:
        _share(state, per_doc, project, w, n)
        conn.send(("ok", (state.findings[start:], dict(state.evaluated))))
    except Exception as exc:  # the parent redoes this share itself
        conn.send(("failed", repr(exc)))
    finally:
        conn.close()


def _targets(
    state: RunState, tk: TargetKind, name: str, shard: tuple[int, int] | None = None
) -> Iterator[Target]:
    owns = state.owns
    if tk.project:
        targets = _guarded(state, tk.project_targets, state.project, name, None)
        if owns is None:
            yield from targets
        else:  # a shard evaluates the targets of the files it owns (``shards``)
            yield from (t for t in targets if owns(t.doc.path))
        return
    docs = state.project.documents
    if shard is not None:
        docs = docs[shard[0] :: shard[1]]
    for doc in docs:
        if doc.format in tk.formats and (owns is None or owns(doc.path)):
            yield from _guarded(state, tk.document_targets, doc, name, doc)


def _guarded(
    state: RunState,
    make: Callable[[Any, Context], Iterable[Target]],
    arg: Any,
    name: str,
    doc: Document | None,
) -> Iterator[Target]:
    try:
        yield from make(arg, state.ctx)
    except Exception as exc:  # a broken adapter must not end the run
        path = doc.path if doc else "."
        reason = f"{name} targets failed: {exc!r}"
        state.report("X-000.internal-error", path, Span.at(1), reason)


def run_rule(state: RunState, rule: Rule, target: Target) -> None:
    if not rule.applies(target):
        return
    exempt = target.context.get("exempt_controls")
    if exempt and exempt.issuperset(rule.controls):
        return  # e.g. system namespaces for the pod-security controls (0.6 item 5)
    state.evaluated[(rule.id, target.doc.path)] += 1
    try:
        if rule.require is not None:
            results: Iterable[Result] = schema_results(rule, target)
        else:
            results = rule.check_fn(target, rule, state.ctx)
        # A format may refine its findings: Terraform names module call chains, folds
        # a finding into an earlier one or splits it (refine returns what to report).
        refine = target.context.get("refine_finding")
        for res in results:
            finding = state.finding(rule, target, res)
            for out in refine(finding, res) if refine is not None else (finding,):
                state.add(out)
    except RuleError:
        raise
    except Exception as exc:
        state.report(
            "X-000.internal-error",
            target.doc.path,
            target.anchor_span(),
            f"rule {rule.id} failed on {target.locator}: {exc!r}",
        )


def schema_results(rule: Rule, target: Target) -> list[Result]:
    errors = list(rule.validator.iter_errors(target.data))
    if not errors:
        return []
    err = min(errors, key=lambda e: (len(e.absolute_path), str(e.absolute_path)))
    inst = err.instance
    rel = tuple(err.absolute_path)
    if err.validator == "required":
        unresolved = isinstance(inst, dict) and UNRESOLVED_KEY in inst
        return [Result(span=target.anchor_span(), unresolved=unresolved)]
    path = (*target.path, *rel)
    return [Result(path=path, unresolved=contains_unresolved(inst))]
