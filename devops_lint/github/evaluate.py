"""Static evaluation of conditions over ``github.event_name`` and ``github.ref``.

A run is described by its event and what is known of its ref: an exact set of
possible refs, a prefix (``refs/pull/`` for ``pull_request``), or nothing. Anything
else an expression reads is unknown, and unknown never narrows: a condition that
does not evaluate to a definite false leaves the event reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .exprtree import Binary, Call, Literal, Node, Unary, ref_path
from .workflow import DEFAULT_BRANCH_EVENTS

PR_EVENTS = ("pull_request", "pull_request_target")
INPUT_EVENTS = frozenset({"workflow_dispatch", "workflow_call"})


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class RunInfo:
    event: str
    refs: frozenset[str] | None = None  # exact possible refs (lower case), when known
    prefix: str | None = None  # known prefix of the ref, when refs is None


def _literal_filter(values: Any) -> list[str] | None:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values:
        return None
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or any(c in v for c in "*?[]!+") or "${{" in v:
            return None
        out.append(v)
    return out


def run_info(event: str, spec: Any, default_branch: str) -> RunInfo:
    """What is known of ``github.ref`` for ``event`` given its trigger filters."""
    spec = spec if isinstance(spec, dict) else {}
    if event == "pull_request":
        return RunInfo(event, prefix="refs/pull/")
    if event in ("push", "pull_request_target"):
        has_branch = "branches" in spec or "branches-ignore" in spec
        has_tags = "tags" in spec or "tags-ignore" in spec
        branches = _literal_filter(spec.get("branches"))
        tags = _literal_filter(spec.get("tags")) if event == "push" else None
        if event == "pull_request_target":
            if branches is not None:
                return RunInfo(event, frozenset(f"refs/heads/{b}".lower() for b in branches))
            return RunInfo(event, prefix="refs/heads/")
        refs: set[str] = set()
        if has_branch and not has_tags and branches is not None:
            refs = {f"refs/heads/{b}".lower() for b in branches}
        elif has_tags and not has_branch and tags is not None:
            refs = {f"refs/tags/{t}".lower() for t in tags}
        elif has_branch and has_tags and branches is not None and tags is not None:
            refs = {f"refs/heads/{b}".lower() for b in branches}
            refs |= {f"refs/tags/{t}".lower() for t in tags}
        if refs:
            return RunInfo(event, frozenset(refs))
        if has_branch and not has_tags:
            return RunInfo(event, prefix="refs/heads/")
        if has_tags and not has_branch:
            return RunInfo(event, prefix="refs/tags/")
        return RunInfo(event)
    if event == "release":
        return RunInfo(event, prefix="refs/tags/")
    if event in DEFAULT_BRANCH_EVENTS:
        return RunInfo(event, frozenset({f"refs/heads/{default_branch}".lower()}))
    return RunInfo(event)


def run_infos(event: str, spec: Any, default_branch: str) -> list[RunInfo]:
    """``run_info``, with a ``push`` filtered on both branches and tags split into its
    branch runs and its tag runs, so ``startsWith(github.ref, 'refs/tags/')`` evaluates."""
    info = run_info(event, spec, default_branch)
    if event != "push" or not isinstance(spec, dict):
        return [info]
    has_branch = "branches" in spec or "branches-ignore" in spec
    has_tags = "tags" in spec or "tags-ignore" in spec
    if not (has_branch and has_tags):
        return [info]
    branch_spec = {k: v for k, v in spec.items() if k not in ("tags", "tags-ignore")}
    tag_spec = {k: v for k, v in spec.items() if k not in ("branches", "branches-ignore")}
    return [run_info(event, branch_spec, default_branch), run_info(event, tag_spec, default_branch)]


def _null_equals(text: str) -> bool:
    """GitHub compares null with a string as numbers: null is 0, '' is 0, 'x' is NaN."""
    stripped = text.strip()
    if not stripped:
        return True
    try:
        return float(stripped) == 0
    except ValueError:
        return False


class _Ref:
    """The value of ``github.ref`` as far as it is known."""

    def __init__(self, info: RunInfo) -> None:
        self.info = info

    @property
    def exact(self) -> str | None:
        refs = self.info.refs
        if refs is not None and len(refs) == 1:
            return next(iter(refs))
        return None

    def equals(self, literal: str) -> Any:
        lit = literal.lower()
        refs = self.info.refs
        if refs is not None:
            if lit not in refs:
                return False
            return True if len(refs) == 1 else UNKNOWN
        prefix = self.info.prefix
        if prefix is not None and not lit.startswith(prefix):
            return False
        return UNKNOWN

    def starts_with(self, literal: str) -> Any:
        lit = literal.lower()
        refs = self.info.refs
        if refs is not None:
            hits = {r.startswith(lit) for r in refs}
            return hits.pop() if len(hits) == 1 else UNKNOWN
        prefix = self.info.prefix
        if prefix is not None and not (lit.startswith(prefix) or prefix.startswith(lit)):
            return False
        if prefix is not None and prefix.startswith(lit):
            return True
        return UNKNOWN


def truthy(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, _Ref):
        return True  # a ref is never empty
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True


class Evaluator:
    def __init__(self, info: RunInfo) -> None:
        self.info = info

    def value(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        found = ref_path(node)
        if found is not None:
            parts, dyn = found
            if dyn:
                return UNKNOWN
            if parts == ("github", "event_name"):
                return self.info.event
            if parts == ("github", "ref"):
                ref = _Ref(self.info)
                return ref.exact if ref.exact is not None else ref
            if parts[0] == "inputs" and self.info.event not in INPUT_EVENTS:
                return None  # only dispatch and workflow_call runs have inputs
            return UNKNOWN
        if isinstance(node, Unary):
            t = truthy(self.value(node.operand))
            return UNKNOWN if t is UNKNOWN else not t
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Call):
            return self._call(node)
        return UNKNOWN

    def truth(self, node: Node) -> Any:
        """True, False or UNKNOWN (three-valued, for conditions)."""
        if isinstance(node, Binary) and node.op in ("&&", "||"):
            left = self.truth(node.left)
            right = self.truth(node.right)
            if node.op == "&&":
                if left is False or right is False:
                    return False
                return True if left is True and right is True else UNKNOWN
            if left is True or right is True:
                return True
            return False if left is False and right is False else UNKNOWN
        if isinstance(node, Unary):
            t = self.truth(node.operand)
            return UNKNOWN if t is UNKNOWN else not t
        return truthy(self.value(node))

    def _binary(self, node: Binary) -> Any:
        if node.op in ("&&", "||"):
            left = self.value(node.left)
            t = truthy(left)
            if t is UNKNOWN:
                return UNKNOWN
            if node.op == "&&":
                return self.value(node.right) if t else left
            return left if t else self.value(node.right)
        if node.op in ("==", "!="):
            eq = self._equals(self.value(node.left), self.value(node.right))
            if eq is UNKNOWN:
                return UNKNOWN
            return eq if node.op == "==" else not eq
        return UNKNOWN

    @staticmethod
    def _equals(a: Any, b: Any) -> Any:
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        if isinstance(a, _Ref) and isinstance(b, str):
            return a.equals(b)
        if isinstance(b, _Ref) and isinstance(a, str):
            return b.equals(a)
        if isinstance(a, _Ref) or isinstance(b, _Ref):
            return UNKNOWN
        if isinstance(a, str) and isinstance(b, str):
            return a.lower() == b.lower()
        if type(a) is type(b):
            return bool(a == b)
        if a is None and isinstance(b, str):
            return _null_equals(b)
        if b is None and isinstance(a, str):
            return _null_equals(a)
        return UNKNOWN  # GitHub coerces other mixed types; not needed for conditions here

    def _call(self, node: Call) -> Any:
        if node.name == "startswith" and len(node.args) == 2:
            subject = self.value(node.args[0])
            lit = self.value(node.args[1])
            if not isinstance(lit, str):
                return UNKNOWN
            if isinstance(subject, _Ref):
                return subject.starts_with(lit)
            if isinstance(subject, str):
                return subject.lower().startswith(lit.lower())
        return UNKNOWN


def reachable_events(
    triggers: dict[str, Any], condition: Node | None, default_branch: str
) -> list[str]:
    """The workflow's events that the job's ``if:`` does not provably exclude."""
    out: list[str] = []
    for event, spec in triggers.items():
        if condition is not None:
            ev = Evaluator(run_info(event, spec, default_branch))
            if ev.truth(condition) is False:
                continue
        out.append(event)
    return out


def excludes_ref(condition: Node, event: str, ref: str) -> bool:
    """The condition is definitely false for ``event`` running on ``ref``."""
    ev = Evaluator(RunInfo(event, frozenset({ref.lower()})))
    return ev.truth(condition) is False


def evaluates_false(condition: Node, info: RunInfo) -> bool:
    return Evaluator(info).truth(condition) is False
