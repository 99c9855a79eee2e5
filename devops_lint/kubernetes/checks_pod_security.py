"""Pod Security Standards checks (standards K8S-001 … K8S-012).

Two principles decide *which* value is checked:

- A requirement (``runAsNonRoot: true``, a seccomp profile) is judged on the effective
  value of each container (0.6 item 2): the container's, else the pod's. When neither
  level sets it, one finding per container at its ``- name:`` line.
- A prohibition (``runAsUser: 0``, ``Unconfined``, custom SELinux user, ``hostProcess``)
  is judged on every level where it is written, as Pod Security admission does: a pod
  value that every container overrides is still rejected by admission.

A value that cannot be known (``Unresolved``, or a key hidden behind ``UNRESOLVED_KEY``)
yields an ``unresolved`` result where the finding would be, never a failure; a finding
that rests only on known parts still fires (a hostPath volume with a templated path is a
hostPath volume).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ..context import Context
from ..model import Result, Target, Unresolved
from ..registry import check, params_of
from ..rules import Rule
from .objects import container_of, lookup, pod_of
from .pod_security_support import (
    VariantParams,
    is_zero,
    result_at,
    templated,
)

# ------------------------------------------------------------------ K8S-001, K8S-002


class FlagParams(NamedTuple):
    """The boolean field that must not be true (``privileged``, ``hostPID`` …)."""

    field: str


@check("K8S-001", target="kubernetes.container", params=FlagParams)
def container_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``securityContext.<field>: true`` on a container (K8S-001 ``privileged``)."""
    c = container_of(target)
    field = params_of(rule, FlagParams).field
    look = lookup(c.data, c.path, "securityContext", field)
    if look.unresolved or (look.is_set and look.value is True):
        msg = templated(f"securityContext.{field}", look) if look.unresolved else None
        yield result_at(look, c.anchor, msg, field=field)


@check(
    "K8S-002.host-ipc",
    "K8S-002.host-network",
    "K8S-002.host-pid",
    target="kubernetes.pod",
    params=FlagParams,
)
def pod_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``<field>: true`` in the pod spec (K8S-002 host namespaces)."""
    pod = pod_of(target)
    field = params_of(rule, FlagParams).field
    look = lookup(pod.data, pod.path, field)
    if look.unresolved or (look.is_set and look.value is True):
        msg = templated(field, look) if look.unresolved else None
        yield result_at(look, pod.anchor, msg, field=field)


# -------------------------------------------------------------------------- K8S-004


@check("K8S-004", target="kubernetes.container")
def host_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    c = container_of(target)
    ports = lookup(c.data, c.path, "ports")
    if ports.unresolved:
        yield result_at(ports, c.anchor, templated("ports (hostPort)", ports))
        return
    if not ports.is_set or not isinstance(ports.value, list):
        return
    for i, _ in enumerate(ports.value):
        look = lookup(ports.value, ports.path, i, "hostPort")
        if look.unresolved:
            yield result_at(look, c.anchor, templated("hostPort", look))
        elif look.is_set and not is_zero(look.value):
            yield Result(path=look.path, args={"port": look.value})


# -------------------------------------------------------------------------- K8S-005

DANGEROUS_CAPABILITIES = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "SYS_PTRACE",
        "SYS_MODULE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "DAC_READ_SEARCH",
        "BPF",
        "PERFMON",
        "NET_RAW",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
    }
)
ALLOWED_ADDED = frozenset({"NET_BIND_SERVICE"})


def normalise_capability(name: str) -> str:
    """``cap_sys_admin`` → ``SYS_ADMIN``: upper case, without the ``CAP_`` prefix."""
    n = name.strip().upper()
    return n[4:] if n.startswith("CAP_") else n


def classify_capability(name: str) -> str | None:
    """``dangerous``, ``other``, or None for an allowed addition (K8S-005)."""
    n = normalise_capability(name)
    if n in ALLOWED_ADDED:
        return None
    return "dangerous" if n in DANGEROUS_CAPABILITIES else "other"


@check("K8S-005.dangerous", "K8S-005.other", target="kubernetes.container", params=VariantParams)
def added_capabilities(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """One result per added capability of the rule's ``variant``.

    An unknown entry or list is reported (unresolved) by the ``dangerous`` rule only, so
    that ``--strict-unresolved`` raises it at the higher severity.
    """
    c = container_of(target)
    variant = params_of(rule, VariantParams).variant
    add = lookup(c.data, c.path, "securityContext", "capabilities", "add")
    if add.unresolved:
        if variant == "dangerous":
            yield result_at(add, c.anchor, templated("capabilities.add", add))
        return
    if not add.is_set or not isinstance(add.value, list):
        return
    for i, cap in enumerate(add.value):
        where = (*add.path, i)
        if isinstance(cap, Unresolved):
            if variant == "dangerous":
                msg = f"added capability cannot be checked: templated value {str(cap)!r}"
                yield Result(msg, path=where, unresolved=True)
            continue
        if isinstance(cap, str) and classify_capability(cap) == variant:
            yield Result(path=where, args={"capability": cap})


# -------------------------------------------------------------------------- K8S-006


@check("K8S-006", target="kubernetes.container")
def drop_all(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    c = container_of(target)
    drop = lookup(c.data, c.path, "securityContext", "capabilities", "drop")
    if drop.absent:
        yield Result(span=c.anchor, args={"detail": "capabilities.drop is not set"})
        return
    if drop.unresolved:
        yield result_at(drop, c.anchor, templated("capabilities.drop", drop))
        return
    items = drop.value if isinstance(drop.value, list) else [drop.value]
    if "ALL" in items:
        return
    if any(isinstance(x, Unresolved) for x in items):
        msg = "capabilities.drop cannot be checked: an entry is templated"
        yield Result(msg, path=drop.path, unresolved=True)
        return
    if any(isinstance(x, str) and x.strip().upper() == "ALL" for x in items):
        detail = "drop lists ALL in the wrong case; admission compares case-sensitively"
    else:
        detail = "drop does not contain ALL"
    yield Result(path=drop.path, key=True, args={"detail": detail})


# -------------------------------------------------------------------------- K8S-010
# (schema rule: rules/kubernetes/K8S-010.yaml)
