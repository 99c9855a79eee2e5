"""Liveness and readiness probes: presence (K8S-017) and well-formedness (K8S-018)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import UNRESOLVED_KEY, Result, Unresolved
from ..registry import check, params_of
from .checks_support import Tri, int_value, is_ephemeral, lookup, undecided
from .objects import container_of, object_of
from .podkinds import long_running_kinds

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule
    from .objects import Container

# Kinds whose pods run until stopped; Job/CronJob pods run to completion (K8S-017).
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
PORT_HANDLERS = ("httpGet", "tcpSocket", "grpc")
# Fields that tune when a probe runs, not what it checks (ignored by K8S-018.identical).
TIMING_FIELDS = frozenset(
    {
        "initialDelaySeconds",
        "periodSeconds",
        "timeoutSeconds",
        "successThreshold",
        "failureThreshold",
        "terminationGracePeriodSeconds",
    }
)
DEFAULT_TIMEOUT_SECONDS = 1
DEFAULT_PERIOD_SECONDS = 10


class ProbeParams(NamedTuple):
    """The probe the rule requires: ``livenessProbe`` or ``readinessProbe``."""

    probe: str


@check("K8S-017.liveness", "K8S-017.readiness", target="kubernetes.container", params=ProbeParams)
def require_probe(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-017.*: the app containers of long-running workloads define ``params.probe``."""
    c = container_of(target)
    kind = object_of(target).kind
    if c.list_name != "containers" or c.pod.argo:
        return
    if kind not in LONG_RUNNING_KINDS and kind not in long_running_kinds(ctx):
        return
    probe = params_of(rule, ProbeParams).probe
    found = lookup(c.data, c.path, (probe,))
    if found.missing:
        yield Result()
    elif found.unknown:
        yield undecided(target, f"{probe} may be set by a template include")


def _declared_ports(c: Container) -> tuple[set[int], set[str], bool]:
    """Declared container port numbers and names, and whether the list may hold more."""
    numbers: set[int] = set()
    names: set[str] = set()
    ports = c.data.get("ports")
    if ports is None:
        return numbers, names, UNRESOLVED_KEY in c.data
    if not isinstance(ports, list):
        return numbers, names, isinstance(ports, Unresolved)
    partial = False
    for entry in ports:
        if not isinstance(entry, dict):
            partial = partial or isinstance(entry, Unresolved)
            continue
        if UNRESOLVED_KEY in entry:
            partial = True
        number, name = entry.get("containerPort"), entry.get("name")
        if isinstance(number, Unresolved) or isinstance(name, Unresolved):
            partial = True
        n = int_value(number)
        if n is not None:
            numbers.add(n)
        if isinstance(name, str) and not isinstance(name, Unresolved):
            names.add(name)
    return numbers, names, partial


class PortTypeParams(NamedTuple):
    """Which probe ports the rule checks: ``name`` or ``number``."""

    port_type: str


@check("K8S-018.port", "K8S-018.port-number", target="kubernetes.container", params=PortTypeParams)
def probe_port(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-018.port / K8S-018.port-number (``port_type``: ``name`` or ``number``).

    A named port that the container does not declare can never resolve (``port``). A
    numeric port works whenever the process listens on it, so an undeclared number is only
    suspicious when the container declares *other* ports (``port-number``): declaring
    ports is informational, and many containers declare none. A templated probe port may
    be either; it is reported (unresolved) by the ``name`` rule only, so once.
    """
    c = container_of(target)
    if is_ephemeral(c):
        return
    want_number = params_of(rule, PortTypeParams).port_type == "number"
    numbers, names, partial = _declared_ports(c)
    declares_ports = bool(numbers or names or partial)
    for probe in PROBES:
        spec = c.data.get(probe)
        if not isinstance(spec, dict):
            continue
        for handler in PORT_HANDLERS:
            action = spec.get(handler)
            if not isinstance(action, dict) or "port" not in action:
                continue
            port = action["port"]
            path = (*c.path, probe, handler, "port")
            args = {"probe": probe, "port": port}
            if isinstance(port, Unresolved):
                if not want_number:
                    yield undecided(target, f"{probe} port {port} is templated", path=path)
                continue
            # kubelet reads a numeric string ("9090") as a number when no port has that name.
            number = int_value(port)
            if number is not None:
                if not want_number or not declares_ports:
                    continue
                declared = number in numbers
            elif isinstance(port, str):
                if want_number:
                    continue
                declared = port in names
            else:
                continue  # not a port at all: the API server rejects it
            if not declared and partial:
                why = f"{probe} port {port} may be one of the templated container ports"
                yield undecided(target, why, path=path)
            elif not declared:
                yield Result(path=path, args=args)


def same_value(a: Any, b: Any) -> Tri:
    """Deep equality where an unresolved value may equal anything (never provably)."""
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return Tri.MAYBE
    if isinstance(a, dict) and isinstance(b, dict):
        open_a, open_b = UNRESOLVED_KEY in a, UNRESOLVED_KEY in b
        keys_a = set(a) - {UNRESOLVED_KEY}
        keys_b = set(b) - {UNRESOLVED_KEY}
        outcome = Tri.YES
        if keys_a != keys_b:
            if not (open_a or open_b):
                return Tri.NO
            outcome = Tri.MAYBE
        elif open_a or open_b:
            outcome = Tri.MAYBE
        for key in keys_a & keys_b:
            outcome = outcome & same_value(a[key], b[key])
            if outcome is Tri.NO:
                return Tri.NO
        return outcome
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return Tri.NO
        outcome = Tri.YES
        for x, y in zip(a, b, strict=True):
            outcome = outcome & same_value(x, y)
            if outcome is Tri.NO:
                return Tri.NO
        return outcome
    if type(a) is not type(b):
        return Tri.NO
    return Tri.YES if a == b else Tri.NO


def _without_timing(probe: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in probe.items() if k not in TIMING_FIELDS}


@check("K8S-018.identical", target="kubernetes.container")
def identical_probes(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-018.identical: liveness and readiness deep-equal apart from timing."""
    c = container_of(target)
    live, ready = c.data.get("livenessProbe"), c.data.get("readinessProbe")
    if not isinstance(live, dict) or not isinstance(ready, dict):
        return
    same = same_value(_without_timing(live), _without_timing(ready))
    path = (*c.path, "livenessProbe")
    if same is Tri.YES:
        yield Result(path=path, key=True)
    elif same is Tri.MAYBE:
        why = "livenessProbe and readinessProbe differ only in templated values"
        yield undecided(target, why, path=path, key=True)


@check("K8S-018.timing", target="kubernetes.container")
def probe_timing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-018.timing: ``timeoutSeconds >= periodSeconds`` with Kubernetes defaults."""
    c = container_of(target)
    if is_ephemeral(c):
        return
    for probe in PROBES:
        spec = c.data.get(probe)
        if not isinstance(spec, dict):
            continue
        timeout, period = spec.get("timeoutSeconds"), spec.get("periodSeconds")
        where = "timeoutSeconds" if timeout is not None else "periodSeconds"
        path = (*c.path, probe, where) if where in spec else (*c.path, probe)
        key = where not in spec
        t = DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout
        p = DEFAULT_PERIOD_SECONDS if period is None else period
        args = {"probe": probe, "timeout": t, "period": p}
        if isinstance(t, Unresolved) or isinstance(p, Unresolved):
            why = f"{probe} timeoutSeconds {t} or periodSeconds {p} is templated"
            yield undecided(target, why, path=path, key=key)
            continue
        ti, pi = int_value(t), int_value(p)
        if ti is None or pi is None or ti < pi:
            continue
        # A default may be overridden inside an unresolved subtree of the probe.
        if (timeout is None or period is None) and UNRESOLVED_KEY in spec:
            why = f"{probe} timing may be set by a template include (defaults fail: {t} >= {p})"
            yield undecided(target, why, path=path, key=key)
        else:
            yield Result(path=path, key=key, args=args)
