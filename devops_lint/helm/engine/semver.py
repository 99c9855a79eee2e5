"""Masterminds/semver constraints as Sprig's ``semverCompare`` reads them (the common forms)."""

from __future__ import annotations

import re

_VERSION = re.compile(
    r"v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
_PART = re.compile(r"\s*(\^|~>?|>=|<=|!=|=>|=<|>|<|=)?\s*(v?[0-9xX*][^\s,]*)\s*$")

Version = tuple[int, int, int, tuple[str, ...]]


class SemverError(ValueError):
    pass


def parse_version(text: str) -> tuple[Version, int]:
    """The version and how many of major/minor/patch were written as numbers."""
    m = _VERSION.match(text.strip())
    if m is None:
        raise SemverError(f"invalid semantic version {text!r}")
    parts = [m.group(1), m.group(2), m.group(3)]
    given = 0
    nums: list[int] = []
    for p in parts:
        if p is None or p in ("x", "X", "*"):
            nums.append(0)
        else:
            nums.append(int(p))
            given += 1
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return (nums[0], nums[1], nums[2], pre), given


def _pre_key(pre: tuple[str, ...]) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    if not pre:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre))


def compare(a: Version, b: Version) -> int:
    ka = (a[0], a[1], a[2], _pre_key(a[3]))
    kb = (b[0], b[1], b[2], _pre_key(b[3]))
    return (ka > kb) - (ka < kb)


def _bump(v: Version, given: int) -> Version:
    """The first version outside a wildcard/partial range (``1.2`` → ``1.3.0``)."""
    if given <= 1:
        return (v[0] + 1, 0, 0, ())
    return (v[0], v[1] + 1, 0, ())


def _check(op: str, target: str, v: Version) -> bool:
    if target in ("*", "x", "X"):
        return not v[3]
    t, given = parse_version(target)
    # Masterminds: a version with a prerelease matches only constraints with one.
    if v[3] and not t[3]:
        return False
    c = compare(v, t)
    if op in ("", "="):
        if given < 3:
            return compare(v, t) >= 0 and compare(v, _bump(t, given)) < 0
        return c == 0
    if op == "!=":
        return c != 0
    if op == ">":
        if given < 3:
            return compare(v, _bump(t, given)) >= 0
        return c > 0
    if op in (">=", "=>"):
        return c >= 0
    if op == "<":
        return c < 0
    if op in ("<=", "=<"):
        if given < 3:
            return compare(v, _bump(t, given)) < 0
        return c <= 0
    if op in ("~", "~>"):
        upper = (t[0] + 1, 0, 0, ()) if given == 1 else (t[0], t[1] + 1, 0, ())
        return c >= 0 and compare(v, upper) < 0
    if op == "^":
        if t[0] > 0 or given == 1:
            upper = (t[0] + 1, 0, 0, ())
        elif t[1] > 0 or given == 2:
            upper = (0, t[1] + 1, 0, ())
        else:
            upper = (0, 0, t[2] + 1, ())
        return c >= 0 and compare(v, upper) < 0
    raise SemverError(f"unknown operator {op!r}")


def _hyphen(part: str) -> list[str]:
    m = re.fullmatch(r"\s*(\S+)\s+-\s+(\S+)\s*", part)
    if m:
        return [f">={m.group(1)}", f"<={m.group(2)}"]
    return re.split(r"[\s,]+", part.strip())


def satisfies(constraint: str, version: str) -> bool:
    """``semverCompare constraint version``: ``||`` alternatives of ``,``/space conjunctions."""
    v, _ = parse_version(version)
    for alternative in constraint.split("||"):
        terms = [t for t in _hyphen(alternative) if t]
        # Join an operator written apart from its version (">= 1.2").
        joined: list[str] = []
        for t in terms:
            if joined and re.fullmatch(r"\^|~>?|>=|<=|!=|=>|=<|>|<|=", joined[-1]):
                joined[-1] += t
            else:
                joined.append(t)
        ok = bool(joined)
        for term in joined:
            m = _PART.match(term)
            if m is None:
                raise SemverError(f"improper constraint {constraint!r}")
            if not _check(m.group(1) or "", m.group(2), v):
                ok = False
                break
        if ok:
            return True
    return False
