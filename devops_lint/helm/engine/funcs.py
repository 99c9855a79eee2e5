"""The Go template builtins and the Sprig/Helm functions charts use.

Each function takes its arguments as Go passes them (a piped value last). A function that
meets an argument it cannot use raises ``FuncError``; the evaluator then renders the action
as an unresolved placeholder, as it does for a function it does not know.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from typing import Any

from ...model import ParseError
from ...yamlload import load_documents
from ..values import to_int
from . import semver
from .textfuncs import (
    MAX_LIST,
    FuncError,
    camelcase,
    compile_regex,
    empty,
    go_eq,
    go_index,
    go_len,
    go_sprint,
    i64,
    indent,
    join,
    num_cmp,
    quote,
    repeat,
    split_dict,
    split_list,
    squote,
    strval,
    title,
    to_float,
    trunc,
    words,
)
from .values import GoObject, Unknown, floats, go_print, sprintf, to_json, to_yaml, truth

__all__ = ["FuncError", "functions_for", "make_functions", "strval", "to_int"]


def _dict(*kv: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(kv), 2):
        out[strval(kv[i])] = kv[i + 1] if i + 1 < len(kv) else ""
    return out


def _merge_into(dst: dict[str, Any], src: Any, overwrite: bool) -> None:
    if not isinstance(src, dict):
        return
    for k, v in src.items():
        cur = dst.get(k)
        if isinstance(cur, dict) and isinstance(v, dict):
            _merge_into(cur, v, overwrite)
        elif k not in dst or (overwrite and v is not None) or (not overwrite and empty(cur)):
            if not overwrite and k in dst and isinstance(cur, (dict, list)) and not cur:
                dst[k] = copy.deepcopy(v)
            elif overwrite or k not in dst or empty(cur):
                dst[k] = copy.deepcopy(v) if isinstance(v, (dict, list)) else v


def _merger(name: str, overwrite: bool) -> Callable[..., Any]:
    """Sprig's ``merge`` (``overwrite`` false) or ``mergeOverwrite``: each source deep-merged
    into the map ``dst``, which is returned."""

    def merge(dst: Any, *srcs: Any) -> Any:
        if not isinstance(dst, dict):
            raise FuncError(f"{name} of a non-map")
        for s in srcs:
            _merge_into(dst, s, overwrite=overwrite)
        return dst

    return merge


def _set(d: Any, k: Any, v: Any) -> Any:
    if not isinstance(d, dict):
        raise FuncError("set on a non-map")
    d[strval(k)] = v
    return d


def _unset(d: Any, k: Any) -> Any:
    if isinstance(d, dict):
        d.pop(strval(k), None)
    return d


def _keys(*ds: Any) -> list[Any]:
    out: list[Any] = []
    for d in ds:
        if isinstance(d, dict):
            out.extend(d)
    return out


def _dig(*args: Any) -> Any:
    if len(args) < 3:
        raise FuncError("dig needs keys, a default and a map")
    *keys, default, d = args
    cur = d
    for k in keys:
        if not isinstance(cur, dict) or strval(k) not in cur:
            return default
        cur = cur[strval(k)]
    return cur


def _list_of(v: Any) -> list[Any]:
    if isinstance(v, (list, tuple)):
        return list(v)
    if v is None:
        return []
    raise FuncError(f"cannot use {type(v).__name__} as a list")


def _uniq(v: Any) -> list[Any]:
    out: list[Any] = []
    for x in _list_of(v):
        if x not in out:
            out.append(x)
    return out


def _until(n: Any) -> list[int]:
    i = to_int(n)
    if abs(i) > MAX_LIST:
        raise FuncError("until count too large")
    return list(range(i)) if i >= 0 else list(range(0, i, -1))


def _until_step(start: Any, stop: Any, step: Any) -> list[int]:
    a, b, s = to_int(start), to_int(stop), to_int(step)
    if s == 0 or abs((b - a) // s) > MAX_LIST:
        raise FuncError("untilStep range too large")
    return list(range(a, b, s))


def _first(v: Any) -> Any:
    items = _list_of(v)
    return items[0] if items else None


def _last(v: Any) -> Any:
    items = _list_of(v)
    return items[-1] if items else None


def _from_yaml(s: Any) -> Any:
    try:
        docs, _ = load_documents(strval(s), "<fromYaml>", "yaml")
    except ParseError as exc:
        return {"Error": exc.message}
    data = docs[0].data if docs else {}
    return data if isinstance(data, dict) else {"Error": "not a mapping"}


def _from_yaml_array(s: Any) -> Any:
    try:
        docs, _ = load_documents(strval(s), "<fromYamlArray>", "yaml")
    except ParseError as exc:
        return [exc.message]
    data = docs[0].data if docs else []
    return data if isinstance(data, list) else []


def _from_json(s: Any) -> Any:
    try:
        data = json.loads(strval(s))
    except ValueError as exc:
        return {"Error": str(exc)}
    return floats(data) if isinstance(data, dict) else {}


def _semver_compare(constraint: Any, version: Any) -> bool:
    try:
        return semver.satisfies(strval(constraint), strval(version))
    except semver.SemverError as exc:
        raise FuncError(str(exc)) from None


def _regex_find_all(pattern: Any, s: Any, n: Any) -> list[str]:
    found = [m.group(0) for m in compile_regex(strval(pattern)).finditer(strval(s))]
    count = to_int(n)
    return found if count < 0 else found[:count]


# Go's reflect kind of each Python type that stands for a Go value (bool before int: a
# Python bool is an int).
_GO_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float64"),
    (str, "string"),
    (dict, "map"),
    (list, "slice"),
)


def _kind_of(v: Any) -> str:
    if v is None:
        return "invalid"
    return next((kind for cls, kind in _GO_KINDS if isinstance(v, cls)), "struct")


def _type_of(v: Any) -> str:
    kind = _kind_of(v)
    return {"map": "map[string]interface {}", "slice": "[]interface {}"}.get(kind, kind)


def _required(msg: Any, v: Any = None) -> Any:
    raise AssertionError("handled by the evaluator")  # pragma: no cover


def _b64dec(s: Any) -> str:
    try:
        return base64.b64decode(strval(s), validate=True).decode("utf-8", "replace")
    except ValueError as exc:
        return str(exc)


def _mod(a: Any, b: Any) -> int:
    d = to_int(b)
    if d == 0:
        raise FuncError("integer divide by zero")
    x = to_int(a)
    return abs(x) % abs(d) * (1 if x >= 0 else -1)


def _mul(a: Any, *b: Any) -> int:
    out = to_int(a)
    for x in b:
        out = i64(out * to_int(x))
    return out


def _div(a: Any, b: Any) -> int:
    d = to_int(b)
    if d == 0:
        raise FuncError("integer divide by zero")
    q = abs(to_int(a)) // abs(d)
    return q if (to_int(a) >= 0) == (d > 0) else -q


Function = Callable[..., Any]


def serializers(placeholder: Callable[[Unknown], str]) -> dict[str, Function]:
    """toYaml/toJson: they print unknown values inside their output as placeholders."""
    return {
        "toYaml": lambda v: to_yaml(v, placeholder),
        "mustToYaml": lambda v: to_yaml(v, placeholder),
        "toJson": lambda v: to_json(v, placeholder),
        "mustToJson": lambda v: to_json(v, placeholder),
        "toRawJson": lambda v: to_json(v, placeholder),
        "toPrettyJson": lambda v: json.dumps(json.loads(to_json(v, placeholder)), indent=2),
    }


_BASE: dict[str, Function] = {}


def functions_for(placeholder: Callable[[Unknown], str]) -> dict[str, Function]:
    """The function table of one evaluator (the shared table plus its serializers)."""
    if not _BASE:
        _BASE.update(make_functions(placeholder))
    return {**_BASE, **serializers(placeholder)}


def make_functions(placeholder: Callable[[Unknown], str]) -> dict[str, Function]:
    """The function table; ``placeholder`` prints an unknown value inside toYaml/toJson."""
    f: dict[str, Function] = {
        # Go builtins
        "eq": go_eq,
        "ne": lambda a, b: not go_eq(a, b),
        "lt": lambda a, b: num_cmp(a, b) < 0,
        "le": lambda a, b: num_cmp(a, b) <= 0,
        "gt": lambda a, b: num_cmp(a, b) > 0,
        "ge": lambda a, b: num_cmp(a, b) >= 0,
        "not": lambda v: not truth(v),
        "len": go_len,
        "index": go_index,
        "print": go_sprint,
        "println": lambda *a: " ".join(go_print(x) for x in a) + "\n",
        "printf": lambda fmt, *a: sprintf(strval(fmt), list(a)),
        "urlquery": lambda *a: __import__("urllib.parse").parse.quote_plus(go_sprint(*a)),
        "html": lambda *a: __import__("html").escape(go_sprint(*a)),
        "js": lambda *a: json.dumps(go_sprint(*a))[1:-1],
        "slice": lambda v, *i: v[to_int(i[0]) if i else 0 : to_int(i[1]) if len(i) > 1 else None],
        # defaults and flow
        "default": lambda d, *g: d if not g or empty(g[0]) else g[0],
        "empty": empty,
        "coalesce": lambda *a: next((x for x in a if not empty(x)), None),
        "ternary": lambda a, b, c: a if truth(c) else b,
        "fail": _required,
        "required": _required,
        # strings
        "quote": quote,
        "squote": squote,
        "indent": indent,
        "nindent": lambda n, s: "\n" + indent(n, s),
        "trim": lambda s: strval(s).strip(" \t\n\r\v\f"),
        "trimSuffix": lambda x, s: strval(s).removesuffix(strval(x)),
        "trimPrefix": lambda x, s: strval(s).removeprefix(strval(x)),
        "trimAll": lambda c, s: strval(s).strip(strval(c)),
        "trunc": trunc,
        "upper": lambda s: strval(s).upper(),
        "lower": lambda s: strval(s).lower(),
        "title": title,
        "untitle": lambda s: re.sub(r"\b(\w)", lambda m: m.group(1).lower(), strval(s)),
        "replace": lambda o, n, s: strval(s).replace(strval(o), strval(n)),
        "contains": lambda sub, s: strval(sub) in strval(s),
        "hasPrefix": lambda p, s: strval(s).startswith(strval(p)),
        "hasSuffix": lambda p, s: strval(s).endswith(strval(p)),
        "split": split_dict,
        "splitList": split_list,
        "join": join,
        "cat": lambda *a: " ".join(strval(x) for x in a if x is not None),
        "repeat": repeat,
        "nospace": lambda s: re.sub(r"\s+", "", strval(s)),
        "kebabcase": lambda s: "-".join(w.lower() for w in words(strval(s))),
        "snakecase": lambda s: "_".join(w.lower() for w in words(strval(s))),
        "camelcase": camelcase,
        "toString": strval,
        "toStrings": lambda v: [strval(x) for x in _list_of(v)],
        "abbrev": lambda n, s: (
            strval(s) if len(strval(s)) <= to_int(n) else strval(s)[: max(0, to_int(n) - 3)] + "..."
        ),
        "substr": lambda a, b, s: strval(s)[to_int(a) : to_int(b) if to_int(b) >= 0 else None],
        "wrap": lambda n, s: strval(s),
        "plural": lambda one, many, n: one if to_int(n) == 1 else many,
        # numbers
        # strconv.Atoi is decimal: a leading 0 is not octal here, unlike ``int``.
        "atoi": lambda s: int(strval(s)) if re.fullmatch(r"\s*[-+]?\d+\s*", strval(s)) else 0,
        "int": to_int,
        "int64": to_int,
        "float64": to_float,
        "add": lambda *a: i64(sum(to_int(x) for x in a)),
        "add1": lambda a: i64(to_int(a) + 1),
        "sub": lambda a, b: i64(to_int(a) - to_int(b)),
        "mul": _mul,
        "div": _div,
        "mod": _mod,
        "max": lambda a, *b: max([to_int(a), *(to_int(x) for x in b)]),
        "min": lambda a, *b: min([to_int(a), *(to_int(x) for x in b)]),
        "addf": lambda *a: sum(to_float(x) for x in a),
        "subf": lambda a, *b: to_float(a) - sum(to_float(x) for x in b),
        "mulf": lambda a, *b: __import__("math").prod([to_float(a), *(to_float(x) for x in b)]),
        "floor": lambda a: float(__import__("math").floor(to_float(a))),
        "ceil": lambda a: float(__import__("math").ceil(to_float(a))),
        "round": lambda a, p=0, *_: round(to_float(a), to_int(p)),
        "until": _until,
        "untilStep": _until_step,
        # collections
        "dict": _dict,
        "list": lambda *a: list(a),
        "tuple": lambda *a: list(a),
        "merge": _merger("merge", overwrite=False),
        "mergeOverwrite": _merger("mergeOverwrite", overwrite=True),
        "set": _set,
        "unset": _unset,
        "hasKey": lambda d, k: isinstance(d, dict) and strval(k) in d,
        "keys": _keys,
        "values": lambda d: list(d.values()) if isinstance(d, dict) else [],
        "pick": lambda d, *k: {x: d[x] for x in map(strval, k) if x in d},
        "omit": lambda d, *k: {x: v for x, v in d.items() if x not in set(map(strval, k))},
        "get": lambda d, k: d.get(strval(k), "") if isinstance(d, dict) else "",
        "pluck": lambda k, *ds: [
            d[strval(k)] for d in ds if isinstance(d, dict) and strval(k) in d
        ],
        "dig": _dig,
        "append": lambda v, x: [*_list_of(v), x],
        "push": lambda v, x: [*_list_of(v), x],
        "prepend": lambda v, x: [x, *_list_of(v)],
        "concat": lambda *ls: [x for v in ls for x in _list_of(v)],
        "first": _first,
        "last": _last,
        "rest": lambda v: _list_of(v)[1:],
        "initial": lambda v: _list_of(v)[:-1],
        "reverse": lambda v: _list_of(v)[::-1],
        "uniq": _uniq,
        "has": lambda x, v: x in _list_of(v),
        "without": lambda v, *x: [i for i in _list_of(v) if i not in x],
        "compact": lambda v: [x for x in _list_of(v) if not empty(x)],
        "sortAlpha": lambda v: sorted(strval(x) for x in _list_of(v)),
        "deepCopy": copy.deepcopy,
        "kindOf": _kind_of,
        "kindIs": lambda k, v: _kind_of(v) == strval(k),
        "typeOf": _type_of,
        "typeIs": lambda t, v: _type_of(v) == strval(t),
        # encodings
        "b64enc": lambda s: base64.b64encode(strval(s).encode()).decode(),
        "b64dec": _b64dec,
        "sha256sum": lambda s: hashlib.sha256(strval(s).encode()).hexdigest(),
        "sha1sum": lambda s: hashlib.sha1(strval(s).encode()).hexdigest(),
        "adler32sum": lambda s: str(zlib.adler32(strval(s).encode())),
        **serializers(placeholder),
        "fromYaml": _from_yaml,
        "fromYamlArray": _from_yaml_array,
        "fromJson": _from_json,
        "fromJsonArray": lambda s: floats(json.loads(strval(s))),
        # regular expressions (RE2)
        "regexMatch": lambda p, s: compile_regex(strval(p)).search(strval(s)) is not None,
        "regexFind": lambda p, s: (
            m.group(0) if (m := compile_regex(strval(p)).search(strval(s))) else ""
        ),
        "regexFindAll": _regex_find_all,
        "regexReplaceAll": lambda p, s, r: compile_regex(strval(p)).sub(
            re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", strval(r)), strval(s)
        ),
        "regexReplaceAllLiteral": lambda p, s, r: compile_regex(strval(p)).sub(
            strval(r).replace("\\", "\\\\"), strval(s)
        ),
        "regexSplit": lambda p, s, n: compile_regex(strval(p)).split(strval(s)),
        "semverCompare": _semver_compare,
        "lookup": lambda *a: {},
    }
    # Sprig's must* variants return an error where the plain ones would panic: the same here.
    for name in list(f):
        f.setdefault("must" + name[0].upper() + name[1:], f[name])
    return f


# Functions with typed (string, int) parameters: Go refuses a missing value (nil) for them,
# so helm stops; the action is then unknown rather than rendered from "<nil>".
NIL_REFUSED = frozenset(
    {"b64enc", "b64dec", "upper", "lower", "title", "untitle", "trim", "trimSuffix"}
    | {"trimPrefix", "trimAll", "trunc", "indent", "nindent", "replace", "contains"}
    | {"hasPrefix", "hasSuffix", "split", "splitList", "repeat", "nospace", "kebabcase"}
    | {"snakecase", "camelcase", "sha256sum", "sha1sum", "adler32sum", "regexMatch"}
    | {"regexFind", "regexFindAll", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit"}
    | {"abbrev", "substr", "wrap", "semverCompare", "fromYaml", "fromJson", "fromYamlArray"}
    | {"fromJsonArray", "atoi"}
)
NIL_REFUSED = NIL_REFUSED | {"must" + n[0].upper() + n[1:] for n in NIL_REFUSED}

# Functions that carry placeholders inside strings through unchanged (an included text that
# holds an unknown value stays the same text around it). Any other function given such a
# string (b64enc, sha256sum, trunc, eq …) cannot compute its result.
PLACEHOLDER_SAFE = frozenset(
    {"quote", "squote", "indent", "nindent", "trim", "trimSuffix", "trimPrefix", "printf"}
    | {"print", "println", "cat", "join", "upper", "lower", "title", "nospace", "toString"}
    | {"toYaml", "mustToYaml", "toJson", "mustToJson", "toRawJson", "toPrettyJson", "fromYaml"}
    | {"fromYamlArray", "fromJson", "fromJsonArray", "default", "coalesce", "ternary", "dict"}
    | {"list", "tuple", "set", "append", "push", "prepend", "concat", "empty", "first", "last"}
    | {"get", "index", "dig", "hasKey", "keys", "merge", "mergeOverwrite", "pick", "omit"}
    | {"not", "and", "or", "len", "kindOf", "kindIs", "typeOf", "typeIs", "deepCopy"}
)

# Functions that move values around without reading them: an unknown value inside a list
# or map they are given does not make their result unknown.
CONTAINER_SAFE = frozenset(
    {"merge", "mergeOverwrite", "pick", "omit", "get", "dig", "index", "first", "last"}
    | {"hasKey", "keys", "len", "empty", "deepCopy", "set", "unset", "values", "rest"}
    | {"initial", "reverse", "default", "coalesce", "ternary", "kindOf", "kindIs", "typeOf"}
    | {"typeIs", "not", "and", "or"}
)

# Functions that hold unknown values as parts of what they build rather than becoming unknown.
STRUCTURAL = frozenset(
    {"dict", "list", "tuple", "set", "append", "push", "prepend", "toYaml", "toJson"}
    | {"mustToYaml", "mustToJson", "toRawJson", "toPrettyJson"}
)


def is_object(v: Any) -> bool:
    return isinstance(v, GoObject)
