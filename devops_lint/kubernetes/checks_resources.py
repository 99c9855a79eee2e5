"""Container requests and limits (K8S-015, K8S-016)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result, Unresolved
from ..registry import check, params_of
from .checks_support import is_ephemeral, lookup, undecided
from .objects import container_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

# Kubernetes resource.Quantity: a decimal number with a binary suffix, a decimal suffix,
# or a decimal exponent.
# Quantities the API server takes fit in 64 bits (about 9.2e18) or are milli-units: any
# exponent beyond this is no resource a node has, and computing it is unbounded work.
MAX_EXPONENT = 64
_QUANTITY_RE = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$"
)
_BINARY_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")  # 1024**1 … 1024**6
_DECIMAL_SUFFIXES = ("k", "M", "G", "T", "P", "E")  # 1000**1 … 1000**6
_FRACTION_SUFFIXES = ("m", "u", "n")  # 1000**-1 … 1000**-3
_SUFFIX: dict[str, Fraction] = {
    **{s: Fraction(1024) ** n for n, s in enumerate(_BINARY_SUFFIXES, 1)},
    **{s: Fraction(1000) ** n for n, s in enumerate(_DECIMAL_SUFFIXES, 1)},
    **{s: Fraction(1000) ** -n for n, s in enumerate(_FRACTION_SUFFIXES, 1)},
}


def parse_quantity(value: Any) -> Fraction | None:
    """A Kubernetes quantity (``500m``, ``512Mi``, ``1.5``, ``1e3``) as an exact number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value)) if math.isfinite(value) else None  # YAML's .inf, .nan
    if not isinstance(value, str) or isinstance(value, Unresolved):
        return None
    m = _QUANTITY_RE.match(value.strip())
    if not m:
        return None
    number, suffix, exponent = m.groups()
    amount = Fraction(number)
    if suffix:
        amount *= _SUFFIX[suffix]
    elif exponent:
        if abs(int(exponent)) > MAX_EXPONENT:
            return None  # no machine has it; 10 ** 99999999 alone would not finish
        amount *= Fraction(10) ** int(exponent)
    return amount


def _applies(target: Target) -> bool:
    # The API forbids resources on ephemeral containers, so they cannot comply.
    return not is_ephemeral(container_of(target))


class ResourceParams(NamedTuple):
    """``resources.<section>.<resource>`` to require; ``setting``: a boolean setting that
    must be true (or unset) for the rule to run."""

    section: str  # requests | limits
    resource: str  # cpu | memory
    setting: str | None = None


@check(
    "K8S-015.cpu",
    "K8S-015.memory",
    "K8S-016.cpu-limit",
    "K8S-016.memory-limit",
    target="kubernetes.container",
    params=ResourceParams,
)
def require_resource(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-015.*, K8S-016.memory-limit/cpu-limit: ``resources.<section>.<resource>`` is set."""
    params = params_of(rule, ResourceParams)
    setting = params.setting
    if setting and not ctx.settings.get(setting, True):
        return
    if not _applies(target):
        return
    c = container_of(target)
    section, resource = params.section, params.resource
    found = lookup(c.data, c.path, ("resources", section, resource))
    if found.missing:
        # Pod-level resources (spec.resources) bound the pod as a whole.
        pod = lookup(c.pod.data, c.pod.path, ("resources", section, resource))
        if pod.present:
            return
    if found.missing:
        yield Result()
    elif found.unknown:
        yield undecided(target, f"resources.{section}.{resource} may be set by a template include")


@check("K8S-016.limit-below-request", target="kubernetes.container")
def limit_below_request(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-016.limit-below-request: a limit lower than the request of the same resource."""
    if not _applies(target):
        return
    c = container_of(target)
    resources = c.data.get("resources")
    if not isinstance(resources, dict):
        return
    limits, requests = resources.get("limits"), resources.get("requests")
    if not isinstance(limits, dict) or not isinstance(requests, dict):
        return
    for name, limit in limits.items():
        if not isinstance(name, str) or name not in requests:
            continue
        request = requests[name]
        path = (*c.path, "resources", "limits", name)
        args = {"resource": name, "limit": limit, "request": request}
        if isinstance(limit, Unresolved) or isinstance(request, Unresolved):
            yield undecided(
                target, f"limit {limit} or request {request} of {name} is templated", path=path
            )
            continue
        lim, req = parse_quantity(limit), parse_quantity(request)
        if lim is not None and req is not None and lim < req:
            yield Result(path=path, args=args)
