"""Secret values in pod specs and ConfigMaps (K8S-019) and committed Secrets (K8S-020)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import UNRESOLVED_KEY, Result, Unresolved
from ..placeholders import Placeholders, placeholders_of
from ..placeholders import is_placeholder as shared_placeholder
from ..registry import check
from ..secrets_names import is_sensitive_name, name_needles, rule_from_settings
from .checks_support import undecided
from .objects import container_of, object_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

_TEMPLATE_RE = re.compile(r"^(?:\s*(?:\$\{[^}]*\}|\{\{.*?\}\}|\$\([^)]*\)|<[^<>]*>))+\s*$", re.S)
_TEMPLATE_OPENERS = ("{{", "${", "$(")
# Helm placeholders are written in private-use characters by the template loader.
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")

# Environment names that carry connection strings (K8S-019.env-literal, second clause).
_CONNECTION_NAME_RE = re.compile(r"(?i)(database_url|dsn|connection_string|_uri$|_url$)")
_URL_CREDENTIALS_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]+:([^@/?#\s]+)@")
_PASSWORD_PARAM_RE = re.compile(r"(?i)(?:^|[?&;\s])(?:password|pwd)=([^&;\s]+)")
# A few unmistakable credential shapes (subset of X-001's detectors) for ConfigMap values.
# Each detector with the literals one of which any match contains: a large ConfigMap (a
# Grafana dashboard) is searched only by the detectors whose literal it holds (`in` is a
# memchr scan; seven regex searches per value cost 2 ms per 100 KB).
_DETECTORS = (
    (
        ("PRIVATE KEY",),
        re.compile(r"-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"),
    ),
    (("AKIA", "ABIA", "ACCA"), re.compile(r"\b(AKIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    (
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b"),
    ),
    (("glpat-",), re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    (("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"), re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    (("AIza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    (("_live_",), re.compile(r"\b(sk|rk)_live_[0-9A-Za-z]{24,}\b")),
)
# `key = value` / `key: value` / `"key": "value"` inside a ConfigMap file value (properties,
# YAML, JSON, env files).
_ASSIGNMENT_RE = re.compile(
    r"(?:^|[\s{,;])(?:export\s+)?[\"']?([A-Za-z_][A-Za-z0-9_.\-]*)[\"']?\s*[:=]\s*"
    r"[\"']?(<[^<>\n]*>|[^\"'\s#,;}]+)",
    re.M,
)


def is_placeholder(value: str, ph: Placeholders | None = None) -> bool:
    """True for values that are obviously not real credentials (X-001's shared allowlist,
    devops_lint/placeholders.py), or that hold template syntax anywhere."""
    if shared_placeholder(value, ph):
        return True
    if any(opener in value for opener in _TEMPLATE_OPENERS):
        return True  # a templated fragment: the literal is supplied elsewhere
    return bool(_TEMPLATE_RE.match(value)) or bool(_PRIVATE_USE_RE.search(value))


def embedded_password(value: str, ph: Placeholders | None = None) -> str | None:
    """The literal password of ``scheme://user:pass@host`` or a ``password=`` parameter."""
    for regex in _password_regexes(value):
        for m in regex.finditer(value):
            secret = m.group(1)
            if secret and not is_placeholder(secret, ph):
                return secret
    return None


def _password_regexes(value: str) -> tuple[re.Pattern[str], ...]:
    """The password regexes that can match ``value``: each match holds a literal (``://``;
    ``password=`` or ``pwd=`` in any case), and a value without it is not searched (a
    Grafana dashboard is 100 KB). Case is folded only for ASCII text, where ``lower``
    folds exactly what ``(?i)`` does."""
    url = (_URL_CREDENTIALS_RE,) if "://" in value else ()
    if value.isascii():
        lower = value.lower()
        if "password=" not in lower and "pwd=" not in lower:
            return url
    return (*url, _PASSWORD_PARAM_RE)


_FLAGS = frozenset({"true", "false", "yes", "no", "on", "off"})


def _literal_text(value: Any) -> str | None:
    """A scalar's text when it is a non-empty literal (not a template placeholder)."""
    if value is None or isinstance(value, (dict, list, Unresolved)):
        return None
    text = value if isinstance(value, str) else str(value).lower()
    return text if text.strip() else None


def _secret_text(value: Any, ph: Placeholders | None = None) -> str | None:
    """``_literal_text`` of a value that can be a credential: not a switch like ``"true"``."""
    if isinstance(value, bool):
        return None
    text = _literal_text(value)
    if text is None or text.strip().lower() in _FLAGS or is_placeholder(text, ph):
        return None
    return text


@check("K8S-019.env-literal", target="kubernetes.container")
def env_literal(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-019.env-literal: a secret written as a literal ``env[].value``."""
    c = container_of(target)
    env = c.data.get("env")
    if not isinstance(env, list):
        return
    names_rule = rule_from_settings(ctx.settings)
    ph = placeholders_of(ctx)
    for i, entry in enumerate(env):
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        name, value = entry.get("name"), entry["value"]
        if not isinstance(name, str) or isinstance(name, Unresolved):
            continue
        path = (*c.path, "env", i, "value")
        args = {"env": name}
        if is_sensitive_name(name, names_rule):
            if isinstance(value, Unresolved):
                why = f"environment variable {name} has a templated value"
                yield undecided(target, why, path=path)
                continue
            if _secret_text(value, ph) is not None:
                yield Result(path=path, args=args)
            continue
        # An Unresolved value keeps its source text: a literal password beside a
        # placeholder host still shows.
        if (
            _CONNECTION_NAME_RE.search(name)
            and isinstance(value, str)
            and embedded_password(value, ph) is not None
        ):
            yield Result(path=path, args=args)


@check("K8S-019.env-secretref", target="kubernetes.container")
def env_secret_ref(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-019.env-secretref: a Secret exposed as environment variables (opt-in)."""
    if not ctx.settings.get("prefer_secret_files"):
        return
    c = container_of(target)
    env = c.data.get("env")
    if isinstance(env, list):
        for i, entry in enumerate(env):
            ref = entry.get("valueFrom") if isinstance(entry, dict) else None
            if isinstance(ref, dict) and "secretKeyRef" in ref:
                name = entry.get("name")
                yield Result(path=(*c.path, "env", i), args={"env": name})
    env_from = c.data.get("envFrom")
    if isinstance(env_from, list):
        for i, entry in enumerate(env_from):
            if isinstance(entry, dict) and "secretRef" in entry:
                yield Result(path=(*c.path, "envFrom", i), args={"env": "envFrom.secretRef"})


def _credential_in_text(text: str, names_rule: Any, ph: Placeholders | None = None) -> bool:
    if embedded_password(text, ph) is not None:
        return True
    for needles, detector in _DETECTORS:
        if not any(needle in text for needle in needles):
            continue
        m = detector.search(text)
        if m and not is_placeholder(m.group(0), ph):
            return True
    # Keys are ASCII, and lowering maps ASCII characters alone: a sensitive key's needle
    # is in the lowered text, so a text without any needle names no secret.
    lower = text.lower()
    if not any(n in lower for n in name_needles(names_rule)):
        return False
    for m in _ASSIGNMENT_RE.finditer(text):
        key, value = m.group(1), m.group(2)
        if is_sensitive_name(key, names_rule) and _secret_text(value, ph) is not None:
            return True
    return False


@check("K8S-019.configmap", target="kubernetes.object")
def configmap_credentials(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-019.configmap: credentials in a ConfigMap's ``data``/``binaryData``."""
    obj = object_of(target)
    if obj.api_version != "v1":  # applies_to: kind ConfigMap
        return
    names_rule = rule_from_settings(ctx.settings)
    ph = placeholders_of(ctx)
    for section in ("data", "binaryData"):
        data = obj.data.get(section)
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            if not isinstance(key, str) or key == UNRESOLVED_KEY:
                continue
            path = obj.sub(section, key)
            args = {"key": key}
            if is_sensitive_name(key, names_rule):
                if isinstance(value, Unresolved):
                    yield undecided(target, f"key {key} has a templated value", path=path)
                    continue
                binary = section == "binaryData" and _literal_text(value) is not None
                if binary or _secret_text(value, ph) is not None:
                    yield Result(path=path, args=args)
                continue
            if (
                section == "data"
                and isinstance(value, str)
                and _credential_in_text(value, names_rule, ph)
            ):
                yield Result(path=path, args=args)


def _is_sops(target: Target) -> bool:
    sops = target.doc.data.get("sops") if isinstance(target.doc.data, dict) else None
    return isinstance(sops, dict)


@check("K8S-020", target="kubernetes.object")
def secret_manifest(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-020: a ``Secret`` committed with literal ``data``/``stringData`` values."""
    obj = object_of(target)
    if obj.api_version != "v1":  # applies_to: kind Secret
        return
    if obj.data.get("type") == "kubernetes.io/service-account-token":
        return
    sops = _is_sops(target)
    first_unresolved = None
    for section in ("data", "stringData"):
        data = obj.data.get(section)
        if isinstance(data, Unresolved):
            first_unresolved = first_unresolved or obj.sub(section)
            continue
        if not isinstance(data, dict):
            continue
        for key, value in data.items():
            path = obj.sub(section, key)
            if key == UNRESOLVED_KEY:  # e.g. a Helm include that could not be inlined
                first_unresolved = first_unresolved or path
                continue
            if isinstance(value, Unresolved):
                first_unresolved = first_unresolved or path
                continue
            text = _literal_text(value)
            if text is None or (sops and text.startswith("ENC[")):
                continue
            yield Result(path=path, args={"key": key})
            return
    if first_unresolved is not None:
        why = "every data value is a template placeholder (supplied at deploy time?)"
        yield undecided(target, why, path=first_unresolved)
