"""Pod volumes (standards K8S-003 hostPath, K8S-012 volume types).

Principles as in ``checks_pod_security``: a volume whose source is templated yields an
``unresolved`` outcome, once, by the generic rule of each group.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ..context import Context
from ..model import UNRESOLVED_KEY, JsonPath, Result, Severity, Target, Unresolved
from ..registry import check, params_of
from ..rules import Rule
from .objects import PodSpec, containers, lookup, pod_of
from .pod_security_support import (
    VariantParams,
    result_at,
    templated,
)

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


Volume = tuple[int, dict[str, Any], JsonPath]  # index, the volume, its path


def _volumes(pod: PodSpec, report: bool, checked: str, listed: str) -> Iterator[Volume | Result]:
    """Each volume mapping of the pod; a templated list or entry is an unresolved Result
    when ``report`` (only the generic rule of a group reports it, once)."""
    look = lookup(pod.data, pod.path, "volumes")
    if look.unresolved:
        if report:
            yield result_at(look, pod.anchor, templated(listed, look))
        return
    for i, vol in enumerate(look.value if look.is_set and isinstance(look.value, list) else []):
        where = (*look.path, i)
        if isinstance(vol, dict):
            yield i, vol, where
        elif isinstance(vol, Unresolved) and report:
            msg = f"volume #{i} cannot be checked for {checked}: it is templated"
            yield Result(msg, path=where, unresolved=True)


@check(
    "K8S-003.hostpath",
    "K8S-003.runtime-socket",
    "K8S-003.sensitive-path",
    target="kubernetes.pod",
    params=VariantParams,
)
def host_path(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """One result per hostPath volume, for the rule whose ``variant`` matches first."""
    pod = pod_of(target)
    variant = params_of(rule, VariantParams).variant
    for entry in _volumes(pod, variant == "hostpath", "hostPath", "volumes (hostPath use)"):
        if isinstance(entry, Result):
            yield entry
            continue
        i, vol, vpath = entry
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
    pod = pod_of(target)
    variant = params_of(rule, VariantParams).variant
    report = variant == "volume-type"
    for entry in _volumes(pod, report, "its type", "volumes (volume types)"):
        if isinstance(entry, Result):
            yield entry
            continue
        i, vol, vpath = entry
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
