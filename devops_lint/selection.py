"""Which rules a run selects, and rule or control IDs that name nothing.

A selector is a rule ID (``K8S-001.privileged``), a control ID (``K8S-001``) or a prefix of
either on a ``-``/``.`` boundary (``K8S``, ``K8S-NET``, ``X-000``). A selector that matches no
rule is a typo until proven otherwise: ``--select K8S-0O1`` (letter O) would otherwise run
nothing and exit 0. So unknown IDs on the command line or in the configuration are usage
errors, and in a suppression comment they are findings (``X-000.unknown-rule``); both come
with the closest known ID as a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .rules import Rule


class SelectionError(Exception):
    """An unknown ID or an empty selection: a usage error (exit 2)."""


def matches(selector: str, rule: Rule) -> bool:
    """A rule ID, a control ID, or a prefix of either (``K8S-NET``, ``GHA-003``)."""
    for ident in (rule.id, *rule.controls):
        if ident == selector or ident.startswith((selector + ".", selector + "-")):
            return True
    return False


def known(selector: str, rules: Iterable[Rule], catalog: Iterable[str] = ()) -> bool:
    """True when ``selector`` names a rule, a control of a rule, or a catalog control."""
    return selector in catalog or any(matches(selector, r) for r in rules)


def vocabulary(rules: Iterable[Rule], catalog: Iterable[str] = ()) -> list[str]:
    """Every rule ID, control ID and domain prefix, for suggestions."""
    words: set[str] = set(catalog)
    for rule in rules:
        words.add(rule.id)
        words.update(rule.controls)
    for word in list(words):
        base = word.split(".", 1)[0]
        parts = base.split("-")
        words.update("-".join(parts[:n]) for n in range(1, len(parts)))
    return sorted(words)


# Characters people and fonts confuse: O/0, I/l/1.
_CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1"})


def _normal(word: str) -> str:
    return word.casefold().translate(_CONFUSABLE)


def suggest(selector: str, words: Sequence[str]) -> str | None:
    """The closest known ID (ignoring case and O/0, I/l/1 mix-ups), if any is close enough."""
    target = _normal(selector)
    best: tuple[float, str] | None = None
    matcher = difflib.SequenceMatcher(b=target)
    for word in words:
        normal = _normal(word)
        if normal == target:
            return word
        matcher.set_seq1(normal)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        score = matcher.ratio()
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, word)
    return best[1] if best else None


def describe_unknown(selector: str, words: Sequence[str]) -> str:
    hint = suggest(selector, words)
    text = f"unknown rule or control {selector!r}"
    return text + (f" (did you mean {hint!r}?)" if hint else "")


def check_selectors(
    selectors: Iterable[str], rules: Sequence[Rule], where: str, catalog: Iterable[str] = ()
) -> None:
    """Raise ``SelectionError`` naming ``where`` for the first selector that names nothing."""
    catalog = set(catalog)
    for selector in selectors:
        if not any(matches(selector, r) for r in rules):
            words = vocabulary(rules, catalog)
            raise SelectionError(f"{where}: {describe_unknown(selector, words)}")


def check_settings(settings: Mapping[str, Any], rules: Sequence[Rule], source: str) -> None:
    """The configuration's ``select``, ``ignore`` and ``severity_overrides`` name real rules."""
    check_selectors(settings.get("select", []), rules, f"{source}: select")
    check_selectors(settings.get("ignore", []), rules, f"{source}: ignore")
    overrides = settings.get("severity_overrides") or {}
    check_selectors(list(overrides), rules, f"{source}: severity_overrides")


def selected(
    rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str], *, with_core: bool = False
) -> list[Rule]:
    """The rules a selection asks for; the always-on input checks only when selected by name
    or when ``with_core`` (the run always has them, but they alone are no selection)."""
    out = []
    for rule in rules:
        if select and not any(matches(s, rule) for s in select):
            continue
        if not select and not with_core and rule.target == "core.input":
            continue
        if any(matches(i, rule) for i in ignore):
            continue
        out.append(rule)
    return out
