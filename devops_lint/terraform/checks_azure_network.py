"""NSG control TF-AZ-008: no internet source admitted to sensitive or arbitrary ports.

Rules come from inline ``security_rule`` blocks of ``azurerm_network_security_group``
(static, dynamic or written as a list attribute) and from
``azurerm_network_security_rule`` resources. A rule counts when ``access = "Allow"``
and ``direction = "Inbound"`` (Azure compares these case-insensitively). Sources are
``source_address_prefix`` and every entry of ``source_address_prefixes``; ports are
``destination_port_range`` and ``destination_port_ranges`` (``*``, ``n`` or ``a-b``).

One finding per rule and internet source, with the first matching ID of
``world-all-ports`` (``*`` or a range covering 1-65535), ``world-admin-port``,
``world-data-port``, ``world-other-port`` (any other port; 80 and 443 exempt). As in
TF-AWS-015, ICMP, ESP and AH carry no ports and are reported only as
``world-other-port``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from ..model import JsonPath, Result, Unresolved
from ..registry import check
from .azure_common import as_str, blocks, by_slug
from .common import port_settings
from .objects import Resource
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context

NSG = "azurerm_network_security_group"
NSG_RULE = "azurerm_network_security_rule"
INTERNET = frozenset({"*", "0.0.0.0", "0.0.0.0/0", "::/0", "internet", "any"})
ADDRESS_ATTRIBUTES = frozenset(
    {"address_prefix", "address_prefixes", "address_space", "ip_address", "ip_addresses"}
)
PORTLESS = frozenset({"icmp", "esp", "ah"})
WEB_PORTS = frozenset({80, 443})

PortRange = tuple[int, int]


def parse_port_range(text: str) -> PortRange | None:
    """``"*"`` → (0, 65535); ``"22"`` → (22, 22); ``"1000-2000"``; ``None`` if malformed."""
    s = text.strip()
    if s in ("*", "any", "Any"):
        return (0, 65535)
    lo, sep, hi = s.partition("-")
    try:
        a = int(lo)
        b = int(hi) if sep else a
    except ValueError:
        return None
    return (min(a, b), max(a, b))


def classify_ports(
    ranges: list[PortRange], admin: Collection[int], data: Collection[int]
) -> str | None:
    """The first matching rule slug for a set of covered port ranges."""

    def covers(ports: Collection[int]) -> bool:
        return any(lo <= p <= hi for lo, hi in ranges for p in ports)

    if any(lo <= 1 and hi >= 65535 for lo, hi in ranges):
        return "world-all-ports"
    if covers(admin):
        return "world-admin-port"
    if covers(data):
        return "world-data-port"
    if any(hi - lo + 1 > sum(1 for p in WEB_PORTS if lo <= p <= hi) for lo, hi in ranges):
        return "world-other-port"
    return None


def _rules(r: Resource) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    if r.type == NSG:
        for i, block in enumerate(blocks(r, "security_rule")):
            yield (*r.path, "security_rule", i), block
    elif r.type == NSG_RULE:
        yield r.path, r.data


def _entries(
    rule: dict[str, Any], base: JsonPath, single: str, plural: str
) -> list[tuple[JsonPath, Any]]:
    """(path, value) of a singular argument and every entry of its plural list."""
    out: list[tuple[JsonPath, Any]] = []
    if rule.get(single) is not None:
        out.append(((*base, single), rule[single]))
    many = rule.get(plural)
    if isinstance(many, list):
        out.extend(((*base, plural, i), v) for i, v in enumerate(many))
    elif many is not None:
        out.append(((*base, plural), many))  # a whole unresolved list
    return out


def _is(value: Any, wanted: str) -> bool | None:
    s = as_str(value)
    return None if s is None else s.strip().lower() == wanted


@check(
    "TF-AZ-008.world-admin-port",
    "TF-AZ-008.world-all-ports",
    "TF-AZ-008.world-data-port",
    "TF-AZ-008.world-other-port",
    target="terraform.resource",
)
@by_slug
def nsg_rule(r: Resource, ctx: Context) -> Iterator[tuple[str, Result]]:
    """TF-AZ-008.world-all-ports / world-admin-port / world-data-port / world-other-port."""
    admin, data = port_settings(ctx)
    if r.type == NSG and isinstance(r.data.get("security_rule"), Unresolved):
        # `security_rule = var.rules`: rules that may admit anything from anywhere.
        text = f"{r.address}: the security rules do not resolve and may admit the internet"
        yield (
            "world-all-ports",
            Result(path=(*r.path, "security_rule"), unresolved=True, message=text),
        )
    for base, rule in _rules(r):
        access, direction = _is(rule.get("access"), "allow"), _is(rule.get("direction"), "inbound")
        if access is False or direction is False:
            continue
        maybe = access is None or direction is None
        protocol = as_str(rule.get("protocol"))
        ranges: list[PortRange] = []
        unknown_ports = False
        for _, v in _entries(rule, base, "destination_port_range", "destination_port_ranges"):
            s = as_str(v)
            parsed = parse_port_range(s) if s is not None else None
            if parsed is None:
                unknown_ports = unknown_ports or isinstance(v, Unresolved) or s is None
            else:
                ranges.append(parsed)
        if protocol is not None and protocol.lower() in PORTLESS:
            slug: str | None = "world-other-port"
        else:
            slug = classify_ports(ranges, admin, data)
            if protocol is None and rule.get("protocol") is not None and slug != "world-other-port":
                maybe = True  # an unknown protocol may be ICMP, which has no ports
        message: str | None = None
        if slug is None and unknown_ports:
            # Nothing resolved is sensitive, but the unknown ports may be every port.
            slug, maybe = "world-all-ports", True
            message = (
                f"{r.address}: inbound Allow rule admits internet source {{source}}"
                " on ports that do not resolve"
            )
        if slug is None:
            continue
        for path, v in _entries(rule, base, "source_address_prefix", "source_address_prefixes"):
            for value in _follow(r, v):
                s = as_str(value)
                if s is None:
                    yield slug, _result(path, True, str(value), message)
                elif s.strip().lower() in INTERNET:
                    yield slug, _result(path, maybe, s, message)


def _follow(r: Resource, value: Any) -> list[Any]:
    """Source values, following ``azurerm_subnet.x.address_prefixes[0]`` to its literal.

    A reference to an address attribute of a resource of the module resolves to that
    resource's written value when it is known (a subnet prefix is then compared like
    any literal); anything else stays unresolved.
    """
    if not isinstance(value, Unresolved):
        return [value]
    refs = value_references(value)
    if len(refs) != 1 or getattr(value, "expr", None) is not refs[0]:
        return [value]
    ref = refs[0]
    attr = ref.attribute_after_address()
    found = r.module.find(ref)
    if attr not in ADDRESS_ATTRIBUTES or len(found) != 1:
        return [value]
    cur: Any = found[0].data.get(attr)
    start = 3 if ref.root == "data" else 2
    at = next(i for i in range(start, len(ref.parts)) if ref.parts[i] == attr)
    rest = ref.parts[at + 1 :]
    for part in rest:
        if isinstance(part, int) and isinstance(cur, list) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return [value]
    items = cur if isinstance(cur, list) else [cur]
    if not items or any(as_str(i) is None for i in items):
        return [value]
    return items


def _result(path: JsonPath, maybe: bool, source: str, message: str | None) -> Result:
    text = message.format(source=source) if message is not None else None
    return Result(path=path, unresolved=maybe, message=text, args={"source": source})
