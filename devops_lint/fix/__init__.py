"""Autofix: text edits on the located model that remove findings (``--fix``, ``--diff``).

``registry`` says which rules have a fix and how safe it is; ``edits`` applies span-located
edits; ``runner`` lints, edits and lints again until nothing changes, in a copy of the tree.
"""

from __future__ import annotations

from .registry import FixSpec, fix_of, registry

__all__ = ["FixSpec", "fix_of", "registry"]
