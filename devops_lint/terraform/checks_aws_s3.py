"""Checks of the S3 controls TF-AWS-010 … TF-AWS-013 (standards 4.3, hashicorp/aws v5).

TF-AWS-014 (versioning, lifecycle, object lock of data buckets): ``checks_aws_s3_data.py``.

A bucket is judged together with the v4+ split resources that configure it
(``aws_s3_bucket_public_access_block``, ``_server_side_encryption_configuration``,
``_versioning``, ``_lifecycle_configuration``, ``_object_lock_configuration``,
``_policy``, ``_acl``, ``_logging``), linked by reference or literal bucket name
(``aws_common.companions``); the deprecated inline arguments of ``aws_s3_bucket``
(``acl``, ``policy``, ``versioning``, ``lifecycle_rule``,
``server_side_encryption_configuration``, ``object_lock_configuration``) count as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..checkargs import given_in_run
from ..model import Result, Unresolved
from ..registry import check
from .aws_common import (
    BACKUP_BUCKET_REGEX,
    arg_result,
    aws_managed_key,
    blocks,
    companions,
    condition_keys,
    data_bucket_regex,
    first_block,
    has_unresolved_condition,
    is_public_principal,
    matches_bucket,
    policy_sources,
)
from .common import as_bool, known, resource_of
from .module import modules_of
from .objects import Resource
from .policy import Statement, allow_statements
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule

PAB_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
RESTRICTING_BUCKET_KEYS = frozenset(
    {
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:principalorgid",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:principalaccount",
    }
)
RESOURCE = frozenset({"resource"})


# -- TF-AWS-010 ---------------------------------------------------------------------------


def _flags_state(pab: Resource) -> bool | None:
    """All four flags true (``True``), some false or absent (``False``), else ``None``."""
    values = [as_bool(pab.data.get(f)) if f in pab.data else False for f in PAB_FLAGS]
    if all(v is True for v in values):
        return True
    if any(v is False for v in values):
        return False
    return None


def _account_block(ctx: Context) -> bool | None:
    """State of the scanned ``aws_s3_account_public_access_block`` resources (``False``: none)."""

    def build() -> bool | None:
        states = [
            _flags_state(r)
            for m in modules_of(ctx.project, ctx).values()
            for r in m.resources_of_type("aws_s3_account_public_access_block")
        ]
        if any(s is True for s in states):
            return True
        return None if any(s is None for s in states) else False

    result: bool | None = ctx.memo("aws.s3.account_pab", build)
    return result


@check("TF-AWS-010.missing", target="terraform.resource")
def pab_missing(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-010.missing: no bucket- or account-level public access block."""
    bucket = resource_of(target)
    if companions(bucket, "aws_s3_bucket_public_access_block"):
        return
    account = _account_block(ctx)
    if account is True:
        return
    yield arg_result(bucket, unresolved=account is None)


@check("TF-AWS-010.flag-false", target="terraform.resource")
def pab_flag_false(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-010.flag-false: a public access block flag false or absent (default false)."""
    r = resource_of(target)
    for flag in PAB_FLAGS:
        value = r.data.get(flag)
        state = as_bool(value) if value is not None else False
        if state is True:
            continue
        yield arg_result(
            r,
            flag,
            unresolved=state is None,
            args={"flag": flag, "state": "absent (default false)" if value is None else "false"},
        )


# -- TF-AWS-011 ---------------------------------------------------------------------------


def _grant_results(
    r: Resource, path: tuple[str | int, ...], grants: list[dict[str, Any]]
) -> Iterator[Result]:
    for i, grant in enumerate(grants):
        grantee = first_block(grant, "grantee") or grant  # v4 acl resource nests it
        uri = grantee.get("uri")
        if isinstance(uri, str) and known(uri) and uri in PUBLIC_GROUPS:
            yield arg_result(r, *path, i, args={"acl": uri.rsplit("/", 1)[-1]})
        elif uri is not None and not known(uri):
            yield arg_result(r, *path, i, unresolved=True, args={"acl": str(uri)})


@check("TF-AWS-011.public-acl", target="terraform.resource")
def public_acl(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-011.public-acl: canned public ACLs or grants to AllUsers/AuthenticatedUsers."""
    r = resource_of(target)
    acl = r.data.get("acl")
    if isinstance(acl, str) and known(acl) and acl in PUBLIC_ACLS:
        yield arg_result(r, "acl", args={"acl": acl})
    elif acl is not None and not known(acl):
        yield arg_result(r, "acl", unresolved=True, args={"acl": str(acl)})
    if r.type == "aws_s3_bucket":
        yield from _grant_results(r, ("grant",), blocks(r.data, "grant"))
        return
    for i, acp in enumerate(blocks(r.data, "access_control_policy")):
        yield from _grant_results(r, ("access_control_policy", i, "grant"), blocks(acp, "grant"))


@check("TF-AWS-011.public-policy", target="terraform.resource")
def public_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-011.public-policy: ``Allow`` to ``*`` without a restricting condition."""
    r = resource_of(target)
    for src in policy_sources(r, RESOURCE):
        if isinstance(src.policy, Unresolved):
            yield src.arg_result(unresolved=True, message=src.unreadable_message())
            continue
        for st in allow_statements(src.policy):
            public = is_public_principal(st)
            if public is False or condition_keys(st) & RESTRICTING_BUCKET_KEYS:
                continue
            unresolved = public is None or has_unresolved_condition(st) or not known(st.effect)
            yield src.statement_result(st, "Principal", None, unresolved=unresolved)


# -- TF-AWS-012 ---------------------------------------------------------------------------


def is_data_bucket(bucket: Resource, ctx: Context) -> bool | None:
    return matches_bucket(bucket, data_bucket_regex(ctx))


class DataBucket(NamedTuple):
    """A bucket that holds data (``data_bucket_regex``); ``maybe`` when its name is unknown,
    which makes every finding about it unresolved."""

    bucket: Resource
    maybe: bool


def data_bucket(target: Target, ctx: Context) -> DataBucket | None:
    """The target's bucket unless it is provably not a data bucket."""
    bucket = resource_of(target)
    data = is_data_bucket(bucket, ctx)
    return None if data is False else DataBucket(bucket, data is None)


def is_backup_bucket(bucket: Resource) -> bool | None:
    return matches_bucket(bucket, re.compile(BACKUP_BUCKET_REGEX))


def _access_log_target(bucket: Resource) -> bool:
    """The bucket receives S3 server access logs (which support SSE-S3 only)."""
    for logging in bucket.module.resources_of_type("aws_s3_bucket_logging"):
        expr = logging.block.body.get("target_bucket")
        if expr is None:
            continue
        value = logging.resolve(expr)
        if known(value):
            if isinstance(value, str) and value == bucket.data.get("bucket"):
                return True
        elif any(ref.resource_address() == bucket.path for ref in value_references(value)):
            return True
    return False


def _sse_rules(bucket: Resource) -> list[tuple[Resource, tuple[str | int, ...], dict[str, Any]]]:
    """(owner, path, apply_server_side_encryption_by_default) of every SSE rule."""
    out: list[tuple[Resource, tuple[str | int, ...], dict[str, Any]]] = []
    for cfg in companions(bucket, "aws_s3_bucket_server_side_encryption_configuration"):
        for i, rule in enumerate(blocks(cfg.data, "rule")):
            default = first_block(rule, "apply_server_side_encryption_by_default") or {}
            out.append((cfg, ("rule", i, "apply_server_side_encryption_by_default", 0), default))
    for i, inline in enumerate(blocks(bucket.data, "server_side_encryption_configuration")):
        for j, rule in enumerate(blocks(inline, "rule")):
            default = first_block(rule, "apply_server_side_encryption_by_default") or {}
            path = (
                "server_side_encryption_configuration",
                i,
                "rule",
                j,
                "apply_server_side_encryption_by_default",
                0,
            )
            out.append((bucket, path, default))
    return out


def _has_sse_config(bucket: Resource) -> bool:
    return bool(
        companions(bucket, "aws_s3_bucket_server_side_encryption_configuration")
        or blocks(bucket.data, "server_side_encryption_configuration")
    )


@check("TF-AWS-012.no-kms", target="terraform.resource")
@given_in_run(data_bucket)
def sse_kms(target: Target, rule: Rule, ctx: Context, found: DataBucket) -> Iterator[Result]:
    """TF-AWS-012.no-kms: a data bucket without SSE-KMS and a customer-managed key."""
    bucket, unresolved = found
    if not _has_sse_config(bucket):
        yield arg_result(bucket, unresolved=unresolved, args={"problem": "no default encryption"})
        return
    outcomes: list[Result] = []
    for owner, path, default in _sse_rules(bucket):
        algorithm = default.get("sse_algorithm")
        key = default.get("kms_master_key_id")
        if algorithm in ("aws:kms", "aws:kms:dsse"):
            if key is None or aws_managed_key(bucket.module, key):
                if _access_log_target(bucket):
                    return
                outcomes.append(
                    arg_result(
                        owner,
                        *path,
                        "sse_algorithm",
                        unresolved=unresolved,
                        args={"problem": "SSE-KMS with the AWS-managed aws/s3 key"},
                    )
                )
                continue
            return  # customer-managed key (or one that does not resolve, e.g. a variable)
        if algorithm == "AES256":
            if _access_log_target(bucket):
                return  # server access log targets support SSE-S3 only
            outcomes.append(
                arg_result(
                    owner,
                    *path,
                    "sse_algorithm",
                    unresolved=unresolved,
                    args={"problem": "SSE-S3 (AES256) instead of SSE-KMS"},
                )
            )
        elif algorithm is not None and not known(algorithm):
            outcomes.append(
                arg_result(
                    owner,
                    *path,
                    "sse_algorithm",
                    unresolved=True,
                    args={"problem": f"sse_algorithm {algorithm}"},
                )
            )
    yield from outcomes[:1]


@check("TF-AWS-012.sse-s3", target="terraform.resource")
def sse_s3(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-012.sse-s3: another bucket with no default encryption configuration."""
    bucket = resource_of(target)
    if is_data_bucket(bucket, ctx) is not False:
        return
    if not _has_sse_config(bucket):
        yield arg_result(bucket)


# -- TF-AWS-013 ---------------------------------------------------------------------------


def _denies_insecure_transport(st: Statement) -> bool | None:
    if st.effect != "Deny":
        return None if not known(st.effect) else False
    actions = st.actions or []
    if not any(isinstance(a, str) and known(a) and a.lower() in ("s3:*", "*") for a in actions):
        if any(not known(a) for a in actions):
            return None
        return False
    verdict: bool | None = False
    for c in st.conditions:
        if not (isinstance(c.key, str) and known(c.key)):
            verdict = None if verdict is False else verdict
            continue
        if c.key.lower() != "aws:securetransport":
            continue
        if any(
            v is False or (isinstance(v, str) and known(v) and v.lower() == "false")
            for v in c.values
        ):
            verdict = True
            break
        if any(not known(v) for v in c.values):
            verdict = None
    if verdict is not True:
        return verdict
    resources = st.resources or []
    objects = any((isinstance(r, str) and (r == "*" or r.endswith("/*"))) for r in resources)
    return bool(objects or any(not known(r) for r in resources))


@check("TF-AWS-013", target="terraform.resource")
def tls_only(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-013: the bucket policy denies ``s3:*`` when ``aws:SecureTransport`` is false."""
    bucket = resource_of(target)
    owners = [bucket, *companions(bucket, "aws_s3_bucket_policy")]
    sources = [s for o in owners for s in policy_sources(o, RESOURCE)]
    if not sources:
        yield arg_result(bucket, args={"problem": "has no bucket policy"})
        return
    undecided: Result | None = None
    for src in sources:
        if isinstance(src.policy, Unresolved):
            undecided = undecided or src.arg_result(
                unresolved=True,
                args={"problem": "its bucket policy (unresolved) may lack a statement"},
            )
            continue
        verdicts = [_denies_insecure_transport(st) for st in src.policy.statements]
        if any(v is True for v in verdicts):
            return
        if any(v is None for v in verdicts) or src.policy.unresolved:
            undecided = undecided or src.arg_result(
                unresolved=True,
                args={"problem": "its bucket policy (unresolved) may lack a statement"},
            )
    if undecided is not None:
        yield undecided
        return
    last = sources[-1]
    yield last.arg_result(args={"problem": "its bucket policy has no statement"})
