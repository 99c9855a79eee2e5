"""Placeholder values GHA-012 does not take for credentials (X-001's allowlist).

Sensitive *names* follow the shared segment rule of standards section 7 in
``devops_lint.secrets_names``.
"""

from __future__ import annotations

from ..placeholders import is_placeholder

__all__ = ["is_placeholder"]  # X-001's shared allowlist (devops_lint/placeholders.py)
