"""Placeholder values GHA-012 does not take for credentials (X-001's allowlist).

Sensitive *names* follow the shared segment rule of standards section 7 in
``devops_lint.secrets_names``.
"""

from __future__ import annotations

import re

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


def is_placeholder(value: str) -> bool:
    low = value.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return True
    return bool(_TEMPLATE_RE.match(value))
