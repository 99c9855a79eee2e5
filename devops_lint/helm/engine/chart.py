"""A chart tree on disk as Helm loads it: templates, named templates, scoped values, context.

The chart whose templates are rendered may be a subchart (``parent/charts/sub``); the tree
is read from its top chart so that values are scoped as Helm scopes them: a subchart sees
its own ``values.yaml`` overlaid by the parent's ``<sub>:`` key, and the parent's
``global`` map. Files are read only inside the chart directory, never through symlinks.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import safeio
from ..values import chart_values, merge
from .parse import Define, Parsed, TemplateError, parse_template
from .values import GoObject, floats, to_yaml

MAX_CHART_DEPTH = 8  # charts/<a>/charts/<b>/… nested deeper are not read
MAX_FILES = 5000  # files listed for .Files.Glob and templates read per chart
MAX_FILE_SIZE = 2_000_000
KUBE_VERSION = (1, 36, 0)  # what ``helm template`` assumes without a cluster
HELM_VERSION = "v4.2"
# The API versions ``helm template`` reports without a cluster (client-go's built-in scheme).
API_VERSIONS = frozenset(
    """v1 admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1
    admissionregistration.k8s.io/v1alpha1 apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1
    apps/v1 apps/v1beta1 apps/v1beta2 authentication.k8s.io/v1 authentication.k8s.io/v1beta1
    authentication.k8s.io/v1alpha1 authorization.k8s.io/v1 authorization.k8s.io/v1beta1
    autoscaling/v1 autoscaling/v2 batch/v1 batch/v1beta1 certificates.k8s.io/v1
    certificates.k8s.io/v1beta1 certificates.k8s.io/v1alpha1 coordination.k8s.io/v1
    coordination.k8s.io/v1beta1 coordination.k8s.io/v1alpha2 discovery.k8s.io/v1
    discovery.k8s.io/v1beta1 events.k8s.io/v1 events.k8s.io/v1beta1 extensions/v1beta1
    flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta1
    flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta3
    networking.k8s.io/v1 networking.k8s.io/v1beta1 node.k8s.io/v1 node.k8s.io/v1beta1
    node.k8s.io/v1alpha1 policy/v1 policy/v1beta1 rbac.authorization.k8s.io/v1
    rbac.authorization.k8s.io/v1beta1 rbac.authorization.k8s.io/v1alpha1 resource.k8s.io/v1
    resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 resource.k8s.io/v1alpha3
    scheduling.k8s.io/v1 scheduling.k8s.io/v1beta1 scheduling.k8s.io/v1alpha2
    storage.k8s.io/v1 storage.k8s.io/v1beta1 storage.k8s.io/v1alpha1
    storagemigration.k8s.io/v1beta1 internal.apiserver.k8s.io/v1alpha1""".split()  # noqa: SIM905
)


@dataclass
class ChartNode:
    dir: Path
    shown: str  # the chart directory relative to the scan root
    name: str  # the key of its values in the parent (alias, else directory name)
    meta: dict[str, Any]
    values: dict[str, Any]
    enabled: bool = True
    subcharts: list[ChartNode] = field(default_factory=list)
    template_files: dict[str, str] = field(default_factory=dict)  # "templates/x.yaml" → text
    template_errors: dict[str, TemplateError] = field(default_factory=dict)
    parsed: dict[str, Parsed] = field(default_factory=dict)  # template file → its tree
    missing: list[str] = field(default_factory=list)  # dependencies not unpacked in charts/


def _safe_file(base: Path, rel: str) -> Path | None:
    """``base/rel`` when it is a regular file inside ``base`` reached without symlinks."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    cur = base
    for part in parts:
        cur = cur / part
        try:
            st = os.lstat(cur)
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
    return cur if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_FILE_SIZE else None


def _read(path: Path) -> str | None:
    try:
        return safeio.read_text(path, MAX_FILE_SIZE, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _walk(base: Path, sub: str = "") -> list[str]:
    """Files under ``base/sub`` (relative to ``base``), no symlinks, bounded."""
    out: list[str] = []
    start = base / sub if sub else base
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        if (not sub and rel_dir in ("charts", "templates")) or rel_dir.startswith("charts/"):
            dirnames[:] = []
            continue
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                continue
            out.append(name if rel_dir == "." else f"{rel_dir}/{name}")
            if len(out) >= MAX_FILES:
                return out
    return out


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    return re.compile("".join(out) + r"\Z")


class ChartFiles:
    """``.Files`` of one chart: everything but templates/ and charts/, read lazily."""

    def __init__(self, base: Path, names: list[str] | None = None) -> None:
        self.base = base
        self._names = names

    def names(self) -> list[str]:
        if self._names is None:
            self._names = [
                n
                for n in _walk(self.base)
                if n not in ("Chart.yaml", "values.yaml") and not n.startswith("templates/")
            ]
        return self._names

    def get(self, name: Any) -> str:
        if not isinstance(name, str) or (self._names is not None and name not in self._names):
            return ""
        path = _safe_file(self.base, name)
        return (_read(path) or "") if path is not None else ""

    def glob(self, pattern: Any) -> GoObject:
        rx = _glob_regex(str(pattern))
        return ChartFiles(self.base, [n for n in self.names() if rx.match(n)]).obj()

    def as_config(self) -> str:
        data = {n.rsplit("/", 1)[-1]: self.get(n) for n in self.names()}
        return to_yaml(data, lambda u: "") if data else ""

    def as_secrets(self) -> str:
        import base64

        data = {
            n.rsplit("/", 1)[-1]: base64.b64encode(self.get(n).encode()).decode()
            for n in self.names()
        }
        return to_yaml(data, lambda u: "") if data else ""

    def obj(self) -> GoObject:
        return GoObject(
            {},
            {
                "Get": self.get,
                "GetBytes": self.get,
                "Glob": self.glob,
                "AsConfig": self.as_config,
                "AsSecrets": self.as_secrets,
                "Lines": lambda n: self.get(n).split("\n"),
            },
            text="map[]",
        )


def capabilities() -> GoObject:
    major, minor, patch = KUBE_VERSION
    version = f"v{major}.{minor}.{patch}"
    kube = GoObject(
        {"Version": version, "Major": str(major), "Minor": str(minor), "GitVersion": version},
        text=version,
    )

    def has(api: Any) -> bool:
        return str(api) in API_VERSIONS

    apis = GoObject({}, {"Has": has}, text="[" + " ".join(sorted(API_VERSIONS)) + "]")
    helm = GoObject({"Version": HELM_VERSION, "GitCommit": "", "GoVersion": ""}, text=HELM_VERSION)
    return GoObject({"KubeVersion": kube, "APIVersions": apis, "HelmVersion": helm})


def _condition(parent_values: dict[str, Any], condition: str) -> bool | None:
    for path in condition.split(","):
        cur: Any = parent_values
        for part in path.strip().split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if isinstance(cur, bool):
            return cur
    return None


def load_tree(top_dir: Path, shown: str, depth: int = 0, name: str = "") -> ChartNode:
    """The chart at ``top_dir`` with its unpacked subcharts, values as written."""
    info = chart_values(top_dir, (), shown)
    meta = info.meta if isinstance(info.meta, dict) else {}
    node = ChartNode(
        top_dir,
        shown,
        name or str(meta.get("name") or top_dir.name),
        meta,
        floats(info.values or {}),
    )
    for rel in _walk(top_dir, "templates"):
        path = _safe_file(top_dir, rel)
        text = _read(path) if path is not None else None
        if text is not None:
            node.template_files[rel] = text
    charts = top_dir / "charts"
    if depth < MAX_CHART_DEPTH and charts.is_dir() and not charts.is_symlink():
        listed = meta.get("dependencies")
        deps: list[Any] = listed if isinstance(listed, list) else []
        for sub in sorted(charts.iterdir()):
            if sub.is_symlink() or not (sub / "Chart.yaml").is_file():
                continue
            sub_shown = f"charts/{sub.name}" if shown in ("", ".") else f"{shown}/charts/{sub.name}"
            child = load_tree(sub, sub_shown, depth + 1)
            for dep in deps:
                if isinstance(dep, dict) and dep.get("name") == child.meta.get("name"):
                    if isinstance(dep.get("alias"), str):
                        child.name = dep["alias"]
                    cond = dep.get("condition")
                    if isinstance(cond, str) and _condition(node.values, cond) is False:
                        child.enabled = False
            node.subcharts.append(child)
    present = {c.meta.get("name") for c in node.subcharts} | {c.name for c in node.subcharts}
    listed = meta.get("dependencies")
    for dep in listed if isinstance(listed, list) else []:
        named = isinstance(dep, dict) and isinstance(dep.get("name"), str)
        if named and dep["name"] not in present and dep.get("alias") not in present:
            node.missing.append(str(dep.get("alias") or dep["name"]))
    return node


def plain_copy(v: Any) -> Any:
    """A copy of JSON-like data (much cheaper than ``copy.deepcopy``)."""
    if isinstance(v, dict):
        return {k: plain_copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain_copy(x) for x in v]
    return v


def coalesce(node: ChartNode, given: dict[str, Any], top: bool = True) -> dict[str, Any]:
    """The values a chart's templates see: ``given`` over its defaults, subcharts scoped."""
    values = merge(plain_copy(node.values), plain_copy(given))
    assert isinstance(values, dict)
    globals_ = values.get("global") if isinstance(values.get("global"), dict) else {}
    if not top and "global" not in values:
        values["global"] = {}
    for child in node.subcharts:
        sub_given = values.get(child.name)
        sub_given = dict(sub_given) if isinstance(sub_given, dict) else {}
        own_global = sub_given.get("global") if isinstance(sub_given.get("global"), dict) else {}
        sub_given["global"] = merge(own_global, globals_)
        values[child.name] = coalesce(child, sub_given, top=False)
    return values


def find_top(chart_dir: Path, scan_root: Path) -> tuple[Path, list[str]]:
    """The top chart of ``chart_dir`` and the directory names leading down to it."""
    path: list[str] = []
    cur = chart_dir
    for _ in range(MAX_CHART_DEPTH):
        parent = cur.parent
        if parent.name != "charts" or not (parent.parent / "Chart.yaml").is_file():
            break
        try:
            parent.parent.relative_to(scan_root)
        except ValueError:
            break
        path.insert(0, cur.name)
        cur = parent.parent
    return cur, path


def all_defines(node: ChartNode, prefix: str) -> list[tuple[int, str, Define]]:
    """Every named template of the tree as (depth, template name, define)."""
    out: list[tuple[int, str, Define]] = []
    for rel, text in node.template_files.items():
        name = f"{prefix}/{rel}"
        try:
            parsed = parse_template(text, name)
        except TemplateError as exc:
            node.template_errors[rel] = exc
            continue
        node.parsed[rel] = parsed
        out.extend((name.count("/"), name, d) for d in parsed.defines)
        # Every template file is also a named template: ``include (print $.Template.BasePath
        # "/configmap.yaml") .`` renders another file (checksum annotations).
        out.append((name.count("/"), name, Define(name, parsed.nodes, 0, text, name)))
    for child in node.subcharts:
        out.extend(all_defines(child, f"{prefix}/charts/{child.name}"))
    return out


def define_table(top: ChartNode) -> dict[str, Define]:
    """Named templates as Helm resolves clashes: the shallowest file parsed last wins."""
    table: dict[str, Define] = {}
    for _, _, define in sorted(all_defines(top, top.name), key=lambda t: (-t[0], t[1])):
        table[define.name] = define
    return table
