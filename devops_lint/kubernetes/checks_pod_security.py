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

import functools
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..context import Context
from ..model import UNRESOLVED_KEY, JsonPath, Result, Severity, Span, Target, Unresolved
from ..registry import check, params_of
from ..rules import CheckFn, Rule
from .objects import (
    Container,
    Lookup,
    PodSpec,
    containers,
    effective_lookup,
    lookup,
)

# ------------------------------------------------------------------------- helpers


def _pod(target: Target) -> PodSpec:
    pod: PodSpec = target.context["pod"]
    return pod


def _container(target: Target) -> Container:
    c: Container = target.context["container"]
    return c


def _at(look: Lookup, anchor: Span, message: str | None = None, **args: Any) -> Result:
    """A finding or unresolved outcome for ``look``: at its value, else at ``anchor``."""
    if look.is_set or (look.unresolved and not look.hidden):
        return Result(message, path=look.path, unresolved=look.unresolved, args=args)
    return Result(message, span=anchor, unresolved=look.unresolved, args=args)


def _templated(what: str, look: Lookup) -> str:
    """Message of an unresolved outcome: what could not be checked, and why."""
    if look.hidden:
        return f"{what} cannot be checked: part of the manifest is templated"
    return f"{what} cannot be checked: templated value {str(look.value)!r}"


@dataclass(frozen=True)
class Level:
    """One place a securityContext can be written: the pod spec or one container."""

    name: str  # for messages: "the pod securityContext", "... of container 'api'"
    data: dict[str, Any]  # the pod spec or the container
    path: JsonPath
    anchor: Span  # where a finding about something hidden at this level goes


def _levels(pod: PodSpec) -> Iterator[Level]:
    yield Level("the pod securityContext", pod.data, pod.path, pod.anchor)
    for c in containers(pod):
        name = f"the securityContext of container '{c.name}'"
        yield Level(name, c.data, c.path, c.anchor)


def _level_values(pod: PodSpec, *keys: str) -> Iterator[tuple[Level, Lookup]]:
    """``securityContext.<keys>`` at every level."""
    for level in _levels(pod):
        yield level, lookup(level.data, level.path, "securityContext", *keys)


def _unknown(what: str, look: Lookup, anchor: Span) -> Result:
    """Unresolved outcome where the finding would be: the value, else the anchor."""
    return _at(look, anchor, _templated(what, look))


def _once_per_place(check: CheckFn) -> CheckFn:
    """Keep one unresolved outcome per location (a templated block hides many fields)."""

    @functools.wraps(check)
    def wrapper(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
        seen: set[object] = set()
        for res in check(target, rule, ctx):
            if res.unresolved:
                place = (res.path, res.span)
                if place in seen:
                    continue
                seen.add(place)
            yield res

    return wrapper


def _names(cs: Iterable[Container]) -> str:
    return ", ".join(f"'{c.name}'" for c in cs)


def _show(value: Any) -> str:
    """A value as YAML writes it (``false``, not ``False``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _is_zero(value: Any) -> bool:
    return type(value) is int and value == 0


# ------------------------------------------------------------------ K8S-001, K8S-002


@dataclass(frozen=True)
class FlagParams:
    """The boolean field that must not be true (``privileged``, ``hostPID`` …)."""

    field: str


@check("K8S-001", target="kubernetes.container", params=FlagParams)
def container_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``securityContext.<field>: true`` on a container (K8S-001 ``privileged``)."""
    c = _container(target)
    field = params_of(rule, FlagParams).field
    look = lookup(c.data, c.path, "securityContext", field)
    if look.unresolved or (look.is_set and look.value is True):
        msg = _templated(f"securityContext.{field}", look) if look.unresolved else None
        yield _at(look, c.anchor, msg, field=field)


@check(
    "K8S-002.host-ipc",
    "K8S-002.host-network",
    "K8S-002.host-pid",
    target="kubernetes.pod",
    params=FlagParams,
)
def pod_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``<field>: true`` in the pod spec (K8S-002 host namespaces)."""
    pod = _pod(target)
    field = params_of(rule, FlagParams).field
    look = lookup(pod.data, pod.path, field)
    if look.unresolved or (look.is_set and look.value is True):
        msg = _templated(field, look) if look.unresolved else None
        yield _at(look, pod.anchor, msg, field=field)


# -------------------------------------------------------------------------- K8S-003

RUNTIME_SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
)
SENSITIVE_DIRS = (
    "/etc",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/run",
    "/run",
)


def normalise_host_path(path: str) -> str:
    """Compare host paths lexically: no trailing ``/``, no ``//``, ``.`` or ``..``."""
    path = path.strip()
    if not path.startswith("/"):
        path = "/" + path  # the kubelet requires absolute paths; be lenient, compare anyway
    norm = posixpath.normpath(path)
    return "/" + norm.lstrip("/")


def _under(path: str, parent: str) -> bool:
    return parent == "/" or path == parent or path.startswith(parent + "/")


def classify_host_path(path: str) -> str:
    """``runtime-socket``, ``sensitive-path`` or ``hostpath`` (first match, K8S-003)."""
    p = normalise_host_path(path)
    if any(_under(sock, p) for sock in RUNTIME_SOCKETS):
        return "runtime-socket"
    if p == "/" or any(_under(p, d) for d in SENSITIVE_DIRS):
        return "sensitive-path"
    return "hostpath"


def _mount_mode(pod: PodSpec, volume: Any) -> str:
    """``read-only`` when every mount of the volume has ``readOnly: true``, ``unmounted``
    when no container mounts it, else ``writable`` (also when mounts are unknown)."""
    if not isinstance(volume, str) or isinstance(volume, Unresolved):
        return "writable"
    mounted = False
    for c in containers(pod):
        mounts = c.data.get("volumeMounts")
        if mounts is None:
            if UNRESOLVED_KEY in c.data:
                return "writable"  # the container's mounts are hidden
            continue
        if not isinstance(mounts, list):
            return "writable"  # unknown mounts: keep the higher severity
        for m in mounts:
            if not isinstance(m, dict) or isinstance(m.get("name"), Unresolved):
                return "writable"
            if m.get("name") == volume:
                mounted = True
                if m.get("readOnly") is not True:
                    return "writable"
    return "read-only" if mounted else "unmounted"


def _source_hidden(volume: dict[str, Any]) -> bool:
    """The volume's source is behind an unresolved include (only ``name`` is written)."""
    return UNRESOLVED_KEY in volume and not any(k not in ("name", UNRESOLVED_KEY) for k in volume)


def _volumes(pod: PodSpec) -> tuple[Lookup, list[tuple[int, Any]]]:
    look = lookup(pod.data, pod.path, "volumes")
    if look.is_set and isinstance(look.value, list):
        return look, list(enumerate(look.value))
    return look, []


@dataclass(frozen=True)
class VariantParams:
    """Which of the rules sharing one check this is (``hostpath``, ``dangerous`` …)."""

    variant: str


@check(
    "K8S-003.hostpath",
    "K8S-003.runtime-socket",
    "K8S-003.sensitive-path",
    target="kubernetes.pod",
    params=VariantParams,
)
def host_path(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """One result per hostPath volume, for the rule whose ``variant`` matches first."""
    pod = _pod(target)
    variant = params_of(rule, VariantParams).variant
    vols, items = _volumes(pod)
    if vols.unresolved:
        # Volumes are not known: whether any is a hostPath is unresolved (once, generic rule).
        if variant == "hostpath":
            yield _at(vols, pod.anchor, _templated("volumes (hostPath use)", vols))
        return
    for i, vol in items:
        vpath = (*vols.path, i)
        if isinstance(vol, Unresolved):
            if variant == "hostpath":
                msg = f"volume #{i} cannot be checked for hostPath: it is templated"
                yield Result(msg, path=vpath, unresolved=True)
            continue
        if not isinstance(vol, dict):
            continue
        if vol.get("hostPath") is None:  # absent, or `hostPath:` with no value
            if variant == "hostpath" and _source_hidden(vol):
                msg = (
                    f"volume '{vol.get('name')!s}' cannot be checked for hostPath: it is templated"
                )
                yield Result(msg, path=vpath, unresolved=True)
            continue
        name = vol.get("name")
        hp = lookup(vol, vpath, "hostPath", "path")
        args = {"volume": name if isinstance(name, str) else f"#{i}"}
        if hp.is_set and isinstance(hp.value, str):
            kind = classify_host_path(hp.value)
            args["path"] = hp.value
            where: JsonPath = hp.path
        else:
            # The path is templated or missing: a hostPath is used for certain, so the
            # generic rule fails; the socket/sensitive variants cannot be decided.
            kind = "hostpath"
            args["path"] = str(hp.value) if hp.value is not None else "(not set)"
            where = hp.path if hp.unresolved and not hp.hidden else (*vpath, "hostPath")
        if kind != variant:
            continue
        severity: Severity | None = None
        if kind == "hostpath":
            mode = _mount_mode(pod, name)
            severity = None if mode == "writable" else "medium"
            args["mode"] = {"read-only": "mounted read-only", "unmounted": "not mounted"}.get(
                mode, "writable"
            )
        yield Result(path=where, severity=severity, args=args)


# -------------------------------------------------------------------------- K8S-004


@check("K8S-004", target="kubernetes.container")
def host_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    c = _container(target)
    ports = lookup(c.data, c.path, "ports")
    if ports.unresolved:
        yield _at(ports, c.anchor, _templated("ports (hostPort)", ports))
        return
    if not ports.is_set or not isinstance(ports.value, list):
        return
    for i, _ in enumerate(ports.value):
        look = lookup(ports.value, ports.path, i, "hostPort")
        if look.unresolved:
            yield _at(look, c.anchor, _templated("hostPort", look))
        elif look.is_set and not _is_zero(look.value):
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
    c = _container(target)
    variant = params_of(rule, VariantParams).variant
    add = lookup(c.data, c.path, "securityContext", "capabilities", "add")
    if add.unresolved:
        if variant == "dangerous":
            yield _at(add, c.anchor, _templated("capabilities.add", add))
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
    c = _container(target)
    drop = lookup(c.data, c.path, "securityContext", "capabilities", "drop")
    if drop.absent:
        yield Result(span=c.anchor, args={"detail": "capabilities.drop is not set"})
        return
    if drop.unresolved:
        yield _at(drop, c.anchor, _templated("capabilities.drop", drop))
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


# -------------------------------------------------------------------------- K8S-008


@check("K8S-008.run-as-non-root", target="kubernetes.pod")
@_once_per_place
def run_as_non_root(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Effective ``runAsNonRoot`` not true; also an explicit non-true value at any level.

    Pod Security admission rejects a pod-level ``runAsNonRoot: false`` even when every
    container sets ``true``, so a written non-true value is reported wherever it is.
    """
    pod = _pod(target)
    for level, look in _level_values(pod, "runAsNonRoot"):
        if look.unresolved and not look.hidden:
            yield _unknown(f"runAsNonRoot in {level.name}", look, level.anchor)
        elif look.is_set and look.value is not True:
            users = [c for c in containers(pod) if effective_lookup(c, "runAsNonRoot") == look]
            detail = f"runAsNonRoot is {_show(look.value)} in {level.name}"
            if not users:
                detail += " (overridden by every container, but admission rejects it)"
            args = {"containers": _names(users) or "(none)", "detail": detail}
            yield Result(path=look.path, args=args)
    for c in containers(pod):
        look = effective_lookup(c, "runAsNonRoot")
        if look.absent:
            detail = "neither the container nor the pod sets runAsNonRoot: true"
            yield Result(span=c.anchor, args={"containers": f"'{c.name}'", "detail": detail})
        elif look.hidden:
            yield _unknown(f"runAsNonRoot of container '{c.name}'", look, c.anchor)


def _zeros(pod: PodSpec, field: str) -> Iterator[tuple[Level, Lookup]]:
    """``field: 0`` (or an unknown value) at every level."""
    for level, look in _level_values(pod, field):
        if look.unresolved or (look.is_set and _is_zero(look.value)):
            yield level, look


@check("K8S-008.uid-zero", target="kubernetes.pod")
@_once_per_place
def uid_zero(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``runAsUser: 0`` written at pod or container level."""
    for level, look in _zeros(_pod(target), "runAsUser"):
        if look.unresolved:
            yield _unknown(f"runAsUser in {level.name}", look, level.anchor)
        else:
            yield Result(path=look.path, args={"level": level.name})


@check("K8S-008.root-group", target="kubernetes.pod")
@_once_per_place
def root_group(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``runAsGroup: 0`` (any level), pod ``fsGroup: 0`` or ``supplementalGroups`` with 0."""
    pod = _pod(target)
    pod_level = next(_levels(pod))
    found = [(level, "runAsGroup", look) for level, look in _zeros(pod, "runAsGroup")]
    fs = lookup(pod.data, pod.path, "securityContext", "fsGroup")
    if fs.unresolved or (fs.is_set and _is_zero(fs.value)):
        found.append((pod_level, "fsGroup", fs))
    groups = lookup(pod.data, pod.path, "securityContext", "supplementalGroups")
    if groups.unresolved:
        found.append((pod_level, "supplementalGroups", groups))
    elif groups.is_set and isinstance(groups.value, list):
        for i, g in enumerate(groups.value):
            if _is_zero(g) or isinstance(g, Unresolved):
                entry = lookup(groups.value, groups.path, i)
                found.append((pod_level, "supplementalGroups", entry))
    for level, field, look in found:
        if look.unresolved:
            yield _unknown(f"{field} in {level.name}", look, level.anchor)
        else:
            yield Result(path=look.path, args={"level": level.name, "field": field})


# -------------------------------------------------------------------------- K8S-009

SECCOMP_OK = ("RuntimeDefault", "Localhost")


def _seccomp_problem(look: Lookup) -> tuple[str, Lookup] | None:
    """Why an effective seccompProfile is missing or invalid, with where to report."""
    if look.absent:
        return "no seccompProfile at container or pod level", look
    if look.unresolved:
        return "part of the manifest is templated" if look.hidden else "it is templated", look
    typ = lookup(look.value, look.path, "type")
    if typ.absent:
        return "seccompProfile has no type", look  # reported at the seccompProfile key
    if typ.unresolved:
        return "seccompProfile.type is templated", typ
    if typ.value == "Unconfined":
        return None  # K8S-009.unconfined
    if typ.value == "Localhost":
        prof = lookup(look.value, look.path, "localhostProfile")
        if prof.absent or prof.value == "":
            return "type Localhost without localhostProfile", typ
        if prof.unresolved:
            return "localhostProfile is templated", prof
        return None
    if typ.value not in SECCOMP_OK:
        return f"seccompProfile.type {typ.value!r} is not RuntimeDefault or Localhost", typ
    return None


@check("K8S-009.missing", target="kubernetes.pod")
def seccomp_missing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Effective seccomp profile of each container is RuntimeDefault or Localhost."""
    pod = _pod(target)
    found: dict[tuple[JsonPath, bool, str], tuple[Lookup, list[Container]]] = {}
    for c in containers(pod):
        problem = _seccomp_problem(effective_lookup(c, "seccompProfile"))
        if problem is None:
            continue
        detail, look = problem
        if look.absent or look.hidden:
            msg = _seccomp_unknown([c], detail) if look.unresolved else None
            args = {"containers": f"'{c.name}'", "detail": detail}
            yield Result(msg, span=c.anchor, unresolved=look.unresolved, args=args)
            continue
        found.setdefault((look.path, look.unresolved, detail), (look, []))[1].append(c)
    for (path, unresolved, detail), (look, cs) in found.items():
        key = look.is_set and isinstance(look.value, dict)  # a mapping lacking `type`
        args = {"containers": _names(cs), "detail": detail}
        msg = _seccomp_unknown(cs, detail) if unresolved else None
        yield Result(msg, path=path, key=key, unresolved=unresolved, args=args)


def _seccomp_unknown(cs: list[Container], detail: str) -> str:
    return f"the seccomp profile of container {_names(cs)} cannot be checked: {detail}"


@check("K8S-009.unconfined", target="kubernetes.pod")
@_once_per_place
def seccomp_unconfined(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``seccompProfile.type: Unconfined`` written at any level."""
    for level, typ in _level_values(_pod(target), "seccompProfile", "type"):
        if typ.unresolved:
            yield _unknown(f"seccompProfile.type in {level.name}", typ, level.anchor)
        elif typ.is_set and typ.value == "Unconfined":
            yield Result(path=typ.path, args={"level": level.name})


# -------------------------------------------------------------------------- K8S-010
# (schema rule: rules/kubernetes/K8S-010.yaml)

# -------------------------------------------------------------------------- K8S-011


@check("K8S-011.proc-mount", target="kubernetes.container")
@_once_per_place
def proc_mount(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``procMount`` other than ``Default`` (container level only)."""
    c = _container(target)
    look = lookup(c.data, c.path, "securityContext", "procMount")
    if look.unresolved:
        yield _unknown("procMount", look, c.anchor)
    elif look.is_set and look.value != "Default":
        yield Result(path=look.path, args={"value": look.value})


SAFE_SYSCTLS = (
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
)
# Allowed by Pod Security Standards from Kubernetes v1.32.
SAFE_SYSCTLS_1_32 = ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")


def parse_version(text: Any) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*v?(\d+)\.(\d+)(?:\.\d+)?\s*", str(text))
    return (int(m.group(1)), int(m.group(2))) if m else None


def safe_sysctls(min_kubernetes_version: Any) -> frozenset[str]:
    """The PSS-safe sysctls for the oldest supported cluster version."""
    version = parse_version(min_kubernetes_version)
    if version is not None and version < (1, 32):
        return frozenset(SAFE_SYSCTLS)
    return frozenset(SAFE_SYSCTLS + SAFE_SYSCTLS_1_32)


def _normalise_sysctl(name: str) -> str:
    # The kernel accepts "/" as the separator too (net/ipv4/tcp_syncookies).
    return name.strip().replace("/", ".")


@check("K8S-011.unsafe-sysctl", target="kubernetes.pod")
@_once_per_place
def unsafe_sysctl(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``spec.securityContext.sysctls[*].name`` outside the Pod Security safe set."""
    pod = _pod(target)
    allowed = safe_sysctls(ctx.settings.get("min_kubernetes_version"))
    sysctls = lookup(pod.data, pod.path, "securityContext", "sysctls")
    if sysctls.unresolved:
        yield _unknown("sysctls", sysctls, pod.anchor)
        return
    if not sysctls.is_set or not isinstance(sysctls.value, list):
        return
    for i, _ in enumerate(sysctls.value):
        entry = (*sysctls.path, i)
        name = lookup(sysctls.value, sysctls.path, i, "name")
        if name.unresolved:
            yield Result(_templated("sysctl name", name), path=entry, unresolved=True)
        elif (
            name.is_set
            and isinstance(name.value, str)
            and _normalise_sysctl(name.value) not in allowed
        ):
            yield Result(path=entry, args={"sysctl": name.value})


SELINUX_TYPES = frozenset(
    {"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)


@check("K8S-011.selinux", target="kubernetes.pod")
@_once_per_place
def selinux(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Custom SELinux user/role or a non-container type, at any level."""
    for level, opts in _level_values(_pod(target), "seLinuxOptions"):
        if opts.unresolved:
            yield _unknown(f"seLinuxOptions in {level.name}", opts, level.anchor)
            continue
        if not opts.is_set:
            continue
        for key in ("user", "role", "type"):
            look = lookup(opts.value, opts.path, key)
            if look.unresolved:
                yield _unknown(f"seLinuxOptions.{key} in {level.name}", look, level.anchor)
            elif look.is_set and look.value != "":
                if key == "type" and look.value in SELINUX_TYPES:
                    continue
                detail = f"seLinuxOptions.{key}: {look.value}"
                yield Result(path=look.path, args={"level": level.name, "detail": detail})


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor_value_ok(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


@check("K8S-011.apparmor", target="kubernetes.pod")
@_once_per_place
def apparmor(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``appArmorProfile.type: Unconfined`` at any level, or an unconfined legacy annotation."""
    pod = _pod(target)
    for level, typ in _level_values(pod, "appArmorProfile", "type"):
        if typ.unresolved:
            yield _unknown(f"appArmorProfile.type in {level.name}", typ, level.anchor)
        elif typ.is_set and typ.value == "Unconfined":
            detail = "appArmorProfile.type: Unconfined"
            yield Result(path=typ.path, args={"level": level.name, "detail": detail})
    annotations = lookup(pod.template_metadata, pod.template_metadata_path, "annotations")
    if not annotations.is_set or not isinstance(annotations.value, dict):
        return
    for key in annotations.value:
        if not isinstance(key, str) or not key.startswith(APPARMOR_ANNOTATION):
            continue
        value = lookup(annotations.value, annotations.path, key)
        name = f"annotation {key}"
        if value.unresolved:
            yield _unknown(name, value, pod.anchor)
        elif not isinstance(value.value, str) or not _apparmor_value_ok(value.value):
            detail = f"profile {_show(value.value)}"
            yield Result(path=value.path, args={"level": name, "detail": detail})


@check("K8S-011.host-process", target="kubernetes.pod")
@_once_per_place
def host_process(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``windowsOptions.hostProcess: true`` at any level."""
    for level, look in _level_values(_pod(target), "windowsOptions", "hostProcess"):
        if look.unresolved:
            yield _unknown(f"windowsOptions.hostProcess in {level.name}", look, level.anchor)
        elif look.is_set and look.value is True:
            yield Result(path=look.path, args={"level": level.name})


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")
HANDLERS = ("httpGet", "tcpSocket")


@check("K8S-011.probe-host", target="kubernetes.container")
@_once_per_place
def probe_host(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """A non-empty ``host`` in a probe's or lifecycle hook's httpGet/tcpSocket."""
    c = _container(target)
    places: list[tuple[str, tuple[str, ...]]] = [(p, (p,)) for p in PROBES]
    places += [(f"lifecycle.{h}", ("lifecycle", h)) for h in HOOKS]
    for label, keys in places:
        for handler in HANDLERS:
            look = lookup(c.data, c.path, *keys, handler, "host")
            where = f"{label}.{handler}"
            if look.unresolved:
                what = "probe and lifecycle hook hosts" if look.hidden else f"{where}.host"
                yield _unknown(what, look, c.anchor)
            elif look.is_set and look.value != "":
                yield Result(path=look.path, args={"where": where, "host": look.value})


# -------------------------------------------------------------------------- K8S-012

CORE_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)


@check("K8S-012.git-repo", "K8S-012.volume-type", target="kubernetes.pod", params=VariantParams)
def volume_type(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Volumes outside the core types (``hostPath`` is K8S-003's), by ``variant``."""
    pod = _pod(target)
    variant = params_of(rule, VariantParams).variant
    vols, items = _volumes(pod)
    if vols.unresolved:
        if variant == "volume-type":
            yield _at(vols, pod.anchor, _templated("volumes (volume types)", vols))
        return
    for i, vol in items:
        vpath = (*vols.path, i)
        if isinstance(vol, Unresolved):
            if variant == "volume-type":
                msg = f"volume #{i} cannot be checked for its type: it is templated"
                yield Result(msg, path=vpath, unresolved=True)
            continue
        if not isinstance(vol, dict):
            continue
        name = vol.get("name")
        label = name if isinstance(name, str) else f"#{i}"
        sources = [k for k in vol if k not in ("name", UNRESOLVED_KEY)]
        if _source_hidden(vol):
            if variant == "volume-type":
                msg = f"volume '{label}' cannot be checked for its type: it is templated"
                yield Result(msg, path=vpath, unresolved=True)
            continue
        for key in sources:
            if key == "hostPath" or key in CORE_VOLUME_TYPES:
                continue
            kind = "git-repo" if key == "gitRepo" else "volume-type"
            if kind == variant:
                yield Result(path=(*vpath, key), key=True, args={"volume": label, "type": key})
