"""Secrets inside free text (boot scripts, environment values) for TF-GEN-002.

Two tests, as TF-GEN-002.bootstrap-secret defines them: a high-confidence credential
pattern (the unambiguous X-001 detectors and X-002's URL with a password), or a
sensitive name (``secrets_names``) assigned a literal (``export DB_PASSWORD=…``,
``password: …``). Placeholders and values that are themselves references
(``$VAR``, ``${…}``, ``{{ … }}``) are not secrets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..placeholders import Placeholders
from ..placeholders import is_placeholder as shared_placeholder
from ..secrets_names import SensitiveNameRule, is_sensitive_name

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key", re.compile(r"\b(?:AKIA|ABIA|ACCA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a private key",
        re.compile(r"-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"),
    ),
    (
        "a GitHub token",
        re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
    ),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Stripe key", re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,}\b")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("an Azure storage key", re.compile(r"AccountKey=[A-Za-z0-9+/=]{80,}")),
    (
        "a URL with a password",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"']+:(?P<pw>[^/\s@\"']+)@"),
    ),
)

_ASSIGN = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?:=|:)\s*"""
    r"""(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'#;,}]+))"""
)
# `$NAME`: a shell or template variable, not a literal (beside X-001's shared allowlist).
_VARIABLE_ONLY = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*$")
AWS_DOC_KEY = "AKIAIOSFODNN7EXAMPLE"


@dataclass(frozen=True)
class Hit:
    offset: int  # character offset in the scanned text
    what: str  # "an AWS access key", "a literal assigned to DB_PASSWORD"


def is_placeholder(value: str, placeholders: Placeholders | None = None) -> bool:
    """X-001's shared allowlist (devops_lint/placeholders.py), or a lone ``$NAME``."""
    return shared_placeholder(value, placeholders) or bool(_VARIABLE_ONLY.match(value.strip()))


def is_reference_text(value: str) -> bool:
    """A value that names where the secret comes from rather than holding it."""
    v = value.strip()
    return v.startswith("$") or v.startswith("{{") or "${" in v or v.startswith("<")


def scan_text(
    text: str,
    rule: SensitiveNameRule | None = None,
    min_len: int = 4,
    placeholders: Placeholders | None = None,
) -> Iterator[Hit]:
    """Credential patterns and literal assignments to sensitive names in ``text``."""
    if len(text) > 1 << 20:
        text = text[: 1 << 20]
    for what, pattern in PATTERNS:
        for m in pattern.finditer(text):
            value = m.group("pw") if "pw" in pattern.groupindex else m.group(0)
            if (
                value == AWS_DOC_KEY
                or is_placeholder(value, placeholders)
                or is_reference_text(value)
            ):
                continue
            yield Hit(m.start(), what)
    for m in _ASSIGN.finditer(text):
        name = m.group("name").rsplit(".", 1)[-1]
        if not is_sensitive_name(name, rule):
            continue
        value = m.group("dq") if m.group("dq") is not None else m.group("sq")
        if value is None:
            value = m.group("bare") or ""
        if len(value) < min_len or is_placeholder(value, placeholders) or is_reference_text(value):
            continue
        yield Hit(m.start(), f"a literal assigned to {m.group('name')}")


def value_hit(value: str) -> str | None:
    """The credential pattern a single value matches, if any."""
    for hit in scan_text(value, min_len=10**9):
        return hit.what
    return None
