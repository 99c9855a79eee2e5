"""X-009: names and paths that one file uses and another must define resolve."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kubernetes.facts import K8sObject, PodSpec, Tri, containers, pod_of, tri_any
from ..model import Document, JsonPath, Result, Target, Unresolved
from ..registry import check
from .common import Files, files, join, unresolved_message
from .k8s import k8s_view
from .k8s_runtime import created_at_runtime

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule

# Objects every cluster (or every namespace) has without anyone declaring them.
BUILT_IN: dict[str, frozenset[str]] = {
    "ServiceAccount": frozenset({"default"}),
    "ConfigMap": frozenset({"kube-root-ca.crt"}),
    "PriorityClass": frozenset({"system-cluster-critical", "system-node-critical"}),
    "Secret": frozenset(),
}
CLUSTER_SCOPED = frozenset({"PriorityClass"})


@dataclass(frozen=True)
class Ref:
    kind: str  # Secret, ConfigMap, ServiceAccount, PriorityClass
    name: Any
    path: JsonPath  # where the name is written


def _opt(block: dict[str, Any]) -> bool:
    return block.get("optional") is True


def pod_refs(pod: PodSpec) -> list[Ref]:
    """Every object a pod template names, except ``optional: true`` references."""
    out: list[Ref] = []
    data, base = pod.data, pod.path
    # An empty name means none: the default service account, no priority class.
    for key in ("serviceAccountName", "serviceAccount"):
        if data.get(key) not in (None, ""):
            out.append(Ref("ServiceAccount", data[key], (*base, key)))
            break
    if data.get("priorityClassName") not in (None, ""):
        out.append(Ref("PriorityClass", data["priorityClassName"], (*base, "priorityClassName")))
    pulls = data.get("imagePullSecrets")
    for i, item in enumerate(pulls if isinstance(pulls, list) else []):
        if isinstance(item, dict) and item.get("name") is not None:
            out.append(Ref("Secret", item["name"], (*base, "imagePullSecrets", i, "name")))
    volumes = data.get("volumes")
    for i, vol in enumerate(volumes if isinstance(volumes, list) else []):
        if not isinstance(vol, dict):
            continue
        vpath: JsonPath = (*base, "volumes", i)
        sec, cm = vol.get("secret"), vol.get("configMap")
        if isinstance(sec, dict) and sec.get("secretName") is not None and not _opt(sec):
            out.append(Ref("Secret", sec["secretName"], (*vpath, "secret", "secretName")))
        if isinstance(cm, dict) and cm.get("name") is not None and not _opt(cm):
            out.append(Ref("ConfigMap", cm["name"], (*vpath, "configMap", "name")))
        proj = vol.get("projected")
        sources = proj.get("sources") if isinstance(proj, dict) else None
        for j, src in enumerate(sources if isinstance(sources, list) else []):
            for key, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                block = src.get(key) if isinstance(src, dict) else None
                if isinstance(block, dict) and block.get("name") is not None and not _opt(block):
                    spath = (*vpath, "projected", "sources", j, key, "name")
                    out.append(Ref(kind, block["name"], spath))
    for c in containers(pod):
        env = c.data.get("env")
        for i, item in enumerate(env if isinstance(env, list) else []):
            vf = item.get("valueFrom") if isinstance(item, dict) else None
            if not isinstance(vf, dict):
                continue
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                block = vf.get(key)
                if isinstance(block, dict) and block.get("name") is not None and not _opt(block):
                    out.append(
                        Ref(kind, block["name"], (*c.path, "env", i, "valueFrom", key, "name"))
                    )
        env_from = c.data.get("envFrom")
        for i, item in enumerate(env_from if isinstance(env_from, list) else []):
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                block = item.get(key) if isinstance(item, dict) else None
                if isinstance(block, dict) and block.get("name") is not None and not _opt(block):
                    out.append(Ref(kind, block["name"], (*c.path, "envFrom", i, key, "name")))
    return out


@dataclass(frozen=True)
class Definition:
    kind: str
    name: Any  # may be Unresolved
    namespace: Any  # None when not declared


def _defined_names(obj: K8sObject) -> list[tuple[str, Any]]:
    """(kind defined, name) of the referenceable objects an object defines or generates."""
    spec = obj.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if obj.kind in BUILT_IN:
        return [(obj.kind, obj.metadata.get("name"))]
    if obj.kind == "ExternalSecret":
        tgt = spec.get("target")
        if isinstance(tgt, dict) and tgt.get("name") is not None:
            return [("Secret", tgt["name"])]
        return [("Secret", obj.metadata.get("name"))]
    if obj.kind == "Certificate" and obj.api_version.startswith("cert-manager.io/"):
        if spec.get("secretName") is not None:  # cert-manager writes the key pair there
            return [("Secret", spec["secretName"])]
        return []
    if obj.kind == "SealedSecret":
        tmpl = spec.get("template")
        meta = tmpl.get("metadata") if isinstance(tmpl, dict) else None
        if isinstance(meta, dict) and meta.get("name") is not None:
            return [("Secret", meta["name"])]
        return [("Secret", obj.metadata.get("name"))]
    if obj.kind == "Kustomization":
        out: list[tuple[str, Any]] = []
        for key, kind in (("secretGenerator", "Secret"), ("configMapGenerator", "ConfigMap")):
            gens = obj.data.get(key)
            for gen in gens if isinstance(gens, list) else []:
                if isinstance(gen, dict) and gen.get("name") is not None:
                    out.append((kind, gen["name"]))
        return out
    return []


def _definitions(ctx: Context) -> list[Definition]:
    def build() -> list[Definition]:
        out: list[Definition] = []
        for obj in k8s_view(ctx).objects:
            for kind, name in _defined_names(obj):
                out.append(Definition(kind, name, obj.metadata.get("namespace")))
        return out

    result: list[Definition] = ctx.memo("crossfile.k8s_definitions", build)
    return result


def _external(kind: str, name: str, namespace: Any, patterns: list[str]) -> bool:
    """``external_k8s_objects`` entries: ``name``, ``Kind/name`` or ``Kind/namespace/name``
    (shell-style wildcards allowed)."""
    ns = namespace if isinstance(namespace, str) and not isinstance(namespace, Unresolved) else None
    for pattern in patterns:
        parts = str(pattern).split("/")
        if len(parts) == 1 and fnmatch.fnmatchcase(name, parts[0]):
            return True
        if len(parts) == 2 and parts[0] == kind and fnmatch.fnmatchcase(name, parts[1]):
            return True
        if (
            len(parts) == 3
            and parts[0] == kind
            and fnmatch.fnmatchcase(name, parts[2])
            and (ns is None or fnmatch.fnmatchcase(ns, parts[1]))
        ):
            return True
    return False


def _same_ns(a: Any, b: Any) -> Tri:
    """A manifest without a namespace lands in whatever namespace it is applied to."""
    if a is None or b is None:
        return True
    if isinstance(a, Unresolved) or isinstance(b, Unresolved):
        return None
    return bool(a == b)


def _defined(ref: Ref, namespace: Any, ctx: Context) -> Tri:
    if isinstance(ref.name, Unresolved):
        return None
    if not isinstance(ref.name, str):
        return True  # not a name (the schema check's concern)
    if ref.name in BUILT_IN.get(ref.kind, frozenset()):
        return True
    patterns = ctx.settings.get("external_k8s_objects") or []
    if _external(ref.kind, ref.name, namespace, patterns):
        return True
    outcomes: list[Tri] = []
    for d in _definitions(ctx):
        if d.kind != ref.kind:
            continue
        if isinstance(d.name, Unresolved):
            named: Tri = None
        else:
            named = d.name == ref.name
        if named is False:
            continue
        ns = True if ref.kind in CLUSTER_SCOPED else _same_ns(namespace, d.namespace)
        outcomes.append(None if named is None or ns is None else bool(named and ns))
    return tri_any(outcomes)


@check("X-009.k8s-ref", target="crossfile.pod")
def k8s_ref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    pod = pod_of(target)
    namespace = pod.obj.metadata.get("namespace")
    for ref in pod_refs(pod):
        verdict = _defined(ref, namespace, ctx)
        if verdict is True:
            continue
        why = f"whether {ref.kind} '{ref.name}' is defined depends on a templated name or namespace"
        if verdict is False and ref.kind == "Secret":
            runtime = created_at_runtime(ref.name, namespace, ctx)
            if runtime is not None:
                verdict, why = None, runtime
        yield Result(
            path=ref.path,
            unresolved=verdict is None,
            message=unresolved_message(verdict is None, why),
            args={"ref_kind": ref.kind, "ref_name": ref.name},
        )


# --- workflows ------------------------------------------------------------------------------

HELM_RE = re.compile(
    r"\bhelm\s+(upgrade|install|template|lint|package|dependency\s+(?:update|build)"
    r"|dep\s+(?:up|update|build)|show\s+\w+|pull)\b"
)
TOKEN_RE = re.compile(r"\\\n|\n|&&|\|\||[;|&]|[^\s;|&]+")
VALUE_FLAGS = frozenset(
    {
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-file",
        "--set-json",
        "--set-literal",
        "-n",
        "--namespace",
        "--version",
        "--timeout",
        "--kube-context",
        "--kubeconfig",
        "--repo",
        "-o",
        "--output",
        "--output-dir",
        "-d",
        "--destination",
        "--description",
        "--post-renderer",
        "--post-renderer-args",
        "--username",
        "--password",
        "--ca-file",
        "--cert-file",
        "--key-file",
        "--history-max",
        "--api-versions",
        "-a",
        "--kube-version",
        "--show-only",
        "-s",
        "--name-template",
        "--app-version",
        "--keyring",
        "--labels",
        "-l",
        "--registry-config",
        "--repository-config",
        "--repository-cache",
        "--kube-apiserver",
        "--kube-token",
        "--kube-as-user",
        "--kube-as-group",
        "--kube-ca-file",
        "--burst-limit",
        "--qps",
    }
)


def repo_root(path: str) -> str:
    """The parent of the ``.github/`` directory holding the file, else the scan root."""
    parts = path.split("/")
    if ".github" in parts[:-1]:
        idx = len(parts) - 1 - parts[-2::-1].index(".github") - 1
        return "/".join(parts[:idx]) or "."
    return "."


@dataclass(frozen=True)
class LocalPath:
    path: JsonPath  # the value that writes it
    start: int  # offset inside the value (for a path inside a script)
    end: int
    text: str
    what: str  # "action", "workflow", "chart", "directory"
    cwd: str = ""  # working directory a script path is relative to (from the repository root)


def helm_charts(script: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, path) of every local chart path a ``helm`` command names."""
    for m in HELM_RE.finditer(script):
        pos = m.end()
        skip_next = False
        for tok in TOKEN_RE.finditer(script, pos):
            t = tok.group(0)
            if t == "\\\n":
                continue
            if t in ("\n", "&&", "||", ";", "|", "&"):
                break
            if skip_next:
                skip_next = False
                continue
            if t.startswith("-"):
                skip_next = "=" not in t and t in VALUE_FLAGS
                continue
            path = t.strip("'\"")
            if path in (".", "..") or path.startswith(("./", "../")):
                yield tok.start(), tok.end(), path


def _local_paths(doc: Document) -> list[LocalPath]:
    from ..github.facts import workflow_paths

    out: list[LocalPath] = []
    for ref in workflow_paths(doc):
        if ref.what != "run":
            out.append(LocalPath(ref.path, 0, len(ref.text), ref.text, ref.what))
            continue
        for start, end, text in helm_charts(ref.text):
            out.append(LocalPath(ref.path, start, end, text, "chart", ref.cwd))
    return out


def _exists(lp: LocalPath, root: str, ctx: Context, every: Files | None = None) -> Tri:
    every = every or files(ctx)
    if "$" in lp.cwd:
        return True  # the working directory's own outcome covers the paths inside it
    if "$" in lp.text:
        return None  # an expression or shell variable
    cwd = join(root, lp.cwd)
    if lp.cwd and not every.is_dir(cwd):
        return True  # the missing working directory is the finding, not each path in it
    target = join(cwd, lp.text)
    if target == ".." or target.startswith("../"):
        return None  # outside the scanned tree
    if lp.what == "directory":
        return every.is_dir(target)
    if lp.what == "workflow" or (lp.what == "action" and target.endswith((".yml", ".yaml"))):
        return every.is_file(target.split("@", 1)[0])
    if lp.what == "action":
        return any(every.is_file(join(target, n)) for n in ("action.yml", "action.yaml"))
    if target.endswith((".tgz", ".tar.gz")):
        return every.is_file(target)
    return every.is_file(join(target, "Chart.yaml"))


WHAT = {
    "action": "no action.yml/action.yaml",
    "workflow": "no such workflow file",
    "chart": "no Chart.yaml",
    "directory": "no such directory",
}


@check("X-009.workflow-local-path", target="crossfile.workflow")
def workflow_local_path(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    from ..github.facts import locate, repository_view

    doc = target.doc
    # Paths resolve against the repository root, also when only .github/ was scanned.
    view = repository_view(ctx, doc.path)
    every = Files(view.root, view.paths) if view.moved else None
    root = repo_root(view.doc_path)
    for lp in _local_paths(doc):
        verdict = _exists(lp, root, ctx, every)
        if verdict is True:
            continue
        span = locate(doc, lp.path, lp.start, lp.end) if lp.what == "chart" else None
        yield Result(
            path=lp.path if span is None else None,
            span=span,
            unresolved=verdict is None,
            message=unresolved_message(
                verdict is None,
                f"local path '{lp.text}' holds an expression or leaves the scanned tree",
            ),
            args={"local_path": lp.text, "problem": WHAT[lp.what], "root": root},
        )


@check("X-009.workflow-needs", target="crossfile.workflow")
def workflow_needs(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    from ..github.facts import job_ids, job_needs

    ids = job_ids(target.doc)
    for need in job_needs(target.doc):
        if need.needed not in ids:
            yield Result(path=need.path, args={"needed": need.needed, "job": need.job})


# --- Terraform ------------------------------------------------------------------------------


@check("X-009.tf-module-path", target="crossfile.terraform")
def tf_module_path(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    doc = target.doc
    data = doc.data if isinstance(doc.data, dict) else {}
    calls = data.get("module")
    every = files(ctx)
    base = posixpath.dirname(doc.path)
    for name, body in calls.items() if isinstance(calls, dict) else []:
        source = body.get("source") if isinstance(body, dict) else None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            continue
        path: JsonPath = ("module", name, "source")
        templated = isinstance(source, Unresolved) or "${" in source
        target_dir = "" if templated else join(base, source)
        if templated or target_dir == ".." or target_dir.startswith("../"):
            yield Result(
                path=path,
                unresolved=True,
                message=f"module source '{source}' is templated or leaves the scanned tree",
                args={"source": source, "module": name},
            )
            continue
        has_tf = every.dir_has(target_dir, (".tf", ".tf.json"))
        if not has_tf:
            yield Result(path=path, args={"source": source, "module": name})
