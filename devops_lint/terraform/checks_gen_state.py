"""State and backends: TF-GEN-004 (committed state, plans, `.terraform/`, tfvars
secrets, `.gitignore`) and TF-GEN-005 (local state, S3 backend encryption and locking,
backend credentials).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``.
"""

from __future__ import annotations

import fnmatch
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import safeio
from ..model import FILE_START, Document, JsonPath, Result, Span, Unresolved
from ..registry import check
from ..secrets_names import SensitiveNameRule, is_sensitive_name
from .common import module_of, modules_of
from .expr import (
    literal_string,
)
from .gen_common import enum_like, is_true, module_anchor, names_rule, nested_attributes, nonempty
from .module import Module
from .syntax import Body

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-GEN-004 ---------------------------------------------------------------------------

_STATE = re.compile(r"(^|/)[^/]*\.tfstate(\.backup)?$|(^|/)terraform\.tfstate\.d/")
_PLAN_NAME = re.compile(r"(^|/)([^/]*\.tfplan|tfplan)$")
_MAYBE_PLAN_ZIP = re.compile(r"(^|/)[^/.]+$|\.(out|plan|zip|bin)$")


def _file_doc(path: str) -> Document:
    return Document(path=path, format="terraform", data=None)


def _is_plan_zip(root: Path, path: str) -> bool:
    try:  # opened without waiting: a FIFO of that name blocked the run for ever
        with safeio.open_regular(root / path, 200 << 20) as handle:
            if not zipfile.is_zipfile(handle):
                return False
            with zipfile.ZipFile(handle) as z:
                return "tfplan" in z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


@check("TF-GEN-004.state-file", target="terraform.files")
def committed_state(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.state-file."""
    for path in target.data:
        if "/.terraform/" in f"/{path}" or not _STATE.search(path):
            continue
        yield Result(doc=_file_doc(path), span=FILE_START, args={"file": path})


@check("TF-GEN-004.plan-file", target="terraform.files")
def committed_plan(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.plan-file."""
    root = ctx.project.root
    for path in target.data:
        if "/.terraform/" in f"/{path}":
            continue
        if _PLAN_NAME.search(path) or (_MAYBE_PLAN_ZIP.search(path) and _is_plan_zip(root, path)):
            yield Result(doc=_file_doc(path), span=FILE_START, args={"file": path})


def _gitignore_patterns(root: Path) -> list[str] | None:
    try:
        text = safeio.read_text(root / ".gitignore", errors="replace")
    except OSError:
        return None
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _ignored(patterns: list[str], name: str, is_dir: bool = False) -> bool:
    hit = False
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        if p.endswith("/"):
            if not is_dir:
                continue
            p = p[:-1]
        p = p.lstrip("/").removeprefix("**/")
        if fnmatch.fnmatch(name, p) or (p.endswith("/*") and fnmatch.fnmatch(name, p[:-2])):
            hit = not neg
    return hit


def _ignore_pattern_lists(root: Path, rel_dir: str) -> Iterator[list[str]]:
    """Ignore patterns that apply inside ``rel_dir``: its .gitignore files up to the scan
    root, then those of the scan root's ancestors up to the repository top (the directory
    holding `.git`), and that repository's `.git/info/exclude`."""
    parts = [] if rel_dir in ("", ".") else rel_dir.split("/")
    for i in range(len(parts), 0, -1):
        found = _gitignore_patterns(root.joinpath(*parts[:i]))
        if found:
            yield found
    try:
        here = root.resolve()
    except OSError:
        return
    for _ in range(30):
        found = _gitignore_patterns(here)
        if found:
            yield found
        if (here / ".git").exists():
            try:
                text = safeio.read_text(here / ".git" / "info" / "exclude", errors="replace")
            except OSError:
                text = ""
            yield [ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#"]
            return
        if here.parent == here:
            return
        here = here.parent


@check("TF-GEN-004.dot-terraform", target="terraform.files")
def committed_dot_terraform(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.dot-terraform: a `.terraform/` directory that git does not ignore."""
    root = ctx.project.root
    dirs: set[str] = set()
    for path in target.data:
        parts = path.split("/")
        if ".terraform" in parts[:-1]:
            dirs.add("/".join(parts[: parts.index(".terraform") + 1]))
    # Discovery skips `.terraform/`: look beside each module, unless git ignores it there
    # (a local `terraform init` creates one in every working copy).
    modules = modules_of(target)
    for d in modules:
        rel = ".terraform" if d == "." else f"{d}/.terraform"
        if not (root / rel).is_dir():
            continue
        if any(
            _ignored(pats, ".terraform", is_dir=True) for pats in _ignore_pattern_lists(root, d)
        ):
            continue
        dirs.add(rel)
    for d in sorted(dirs):
        yield Result(doc=_file_doc(d), span=FILE_START, args={"file": d + "/"})


@check("TF-GEN-004.tfvars-secret", target="terraform.tfvars")
def tfvars_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.tfvars-secret: a variable file assigning literals to sensitive names."""
    names = names_rule(ctx)
    doc = target.doc
    stack: list[tuple[JsonPath, Any, int]] = [((), doc.data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if not isinstance(value, dict) or depth > 20:
            continue
        for key, v in value.items():
            p = (*path, key)
            if is_sensitive_name(str(key), names) and _literal_secret(v, str(key), names):
                yield Result(path=p, args={"arg": key})
            elif isinstance(v, dict):
                stack.append((p, v, depth + 1))
            elif isinstance(v, list):
                for i, item in enumerate(v):
                    stack.append(((*p, i), item, depth + 1))


def _literal_secret(value: Any, name: str, names: SensitiveNameRule) -> bool:
    if isinstance(value, Unresolved):
        return False
    if isinstance(value, str):
        return bool(value) and not enum_like(name, value, names)
    if isinstance(value, list):
        return any(isinstance(v, str) and not isinstance(v, Unresolved) and v for v in value)
    return False


GITIGNORE_NEEDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("*.tfstate", ("terraform.tfstate",), False),
    ("*.tfstate.*", ("terraform.tfstate.backup",), False),
    (".terraform/", (".terraform",), True),
    ("*.tfplan", ("prod.tfplan",), False),
)


@check("TF-GEN-004.gitignore", target="terraform.files")
def gitignore(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.gitignore: the root `.gitignore` misses Terraform's local artefacts.

    Only when the scan holds a root module (where `init`/`plan`/`apply` create them).
    """
    modules = modules_of(target)
    roots = [m for m in modules.values() if m.is_root]
    if not roots:
        return
    patterns = _gitignore_patterns(ctx.project.root)
    missing = [
        pat
        for pat, names, is_dir in GITIGNORE_NEEDS
        if not any(_ignored(patterns or [], n, is_dir) for n in names)
    ]
    if not missing:
        return
    if patterns is not None:
        doc = _file_doc(".gitignore")
    else:
        first = roots[0].first_doc
        doc = first if first is not None else target.doc
    yield Result(doc=doc, span=FILE_START, args={"missing": ", ".join(missing)})


# -- TF-GEN-005 ---------------------------------------------------------------------------


@check("TF-GEN-005.local-state", target="terraform.module")
def local_state(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.local-state."""
    m = module_of(target)
    if not m.is_root or m.cloud_blocks:
        return
    backends = m.backend_blocks
    if not backends:
        doc, span = module_anchor(m)
        yield Result(doc=doc, span=span, args={"dir": m.dir})
        return
    for b, tb in backends:
        if b.labels and b.labels[0] == "local":
            yield Result(doc=tb.doc, span=b.header, args={"dir": m.dir})


class S3Backend(NamedTuple):
    """A fully written ``backend "s3"`` block of a root module."""

    module: Module
    body: Body
    doc: Document
    path: JsonPath
    header: Span


def _s3_results(target: Target, judge: Callable[[S3Backend], Iterator[Result]]) -> Iterator[Result]:
    """``judge``'s results on every S3 backend of a root module; a partial configuration
    (completed at `terraform init` time) cannot be judged and is reported unresolved."""
    m = module_of(target)
    if not m.is_root:
        return
    for b, tb in m.backend_blocks:
        if not (b.labels and b.labels[0] == "s3"):
            continue
        if not b.body.attributes:
            message = (
                f"S3 backend of {m.dir} is a partial configuration: encryption and locking are "
                "set at `terraform init` time and cannot be checked"
            )
            yield Result(doc=tb.doc, span=b.header, unresolved=True, message=message)
            continue
        yield from judge(S3Backend(m, b.body, tb.doc, (*tb.path, "backend", "s3"), b.header))


@check("TF-GEN-005.s3-unencrypted", target="terraform.module")
def s3_unencrypted(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.s3-unencrypted."""
    yield from _s3_results(target, _unencrypted)


def _unencrypted(s3: S3Backend) -> Iterator[Result]:
    expr = s3.body.get("encrypt")
    value = s3.module.resolve_expr(expr)
    if isinstance(value, Unresolved):
        yield Result(doc=s3.doc, path=(*s3.path, "encrypt"), unresolved=True)
    elif not is_true(value):
        yield Result(
            doc=s3.doc,
            path=(*s3.path, "encrypt") if expr is not None else None,
            span=None if expr is not None else s3.header,
        )


@check("TF-GEN-005.s3-no-lock", target="terraform.module")
def s3_no_lock(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.s3-no-lock."""
    yield from _s3_results(target, _unlocked)


def _unlocked(s3: S3Backend) -> Iterator[Result]:
    lockfile = s3.module.resolve_expr(s3.body.get("use_lockfile"))
    table = s3.module.resolve_expr(s3.body.get("dynamodb_table"))
    if is_true(lockfile) or nonempty(table) or isinstance(table, Unresolved):
        return
    if isinstance(lockfile, Unresolved):
        yield Result(doc=s3.doc, path=(*s3.path, "use_lockfile"), unresolved=True)
        return
    yield Result(doc=s3.doc, span=s3.header)


BACKEND_CREDENTIALS = frozenset(
    {"access_key", "secret_key", "sas_token", "credentials", "password"}
)


@check("TF-GEN-005.backend-credential", target="terraform.module")
def backend_credential(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.backend-credential: literal credentials in any backend block."""
    m = module_of(target)
    names = names_rule(ctx)
    for b, tb in m.backend_blocks:
        path0 = (*tb.path, "backend", b.labels[0] if b.labels else "")
        for path, attr in nested_attributes(b.body, path0):
            if attr.name not in BACKEND_CREDENTIALS and not is_sensitive_name(attr.name, names):
                continue
            s = literal_string(attr.expr)
            if s:
                yield Result(doc=tb.doc, path=path, args={"arg": attr.name})
