"""Checks of the provider-independent Terraform controls TF-GEN-001 … TF-GEN-009.

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``. Helpers that other Terraform checks may reuse:
``secret_source`` (is an expression a committed literal?), ``required_keys``.
"""

from __future__ import annotations

import fnmatch
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import FILE_START, UNRESOLVED_KEY, Document, JsonPath, Result, Span, Unresolved
from ..placeholders import Placeholders, placeholders_of
from ..secrets_names import SensitiveNameRule, is_sensitive_name, rule_from_settings
from .expr import (
    Call,
    Conditional,
    Expr,
    ListExpr,
    Literal,
    ObjectExpr,
    Ref,
    Template,
    is_literal,
    literal_string,
    references,
    walk,
)
from .module import Module, ModuleCall, Output, Provider, Resource, Variable
from .secrets_text import is_placeholder, scan_text, value_hit
from .syntax import Attribute, Body

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

DEFAULT_SENSITIVE_PROVIDER_ARGS: dict[str, list[str]] = {
    "aws": ["access_key", "secret_key", "token"],
    "azurerm": ["client_secret", "client_certificate_password"],
    "azuread": ["client_secret", "client_certificate_password"],
    "google": ["credentials", "access_token"],
    "google-beta": ["credentials", "access_token"],
    "kubernetes": ["token", "client_key", "password"],
    "helm": ["token", "client_key", "password"],
    "github": ["token"],
}
SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "credential", "credentials", "key"}
)
# Keyword-like values: UPPER_CONSTANTS (`ROTATE`, `RS256`), lower-case words
# (`client_secret_basic`) and CamelCase words (`SecureString`).
_ENUM_LIKE = re.compile(r"^(?:[A-Z][A-Z0-9_-]*|[a-z]+(?:[_-][a-z]+)*|(?:[A-Z][a-z]+)+)$")


def _names_rule(ctx: Context) -> SensitiveNameRule:
    return rule_from_settings(ctx.settings)


def _module(target: Target) -> Module:
    m: Module = target.context["module"]
    return m


# -- shared helpers ---------------------------------------------------------------------


def _nonempty(value: Any) -> bool:
    if isinstance(value, Unresolved) or value is None:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, (list, dict)):
        return bool(value)
    return not isinstance(value, bool)


def secret_source(module: Module, expr: Expr, depth: int = 0) -> tuple[str, Span | None] | None:
    """Where a committed secret value comes from, if it does.

    A non-empty string literal, a variable whose ``default`` is non-empty, or a local
    reducing to either; references to resources, data sources, modules and
    variables without a default are not committed secrets.
    """
    if depth > 10:
        return None
    s = literal_string(expr)
    if s is not None:
        return ("a literal", expr.span) if s else None
    if isinstance(expr, Ref):
        if expr.root == "var" and len(expr.parts) >= 2:
            var = module.variables.get(str(expr.parts[1]))
            if var is None or var.default is None:
                return None
            if _nonempty(module.resolve(var.default)):
                return (f"the default of variable '{var.name}'", var.default.span)
            return None
        if expr.root == "local" and len(expr.parts) == 2:
            local = module.local_expr(str(expr.parts[1]))
            return secret_source(module, local, depth + 1) if local is not None else None
        return None
    if isinstance(expr, Conditional):
        return secret_source(module, expr.then, depth + 1) or secret_source(
            module, expr.other, depth + 1
        )
    if isinstance(expr, (ObjectExpr, ListExpr)):
        # `secret_string = jsonencode({ password = "..." })`: only sensitive members count,
        # unless the whole value is a constant.
        if is_literal(expr) and _nonempty(module.resolve(expr)):
            return ("a literal", expr.span)
        if isinstance(expr, ListExpr):
            for item in expr.items:
                found = secret_source(module, item, depth + 1)
                if found is not None:
                    return found
            return None
        for k, v in expr.items:
            key = literal_string(k)
            if key is not None and is_sensitive_name(key):
                found = secret_source(module, v, depth + 1)
                if found is not None:
                    return found
        return None
    if isinstance(expr, (Template, Call)):
        if isinstance(expr, Call) and expr.name in ("file", "templatefile"):
            return None
        for child in expr.children():
            found = secret_source(module, child, depth + 1)
            if found is not None:
                return found
        if isinstance(expr, Template) and not any(
            r.root not in ("var", "local") for r in references(expr)
        ):
            value = module.resolve(expr)
            if isinstance(value, str) and not isinstance(value, Unresolved) and value:
                return ("a literal", expr.span)
    return None


def _enum_like(name: str, value: str, rule: SensitiveNameRule) -> bool:
    """``auth_token_update_strategy = "ROTATE"``: a keyword, not a secret."""
    from ..secrets_names import name_segments

    segs = name_segments(name)
    if segs and segs[-1] in SECRET_WORDS | rule.words:
        return False
    return bool(_ENUM_LIKE.match(value)) and len(value) <= 40


def _attributes(body: Body, path: JsonPath, depth: int = 0) -> Iterator[tuple[JsonPath, Attribute]]:
    """Attributes of a body and of its nested (static and dynamic-content) blocks."""
    for name, attr in body.attributes.items():
        yield (*path, name), attr
    if depth > 20:
        return
    counts: dict[str, int] = {}
    for b in body.blocks:
        if b.type == "dynamic" and b.labels:
            content = b.body.first("content")
            if content is not None:
                i = counts.get(b.labels[0], 0)
                counts[b.labels[0]] = i + 1
                yield from _attributes(content.body, (*path, b.labels[0], i), depth + 1)
            continue
        if b.labels:
            yield from _attributes(b.body, (*path, b.type, *b.labels), depth + 1)
            continue
        i = counts.get(b.type, 0)
        counts[b.type] = i + 1
        yield from _attributes(b.body, (*path, b.type, i), depth + 1)


def _line_of(expr: Expr, offset: int) -> Span | None:
    """The span of a position inside a multi-line written value."""
    if expr.span is None:
        return None
    line = expr.span.line + expr.text[:offset].count("\n")
    return Span(line, 1, line, 1) if line != expr.span.line else expr.span


# -- TF-GEN-001 ---------------------------------------------------------------------------


def provider_credential_args(ctx: Context, provider: str) -> set[str]:
    """``sensitive_provider_args`` for one provider: the defaults plus the configured ones.

    The setting is a mapping ``{provider: [args]}`` or a list of arguments for every provider.
    """
    args = set(DEFAULT_SENSITIVE_PROVIDER_ARGS.get(provider, []))
    configured = ctx.settings.get("sensitive_provider_args")
    if isinstance(configured, dict):
        args.update(str(a) for a in configured.get(provider, []) or [])
    elif isinstance(configured, list):
        args.update(str(a) for a in configured)
    return args


def provider_credentials(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-001: credentials in provider blocks."""
    provider: Provider = target.context["provider"]
    m = _module(target)
    explicit = provider_credential_args(ctx, provider.name)
    names = _names_rule(ctx)
    for path, attr in _attributes(provider.block.body, provider.path):
        if attr.name not in explicit and not is_sensitive_name(attr.name, names):
            continue
        yield from _credential_value(m, attr, path, target.context["name"])


def _credential_value(m: Module, attr: Attribute, path: JsonPath, owner: str) -> Iterator[Result]:
    expr = attr.expr
    for node in walk(expr):
        if isinstance(node, Call) and node.name == "file" and len(node.args) == 1:
            p = m.resolve(node.args[0])
            if isinstance(p, Unresolved) or not isinstance(p, str):
                yield Result(
                    path=path,
                    unresolved=True,
                    args={"arg": attr.name, "owner": owner, "source": f"file({node.args[0].text})"},
                )
            elif m.file_exists(p):
                yield Result(
                    path=path,
                    args={"arg": attr.name, "owner": owner, "source": f"the committed file {p}"},
                )
            return
    found = secret_source(m, expr)
    if found is not None:
        yield Result(path=path, args={"arg": attr.name, "owner": owner, "source": found[0]})


# -- TF-GEN-002 ---------------------------------------------------------------------------

BOOT_ARGUMENTS = frozenset(
    {"user_data", "user_data_base64", "custom_data", "metadata_startup_script"}
)


def literal_secret_argument(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-002.literal-argument: sensitive resource arguments set to literals."""
    r: Resource = target.context["resource"]
    m = _module(target)
    names = _names_rule(ctx)
    for path, attr in _attributes(r.block.body, r.path):
        special = attr.name == "value" and _secret_value_resource(r)
        if not special and not is_sensitive_name(attr.name, names):
            continue
        if attr.name in BOOT_ARGUMENTS:
            continue
        found = secret_source(m, attr.expr)
        if found is None:
            continue
        written = literal_string(attr.expr)
        if written is not None and not special and _enum_like(attr.name, written, names):
            continue
        yield Result(path=path, args={"arg": attr.name, "source": found[0]})


def _secret_value_resource(r: Resource) -> bool:
    if r.type == "azurerm_key_vault_secret":
        return True
    if r.type == "aws_ssm_parameter":
        return r.data.get("type") == "SecureString"
    return False


def bootstrap_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-002.bootstrap-secret: secrets in boot scripts and function environments."""
    r: Resource = target.context["resource"]
    names = _names_rule(ctx)
    ph = placeholders_of(ctx)
    for path, attr in _attributes(r.block.body, r.path):
        if attr.name in BOOT_ARGUMENTS:
            yield from _scan_script(attr.expr, path, attr.name, names, ph)
        elif attr.name == "metadata" and isinstance(attr.expr, ObjectExpr):
            for k, v in attr.expr.items:
                if literal_string(k) in ("startup-script", "user-data"):
                    yield from _scan_script(
                        v, (*path, str(literal_string(k))), "startup-script", names, ph
                    )
        elif attr.name == "environment_variables" or (
            attr.name == "variables" and len(path) >= 3 and path[-3] == "environment"
        ):
            yield from _scan_env_map(r, attr, path, names, ph)
        elif attr.name == "container_definitions":
            yield from _scan_container_definitions(r, attr, path, names, ph)


def _scan_script(
    expr: Expr, path: JsonPath, arg: str, names: SensitiveNameRule, ph: Placeholders
) -> Iterator[Result]:
    # `templatefile("boot.sh", { db_password = "…" })` hands a literal secret to the script.
    for node in walk(expr):
        if not isinstance(node, ObjectExpr):
            continue
        for k, v in node.items:
            key = literal_string(k)
            value = literal_string(v)
            if key is None or not value or not is_sensitive_name(key, names):
                continue
            if is_placeholder(value, ph) or value.startswith("$"):
                continue
            yield Result(
                path=path, span=v.span, args={"arg": arg, "what": f"a literal assigned to {key}"}
            )
            return
    multiline = expr.span is not None and expr.span.end_line > expr.span.line
    if multiline:
        for hit in scan_text(expr.text, names, placeholders=ph):
            yield Result(
                path=path, span=_line_of(expr, hit.offset), args={"arg": arg, "what": hit.what}
            )
            return
        return
    for node in walk(expr):
        pieces: list[str] = []
        if isinstance(node, Literal) and isinstance(node.value, str):
            pieces.append(node.value)
        elif isinstance(node, Template):
            pieces.extend(p for p in node.parts if isinstance(p, str))
        for piece in pieces:
            for hit in scan_text(piece, names, placeholders=ph):
                yield Result(path=path, args={"arg": arg, "what": hit.what})
                return


def _env_hit(key: str, value: Any, names: SensitiveNameRule, ph: Placeholders) -> str | None:
    if not isinstance(value, str) or isinstance(value, Unresolved) or not value:
        return None
    hit = value_hit(value)
    if hit is not None:
        return hit
    if (
        is_sensitive_name(key, names)
        and not is_placeholder(value, ph)
        and not value.startswith("$")
    ):
        return "a literal secret value"
    return None


def _scan_env_map(
    r: Resource, attr: Attribute, path: JsonPath, names: SensitiveNameRule, ph: Placeholders
) -> Iterator[Result]:
    if isinstance(attr.expr, ObjectExpr):
        for k, v in attr.expr.items:
            key = literal_string(k)
            if key is None:
                continue
            if secret_source(r.module, v) is None and value_hit(str(r.resolve(v))) is None:
                continue
            what = _env_hit(key, r.resolve(v), names, ph)
            if what is not None:
                yield Result(path=(*path, key), span=v.span, args={"arg": key, "what": what})
        return
    value = r.resolve(attr.expr)
    if isinstance(value, dict):
        for key, v in value.items():
            if key == UNRESOLVED_KEY:
                continue
            what = _env_hit(key, v, names, ph)
            if what is not None:
                yield Result(path=path, args={"arg": key, "what": what})


def _scan_container_definitions(
    r: Resource, attr: Attribute, path: JsonPath, names: SensitiveNameRule, ph: Placeholders
) -> Iterator[Result]:
    expr = attr.expr
    if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
        data = r.resolve(expr.args[0])
    else:
        value = r.resolve(expr)
        try:
            data = (
                json.loads(value)
                if isinstance(value, str) and not isinstance(value, Unresolved)
                else None
            )
        except (ValueError, RecursionError):
            data = None
    containers = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    for c in containers:
        if not isinstance(c, dict) or not isinstance(c.get("environment"), list):
            continue
        for env in c["environment"]:
            if not isinstance(env, dict):
                continue
            key = env.get("name")
            if not isinstance(key, str) or isinstance(key, Unresolved):
                continue
            what = _env_hit(key, env.get("value"), names, ph)
            if what is None:
                continue
            yield Result(path=path, span=_find_in(expr, key), args={"arg": key, "what": what})


def _find_in(expr: Expr, needle: str) -> Span | None:
    for node in walk(expr):
        if isinstance(node, ObjectExpr):
            for k, v in node.items:
                if literal_string(k) == "name" and literal_string(v) == needle and node.span:
                    return node.span
    pos = expr.text.find(f'"{needle}"')
    return _line_of(expr, pos) if pos >= 0 else expr.span


# -- TF-GEN-003 ---------------------------------------------------------------------------


def _is_true(value: Any) -> bool:
    return value is True or value == "true"


def _secret_variable(var: Variable, ctx: Context) -> bool:
    """A sensitive name, unless the declared type cannot hold a secret (bool, number)."""
    type_ = var.block.body.get("type")
    if isinstance(type_, Ref) and type_.parts in (("bool",), ("number",)):
        return False
    return is_sensitive_name(var.name, _names_rule(ctx))


def variable_not_sensitive(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-003.variable-not-sensitive."""
    var: Variable = target.context["variable"]
    if not _secret_variable(var, ctx):
        return
    value = target.data.get("sensitive")
    if isinstance(value, Unresolved):
        yield Result(path=(*var.path, "sensitive"), unresolved=True)
    elif not _is_true(value):
        path = (*var.path, "sensitive") if "sensitive" in target.data else None
        yield Result(path=path)


def variable_default(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-003.variable-default: high for a non-empty literal, else medium."""
    var: Variable = target.context["variable"]
    if var.default is None or not _secret_variable(var, ctx):
        return
    value = target.data.get("default")
    if value is None:
        return  # `default = null` only makes the variable optional
    severity = None if _nonempty(value) else "medium"
    yield Result(path=(*var.path, "default"), severity=severity)  # type: ignore[arg-type]


SECRET_ATTRIBUTES = frozenset({"secret_string", "password", "private_key_pem", "secret"})


def _secret_reference(
    m: Module, expr: Expr, names: SensitiveNameRule, depth: int = 0
) -> str | None:
    for ref in references(expr):
        parts = ref.parts
        if ref.root == "var" and len(parts) >= 2:
            var = m.variables.get(str(parts[1]))
            if is_sensitive_name(str(parts[1]), names):
                return ref.text
            if var is not None and _is_true(m.resolve_expr(var.block.body.get("sensitive"))):
                return ref.text
        elif ref.root == "local" and len(parts) >= 2 and depth < 8:
            local = m.local_expr(str(parts[1]))
            if local is not None and _secret_reference(m, local, names, depth + 1):
                return ref.text
        elif ref.root == "module" and len(parts) >= 3:
            if is_sensitive_name(str(parts[2]), names):
                return ref.text
        elif ref.resource_address() is not None:
            attr = ref.attribute_after_address()
            if attr is None:
                continue
            addr = ref.resource_address()
            assert addr is not None
            if addr[1] == "random_password" and attr in ("result", "bcrypt_hash"):
                return ref.text
            if attr in SECRET_ATTRIBUTES or is_sensitive_name(attr, names):
                return ref.text
    return None


def output_not_sensitive(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-003.output-not-sensitive."""
    out: Output = target.context["output"]
    value = out.block.body.get("value")
    if value is None or _is_true(target.data.get("sensitive")):
        return
    if _is_true(target.data.get("ephemeral")):
        return  # ephemeral outputs are neither stored nor shown
    m = _module(target)
    ref = _secret_reference(m, value, _names_rule(ctx))
    if ref is not None:
        yield Result(path=(*out.path, "value"), args={"ref": ref})


# -- TF-GEN-004 ---------------------------------------------------------------------------

_STATE = re.compile(r"(^|/)[^/]*\.tfstate(\.backup)?$|(^|/)terraform\.tfstate\.d/")
_PLAN_NAME = re.compile(r"(^|/)([^/]*\.tfplan|tfplan)$")
_MAYBE_PLAN_ZIP = re.compile(r"(^|/)[^/.]+$|\.(out|plan|zip|bin)$")


def _file_doc(path: str) -> Document:
    return Document(path=path, format="terraform", data=None)


def _is_plan_zip(root: Path, path: str) -> bool:
    try:
        p = root / path
        if p.stat().st_size > 200 << 20 or not zipfile.is_zipfile(p):
            return False
        with zipfile.ZipFile(p) as z:
            return "tfplan" in z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def committed_state(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.state-file."""
    for path in target.data:
        if "/.terraform/" in f"/{path}" or not _STATE.search(path):
            continue
        yield Result(doc=_file_doc(path), span=FILE_START, args={"file": path})


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
        text = (root / ".gitignore").read_text(encoding="utf-8", errors="replace")
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
                text = (here / ".git" / "info" / "exclude").read_text(errors="replace")
            except OSError:
                text = ""
            yield [ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#"]
            return
        if here.parent == here:
            return
        here = here.parent


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
    modules: dict[str, Module] = target.context["modules"]
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


def tfvars_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.tfvars-secret: a variable file assigning literals to sensitive names."""
    names = _names_rule(ctx)
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
        return bool(value) and not _enum_like(name, value, names)
    if isinstance(value, list):
        return any(isinstance(v, str) and not isinstance(v, Unresolved) and v for v in value)
    return False


GITIGNORE_NEEDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("*.tfstate", ("terraform.tfstate",), False),
    ("*.tfstate.*", ("terraform.tfstate.backup",), False),
    (".terraform/", (".terraform",), True),
    ("*.tfplan", ("prod.tfplan",), False),
)


def gitignore(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-004.gitignore: the root `.gitignore` misses Terraform's local artefacts.

    Only when the scan holds a root module (where `init`/`plan`/`apply` create them).
    """
    modules: dict[str, Module] = target.context["modules"]
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


def _module_anchor(m: Module) -> tuple[Document | None, Span]:
    """Where a module-level finding goes: its first `terraform {}` block, else line 1."""
    if m.terraform_blocks:
        tb = m.terraform_blocks[0]
        return tb.doc, tb.block.header
    return m.first_doc, FILE_START


def local_state(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.local-state."""
    m = _module(target)
    if not m.is_root or m.cloud_blocks:
        return
    backends = m.backend_blocks
    if not backends:
        doc, span = _module_anchor(m)
        yield Result(doc=doc, span=span, args={"dir": m.dir})
        return
    for b, tb in backends:
        if b.labels and b.labels[0] == "local":
            yield Result(doc=tb.doc, span=b.header, args={"dir": m.dir})


def _s3_backends(m: Module) -> Iterator[tuple[Body, Document, JsonPath, Span]]:
    for b, tb in m.backend_blocks:
        if b.labels and b.labels[0] == "s3":
            yield b.body, tb.doc, (*tb.path, "backend", "s3"), b.header


def _partial(m: Module) -> str:
    return (
        f"S3 backend of {m.dir} is a partial configuration: encryption and locking are "
        "set at `terraform init` time and cannot be checked"
    )


def s3_unencrypted(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.s3-unencrypted."""
    m = _module(target)
    if not m.is_root:
        return
    for body, doc, path, header in _s3_backends(m):
        if not body.attributes:  # partial configuration, completed at `init` time
            yield Result(doc=doc, span=header, unresolved=True, message=_partial(m))
            continue
        expr = body.get("encrypt")
        value = m.resolve_expr(expr)
        if isinstance(value, Unresolved):
            yield Result(doc=doc, path=(*path, "encrypt"), unresolved=True)
        elif not _is_true(value):
            yield Result(
                doc=doc,
                path=(*path, "encrypt") if expr is not None else None,
                span=None if expr is not None else header,
            )


def s3_no_lock(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.s3-no-lock."""
    m = _module(target)
    if not m.is_root:
        return
    for body, doc, path, header in _s3_backends(m):
        if not body.attributes:
            yield Result(doc=doc, span=header, unresolved=True, message=_partial(m))
            continue
        lockfile = m.resolve_expr(body.get("use_lockfile"))
        table = m.resolve_expr(body.get("dynamodb_table"))
        if _is_true(lockfile) or _nonempty(table) or isinstance(table, Unresolved):
            continue
        if isinstance(lockfile, Unresolved):
            yield Result(doc=doc, path=(*path, "use_lockfile"), unresolved=True)
            continue
        yield Result(doc=doc, span=header)


BACKEND_CREDENTIALS = frozenset(
    {"access_key", "secret_key", "sas_token", "credentials", "password"}
)


def backend_credential(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-005.backend-credential: literal credentials in any backend block."""
    m = _module(target)
    names = _names_rule(ctx)
    for b, tb in m.backend_blocks:
        path0 = (*tb.path, "backend", b.labels[0] if b.labels else "")
        for path, attr in _attributes(b.body, path0):
            if attr.name not in BACKEND_CREDENTIALS and not is_sensitive_name(attr.name, names):
                continue
            s = literal_string(attr.expr)
            if s:
                yield Result(doc=tb.doc, path=path, args={"arg": attr.name})


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


def no_required_version(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-required-version (root modules)."""
    m = _module(target)
    if not m.is_root:
        return
    if any(tb.block.body.get("required_version") is not None for tb in m.terraform_blocks):
        return
    doc, span = _module_anchor(m)
    yield Result(doc=doc, span=span, args={"dir": m.dir})


def no_upper_bound(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-upper-bound (root modules)."""
    m = _module(target)
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


def provider_unversioned(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.provider-unversioned."""
    m = _module(target)
    listed: set[str] = set()
    for name, attr, doc, path, _ in _required_providers(m):
        listed.add(name)
        value = m.resolve(attr.expr)
        if isinstance(value, dict):
            missing = [k for k in ("source", "version") if not _nonempty(value.get(k))]
        else:
            missing = ["source"] if isinstance(value, str) else ["source", "version"]
        if missing and not isinstance(value, Unresolved):
            yield Result(
                doc=doc, path=path, args={"provider": name, "missing": " and ".join(missing)}
            )
    if not m.is_root:
        return
    # Providers used without an entry; the built-in `terraform` provider needs none.
    anchor_doc, anchor = _module_anchor(m)
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


def no_lock_file(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-006.no-lock-file (root modules)."""
    m = _module(target)
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


def module_source(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-007.*: one function, the variant in ``rule.params["variant"]``."""
    call: ModuleCall = target.context["call"]
    variant = rule.params.get("variant")
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


# -- TF-GEN-008 ---------------------------------------------------------------------------


def required_keys(ctx: Context, provider: str) -> list[str]:
    keys = [
        str(k) for k in ctx.settings.get("required_tags") or ["Environment", "Owner", "Service"]
    ]
    return [k.lower() for k in keys] if provider == "google" else keys


def _default_tags(m: Module, r: Resource, provider: str) -> tuple[set[str], bool]:
    """Keys the provider adds to every resource, and whether that set is uncertain."""
    p = m.provider_of(r)
    if p is None:
        return set(), False
    if provider == "aws":
        blocks = p.data.get("default_tags")
        value = (
            blocks[0].get("tags")
            if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict)
            else None
        )
    elif provider == "google":
        value = p.data.get("default_labels")
    else:
        return set(), False
    if value is None:
        return set(), False
    if isinstance(value, Unresolved) or not isinstance(value, dict):
        return set(), True
    return {k for k in value if k != UNRESOLVED_KEY}, UNRESOLVED_KEY in value


def missing_tags(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-008.missing-key: required tags/labels absent after provider defaults."""
    r: Resource = target.context["resource"]
    table = ctx.data("taggable_resources.yaml")
    arg = table.get(r.type) if isinstance(table, dict) else None
    if not isinstance(arg, str):
        return
    provider = r.type.split("_", 1)[0]
    required = required_keys(ctx, provider)
    m = _module(target)
    defaults, defaults_uncertain = _default_tags(m, r, provider)
    value = r.data.get(arg)
    uncertain = defaults_uncertain
    present: set[str] = set(defaults)
    if isinstance(value, Unresolved):
        uncertain = True
    elif isinstance(value, dict):
        present |= {k for k in value if k != UNRESOLVED_KEY}
        uncertain |= UNRESOLVED_KEY in value
    elif value is not None:
        uncertain = True
    elif isinstance(r.data.get("tag"), list):  # aws_autoscaling_group `tag { key = … }` blocks
        for block in r.data["tag"]:
            key = block.get("key") if isinstance(block, dict) else None
            if isinstance(key, Unresolved) or not isinstance(key, str):
                uncertain = True
            else:
                present.add(key)
    fold = provider == "azurerm"  # Azure tag names are case-insensitive
    have = {k.lower() for k in present} if fold else present
    missing = [k for k in required if (k.lower() if fold else k) not in have]
    if not missing:
        return
    path = (*r.path, arg) if arg in r.block.body.attributes else None
    yield Result(
        path=path,
        unresolved=uncertain,
        args={"arg": arg, "missing": ", ".join(missing)},
    )


def node_group_propagation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-008.node-group-propagation."""
    r: Resource = target.context["resource"]
    if r.type != "aws_eks_node_group" or "tags" not in r.block.body.attributes:
        return
    if r.block.body.first("launch_template") is not None:
        return
    yield Result(path=(*r.path, "tags"))


# -- TF-GEN-009 ---------------------------------------------------------------------------

ALLOW_LIST_NAME = re.compile(
    r"(?i)(allow(ed)?|trusted|whitelist|allowlist|ingress|source|public_access|admin|ssh|management)"
    r"_?(cidrs?|cidr_blocks|ips?|ip_ranges|ranges|networks)"
)
WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _world_items(value: Any) -> list[int | None]:
    """Positions of world CIDRs: list indices, or ``[None]`` for a plain string."""
    if isinstance(value, str) and not isinstance(value, Unresolved):
        return [None] if value.strip() in WORLD else []
    if isinstance(value, list):
        return [i for i, v in enumerate(value) if isinstance(v, str) and v.strip() in WORLD]
    if isinstance(value, dict):
        return (
            [None] if any(isinstance(v, str) and v.strip() in WORLD for v in value.values()) else []
        )
    return []


def _allow_list(target: Target) -> Variable | None:
    var: Variable = target.context["variable"]
    return var if ALLOW_LIST_NAME.search(var.name) else None


def world_default(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.world-default."""
    var = _allow_list(target)
    if var is None or var.default is None:
        return
    for i in _world_items(target.data.get("default"))[:1]:
        base = (*var.path, "default")
        yield Result(path=base if i is None else (*base, i), args={"name": var.name})


def world_tfvars(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.world-tfvars."""
    var = _allow_list(target)
    if var is None:
        return
    m = _module(target)
    for value, doc in m.tfvars_assignments(var.name):
        for i in _world_items(value)[:1]:
            path: JsonPath = (var.name,) if i is None else (var.name, i)
            yield Result(doc=doc, path=path, args={"name": var.name, "file": doc.path})


def no_validation(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-009.no-validation."""
    var = _allow_list(target)
    if var is None or var.block.body.first("validation") is not None:
        return
    yield Result(args={"name": var.name})
