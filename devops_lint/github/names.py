"""Sensitive names (standards section 7), as GHA-012 applies them to env/with keys.

Names are split into segments on ``_``, ``-``, ``.`` and case boundaries; matching is on
whole segments, never on substrings.
"""

from __future__ import annotations

import itertools
import re

_SPLIT_RE = re.compile(r"[_\-.\s]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

SENSITIVE_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "credential", "credentials"}
)
SENSITIVE_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("client", "secret"),
        ("auth", "token"),
        ("sas", "token"),
        ("connection", "string"),
    }
)
SENSITIVE_JOINED = frozenset({"apikey"})
NON_SECRET_LAST = frozenset(
    {
        "arn",
        "id",
        "name",
        "file",
        "path",
        "length",
        "version",
        "enabled",
        "type",
        "policy",
        "ttl",
        "rotation",
        "expiration",
        "url",
        "uri",
        "endpoint",
        "format",
        "scope",
        "scopes",
        "lifetime",
        "audience",
    }
)

# X-001's placeholder allowlist: values that are obviously not real credentials.
PLACEHOLDER_WORDS = (
    "example",
    "changeme",
    "change-me",
    "dummy",
    "placeholder",
    "redacted",
    "xxxx",
    "replace",
    "todo",
)
_TEMPLATE_RE = re.compile(r"^\s*(\$\{[^}]*\}|\{\{.*\}\}|\$\(.*\)|<[^>]*>)\s*$")


def segments(name: str) -> list[str]:
    out: list[str] = []
    for part in _SPLIT_RE.split(name):
        out.extend(m.group().lower() for m in _CAMEL_RE.finditer(part))
    return out


def is_sensitive_name(name: str) -> bool:
    segs = segments(name)
    if not segs or segs[-1] in NON_SECRET_LAST:
        return False
    if any(s in SENSITIVE_WORDS or s in SENSITIVE_JOINED for s in segs):
        return True
    return any(pair in SENSITIVE_PAIRS for pair in itertools.pairwise(segs))


def is_placeholder(value: str) -> bool:
    low = value.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return True
    return bool(_TEMPLATE_RE.match(value))
