"""Version pinning: TF-GEN-006 (Terraform and provider versions, the lock file) and
TF-GEN-007 (module sources and versions).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..model import FILE_START, Document, JsonPath, Result, Span, Unresolved
from ..registry import check, params_of
from .common import module_of
from .gen_common import module_anchor, nonempty
from .module import Module
from .objects import ModuleCall
from .syntax import Attribute

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-GEN-006 ---------------------------------------------------------------------------

_CONSTRAINT = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?([0-9][0-9A-Za-z.+-]*)\s*$")


def has_upper_bound(constraint: str) -> bool:
    """``~> 1.9``, ``< 2.0``, ``<= 1.9.5`` or an exact version bound the range from above."""
    for part in constraint.split(","):
        m = _CONSTRAINT.match(part)
        if m is None:
            continue
        if m.group(1) in (None, "=", "~>", "<", "<="):
            return True
    return False


@check("TF-GEN-006.no-required-version", target="terraform.module")
def no_required_version(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-required-version (root modules)."""
    m = module_of(target)
    if not m.is_root:
        return
    if any(tb.block.body.get("required_version") is not None for tb in m.terraform_blocks):
        return
    doc, span = module_anchor(m)
    yield Result(doc=doc, span=span, args={"dir": m.dir})


@check("TF-GEN-006.no-upper-bound", target="terraform.module")
def no_upper_bound(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-upper-bound (root modules)."""
    m = module_of(target)
    if not m.is_root:
        return
    for tb in m.terraform_blocks:
        expr = tb.block.body.get("required_version")
        if expr is None:
            continue
        value = m.resolve(expr)
        path = (*tb.path, "required_version")
        if not isinstance(value, str) or isinstance(value, Unresolved):
            yield Result(doc=tb.doc, path=path, unresolved=True)
        elif not has_upper_bound(value):
            yield Result(doc=tb.doc, path=path, args={"constraint": value})


def _required_providers(m: Module) -> Iterator[tuple[str, Attribute, Document, JsonPath, Span]]:
    for tb in m.terraform_blocks:
        for i, rp in enumerate(tb.block.body.blocks_of("required_providers")):
            for name, attr in rp.body.attributes.items():
                yield name, attr, tb.doc, (*tb.path, "required_providers", i, name), rp.header


@check("TF-GEN-006.provider-unversioned", target="terraform.module")
def provider_unversioned(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.provider-unversioned."""
    m = module_of(target)
    listed: set[str] = set()
    for name, attr, doc, path, _ in _required_providers(m):
        listed.add(name)
        value = m.resolve(attr.expr)
        if isinstance(value, dict):
            missing = [k for k in ("source", "version") if not nonempty(value.get(k))]
        else:
            missing = ["source"] if isinstance(value, str) else ["source", "version"]
        if missing and not isinstance(value, Unresolved):
            yield Result(
                doc=doc, path=path, args={"provider": name, "missing": " and ".join(missing)}
            )
    if not m.is_root:
        return
    # Providers used without an entry; the built-in `terraform` provider needs none.
    anchor_doc, anchor = module_anchor(m)
    for name in sorted(m.used_providers()):
        if name in listed or name == "terraform":
            continue
        rp = next(iter(_required_providers(m)), None)
        if rp is not None:
            yield Result(doc=rp[2], span=rp[4], args={"provider": name, "missing": "an entry"})
        else:
            yield Result(
                doc=anchor_doc, span=anchor, args={"provider": name, "missing": "an entry"}
            )


@check("TF-GEN-006.no-lock-file", target="terraform.module")
def no_lock_file(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-lock-file (root modules)."""
    m = module_of(target)
    if not m.is_root:
        return
    rel = ".terraform.lock.hcl" if m.dir == "." else f"{m.dir}/.terraform.lock.hcl"
    if rel in m.files or (ctx.project.root / rel).is_file():
        return
    doc = m.docs[0] if m.docs else m.first_doc
    yield Result(doc=doc, span=FILE_START, args={"dir": m.dir})


# -- TF-GEN-007 ---------------------------------------------------------------------------

_SHA = re.compile(r"^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$")
_REGISTRY = re.compile(
    r"^(?:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?/)?[A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9][A-Za-z0-9_-]*/"
    r"[a-z0-9]+(?://.*)?$"
)
_EXACT = re.compile(r"^\s*=?\s*v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?\s*$")
_PESSIMISTIC_PATCH = re.compile(r"^\s*~>\s*v?\d+\.\d+\.\d+")


def classify_source(source: str) -> str:
    """``local``, ``registry``, ``git``, ``http``, ``other``."""
    s = source.strip()
    if s.startswith(("./", "../")) or s in (".", ".."):
        return "local"
    if (
        s.startswith("git::")
        or s.startswith("git@")
        or re.match(r"^(github\.com|bitbucket\.org)/", s)
    ):
        return "git"
    if re.match(r"^[a-z0-9]+::", s) or re.match(r"^https?://", s):
        return "git" if ".git" in s.split("?", 1)[0] else "http"
    if _REGISTRY.match(s):
        return "registry"
    return "other"


def _git_ref(source: str) -> str | None:
    query = source.split("?", 1)[1] if "?" in source else ""
    for part in query.split("&"):
        if part.startswith("ref="):
            return part[4:]
    return None


class ModuleSourceParams(NamedTuple):
    """Which module-source problem the rule reports."""

    variant: str


@check(
    "TF-GEN-007.git-no-ref",
    "TF-GEN-007.git-tag",
    "TF-GEN-007.insecure-source",
    "TF-GEN-007.registry-range",
    "TF-GEN-007.registry-unversioned",
    target="terraform.module_call",
    params=ModuleSourceParams,
)
def module_source(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-007.*: one function, the variant in ``params.variant``."""
    call: ModuleCall = target.context["call"]
    variant = params_of(rule, ModuleSourceParams).variant
    src_path = (*call.path, "source")
    source = target.data.get("source")
    if source is None:
        return
    if isinstance(source, Unresolved) or not isinstance(source, str):
        return  # Terraform requires a literal source; an expression is a config error
    kind = classify_source(source)
    insecure = source.startswith("http://") or source.startswith("git::http://")
    if variant == "insecure-source":
        if insecure:
            yield Result(path=src_path, args={"source": source})
        return
    if kind == "git" and variant in ("git-no-ref", "git-tag"):
        ref = _git_ref(source)
        if ref is None and variant == "git-no-ref":
            yield Result(path=src_path, args={"source": source})
        elif ref is not None and variant == "git-tag" and not _SHA.match(ref):
            yield Result(path=src_path, args={"source": source, "ref": ref})
        return
    if kind == "registry" and variant in ("registry-unversioned", "registry-range"):
        version = target.data.get("version")
        if version is None:
            if variant == "registry-unversioned":
                yield Result(args={"source": source})
            return
        if variant != "registry-range":
            return
        v_path = (*call.path, "version")
        if isinstance(version, Unresolved) or not isinstance(version, str):
            yield Result(path=v_path, unresolved=True)
        elif not (_EXACT.match(version) or _PESSIMISTIC_PATCH.match(version)) or "," in version:
            yield Result(path=v_path, args={"source": source, "version": version})
