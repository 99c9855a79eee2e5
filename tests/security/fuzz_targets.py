"""Fuzz targets: one per parser, fed fixtures mutated structurally and byte-wise.

A target takes a text and must either return or raise the parser's located error
(``ParseError``; the expression parser's ``ExpressionError``). Anything else escaping —
``RecursionError``, ``IndexError``, a panic from a native parser — is a bug. The mutator
is written against a ``choose(lo, hi)`` callable so that hypothesis (tests/security/
test_fuzz.py) and a plain random loop (bench/fuzz.py) share it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devops_lint.github.expressions import ExpressionError, find_expressions, parse_condition
from devops_lint.model import ParseError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

Choose = Callable[[int, int], int]

# Pieces that change structure: brackets, indicators, anchors, interpolations, heredocs.
TOKENS = (
    "[", "]", "{", "}", "(", ")", ":", ": ", "- ", "\n", "  ", "\t", ",", '"', "'", "#",
    "&a ", "*a", "<<: *a", "!!binary ", "? ", "|", ">", "---\n", "...\n", "%YAML 1.2\n",
    "${{", "}}", "${", "%{", "{{", "{{-", "-}}", "<<EOT\n", "\nEOT\n", "\\", "\ufeff",
    "\x00", "é", "\U0001d54f", "1e999", "0x", ".inf", "sum by (job) (", "rate(", "[5m]",
    "offset ", "=~", "!~", " and ", " or ", "||", "&&", "!", "github.event.", "fromJSON(",
    "include \"x\" .", "toYaml .Values", "range $k, $v := ", "end", "define \"x\"",
    ".a", "[0]", "['a']", "abs(", "&a [*a, *a, *a]\n",
)  # fmt: skip


def mutate(text: str, choose: Choose, rounds: int | None = None) -> str:
    """Apply 1-4 random edits: structural (tokens, line moves, repetition) or byte-wise."""
    for _ in range(rounds if rounds is not None else choose(1, 4)):
        n = len(text)
        op = choose(0, 8)
        i = choose(0, n)
        j = min(n, i + choose(0, 64))
        if op == 0:  # insert a structural token
            text = text[:i] + TOKENS[choose(0, len(TOKENS) - 1)] + text[i:]
        elif op == 1:  # delete a range
            text = text[:i] + text[j:]
        elif op == 2:  # duplicate a range
            text = text[:j] + text[i:j] + text[j:]
        elif op == 3:  # replace one character by any code point below 0x3000
            text = text[:i] + chr(choose(0, 0x2FFF)) + text[i + 1 :]
        elif op == 4:  # truncate
            text = text[:i]
        elif op == 5:  # swap two lines
            lines = text.split("\n")
            a, b = choose(0, len(lines) - 1), choose(0, len(lines) - 1)
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == 6:  # repeat a token many times (nesting, long runs)
            token = TOKENS[choose(0, len(TOKENS) - 1)]
            text = text[:i] + token * (choose(2, 3000) * choose(1, 8)) + text[i:]
        elif op == 7:  # re-indent a line
            lines = text.split("\n")
            k = choose(0, len(lines) - 1)
            lines[k] = " " * choose(0, 12) + lines[k].lstrip()
            text = "\n".join(lines)
        else:  # splice in a piece of another place of the text
            k = choose(0, n)
            text = text[:i] + text[k : k + choose(0, 200)] + text[i:]
    return text


# --------------------------------------------------------------------------- corpora


def _read(paths: list[Path], limit: int = 60_000) -> tuple[str, ...]:
    out = []
    for p in sorted(paths):
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(text) <= limit:
            out.append(text)
    return tuple(out)


@functools.cache
def corpus(name: str) -> tuple[str, ...]:
    """Seed texts of a target, from the fixtures."""
    if name == "yaml":
        return _read([*FIXTURES.rglob("*.yaml"), *FIXTURES.rglob("*.yml")])[:400]
    if name == "hcl":
        return _read([*FIXTURES.rglob("*.tf"), *FIXTURES.rglob("*.tfvars")])[:300]
    if name == "tf-json":
        return _read(list(FIXTURES.rglob("*.tf.json")))
    if name == "helm":
        return _read([p for p in FIXTURES.rglob("*.yaml") if "templates" in p.parts])
    texts = corpus("yaml")
    if name == "promql":
        found = {m.group(1).strip() for t in texts for m in _EXPR.finditer(t)}
        return tuple(sorted(e for e in found if e))
    if name == "gha-expression":
        found = {m.group() for t in texts for m in _GHA.finditer(t)}
        return tuple(sorted(found))
    raise KeyError(name)


_EXPR = re.compile(r"^\s*expr:\s*['\"]?(.+?)['\"]?\s*$", re.MULTILINE)
_GHA = re.compile(r"\$\{\{.*?\}\}")


# --------------------------------------------------------------------------- targets


def yaml_target(text: str) -> None:
    from devops_lint.yamlload import load_documents

    with contextlib.suppress(ParseError):
        load_documents(text, "fuzz.yaml")


def _terraform(path: str, text: str) -> None:
    from devops_lint.terraform.parser import parse_file

    with contextlib.suppress(ParseError):
        parse_file(path, text)


def hcl_target(text: str) -> None:
    _terraform("main.tf", text)


def tf_json_target(text: str) -> None:
    _terraform("main.tf.json", text)


def promql_target(text: str) -> None:
    from devops_lint.prometheus import promql

    parsed = promql.parse(text)
    if parsed.ast is not None:  # the analyses rules run over every parsed expression
        for node, _ancestors in promql.walk(parsed.ast):
            promql.result_labels(node)
            promql.is_condition(node)


def gha_expression_target(text: str) -> None:
    for e in find_expressions(text):
        assert (e.node is None) != (e.error is None)
    node, error, _offset = parse_condition(text)
    assert node is None or error is None
    try:
        from devops_lint.github.expressions import parse

        parse(text)
    except ExpressionError:
        pass


def helm_target(text: str) -> None:
    from devops_lint.helm.loader import documents_from_template

    with contextlib.suppress(ParseError):
        documents_from_template("chart/templates/fuzz.yaml", text, None, "chart")


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[str], None]


TARGETS = (
    Target("yaml", yaml_target),
    Target("hcl", hcl_target),
    Target("tf-json", tf_json_target),
    Target("promql", promql_target),
    Target("gha-expression", gha_expression_target),
    Target("helm", helm_target),
)
