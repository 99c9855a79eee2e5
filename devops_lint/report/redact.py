"""Secrets never leave the linter in full, whatever the format.

Checks that find a secret already mask it in their messages; this module is the last line of
defence for what they cannot know about: a message that quotes a scanned value holding a key,
and source lines shown as snippets. It masks (``mask``: a short prefix and the length)

- whatever the secret detectors of X-001 find (``AKIA…``, private keys, tokens …),
- the value assigned to a sensitive name on a line (``password: hunter2``, ``TOKEN=…``),
- on a snippet line, the span of a finding of a secret control (the value it is about).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..secrets.detectors import DetectorSet, mask
from ..secrets_names import SensitiveNameRule, is_sensitive_name, rule_from_settings

# Controls whose findings point at a secret value: the value under the span is masked.
SECRET_CONTROLS = frozenset(
    {"X-001", "X-002", "GHA-012", "K8S-019", "K8S-020", "TF-GEN-001", "TF-GEN-002", "TF-GEN-004"}
)
# `name: value`, `name = "value"`, `NAME=value`, `"name": "value"`, `--name=value`.
_ASSIGNMENT = re.compile(
    # The look-behind starts a name only at the start of a word: without it a long run of
    # name characters is rescanned from each of its positions (quadratic).
    r"""(?<![A-Za-z0-9_.-])(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|[:=])\s*(?P<q>["']?)"""
    r"""(?P<value>[^\s"'#,}\]]{4,})"""
)
_NOT_SECRET_VALUES = frozenset({"true", "false", "null", "none", "yes", "no"})


@functools.cache
def _detectors() -> DetectorSet:
    from ..context import load_data_table

    return DetectorSet(load_data_table("secret_detectors.yaml"))


class Redactor:
    """Masks secrets in text shown to the user; built once per report."""

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.detectors = _detectors()
        self.names: SensitiveNameRule = rule_from_settings(settings or {})
        # Messages and locators repeat across the rules of one object: each is scanned once.
        self._messages: dict[str, str] = {}

    def _detected(self, text: str) -> list[tuple[int, int]]:
        return [(h.start, h.end) for h in self.detectors.scan(text, self.names)]

    def _assigned(self, text: str) -> list[tuple[int, int]]:
        out = []
        for m in _ASSIGNMENT.finditer(text):
            value = m.group("value")
            if value.lower() in _NOT_SECRET_VALUES or value.startswith(("${", "{{", "$(")):
                continue
            if is_sensitive_name(m.group("name"), self.names):
                out.append(m.span("value"))
        return out

    def message(self, text: str) -> str:
        """A message with every detected secret masked."""
        if len(text) < 8:
            return text
        masked = self._messages.get(text)
        if masked is None:
            masked = self._messages[text] = _apply(text, self._detected(text))
        return masked

    def line(self, text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
        """A source line with detected secrets, sensitive assignments and ``spans`` masked."""
        return self.line_edits(text, spans)[0]

    def line_edits(
        self, text: str, spans: Iterable[tuple[int, int]] = ()
    ) -> tuple[str, list[Edit]]:
        """``line`` and the edits made, so that columns can be mapped onto the masked line."""
        ranges = [*self._detected(text), *self._assigned(text)]
        # A secret finding's span (often a whole `name = value`) is masked only when nothing
        # inside it was found by value: then the name stays readable.
        ranges += [(s, e) for s, e in spans if not any(a < e and s < b for a, b in ranges)]
        return _edit(text, ranges)


Edit = tuple[int, int, int]  # (start, end) in the original text, length of its replacement


def shift(edits: list[Edit], offset: int) -> int:
    """Where ``offset`` of the original text lies in the edited text."""
    out = offset
    for start, end, new_len in edits:
        if offset >= end:
            out += new_len - (end - start)
        elif offset > start:
            out += min(offset - start, new_len) - (offset - start)
    return out


def _apply(text: str, ranges: list[tuple[int, int]]) -> str:
    return _edit(text, ranges)[0]


def _edit(text: str, ranges: list[tuple[int, int]]) -> tuple[str, list[Edit]]:
    """Replace each (merged) range by its mask, right to left so offsets stay valid."""
    if not ranges:
        return text, []
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in ranges):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    edits: list[Edit] = []
    for start, end in reversed(merged):
        masked = mask(text[start:end])
        text = text[:start] + masked + text[end:]
        edits.append((start, end, len(masked)))
    return text, edits
