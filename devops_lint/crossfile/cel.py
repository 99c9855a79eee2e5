"""A small evaluator for the CEL subset of Google workload identity ``attribute_condition``s
(X-010): ``assertion.*``/``attribute.*`` claims compared with ``==``, ``!=``, ``in``,
``startsWith``/``endsWith``/``contains``/``matches``, combined with ``&&``, ``||``, ``!``.

Three-valued: a claim the job's token may or may not carry, or syntax outside the subset,
gives ``None`` (unknown), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import saferegex

TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<op>&&|\|\||==|!=|[!()\[\],.])"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_]*))"
)
UNKNOWN: Any = object()


class _Unsupported(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _Unsupported(text[pos:])
        pos = m.end()
        for kind in ("str", "op", "id"):
            if m.group(kind) is not None:
                value = m.group(kind)
                if kind == "str":
                    value = re.sub(r"\\(.)", r"\1", value[1:-1])
                out.append((kind, value))
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], claims: dict[str, Any]) -> None:
        self.toks = tokens
        self.i = 0
        self.claims = claims

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise _Unsupported(f"expected {value}")
        self.i += 1
        return tok

    def expr(self) -> Any:
        return self._chain("||", self.conj, decisive=True)

    def conj(self) -> Any:
        return self._chain("&&", self.unary, decisive=False)

    def _chain(self, op: str, operand: Callable[[], Any], decisive: bool) -> Any:
        """Operands joined by ``op`` (``||``: ``decisive`` true; ``&&``: false): the decisive
        value on either side decides, else an unknown side leaves the result unknown."""
        left = operand()
        while self.peek() == ("op", op):
            self.take()
            right = operand()
            if decisive in (left, right):
                left = decisive
            else:
                left = UNKNOWN if UNKNOWN in (left, right) else not decisive
        return left

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            v = self.unary()
            return UNKNOWN if v is UNKNOWN else not v
        return self.comparison()

    def comparison(self) -> Any:
        left = self.primary()
        tok = self.peek()
        if tok in (("op", "=="), ("op", "!=")):
            self.take()
            right = self.primary()
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            return (left == right) == (tok[1] == "==")
        if tok == ("id", "in"):
            self.take()
            right = self.primary()
            if left is UNKNOWN or right is UNKNOWN or not isinstance(right, list):
                return UNKNOWN
            return left in right
        return left

    def primary(self) -> Any:
        tok = self.take()
        kind, value = tok
        if kind == "str":
            return self.methods(value)
        if (kind, value) == ("op", "("):
            v = self.expr()
            self.take(")")
            return self.methods(v)
        if (kind, value) == ("op", "["):
            items: list[Any] = []
            while self.peek() != ("op", "]"):
                items.append(self.expr())
                if self.peek() == ("op", ","):
                    self.take()
            self.take("]")
            return UNKNOWN if UNKNOWN in items else items
        if kind == "id" and value in ("true", "false"):
            return value == "true"
        if kind == "id" and value in ("assertion", "attribute"):
            self.take(".")
            name = self.take()[1]
            return self.methods(self.claims.get(f"{value}.{name}", UNKNOWN))
        raise _Unsupported(value)

    def methods(self, subject: Any) -> Any:
        while self.peek() == ("op", ".") and self.i + 1 < len(self.toks):
            self.take(".")
            name = self.take()[1]
            self.take("(")
            arg = self.expr()
            self.take(")")
            if subject is UNKNOWN or arg is UNKNOWN:
                subject = UNKNOWN
            elif not isinstance(subject, str) or not isinstance(arg, str):
                raise _Unsupported(name)
            elif name == "startsWith":
                subject = subject.startswith(arg)
            elif name == "endsWith":
                subject = subject.endswith(arg)
            elif name == "contains":
                subject = arg in subject
            elif name == "matches":
                # The pattern comes from the scanned file: RE2, as CEL itself runs it.
                compiled = saferegex.compile(arg)
                subject = UNKNOWN if compiled is None else compiled.search(subject) is not None
            else:
                raise _Unsupported(name)
        return subject


def evaluate(condition: str, claims: dict[str, Any]) -> bool | None:
    """Truth of ``condition`` for a token with these claims (``assertion.sub`` …); None when
    it depends on a claim not given or on syntax outside the subset."""
    try:
        parser = _Parser(_tokens(condition), claims)
        value = parser.expr()
        if parser.peek() is not None:
            return None
    except (_Unsupported, RecursionError):
        return None
    if value is UNKNOWN or not isinstance(value, bool):
        return None
    return value


def mapped_claims(claims: dict[str, Any], mapping: Any) -> dict[str, Any]:
    """Add ``attribute.x`` for every ``attribute_mapping`` entry that copies one assertion."""
    out = dict(claims)
    if isinstance(mapping, dict):
        for key, source in mapping.items():
            if not isinstance(key, str) or not isinstance(source, str):
                continue
            m = re.fullmatch(r"\s*assertion\.([A-Za-z_][A-Za-z0-9_]*)\s*", source)
            if key.startswith("attribute.") and m:
                out[key] = claims.get(f"assertion.{m.group(1)}", UNKNOWN)
    return out
