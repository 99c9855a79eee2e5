"""Fixes for Kubernetes pod specs and containers (K8S-006/007/008/009/010/022).

All are unsafe: a restricted security context can stop an image that needs root, a writable
root filesystem or the API token from starting or working. Helm templates are not edited.
"""

from __future__ import annotations

from typing import Any

from ..model import Document, JsonPath
from .edits import Edit
from .locate import Accept, at_finding
from .registry import FixContext, Proposal, fix, located
from .yamledit import ensure, replace_scalar

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def _in_manifest(ctx: FixContext, accept: Accept) -> tuple[Document, JsonPath] | None:
    """``at_finding`` in a plain manifest: Helm templates are not edited."""
    found = None if ctx.source.templated else at_finding(ctx, accept)
    return found if found is not None and found[0].format in ("yaml", "kubernetes") else None


def _container(ctx: FixContext) -> tuple[Document, JsonPath] | None:
    return _in_manifest(
        ctx,
        lambda p, v: (
            len(p) >= 2
            and isinstance(p[-1], int)
            and p[-2] in CONTAINER_LISTS
            and isinstance(v, dict)
        ),
    )


def _pod_spec(ctx: FixContext) -> tuple[Document, JsonPath] | None:
    return _in_manifest(
        ctx, lambda p, v: isinstance(v, dict) and isinstance(v.get("containers"), list)
    )


def _set_security_field(
    ctx: FixContext, keys: tuple[str, ...], value: str, leaf: dict[str, Any] | None = None
) -> Proposal | None:
    """Make the container's ``securityContext.<keys>`` hold ``value`` (or the mapping ``leaf``)."""
    found = _container(ctx)
    if found is None:
        return None
    doc, path = found
    full = (*path, "securityContext", *keys)
    current = doc.get(full, _MISSING)
    if leaf is None and current is not _MISSING:
        if isinstance(current, (dict, list)):
            return None
        edit = replace_scalar(ctx.source, doc, full, value)
    elif leaf is not None:
        if current is not _MISSING:
            return None
        edit = ensure(ctx.source, doc, path, ("securityContext", *keys), leaf)
    else:
        edit = ensure(ctx.source, doc, path, ("securityContext", *keys[:-1]), {keys[-1]: value})
    return Proposal([edit], safe=False) if edit else None


_MISSING: Any = object()


def _register_flag_fix(rule_id: str, key: str, value: str) -> None:
    """Register the fix of ``rule_id``: set the container's ``securityContext.<key>``."""

    @fix(rule_id, "unsafe", f"sets `securityContext.{key}: {value}`")
    def set_flag(ctx: FixContext) -> Proposal | None:
        return _set_security_field(ctx, (key,), value)


_register_flag_fix("K8S-007", "allowPrivilegeEscalation", "false")
_register_flag_fix("K8S-010", "readOnlyRootFilesystem", "true")


@fix("K8S-008.run-as-non-root", "unsafe", "sets `securityContext.runAsNonRoot: true`")
@located(_container)
def run_as_non_root(ctx: FixContext, found: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = found
    if doc.get((*path, "securityContext", "runAsUser")) == 0:
        return None  # an explicit root UID: a human picks the user
    return _set_security_field(ctx, ("runAsNonRoot",), "true")


@fix("K8S-009.missing", "unsafe", "sets `securityContext.seccompProfile.type: RuntimeDefault`")
def seccomp_runtime_default(ctx: FixContext) -> Proposal | None:
    return _set_security_field(ctx, ("seccompProfile",), "", leaf={"type": "RuntimeDefault"})


@fix("K8S-006", "unsafe", "adds `ALL` to `securityContext.capabilities.drop`")
@located(_container)
def drop_all_capabilities(ctx: FixContext, found: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = found
    drop_path = (*path, "securityContext", "capabilities", "drop")
    drop = doc.get(drop_path, _MISSING)
    src = ctx.source
    if drop is _MISSING:
        return _set_security_field(ctx, ("capabilities", "drop"), "[ALL]")
    if not isinstance(drop, list) or "ALL" in drop:
        return None
    span = doc.spans.get(drop_path)
    if span is None:
        return None
    start = src.offset(span.line, span.column)
    if src.text[start : start + 1] == "[":
        close = src.offset(span.end_line, span.end_column)
        if span.line != span.end_line or src.text[close : close + 1] != "]":
            return None
        text = "ALL" if not src.text[start + 1 : close].strip() else "ALL, "
        return Proposal([Edit(start + 1, start + 1, text)], safe=False)
    first = doc.spans.get((*drop_path, 0))
    if first is None:
        return None
    line = src.line(first.line)
    dash = first.column - 3
    if dash < 0 or line[dash : dash + 2] != "- " or line[:dash].strip():
        return None
    offset = src.offset(first.line)
    return Proposal([Edit(offset, offset, src.lines_at(offset, ["- ALL"], dash))], safe=False)


@fix("K8S-022", "unsafe", "sets `automountServiceAccountToken: false` on the pod spec")
@located(_pod_spec)
def no_token_automount(ctx: FixContext, found: tuple[Document, JsonPath]) -> Proposal | None:
    doc, path = found
    pod = doc.get(path)
    if "automountServiceAccountToken" in pod:
        if pod["automountServiceAccountToken"] is False:
            return None
        edit = replace_scalar(ctx.source, doc, (*path, "automountServiceAccountToken"), "false")
    else:
        from .yamledit import insert_into_mapping

        edit = insert_into_mapping(
            ctx.source, doc, path, {"automountServiceAccountToken": "false"}, before="containers"
        )
    return Proposal([edit], safe=False) if edit else None
