"""Secrets in Terraform code: TF-GEN-001 (provider credentials), TF-GEN-002 (literal
secrets in resource arguments, boot scripts and function environments) and TF-GEN-003
(sensitive variables and outputs).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` and is named by a rule
file in ``rules/terraform/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..checkargs import given_in_run
from ..model import UNRESOLVED_KEY, JsonPath, Result, Span, Unresolved
from ..placeholders import Placeholders, placeholders_of
from ..registry import check
from ..secrets_names import SensitiveNameRule, is_sensitive_name
from .common import module_of, resource_of, variable_of
from .expr import (
    Call,
    Expr,
    Literal,
    ObjectExpr,
    Ref,
    Template,
    literal_string,
    references,
    walk,
)
from .gen_common import (
    enum_like,
    is_true,
    line_of,
    names_rule,
    nested_attributes,
    nonempty,
    secret_source,
)
from .module import Module
from .objects import Output, Provider, Resource, Variable
from .secrets_text import is_placeholder, scan_text, value_hit
from .syntax import Attribute

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


@check("TF-GEN-001", target="terraform.provider")
def provider_credentials(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-001: credentials in provider blocks."""
    provider: Provider = target.context["provider"]
    m = module_of(target)
    explicit = provider_credential_args(ctx, provider.name)
    names = names_rule(ctx)
    for path, attr in nested_attributes(provider.block.body, provider.path):
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


@check("TF-GEN-002.literal-argument", target="terraform.resource")
def literal_secret_argument(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-002.literal-argument: sensitive resource arguments set to literals."""
    r = resource_of(target)
    m = module_of(target)
    names = names_rule(ctx)
    for path, attr in nested_attributes(r.block.body, r.path):
        special = attr.name == "value" and _secret_value_resource(r)
        if not special and not is_sensitive_name(attr.name, names):
            continue
        if attr.name in BOOT_ARGUMENTS:
            continue
        found = secret_source(m, attr.expr)
        if found is None:
            continue
        written = literal_string(attr.expr)
        if written is not None and not special and enum_like(attr.name, written, names):
            continue
        yield Result(path=path, args={"arg": attr.name, "source": found[0]})


def _secret_value_resource(r: Resource) -> bool:
    if r.type == "azurerm_key_vault_secret":
        return True
    if r.type == "aws_ssm_parameter":
        return r.data.get("type") == "SecureString"
    return False


@check("TF-GEN-002.bootstrap-secret", target="terraform.resource")
def bootstrap_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-002.bootstrap-secret: secrets in boot scripts and function environments."""
    r = resource_of(target)
    names = names_rule(ctx)
    ph = placeholders_of(ctx)
    for path, attr in nested_attributes(r.block.body, r.path):
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
                path=path, span=line_of(expr, hit.offset), args={"arg": arg, "what": hit.what}
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
    return line_of(expr, pos) if pos >= 0 else expr.span


# -- TF-GEN-003 ---------------------------------------------------------------------------


def secret_variable(target: Target, ctx: Context) -> Variable | None:
    """The target's variable if its name is sensitive, unless the declared type cannot hold
    a secret (bool, number)."""
    var = variable_of(target)
    type_ = var.block.body.get("type")
    if isinstance(type_, Ref) and type_.parts in (("bool",), ("number",)):
        return None
    return var if is_sensitive_name(var.name, names_rule(ctx)) else None


@check("TF-GEN-003.variable-not-sensitive", target="terraform.variable")
@given_in_run(secret_variable)
def variable_not_sensitive(
    target: Target, rule: Rule, ctx: Context, var: Variable
) -> Iterator[Result]:
    """TF-GEN-003.variable-not-sensitive."""
    value = target.data.get("sensitive")
    if isinstance(value, Unresolved):
        yield Result(path=(*var.path, "sensitive"), unresolved=True)
    elif not is_true(value):
        path = (*var.path, "sensitive") if "sensitive" in target.data else None
        yield Result(path=path)


@check("TF-GEN-003.variable-default", target="terraform.variable")
@given_in_run(secret_variable)
def variable_default(target: Target, rule: Rule, ctx: Context, var: Variable) -> Iterator[Result]:
    """TF-GEN-003.variable-default: high for a non-empty literal, else medium."""
    if var.default is None:
        return
    value = target.data.get("default")
    if value is None:
        return  # `default = null` only makes the variable optional
    severity = None if nonempty(value) else "medium"
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
            if var is not None and is_true(m.resolve_expr(var.block.body.get("sensitive"))):
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


@check("TF-GEN-003.output-not-sensitive", target="terraform.output")
def output_not_sensitive(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-GEN-003.output-not-sensitive."""
    out: Output = target.context["output"]
    value = out.block.body.get("value")
    if value is None or is_true(target.data.get("sensitive")):
        return
    if is_true(target.data.get("ephemeral")):
        return  # ephemeral outputs are neither stored nor shown
    m = module_of(target)
    ref = _secret_reference(m, value, names_rule(ctx))
    if ref is not None:
        yield Result(path=(*out.path, "value"), args={"ref": ref})
