"""The suppression pass: inline comments and annotations silence findings, and their misuse
(no reason, no approval for a critical finding, nothing matched, unknown IDs) is reported."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..model import Finding
from ..rules import load_controls
from ..selection import matches
from ..suppress import Suppression, annotation_suppressions, comment_suppressions, unknown_ids
from .state import RunState


def suppress(state: RunState) -> None:
    by_path = suppressions(state)
    new = mark(state, state.findings, by_path)
    new.extend(hygiene(state, by_path))
    for extra in new:
        if extra is not None:
            state.add(extra)


def mark(
    state: RunState, findings: list[Finding], by_path: dict[str, list[Suppression]]
) -> list[Finding | None]:
    """Mark the findings a suppression silences (and the suppressions used); the findings
    about suppressions that want an approval."""
    new: list[Finding | None] = []
    for f in findings:
        if f.rule_id.startswith("X-000."):
            continue
        # Related locations (a module call's argument) may hold the suppression too.
        elsewhere = [(p, sp.line) for p, sp, _ in f.related]
        candidates = [*by_path.get(f.path, ())]
        for p in dict.fromkeys(p for p, _ in elsewhere if p != f.path):
            candidates.extend(by_path.get(p, ()))
        for s in candidates:
            here = s.path == f.path and (f.line in s.lines or f.object_line in s.lines)
            here = here or any(p == s.path and line in s.lines for p, line in elsewhere)
            if s.document is not None:
                here = here or s.document == (f.path, f.document)
            if not here or not s.covers(f.rule_id, f.controls):
                continue
            s.used = True
            if s.expired(state.today) or not s.reason:
                continue
            if f.severity == "critical" and not s.approved_by:
                if f.rule_id not in s.matched_rules:
                    s.matched_rules.add(f.rule_id)
                    new.append(
                        state.core(
                            "X-000.suppression-without-approval", s.path, s.span, rule=f.rule_id
                        )
                    )
                continue
            f.suppression = s.reason
            if s.until is not None:
                state.suppressed_until[f.sort_key()] = s.until.isoformat()
            break
    return new


def suppressions(state: RunState) -> dict[str, list[Suppression]]:
    """Every suppression of the run, by path: annotations, then comments in file texts."""
    by_path: dict[str, list[Suppression]] = defaultdict(list)
    texts: dict[str, str] = {}
    for doc in state.project.documents:
        texts.setdefault(doc.path, doc.text)
        by_path[doc.path].extend(annotation_suppressions(doc))
    for path, text in state.ctx.texts.items():
        texts.setdefault(path, text)
    for path, text in texts.items():
        by_path[path].extend(comment_suppressions(path, text))
    return by_path


def hygiene(state: RunState, by_path: dict[str, list[Suppression]]) -> list[Finding | None]:
    """Suppressions without a reason, unused ones, and IDs that name nothing."""
    return [finding for finding, _ in hygiene_of(state, by_path)]


def hygiene_of(
    state: RunState, by_path: dict[str, list[Suppression]]
) -> list[tuple[Finding | None, Suppression | None]]:
    """``hygiene``, each unused-suppression finding paired with its suppression (a merge
    of shards leaves it out when another shard's findings used the suppression)."""
    new: list[tuple[Finding | None, Suppression | None]] = []
    for supps in by_path.values():
        for s in supps:
            ids = ", ".join(s.ids) or "nothing"
            if not s.reason:
                found = state.core("X-000.suppression-without-reason", s.path, s.span, ids=ids)
                new.append((found, None))
            elif not s.used and not s.expired(state.today) and _ids_selected(state, s.ids):
                new.append((state.core("X-000.unused-suppression", s.path, s.span, ids=ids), s))
    every = [s for supps in by_path.values() for s in supps]
    # The control catalogue is a large YAML file: read it only for an ID no rule matches.
    every_rule = list(state.rule_by_id.values())
    unmatched = any(not any(matches(i, r) for r in every_rule) for s in every for i in s.ids)
    catalog = load_controls() if unmatched else {}
    for s, _, detail in unknown_ids(every, every_rule, catalog):
        new.append((state.core("X-000.unknown-rule", s.path, s.span, detail=detail), None))
    return new


def key(s: Suppression) -> list[Any]:
    """A suppression's identity across runs of one input (a shard's and a merge's)."""
    return [s.path, *s.span, -1 if s.document is None else s.document[1]]


def _ids_selected(state: RunState, ids: list[str]) -> bool:
    return any(matches(i, r) for i in ids for r in state.rules)
