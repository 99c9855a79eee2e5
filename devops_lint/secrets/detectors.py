"""X-001's text detectors: one combined regex pass per file, chosen by cheap substring checks.

The detectors are data (``devops_lint/data/secret_detectors.yaml``). For a file, only the
detectors whose needles occur in its text are combined into one alternation (compiled once per
combination), so a file without any candidate never runs a regex. High-entropy values are found
by a second pass over long base64/hex runs, looking back on their line for the name they are
assigned to.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import saferegex
from ..context import shipped_strings
from ..placeholders import Placeholders, shipped
from ..secrets_names import DEFAULT_RULE, SensitiveNameRule, is_sensitive_name, name_needles


@dataclass(frozen=True)
class Hit:
    """One secret in a text: rule, severity, where the secret is, and a masked preview."""

    rule: str
    severity: str
    label: str
    start: int  # character offsets of the secret in the text
    end: int
    preview: str  # masked: never more than a short prefix of the secret


@dataclass(frozen=True)
class Detector:
    rule: str
    severity: str
    label: str
    needles: tuple[str, ...]
    ignore_case: bool
    pattern: str
    check: str | None


@dataclass(frozen=True)
class EntropyRule:
    rule: str
    severity: str
    b64_len: int
    b64_bits: float
    hex_len: int
    hex_bits: float


class DetectorSet:
    """The compiled detector table of a run."""

    def __init__(self, table: Mapping[str, Any], placeholders: Placeholders | None = None) -> None:
        self.detectors: tuple[Detector, ...] = tuple(
            Detector(
                rule=str(d["rule"]),
                severity=str(d.get("severity", "critical")),
                label=str(d.get("label", d["rule"])),
                needles=tuple(str(n) for n in d.get("needles", ())),
                ignore_case=bool(d.get("needles_ignore_case", False)),
                pattern=str(d["regex"]),
                check=d.get("check"),
            )
            for d in table.get("detectors", ())
            if isinstance(d, Mapping) and "rule" in d and "regex" in d
        )
        # Each distinct needle is looked for once per file, whatever detectors share it.
        by_needle: dict[tuple[str, bool], list[int]] = {}
        for i, det in enumerate(self.detectors):
            for n in det.needles:
                key = (n.lower(), True) if det.ignore_case else (n, False)
                by_needle.setdefault(key, []).append(i)
        self._needles = tuple((n, ic, tuple(ix)) for (n, ic), ix in by_needle.items())
        # Detectors a configuration adds (data_extensions) are the scanned repository's
        # patterns: they run on RE2, one by one, never inside the combined ``re`` alternation.
        own_patterns = shipped_strings("secret_detectors.yaml")
        self._external: dict[int, saferegex.Regex | None] = {
            i: saferegex.compile(d.pattern)
            for i, d in enumerate(self.detectors)
            if d.pattern not in own_patterns
        }
        self._always = tuple(i for i, d in enumerate(self.detectors) if not d.needles)
        # The shared allowlist (placeholders.yaml); a `placeholders` section of this table, as
        # older configs extended it, adds to it.
        self.placeholder = placeholders or shipped()
        legacy = table.get("placeholders")
        if isinstance(legacy, Mapping):
            self.placeholder = self.placeholder.extended(legacy)
        he = table.get("high_entropy") or {}
        b64 = he.get("base64") or {}
        hexa = he.get("hex") or {}
        self.entropy = EntropyRule(
            rule=str(he.get("rule", "X-001.high-entropy")),
            severity=str(he.get("severity", "high")),
            b64_len=int(b64.get("min_length", 32)),
            b64_bits=float(b64.get("min_entropy", 4.5)),
            hex_len=int(hexa.get("min_length", 40)),
            hex_bits=float(hexa.get("min_entropy", 3.0)),
        )
        self._candidate = re.compile(
            rf"[A-Za-z0-9+/_-]{{{min(self.entropy.b64_len, self.entropy.hex_len)},}}={{0,2}}"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one DetectorSet per run, few combinations
    def combined(self, chosen: tuple[int, ...]) -> re.Pattern[str]:
        """One alternation of the chosen detectors; group ``d<i>`` tells which matched."""
        parts = []
        for i in chosen:
            body = re.sub(r"\(\?P<([A-Za-z_]\w*)>", rf"(?P<\1_{i}>", self.detectors[i].pattern)
            parts.append(f"(?P<d{i}>{body})")
        return re.compile("|".join(parts))

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one DetectorSet per run
    def single(self, i: int) -> re.Pattern[str]:
        """Detector ``i``'s own regex (its ``secret`` group, if any, names the value)."""
        return re.compile(self.detectors[i].pattern)

    def scan(self, text: str, name_rule: SensitiveNameRule | None = None) -> list[Hit]:
        """Every secret in ``text``, overlaps resolved in favour of the earlier detector."""
        lower = text.lower()
        chosen_set = set(self._always)
        for needle, ignore_case, indices in self._needles:
            if needle in (lower if ignore_case else text):
                chosen_set.update(indices)
        chosen = sorted(chosen_set)
        ranked: list[tuple[int, Hit]] = []
        own = tuple(i for i in chosen if i not in self._external)
        if own:
            for i, start, end in self._own_matches(own, text, lower):
                hit = self._hit_at(i, start, end, text)
                if hit is not None:
                    ranked.append((i, hit))
        for i in chosen:
            regex = self._external.get(i)
            if regex is None:
                continue
            secret = regex.groupindex.get("secret")
            for m in regex.finditer(text):
                start, end = m.span(secret) if secret is not None else m.span()
                if start < 0:
                    start, end = m.span()
                hit = self._hit_at(i, start, end, text)
                if hit is not None:
                    ranked.append((i, hit))
        if any(n in lower for n in name_needles(name_rule or DEFAULT_RULE)):
            for hit in self._entropy_hits(text, name_rule):
                ranked.append((len(self.detectors), hit))
        return _resolve_overlaps(ranked)

    def _own_matches(
        self, own: tuple[int, ...], text: str, lower: str
    ) -> list[tuple[int, int, int]]:
        """(detector, start, end of its value) for each match of ``combined(own)``, in order.

        The same matches as ``combined(own).finditer``: at the leftmost position where any
        detector matches, the first detector in table order wins, and the search goes on
        after its match. Each detector is searched on its own, though, so ``re`` can skip
        ahead to its literal prefix, and a case-insensitive literal (``(?i:secret)``) is
        found with ``str.find`` on the lowered text: on an 800 KB CRD, 18 ms become 1 ms.
        """
        # ASCII text: lowering keeps every offset, and only ASCII letters fold to ASCII.
        lowered = lower if text.isascii() else None
        searches = [self._searcher(i, text, lowered) for i in own]
        current = [search(0) for search in searches]
        out: list[tuple[int, int, int]] = []
        while True:
            best: tuple[int, int, int, int] | None = None
            best_k = -1
            for k, found in enumerate(current):
                if found is not None and (best is None or found[0] < best[0]):
                    best, best_k = found, k
            if best is None:
                return out
            start, end, value_start, value_end = best
            if end == start:  # an empty match: finditer's rules for those, not ours
                return [
                    (int(str(m.lastgroup)[1:]), *self._value_span(m))
                    for m in self.combined(own).finditer(text)
                ]
            out.append((own[best_k], value_start, value_end))
            for k, found in enumerate(current):
                if found is not None and found[0] < end:
                    current[k] = searches[k](end)

    def _searcher(
        self, i: int, text: str, lower: str | None
    ) -> Callable[[int], tuple[int, int, int, int] | None]:
        """Detector ``i``'s leftmost match at or after a position: (start, end, value span)."""
        literal = _CASELESS_LITERAL.fullmatch(self.detectors[i].pattern)
        if literal is not None and lower is not None:
            word = literal.group(1)

            def find(pos: int) -> tuple[int, int, int, int] | None:
                at = lower.find(word, pos)
                return None if at < 0 else (at, at + len(word), at, at + len(word))

            return find
        regex = self.single(i)
        secret = regex.groupindex.get("secret")

        def search(pos: int) -> tuple[int, int, int, int] | None:
            m = regex.search(text, pos)
            if m is None:
                return None
            start, end = m.span()
            if secret is not None and m.start(secret) >= 0:
                return start, end, *m.span(secret)
            return start, end, start, end

        return search

    @staticmethod
    def _value_span(m: re.Match[str]) -> tuple[int, int]:
        i = str(m.lastgroup)[1:]
        secret = f"secret_{i}"
        if secret in m.re.groupindex and m.group(secret) is not None:
            return m.span(secret)
        return m.span(f"d{i}")

    def _hit_at(self, i: int, start: int, end: int, text: str) -> Hit | None:
        det = self.detectors[i]
        value = text[start:end]
        # The AWS secret detector matches its anchor word (`secret`); its value is checked below.
        if det.check != "aws-secret-context" and self.placeholder(value):
            return None
        if det.check == "private-key-body" and not _key_body(text, end, self.placeholder):
            return None
        if det.check == "gcp-service-account" and not _SERVICE_ACCOUNT.search(text):
            return None
        if det.check == "aws-secret-context":
            found = _aws_secret_value(text, start, end)
            if found is None:
                return None
            start, end = found
            value = text[start:end]
            if self.placeholder(value):
                return None
        preview = value if det.check == "private-key-body" else mask(value)
        return Hit(det.rule, det.severity, det.label, start, end, preview)

    def _entropy_hits(self, text: str, name_rule: SensitiveNameRule | None) -> list[Hit]:
        er = self.entropy
        out: list[Hit] = []
        for m in self._candidate.finditer(text):
            value = m.group(0).strip("=-_")
            start = m.start() + m.group(0).index(value) if value else m.start()
            if not _entropic(value, er):
                continue
            # The name sits just before the value on its line (bounded: minified files).
            line_start = max(text.rfind("\n", 0, start) + 1, start - _LOOKBACK)
            a = _ASSIGNED.search(text, line_start, start)
            if a is None or not is_sensitive_name(a.group("name"), name_rule):
                continue
            if self.placeholder(value):
                continue
            end = start + len(value)
            out.append(Hit(er.rule, er.severity, "high-entropy value", start, end, mask(value)))
        return out


# A detector regex that is a case-insensitive word: found with ``str.find`` on lowered text.
_CASELESS_LITERAL = re.compile(r"\(\?i:([a-z0-9_]+)\)")
_SERVICE_ACCOUNT = re.compile(r'"type"\s*:\s*"service_account"')
# The name a value is assigned to, right before it on its line: `NAME=`, `name: "`, `"name": "`,
# `name := '`, `name => "`, `--name=`.
_ASSIGNED = re.compile(r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|[:=])\s*["']?\s*$""")
_LOOKBACK = 160
_B64 = re.compile(r"[A-Za-z0-9+/=_-]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]")
_END_KEY = "-----END"


_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_AWS_SECRET_VALUE = re.compile(
    r"(?s:.{0,40}?)(?<![A-Za-z0-9+/])(?P<v>[A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])"
)


def _aws_secret_value(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The 40-character value after the key around ``text[start:end]`` (``secret``), when
    that key also names ``aws``. Widening is bounded so long identifier runs stay linear."""
    ks, ke = start, end
    while ks > 0 and start - ks < 64 and text[ks - 1] in _KEY_CHARS:
        ks -= 1
    while ke < len(text) and ke - end < 64 and text[ke] in _KEY_CHARS:
        ke += 1
    if "aws" not in text[ks:ke].lower():
        return None
    m = _AWS_SECRET_VALUE.match(text, ke)
    return m.span("v") if m else None


def _key_body(text: str, after: int, placeholder: Placeholders) -> bool:
    """True when the block after a BEGIN line holds key material (at least 40 base64 chars)."""
    end = text.find(_END_KEY, after, after + 16384)
    body = text[after : end if end >= 0 else after + 4096]
    body = body.replace("\\n", "\n")
    lines = [ln for ln in body.splitlines() if ":" not in ln]  # skip Proc-Type: headers
    material = "".join(_KEY_MATERIAL.findall("".join(lines)))
    return len(material) >= 40 and not placeholder(body)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _entropic(value: str, er: EntropyRule) -> bool:
    n = len(value)
    if n >= er.hex_len and _HEX.fullmatch(value):
        return shannon_entropy(value) >= er.hex_bits
    if n >= er.b64_len and _B64.fullmatch(value):
        return shannon_entropy(value) >= er.b64_bits
    return False


def mask(value: str) -> str:
    """A short prefix and the length: enough to find the value, not to use it."""
    keep = 4 if len(value) >= 16 else 2 if len(value) >= 8 else 0
    return f"{value[:keep]}… ({len(value)} chars)"


def _resolve_overlaps(ranked: Sequence[tuple[int, Hit]]) -> list[Hit]:
    """Keep, among overlapping hits, the one of the earliest detector."""
    starts: list[int] = []  # kept hits, sorted by start (they never overlap)
    kept: list[Hit] = []
    for _, hit in sorted(ranked, key=lambda r: (r[0], r[1].start)):
        pos = bisect.bisect_left(starts, hit.start)
        if pos > 0 and kept[pos - 1].end > hit.start:
            continue
        if pos < len(kept) and kept[pos].start < hit.end:
            continue
        starts.insert(pos, hit.start)
        kept.insert(pos, hit)
    return kept


class LineIndex:
    """Offsets to 1-based (line, column) for one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = find("\n", i + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
