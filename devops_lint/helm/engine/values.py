"""Template values as Go sees them: truthiness, printing, ``printf`` verbs, YAML and JSON.

Helm reads values files through JSON, so every number of ``values.yaml`` is a float64
(printed ``3`` or ``1e+06``); numbers written in a template are Go ints. Python ``float``
stands for float64 and ``int`` for int/int64 here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ...model import holds_instance
from ..values import go_float, yaml_literal


class Unknown:
    """A value the evaluator could not compute; prints as a placeholder (0.6 item 3)."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def __repr__(self) -> str:
        return f"Unknown({self.source!r})"


class GoObject:
    """A Go struct of Helm's render context (``.Files``, ``.Capabilities.KubeVersion``)."""

    def __init__(
        self,
        fields: dict[str, Any],
        methods: dict[str, Callable[..., Any]] | None = None,
        text: str = "",
    ) -> None:
        self.fields = fields
        self.methods = methods or {}
        self.text = text


def holds_unknown(v: Any) -> bool:
    """True when an ``Unknown`` sits inside a list or map (looked at a few levels deep)."""
    return holds_instance(v, Unknown, 4, (list, tuple))


def floats(v: Any) -> Any:
    """Helm reads values through JSON (values files, ``fromJson``): every number is a float64."""
    if isinstance(v, dict):
        return {k: floats(x) for k, x in v.items()}
    if isinstance(v, list):
        return [floats(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def truth(v: Any) -> bool:
    """Go template truthiness: false, 0, nil and empty values are false."""
    if v is None or v is False:
        return False
    if isinstance(v, (str, list, dict, tuple)):
        return len(v) > 0
    if isinstance(v, (int, float)):
        return v != 0
    return True


MAX_NODES = 1_000_000  # values printed or serialized larger than this are refused


class TooLarge(ValueError):
    """A value whose printed form would be hostile in size (shared lists nested in lists)."""


def check_size(v: Any) -> None:
    """Raise ``TooLarge`` when ``v`` expands to more than ``MAX_NODES`` nodes (stops early)."""
    if not isinstance(v, (dict, list, tuple)):
        return
    budget = MAX_NODES
    stack: list[Any] = [v]
    while stack:
        cur = stack.pop()
        budget -= 1
        if budget < 0:
            raise TooLarge("value too large to print")
        if isinstance(cur, dict):
            stack.extend(cur.values())
        elif isinstance(cur, (list, tuple)):
            stack.extend(cur)


def go_print(v: Any) -> str:
    """``fmt.Sprint`` of a value (``{{ x }}`` output, ``print``, ``%v``)."""
    if isinstance(v, (dict, list, tuple)):
        check_size(v)
    return _go_print(v)


def _go_print(v: Any) -> str:
    if v is None:
        return "<nil>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_print(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(_go_print(x) for x in v) + "]"
    if isinstance(v, GoObject):
        return v.text or "{}"
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def output_text(v: Any) -> str:
    """What an action prints: Helm turns ``<no value>`` (a missing value) into nothing."""
    if v is None:
        return ""
    return go_print(v)


# ----------------------------------------------------------------------------- printf
_VERB = re.compile(r"%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])")


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote``: JSON-like escapes, printable non-ASCII kept."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


MAX_WIDTH = 100_000  # printf widths and precisions beyond this are refused


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width:
        return text
    w = min(int(width), MAX_WIDTH)
    if "-" in flags:
        return text.ljust(w)
    if "0" in flags and text[:1] in "-+0123456789":
        sign = text[0] if text[0] in "+-" else ""
        return sign + text[len(sign) :].rjust(w - len(sign), "0")
    return text.rjust(w)


def _int_of(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    return None


def sprintf(fmt: str, args: list[Any]) -> str:
    """Go's ``fmt.Sprintf`` for the verbs charts use (%s %d %v %q %t %f %x %%)."""
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        flags, width, prec, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        a = args[argi]
        argi += 1
        text: str
        if a is None and verb != "v":
            out.append(f"%!{verb}(<nil>)")
            continue
        if verb in ("v", "s"):
            text = go_print(a) if not isinstance(a, str) else a
            if verb == "s" and isinstance(a, (int, float)) and not isinstance(a, bool):
                kind = "int" if isinstance(a, int) else "float64"
                text = f"%!s({kind}={go_print(a)})"
            if prec is not None and isinstance(a, str):
                text = text[: int(prec or 0)]
        elif verb == "q":
            text = go_quote(a if isinstance(a, str) else go_print(a))
        elif verb == "d":
            i = _int_of(a)
            if i is None:
                kind = "float64" if isinstance(a, float) else type(a).__name__
                text = f"%!d({kind}={go_print(a)})"
            else:
                text = ("+" if "+" in flags and i >= 0 else "") + str(i)
        elif verb == "t":
            text = go_print(a) if isinstance(a, bool) else f"%!t({go_print(a)})"
        elif verb in ("f", "F", "e", "g"):
            if isinstance(a, (int, float)) and not isinstance(a, bool):
                p = min(int(prec), 100) if prec else 6
                text = go_float(float(a)) if verb == "g" else f"{float(a):.{p}{verb.lower()}}"
            else:
                text = f"%!{verb}({go_print(a)})"
        elif verb in ("x", "X"):
            if isinstance(a, int) and not isinstance(a, bool):
                text = format(a, verb)
            else:
                raw = (a if isinstance(a, str) else go_print(a)).encode()
                text = raw.hex() if verb == "x" else raw.hex().upper()
        else:
            text = go_print(a)
        out.append(_pad(text, flags, width))
    out.append(fmt[pos:])
    if argi < len(args):
        extra = ", ".join(f"{type(a).__name__}={go_print(a)}" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


# ----------------------------------------------------------------------------- JSON/YAML
def json_number(f: float) -> str:
    """Go's ``encoding/json`` for a float64."""
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        s = f"{f:e}"
        mant, exp = repr(f).split("e") if "e" in repr(f) else (s.split("e")[0], s.split("e")[1])
        e = int(exp)
        return f"{mant}e{'-' if e < 0 else '+'}{abs(e):02d}"
    return repr(f)


def to_json_value(v: Any, placeholder: Callable[[Unknown], str]) -> Any:
    """Plain JSON data; unknown values become their placeholder strings."""
    check_size(v)
    return _plain(v, placeholder)


def _plain(v: Any, placeholder: Callable[[Unknown], str]) -> Any:
    if isinstance(v, Unknown):
        return placeholder(v)
    if isinstance(v, dict):
        return {str(k): _plain(v[k], placeholder) for k in sorted(v, key=str)}
    if isinstance(v, (list, tuple)):
        return [_plain(x, placeholder) for x in v]
    if isinstance(v, GoObject):
        return {k: _plain(x, placeholder) for k, x in v.fields.items()}
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return int(v)  # encoding/json writes float64 3 as 3
    return v


def to_json(v: Any, placeholder: Callable[[Unknown], str]) -> str:
    data = to_json_value(v, placeholder)
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


# Plain scalars that go-yaml v2 would read as something other than a string.
_YAML_SPECIAL = re.compile(
    r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|~|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    r"|[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$"
    r"|[-+]?0[xXoObB][0-9a-fA-F_]+$|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"
    r"|\d{4}-\d\d?-\d\d?(?:$|[Tt ])"
)
_ALWAYS_FIRST = frozenset("#,[]{}&*!|>'\"%@`")


def _plain_kind(s: str) -> tuple[bool, bool]:
    """(plain allowed, single quotes allowed) as go-yaml's emitter decides for block context."""
    if not s.isprintable() or "\n" in s:
        return False, False
    if s[0] == " " or s[-1] == " " or s.startswith(("---", "...")):
        return False, True
    first = s[0]
    next_ws = len(s) == 1 or s[1] == " "
    if first in _ALWAYS_FIRST or (first in "?:-" and next_ws):
        return False, True
    for i in range(1, len(s)):
        c = s[i]
        if c == ":" and (i + 1 == len(s) or s[i + 1] == " "):
            return False, True
        if c == "#" and s[i - 1] == " ":
            return False, True
    return True, True


def _yaml_str(s: str) -> str:
    """A string as ``toYaml`` writes it: plain when it stays a string, else quoted."""
    if not s or _YAML_SPECIAL.match(s):
        return json.dumps(s, ensure_ascii=False)
    plain, single = _plain_kind(s)
    if plain:
        return s
    if single:
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s, ensure_ascii=False)


def _yaml_scalar(v: Any) -> str:
    literal = yaml_literal(v, json_number)
    return _yaml_str(str(v)) if literal is None else literal


def _yaml_block(v: Any, out: list[str], indent: str) -> None:
    if isinstance(v, dict):
        for k in sorted(v, key=str):
            x = v[k]
            key = _yaml_str(str(k))
            if isinstance(x, dict) and x:
                out.append(f"{indent}{key}:")
                _yaml_block(x, out, indent + "  ")
            elif isinstance(x, list) and x:
                out.append(f"{indent}{key}:")
                _yaml_block(x, out, indent)
            elif isinstance(x, str) and "\n" in x:
                out.append(f"{indent}{key}: {_yaml_multiline(x, indent + '  ')}")
            else:
                out.append(f"{indent}{key}: {_flow_empty(x)}")
        return
    for x in v:
        if isinstance(x, (dict, list)) and x:
            sub: list[str] = []
            _yaml_block(x, sub, indent + "  ")
            first = sub[0][len(indent) + 2 :]
            out.append(f"{indent}- {first}")
            out.extend(sub[1:])
        elif isinstance(x, str) and "\n" in x:
            out.append(f"{indent}- {_yaml_multiline(x, indent + '  ')}")
        else:
            out.append(f"{indent}- {_flow_empty(x)}")


def _yaml_multiline(s: str, indent: str) -> str:
    if any(line != line.rstrip() or "\t" in line for line in s.split("\n")) or s.startswith(" "):
        return json.dumps(s, ensure_ascii=False)
    chomp = "" if s.endswith("\n") and not s.endswith("\n\n") else "-"
    if s.endswith("\n\n"):
        return json.dumps(s, ensure_ascii=False)
    body = s[:-1] if s.endswith("\n") else s
    lines = [(indent + line) if line else "" for line in body.split("\n")]
    return "|" + chomp + "\n" + "\n".join(lines)


def _flow_empty(x: Any) -> str:
    if isinstance(x, dict):
        return "{}"
    if isinstance(x, list):
        return "[]"
    return _yaml_scalar(x)


def to_yaml(v: Any, placeholder: Callable[[Unknown], str]) -> str:
    """Helm's ``toYaml``: block YAML with sorted keys, no trailing newline."""
    data = to_json_value(v, placeholder)
    if isinstance(data, (dict, list)) and data:
        out: list[str] = []
        _yaml_block(data, out, "")
        return "\n".join(out)
    if isinstance(data, str) and "\n" in data:
        return _yaml_multiline(data, "  ")
    return _flow_empty(data)
