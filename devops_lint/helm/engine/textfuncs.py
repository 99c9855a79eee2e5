"""Go builtins and Sprig string functions: conversions, comparisons, text helpers.

Each takes its arguments as Go passes them (a piped value last) and raises ``FuncError``
when helm would stop on them.
"""

from __future__ import annotations

import re
from typing import Any

from ..values import to_int
from .values import go_print, go_quote, truth

MAX_LIST = 100_000  # until/seq/repeat sizes: hostile charts must finish


class FuncError(Exception):
    """A function refused its arguments (helm would stop with an error)."""


try:  # RE2 gives linear-time matching on hostile patterns.
    import re2 as re2_module  # type: ignore[import-untyped,unused-ignore]

    def compile_regex(pattern: str) -> Any:
        try:
            return re2_module.compile(pattern)
        except Exception as exc:
            raise FuncError(f"bad regex {pattern!r}: {exc}") from None

except ImportError:  # pragma: no cover - google-re2 is a dependency
    BACKTRACKING = re.compile(r"\\[1-9]|\(\?[=!<]")

    def compile_regex(pattern: str) -> Any:
        if BACKTRACKING.search(pattern):
            raise FuncError("pattern needs backtracking (not RE2)")
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise FuncError(f"bad regex {pattern!r}: {exc}") from None


# ----------------------------------------------------------------------------- conversions
def strval(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return go_print(v)


def to_float(v: Any) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return 0.0
    return 0.0


def empty(v: Any) -> bool:
    return not truth(v)


def num_cmp(a: Any, b: Any) -> int:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    raise FuncError("incompatible types for comparison")


def go_eq(a: Any, *others: Any) -> bool:
    for b in others:
        if isinstance(a, bool) != isinstance(b, bool):
            if a is None or b is None:
                continue
            raise FuncError("incompatible types for comparison")
        if a == b:
            return True
    return False


def go_index(v: Any, *keys: Any) -> Any:
    for k in keys:
        if v is None:
            raise FuncError("index of untyped nil")
        if isinstance(v, dict):
            v = v.get(k if isinstance(k, str) else strval(k))
        elif isinstance(v, (list, str)):
            i = to_int(k)
            if not 0 <= i < len(v):
                raise FuncError(f"index out of range: {i}")
            v = v[i]
        else:
            raise FuncError("can't index item")
    return v


def go_len(v: Any) -> int:
    if isinstance(v, (str, list, dict, tuple)):
        return len(v)
    raise FuncError(f"len of {type(v).__name__}")


# ----------------------------------------------------------------------------- strings
def quote(*args: Any) -> str:
    return " ".join(go_quote(strval(a)) for a in args if a is not None)


def squote(*args: Any) -> str:
    return " ".join(f"'{strval(a)}'" for a in args if a is not None)


def width(n: Any) -> int:
    """A count of characters to add; hostile sizes are refused rather than allocated."""
    i = to_int(n)
    if i > MAX_LIST:
        raise FuncError(f"width {i} too large")
    return max(0, i)


def i64(v: int) -> int:
    """Go's int64 wraps around: big-number arithmetic must not grow without bound."""
    return (v + (1 << 63)) % (1 << 64) - (1 << 63)


def indent(n: Any, s: Any) -> str:
    pad = " " * width(n)
    return pad + strval(s).replace("\n", "\n" + pad)


def trunc(n: Any, s: Any) -> str:
    text = strval(s)
    i = to_int(n)
    if i >= 0:
        return text[:i]
    return text[len(text) + i :] if -i < len(text) else text


WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")
CAMEL_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(s: str) -> list[str]:
    out: list[str] = []
    for chunk in WORD_SPLIT.split(s):
        out.extend(w for w in CAMEL_SPLIT.split(chunk) if w)
    return out


def title(s: Any) -> str:
    return re.sub(r"(^|[^\w'])(\w)", lambda m: m.group(1) + m.group(2).upper(), strval(s))


def camelcase(s: Any) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[_\s-]+", strval(s)) if w)


def split_dict(sep: Any, s: Any) -> dict[str, Any]:
    return {f"_{i}": p for i, p in enumerate(strval(s).split(strval(sep)))}


def split_list(sep: Any, s: Any) -> list[Any]:
    text, d = strval(s), strval(sep)
    return text.split(d) if d else list(text)


def join(sep: Any, v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return strval(sep).join(strval(x) for x in v if x is not None)
    return strval(v)


def repeat(n: Any, s: Any) -> str:
    count = to_int(n)
    text = strval(s)
    if count * max(1, len(text)) > MAX_LIST * 10:
        raise FuncError("repeat count too large")
    return text * max(0, count)


def go_sprint(*args: Any) -> str:
    out: list[str] = []
    for i, a in enumerate(args):
        if i and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(go_print(a))
    return "".join(out)


# ----------------------------------------------------------------------------- collections
