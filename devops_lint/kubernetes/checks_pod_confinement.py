"""Who the containers run as and what confines them (standards K8S-008, K8S-009, K8S-011):
root user and group, seccomp, procMount, sysctls, SELinux, AppArmor, Windows host
processes, probe hosts. Principles as in ``checks_pod_security``: requirements on the
effective value of each container, prohibitions at every level where they are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..context import Context
from ..model import JsonPath, Result, Target, Unresolved
from ..registry import check
from ..rules import Rule
from .objects import (
    Container,
    Lookup,
    PodSpec,
    container_of,
    containers,
    effective_lookup,
    lookup,
    pod_of,
)
from .pod_security_support import (
    Level,
    container_names,
    is_zero,
    level_values,
    levels,
    once_per_place,
    templated,
    unknown_at,
    yaml_text,
)

# -------------------------------------------------------------------------- K8S-008


@check("K8S-008.run-as-non-root", target="kubernetes.pod")
@once_per_place
def run_as_non_root(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Effective ``runAsNonRoot`` not true; also an explicit non-true value at any level.

    Pod Security admission rejects a pod-level ``runAsNonRoot: false`` even when every
    container sets ``true``, so a written non-true value is reported wherever it is.
    """
    pod = pod_of(target)
    for level, look in level_values(pod, "runAsNonRoot"):
        if look.unresolved and not look.hidden:
            yield unknown_at(f"runAsNonRoot in {level.name}", look, level.anchor)
        elif look.is_set and look.value is not True:
            users = [c for c in containers(pod) if effective_lookup(c, "runAsNonRoot") == look]
            detail = f"runAsNonRoot is {yaml_text(look.value)} in {level.name}"
            if not users:
                detail += " (overridden by every container, but admission rejects it)"
            args = {"containers": container_names(users) or "(none)", "detail": detail}
            yield Result(path=look.path, args=args)
    for c in containers(pod):
        look = effective_lookup(c, "runAsNonRoot")
        if look.absent:
            detail = "neither the container nor the pod sets runAsNonRoot: true"
            yield Result(span=c.anchor, args={"containers": f"'{c.name}'", "detail": detail})
        elif look.hidden:
            yield unknown_at(f"runAsNonRoot of container '{c.name}'", look, c.anchor)


def _zeros(pod: PodSpec, field: str) -> Iterator[tuple[Level, Lookup]]:
    """``field: 0`` (or an unknown value) at every level."""
    for level, look in level_values(pod, field):
        if look.unresolved or (look.is_set and is_zero(look.value)):
            yield level, look


@check("K8S-008.uid-zero", target="kubernetes.pod")
@once_per_place
def uid_zero(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``runAsUser: 0`` written at pod or container level."""
    for level, look in _zeros(pod_of(target), "runAsUser"):
        if look.unresolved:
            yield unknown_at(f"runAsUser in {level.name}", look, level.anchor)
        else:
            yield Result(path=look.path, args={"level": level.name})


@check("K8S-008.root-group", target="kubernetes.pod")
@once_per_place
def root_group(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``runAsGroup: 0`` (any level), pod ``fsGroup: 0`` or ``supplementalGroups`` with 0."""
    pod = pod_of(target)
    pod_level = next(levels(pod))
    found = [(level, "runAsGroup", look) for level, look in _zeros(pod, "runAsGroup")]
    fs = lookup(pod.data, pod.path, "securityContext", "fsGroup")
    if fs.unresolved or (fs.is_set and is_zero(fs.value)):
        found.append((pod_level, "fsGroup", fs))
    groups = lookup(pod.data, pod.path, "securityContext", "supplementalGroups")
    if groups.unresolved:
        found.append((pod_level, "supplementalGroups", groups))
    elif groups.is_set and isinstance(groups.value, list):
        for i, g in enumerate(groups.value):
            if is_zero(g) or isinstance(g, Unresolved):
                entry = lookup(groups.value, groups.path, i)
                found.append((pod_level, "supplementalGroups", entry))
    for level, field, look in found:
        if look.unresolved:
            yield unknown_at(f"{field} in {level.name}", look, level.anchor)
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
    pod = pod_of(target)
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
        args = {"containers": container_names(cs), "detail": detail}
        msg = _seccomp_unknown(cs, detail) if unresolved else None
        yield Result(msg, path=path, key=key, unresolved=unresolved, args=args)


def _seccomp_unknown(cs: list[Container], detail: str) -> str:
    return f"the seccomp profile of container {container_names(cs)} cannot be checked: {detail}"


@check("K8S-009.unconfined", target="kubernetes.pod")
@once_per_place
def seccomp_unconfined(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``seccompProfile.type: Unconfined`` written at any level."""
    for level, typ in level_values(pod_of(target), "seccompProfile", "type"):
        if typ.unresolved:
            yield unknown_at(f"seccompProfile.type in {level.name}", typ, level.anchor)
        elif typ.is_set and typ.value == "Unconfined":
            yield Result(path=typ.path, args={"level": level.name})


# -------------------------------------------------------------------------- K8S-011


@check("K8S-011.proc-mount", target="kubernetes.container")
@once_per_place
def proc_mount(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``procMount`` other than ``Default`` (container level only)."""
    c = container_of(target)
    look = lookup(c.data, c.path, "securityContext", "procMount")
    if look.unresolved:
        yield unknown_at("procMount", look, c.anchor)
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
@once_per_place
def unsafe_sysctl(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``spec.securityContext.sysctls[*].name`` outside the Pod Security safe set."""
    pod = pod_of(target)
    allowed = safe_sysctls(ctx.settings.get("min_kubernetes_version"))
    sysctls = lookup(pod.data, pod.path, "securityContext", "sysctls")
    if sysctls.unresolved:
        yield unknown_at("sysctls", sysctls, pod.anchor)
        return
    if not sysctls.is_set or not isinstance(sysctls.value, list):
        return
    for i, _ in enumerate(sysctls.value):
        entry = (*sysctls.path, i)
        name = lookup(sysctls.value, sysctls.path, i, "name")
        if name.unresolved:
            yield Result(templated("sysctl name", name), path=entry, unresolved=True)
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
@once_per_place
def selinux(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """Custom SELinux user/role or a non-container type, at any level."""
    for level, opts in level_values(pod_of(target), "seLinuxOptions"):
        if opts.unresolved:
            yield unknown_at(f"seLinuxOptions in {level.name}", opts, level.anchor)
            continue
        if not opts.is_set:
            continue
        for key in ("user", "role", "type"):
            look = lookup(opts.value, opts.path, key)
            if look.unresolved:
                yield unknown_at(f"seLinuxOptions.{key} in {level.name}", look, level.anchor)
            elif look.is_set and look.value != "":
                if key == "type" and look.value in SELINUX_TYPES:
                    continue
                detail = f"seLinuxOptions.{key}: {look.value}"
                yield Result(path=look.path, args={"level": level.name, "detail": detail})


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor_value_ok(value: str) -> bool:
    return value in ("", "runtime/default") or value.startswith("localhost/")


@check("K8S-011.apparmor", target="kubernetes.pod")
@once_per_place
def apparmor(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``appArmorProfile.type: Unconfined`` at any level, or an unconfined legacy annotation."""
    pod = pod_of(target)
    for level, typ in level_values(pod, "appArmorProfile", "type"):
        if typ.unresolved:
            yield unknown_at(f"appArmorProfile.type in {level.name}", typ, level.anchor)
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
            yield unknown_at(name, value, pod.anchor)
        elif not isinstance(value.value, str) or not _apparmor_value_ok(value.value):
            detail = f"profile {yaml_text(value.value)}"
            yield Result(path=value.path, args={"level": name, "detail": detail})


@check("K8S-011.host-process", target="kubernetes.pod")
@once_per_place
def host_process(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``windowsOptions.hostProcess: true`` at any level."""
    for level, look in level_values(pod_of(target), "windowsOptions", "hostProcess"):
        if look.unresolved:
            yield unknown_at(f"windowsOptions.hostProcess in {level.name}", look, level.anchor)
        elif look.is_set and look.value is True:
            yield Result(path=look.path, args={"level": level.name})


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")
HANDLERS = ("httpGet", "tcpSocket")


@check("K8S-011.probe-host", target="kubernetes.container")
@once_per_place
def probe_host(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """A non-empty ``host`` in a probe's or lifecycle hook's httpGet/tcpSocket."""
    c = container_of(target)
    places: list[tuple[str, tuple[str, ...]]] = [(p, (p,)) for p in PROBES]
    places += [(f"lifecycle.{h}", ("lifecycle", h)) for h in HOOKS]
    for label, keys in places:
        for handler in HANDLERS:
            look = lookup(c.data, c.path, *keys, handler, "host")
            where = f"{label}.{handler}"
            if look.unresolved:
                what = "probe and lifecycle hook hosts" if look.hidden else f"{where}.host"
                yield unknown_at(what, look, c.anchor)
            elif look.is_set and look.value != "":
                yield Result(path=look.path, args={"where": where, "host": look.value})
