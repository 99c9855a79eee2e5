"""A small tokenizer for the Go templates of alert labels and annotations (PROM-011).

It finds ``{{ … }}`` actions, tokenizes each one and checks what Go's
``text/template`` parser would reject (unbalanced delimiters and blocks,
unknown functions, undefined variables), then records what the template reads:
``$labels.x``, ``$externalLabels.x`` and whether ``$value`` is printed raw.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

# Go's builtins plus the functions Prometheus registers for rule templates.
FUNCTIONS = frozenset(
    {
        # text/template builtins
        "and", "or", "not", "len", "index", "slice", "print", "printf", "println",
        "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call",
        # Prometheus template functions
        "query", "first", "label", "value", "strvalue", "args", "reReplaceAll",
        "safeHtml", "match", "title", "toUpper", "toLower", "graphLink", "tableLink",
        "sortByLabel", "humanize", "humanize1024", "humanizeDuration",
        "humanizePercentage", "humanizeTimestamp", "toTime", "toDuration", "now",
        "pathPrefix", "externalURL", "parseDuration", "stripPort", "stripDomain",
    }
)  # fmt: skip
FORMATTERS = frozenset(
    {"humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
     "printf"}
)  # fmt: skip
KEYWORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "block", "template", "break", "continue"}
)
OPENERS = frozenset({"if", "range", "with", "define", "block"})
CONSTANTS = frozenset({"true", "false", "nil"})
# Variables Prometheus defines before expanding a rule template.
PREDEFINED = frozenset({"$", "$labels", "$externalLabels", "$externalURL", "$value"})


@dataclass
class Template:
    """What one template string does."""

    errors: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)  # $labels.x / .Labels.x
    external_labels: set[str] = field(default_factory=set)  # $externalLabels.x
    uses_value: bool = False  # $value / .Value anywhere
    prints_raw_value: bool = False  # an action prints $value without formatting
    has_actions: bool = False


class _Lex:
    """Tokens of one action: (kind, text)."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.tokens: list[tuple[str, str]] = []
        self.error: str | None = None
        self._run()

    def _run(self) -> None:
        s, i, n = self.src, 0, len(self.src)
        while i < n:
            c = s[i]
            if c.isspace():
                i += 1
            elif c in "|(),":
                self.tokens.append((c, c))
                i += 1
            elif s.startswith(":=", i):
                self.tokens.append(("decl", ":="))
                i += 2
            elif c == "=":
                self.tokens.append(("assign", "="))
                i += 1
            elif c in "\"'`":
                j = _string_end(s, i)
                if j < 0:
                    self.error = f"unterminated string {s[i : i + 20]!r}"
                    return
                self.tokens.append(("string", s[i : j + 1]))
                i = j + 1
            elif c == "$":
                j = _ident_end(s, i + 1)
                j = _fields_end(s, j)
                self.tokens.append(("var", s[i:j]))
                i = j
            elif c == ".":
                j = _fields_end(s, i)
                if j == i:  # a lone dot
                    j = i + 1
                self.tokens.append(("field", s[i:j]))
                i = j
            elif c.isdigit() or (
                c in "+-" and i + 1 < n and (s[i + 1].isdigit() or s[i + 1] == ".")
            ):
                j = i + 1
                while j < n and (s[j].isalnum() or s[j] in "._+-"):
                    j += 1
                self.tokens.append(("number", s[i:j]))
                i = j
            elif c.isalpha() or c == "_":
                j = _ident_end(s, i)
                j2 = _fields_end(s, j)
                self.tokens.append(("ident", s[i:j]))
                if j2 > j:
                    self.tokens.append(("field", s[j:j2]))
                i = j2
            else:
                self.error = f"unexpected {c!r} in action"
                return


def _string_end(s: str, i: int) -> int:
    quote = s[i]
    j = i + 1
    while j < len(s):
        if s[j] == "\\" and quote != "`":
            j += 2
            continue
        if s[j] == quote:
            return j
        if s[j] == "\n" and quote != "`":
            return -1
        j += 1
    return -1


def _ident_end(s: str, i: int) -> int:
    while i < len(s) and (s[i].isalnum() or s[i] == "_"):
        i += 1
    return i


def _fields_end(s: str, i: int) -> int:
    while i < len(s) and s[i] == "." and i + 1 < len(s) and (s[i + 1].isalpha() or s[i + 1] == "_"):
        i = _ident_end(s, i + 1)
    return i


def _split_actions(text: str, out: Template) -> list[str]:
    """Bodies of the ``{{ … }}`` actions; records delimiter errors on ``out``."""
    bodies: list[str] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("{{", i)
        stray = text.find("}}", i)
        if stray >= 0 and (start < 0 or stray < start):
            out.errors.append("unexpected '}}' without a matching '{{'")
            return bodies
        if start < 0:
            break
        j = start + 2
        if text.startswith("/*", j) or text.startswith("- /*", j):
            end = text.find("*/", j)
            if end < 0 or not text[end + 2 :].lstrip(" -").startswith("}}"):
                out.errors.append("unclosed comment")
                return bodies
            i = text.find("}}", end) + 2
            continue
        # find the closing delimiter outside string literals
        k = j
        close = -1
        while k < n:
            c = text[k]
            if c in "\"'`":
                e = _string_end(text, k)
                if e < 0:
                    break
                k = e + 1
                continue
            if text.startswith("}}", k):
                close = k
                break
            if text.startswith("{{", k):
                break
            k += 1
        if close < 0:
            out.errors.append("unclosed action: '{{' without a matching '}}'")
            return bodies
        body = text[j:close]
        if body.startswith("-") and (len(body) == 1 or body[1].isspace()):
            body = body[1:]
        if body.endswith("-") and (len(body) == 1 or body[-2].isspace()):
            body = body[:-1]
        bodies.append(body)
        i = close + 2
    return bodies


@functools.lru_cache(maxsize=16384)
def analyse(text: str) -> Template:
    out = Template()
    bodies = _split_actions(text, out)
    out.has_actions = bool(bodies)
    declared: set[str] = set(PREDEFINED)
    stack: list[str] = []
    # Per open block: whether "." is something other than the alert there (inside
    # `range`/`with` it is the element or value, e.g. a `query` sample).
    rebound: list[bool] = []
    for body in bodies:
        lex = _Lex(body)
        if lex.error is not None:
            out.errors.append(lex.error)
            continue
        toks = lex.tokens
        if not toks:
            out.errors.append("missing value for command in '{{ }}'")
            continue
        first_kind, first = toks[0]
        keyword = first if first_kind == "ident" and first in KEYWORDS else None
        outer = bool(rebound) and rebound[-1]  # the dot this action's pipeline reads
        if keyword in OPENERS:
            stack.append(keyword)
            rebound.append(outer or keyword != "if")
        elif keyword == "else":
            if rebound:
                # `else` runs with the enclosing dot; `else with` rebinds it again.
                parent = len(rebound) > 1 and rebound[-2]
                chained = len(toks) > 1 and toks[1][1] == "with"
                rebound[-1] = parent or chained
                outer = parent
            if not stack or stack[-1] not in ("if", "range", "with"):
                out.errors.append("unexpected {{ else }}")
            if len(toks) > 1 and toks[1][1] in ("if", "with"):
                pass  # else if / else with continue the same block
        elif keyword == "end":
            if not stack:
                out.errors.append("unexpected {{ end }}")
            else:
                stack.pop()
                rebound.pop()
            if len(toks) > 1:
                out.errors.append("unexpected arguments after {{ end }}")
        rest = toks[1:] if keyword else toks
        if keyword in ("else",) and rest and rest[0][1] in ("if", "with"):
            rest = rest[1:]
        if keyword == "define" or keyword == "template" or keyword == "block":
            continue
        if keyword in ("if", "range", "with", "else") and not rest and keyword != "else":
            out.errors.append(f"missing value for {{{{ {keyword} }}}}")
        _check_pipeline(rest, declared, out, printing=keyword is None, dot_is_alert=not outer)
    if stack:
        out.errors.append(f"unclosed {{{{ {stack[-1]} }}}}: no matching {{{{ end }}}}")
    return out


def _check_pipeline(
    toks: list[tuple[str, str]],
    declared: set[str],
    out: Template,
    *,
    printing: bool,
    dot_is_alert: bool = True,
) -> None:
    # variable declarations: `$x :=` / `$x, $y :=` at the start
    decl_at = next((i for i, t in enumerate(toks) if t[0] in ("decl", "assign")), -1)
    if decl_at >= 0:
        for kind_, text in toks[:decl_at]:
            if kind_ == "var":
                declared.add(text.split(".", 1)[0])
        toks = toks[decl_at + 1 :]
        printing = False
    depth = 0
    expect_command = True
    formatted = False
    value_here = False
    for idx, (kind_, text) in enumerate(toks):
        if kind_ == "(":
            depth += 1
            expect_command = True
            continue
        if kind_ == ")":
            depth -= 1
            if depth < 0:
                out.errors.append("unexpected ')' in action")
                return
            expect_command = False
            continue
        if kind_ == "|":
            if expect_command or idx == len(toks) - 1:
                out.errors.append("missing command around '|'")
                return
            expect_command = True
            continue
        expect_command = False
        if kind_ == "ident":
            if text in KEYWORDS:
                out.errors.append(f"unexpected keyword {text!r} in action")
            elif text not in CONSTANTS and text not in FUNCTIONS:
                out.errors.append(f"function {text!r} not defined")
            if text in FORMATTERS:
                formatted = True
        elif kind_ == "var":
            root, _, rest = text.partition(".")
            if root not in declared:
                out.errors.append(f"undefined variable {root!r}")
            _record_ref(root, rest, toks, idx, out)
            if root == "$value":
                value_here = True
        elif kind_ == "field" and dot_is_alert:
            head, _, rest = text.lstrip(".").partition(".")
            if head == "Value":
                value_here = True
                out.uses_value = True
            elif head == "Labels":
                _record_ref("$labels", rest, toks, idx, out)
            elif head == "ExternalLabels":
                _record_ref("$externalLabels", rest, toks, idx, out)
    if depth > 0:
        out.errors.append("unclosed '(' in action")
    if printing and value_here and not formatted:
        out.prints_raw_value = True


def _record_ref(root: str, rest: str, toks: list[tuple[str, str]], idx: int, out: Template) -> None:
    if root == "$value":
        out.uses_value = True
        return
    target = (
        out.labels
        if root == "$labels"
        else out.external_labels
        if root == "$externalLabels"
        else None
    )
    if target is None:
        return
    if rest:
        target.add(rest.split(".", 1)[0])
        return
    # `index $labels "x"`
    if idx >= 1 and toks[idx - 1] == ("ident", "index") and idx + 1 < len(toks):
        kind_, text = toks[idx + 1]
        if kind_ == "string" and len(text) >= 2:
            target.add(text[1:-1])
