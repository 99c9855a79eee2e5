"""Chart values and the simple references that resolve from them (standards 0.5).

A chart's values are its ``values.yaml`` overlaid by the ``--helm-values`` files in
order (a later file wins, maps merge deeply and ``null`` deletes a key, as ``helm -f``
does). A reference resolves only when it is one of the simple forms of 0.5:
``.Values.a.b``, ``.Chart.Name``/``.Chart.AppVersion``/``.Chart.Version`` (or relative to
a ``with`` block's dot), optionally through ``quote``, ``default X`` and ``int`` — and
``b64enc``, which K8S-020 needs to see a Secret value committed in values.yaml. The
release (``.Release.Name``/``.Release.Namespace``) is chosen at install time and never
resolves.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model import Document, ParseError
from ..yamlload import load_documents, plain_scalar
from .template import IncludeSite, Inlined
from .template_actions import Dot, ref_path, split_pipeline


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_PLAIN_SAFE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")

ABSENT = _Sentinel("ABSENT")  # not set by any values file (helm would see nil)
UNKNOWN = _Sentinel("UNKNOWN")  # cannot be known statically (release, loop item, function)

_CHART_FIELDS = {"Name": "name", "AppVersion": "appVersion", "Version": "version"}


@dataclass(frozen=True, slots=True)
class Rendered:
    """What one action prints, and the value it has when it is a whole plain scalar."""

    text: str
    value: Any
    quoted: bool = False  # through ``quote``: the value is the string, whatever it looks like


@dataclass
class ChartValues:
    root: Path
    values: dict[str, Any] | None  # None: no values file at all
    meta: dict[str, Any]  # Chart.yaml
    layers: list[Document] = field(default_factory=list)  # values documents, merge order
    problems: list[ParseError] = field(default_factory=list)
    values_ok: bool = True  # every values file was found and loaded
    _memo: dict[tuple[str, Dot], Rendered | None] = field(default_factory=dict)
    _includes: dict[Dot, Inlined | None] = field(default_factory=dict)

    def lookup(self, path: Dot) -> Any:
        if path is None or not path:
            return UNKNOWN
        head, rest = path[0], path[1:]
        if head == "Values":
            if not self.values_ok:
                return UNKNOWN  # a values file that does not load: helm would refuse the chart
            cur: Any = self.values if self.values is not None else {}
        elif head == "Chart" and len(rest) == 1 and rest[0] in _CHART_FIELDS:
            return self.meta.get(_CHART_FIELDS[rest[0]], ABSENT)
        else:
            return UNKNOWN
        for part in rest:
            if not isinstance(cur, dict) or part not in cur:
                return ABSENT
            cur = cur[part]
        return cur

    # ------------------------------------------------------------ references
    def term(self, term: str, dot: Dot) -> Any:
        if term.startswith(("$", ".")):
            path = ref_path(term, dot)
            return UNKNOWN if path is None else self.lookup(path)
        return literal(term)

    def evaluate(self, body: str, dot: Dot) -> Rendered | None:
        """The output of a simple-reference action, None when it does not resolve."""
        key = (body, dot)
        if key in self._memo:
            return self._memo[key]
        result = self._memo[key] = self._evaluate(body, dot)
        return result

    def _evaluate(self, body: str, dot: Dot) -> Rendered | None:
        commands = split_pipeline(body)
        if commands is None:
            return None
        first, rest = commands[0], commands[1:]
        quoted = False
        if len(first) == 1:
            value = self.term(first[0], dot)
        elif first[0] in ("quote", "int", "default", "b64enc") and len(first) >= 2:
            value = self.term(first[-1], dot)
            rest = (first[:-1], *rest)
        else:
            return None
        for cmd in rest:
            name, args = cmd[0], cmd[1:]
            if name == "default" and len(args) == 1:
                fallback = self.term(args[0], dot)
                if value is UNKNOWN or fallback in (UNKNOWN, ABSENT):
                    return None
                if value is ABSENT or empty(value):
                    value, quoted = fallback, False
            elif value is UNKNOWN or value is ABSENT:
                return None
            elif name == "quote" and not args:
                value, quoted = go_str(value), True
            elif name == "int" and not args:
                value, quoted = to_int(value), False
            elif name == "b64enc" and not args:  # K8S-020: a committed value stays committed
                value = base64.b64encode(go_str(value).encode()).decode()
                quoted = False
            else:
                return None
        if value is UNKNOWN or value is ABSENT or isinstance(value, (dict, list)):
            return None
        if quoted:
            return Rendered(json.dumps(value, ensure_ascii=False), value, quoted=True)
        text = go_str(value)
        return Rendered(text, plain_scalar(text) if text else None)

    def render_include(self, site: IncludeSite) -> Inlined | None:
        """YAML lines of a ``toYaml`` include whose value is set in the values files."""
        if site.spec.ref is None:
            return None
        path = ref_path(site.spec.ref, site.dot)
        if path in self._includes:
            return self._includes[path]
        value = self.lookup(path)
        inlined = None
        if value is not UNKNOWN and value is not ABSENT:
            inlined = Inlined(value, yaml_lines, flow_yaml)
        self._includes[path] = inlined
        return inlined


def literal(term: str) -> Any:
    """A Go template constant, or UNKNOWN for anything that is not one."""
    if term.startswith('"'):
        try:
            return str(json.loads(term))
        except ValueError:
            return term[1:-1]
    if term.startswith("`"):
        return term[1:-1]
    if term in ("true", "false"):
        return term == "true"
    if term == "nil":
        return None
    try:
        return int(term, 0)
    except ValueError:
        pass
    try:
        return float(term)
    except ValueError:
        return UNKNOWN


def empty(value: Any) -> bool:
    """Sprig's ``empty``: what ``default`` replaces."""
    if value is None:
        return True
    if isinstance(value, (str, dict, list)):
        return len(value) == 0
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    return False


def to_int(value: Any) -> int:
    """Sprig's ``int`` and every integer argument of a template function (cast.ToInt64):
    0 when the value does not convert; a string with a leading ``0`` is octal, as Go's
    ``strconv.ParseInt`` with base 0 reads it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(".0"):
            text = text[:-2]
        try:
            return int(text, 0)
        except ValueError:
            try:
                return int(text, 8) if text.startswith("0") else 0
            except ValueError:
                return 0
    return 0


def go_float(f: float) -> str:
    """Go's ``%v`` of a float64: helm reads every number of values.yaml as one."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(f)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    x = exponent + len(digits) - 1
    prefix = "-" if sign else ""
    if x < -4 or x >= 6:  # strconv 'g' with shortest precision switches at 1e+06
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if x >= 0:
        whole = digits[: x + 1].ljust(x + 1, "0")
        frac = digits[x + 1 :]
        return f"{prefix}{whole}{'.' + frac if frac else ''}"
    return f"{prefix}0.{'0' * (-x - 1)}{digits}"


def go_str(value: Any) -> str:
    """How a template prints a scalar value (helm prints nil as nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return go_float(float(value))
    return str(value)


def yaml_literal(value: Any, finite_float: Callable[[float], str]) -> str | None:
    """How YAML writes null, a boolean or a number (a finite float as ``finite_float``
    spells it: each emitter has its own); None for any other value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return finite_float(value)
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    return None


def _yaml_scalar(value: Any) -> str:
    literal = yaml_literal(value, repr)
    if literal is not None:
        return literal
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    text = str(value)
    if _PLAIN_SAFE.fullmatch(text) and plain_scalar(text) == text:
        return text  # what toYaml writes; quoted only when YAML would read it otherwise
    return json.dumps(text, ensure_ascii=False)


def flow_yaml(value: Any) -> str:
    """A value on one line in YAML flow style."""
    if isinstance(value, dict) and value:
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}: {flow_yaml(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list) and value:
        return "[" + ", ".join(flow_yaml(v) for v in value) + "]"
    return _yaml_scalar(value)


def yaml_lines(value: Any) -> list[str]:
    """Block YAML for a value (what ``toYaml`` writes), one string per line."""
    if isinstance(value, dict) and value:
        out: list[str] = []
        for k, v in value.items():
            key = _yaml_scalar(str(k))
            if isinstance(v, (dict, list)) and v:
                out.append(f"{key}:")
                out.extend("  " + line for line in yaml_lines(v))
            else:
                out.append(f"{key}: {_yaml_scalar(v)}")
        return out
    if isinstance(value, list) and value:
        out = []
        for item in value:
            sub = yaml_lines(item)
            out.append("- " + sub[0])
            out.extend("  " + line for line in sub[1:])
        return out
    return [_yaml_scalar(value)]


def merge(base: Any, over: Any) -> Any:
    """``helm -f`` layering: maps merge deeply, a later scalar or list wins, null deletes."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif k in out:
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def _load_yaml_file(path: Path, shown: str) -> tuple[Document | None, ParseError | None]:
    from ..defaults import DEFAULT_SETTINGS
    from ..parsing import read_text

    # Same limits as any scanned file: a 25 MB values.yaml cost 75 s and 1.6 GB when read whole.
    text, problem = read_text(path, DEFAULT_SETTINGS["max_file_size"])
    if text is None:
        return None, ParseError(f"{shown}: cannot read: {problem.reason if problem else path}")
    try:
        docs, _ = load_documents(text, shown, "helm-values")
    except ParseError as exc:
        return None, ParseError(f"{shown}: {exc.message}", exc.line, exc.column)
    if not docs:
        return Document(shown, "helm-values", {}, text=text), None
    doc = docs[0]
    if not isinstance(doc.data, dict):
        return doc, ParseError(f"{shown}: values must be a mapping")
    return doc, None


_CACHE: dict[tuple[Any, ...], ChartValues] = {}


def _stamp(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _inside_scan_root(path: Path, chart_dir: Path, shown_root: str) -> bool:
    """Whether ``path`` resolves inside the scan root (``chart_dir`` is ``shown_root`` in it)."""
    from ..safepath import is_inside

    depth = 0 if shown_root in ("", ".") else len(shown_root.strip("/").split("/"))
    parents = chart_dir.absolute().parents
    return is_inside(path, parents[min(depth, len(parents)) - 1] if depth else chart_dir)


def chart_values(
    root: Path | str, extra_files: Sequence[str] = (), shown_root: str = ""
) -> ChartValues:
    """The values and Chart.yaml of the chart at ``root`` (memoised per process)."""
    base = str(root)
    names = (base + os.sep + "values.yaml", *extra_files)
    key = (base, tuple(extra_files), shown_root, tuple(_stamp(f) for f in names))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    root = Path(base)
    files = [Path(f) for f in names]
    prefix = "" if shown_root in ("", ".") else shown_root.rstrip("/") + "/"
    chart = ChartValues(root, None, {})
    meta_path = root / "Chart.yaml"
    if meta_path.is_file():
        doc, err = _load_yaml_file(meta_path, prefix + "Chart.yaml")
        if doc is not None and isinstance(doc.data, dict):
            chart.meta = doc.data
        if err is not None:
            chart.problems.append(err)
    values: dict[str, Any] | None = None
    for i, path in enumerate(files):
        if i == 0 and not _inside_scan_root(path, root, shown_root):
            continue  # a values.yaml symlinked out of the scanned tree is never read
        if not path.is_file():
            if i > 0:
                chart.problems.append(ParseError(f"{path}: values file not found"))
                chart.values_ok = False
            continue
        shown = prefix + "values.yaml" if i == 0 else str(path).replace("\\", "/")
        doc, err = _load_yaml_file(path, shown)
        if err is not None:
            chart.problems.append(err)
            chart.values_ok = False
        if doc is None or not isinstance(doc.data, dict):
            continue
        chart.layers.append(doc)
        values = merge(values if values is not None else {}, doc.data)
    chart.values = values
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = chart
    return chart
