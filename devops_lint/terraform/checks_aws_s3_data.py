"""Checks of the S3 control TF-AWS-014: data buckets keep versions, expire them, lock them
(standards 4.3, hashicorp/aws v5). Buckets are judged with their v4+ split resources as in
``checks_aws_s3.py``, whose data-bucket finder these checks share.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..checkargs import given_in_run
from ..model import Result
from ..registry import check
from .aws_common import arg_result, blocks, companions, first_block
from .checks_aws_s3 import DataBucket, data_bucket, is_backup_bucket, is_data_bucket
from .common import as_bool, known, resource_of
from .objects import Resource

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-AWS-014 ---------------------------------------------------------------------------


@check("TF-AWS-014.versioning", target="terraform.resource")
@given_in_run(data_bucket)
def versioning(target: Target, rule: Rule, ctx: Context, found: DataBucket) -> Iterator[Result]:
    """TF-AWS-014.versioning: a data bucket without ``status = "Enabled"`` versioning."""
    bucket, maybe = found
    results: list[Result] = []
    for v in companions(bucket, "aws_s3_bucket_versioning"):
        status = (first_block(v.data, "versioning_configuration") or {}).get("status")
        if status == "Enabled":
            return
        where = ("versioning_configuration", 0, "status")
        results.append(arg_result(v, *where, unresolved=not known(status) or maybe))
    inline = first_block(bucket.data, "versioning")
    if inline is not None:
        enabled = as_bool(inline.get("enabled"))
        if enabled is True:
            return
        unresolved = enabled is None or maybe
        results.append(arg_result(bucket, "versioning", 0, "enabled", unresolved=unresolved))
    if not results:
        results.append(arg_result(bucket, unresolved=maybe))
    yield results[0]


def _lifecycle_rules(bucket: Resource) -> list[tuple[Resource, dict[str, Any], bool]]:
    """(owner, rule, v4 resource?) of the bucket's lifecycle rules."""
    out: list[tuple[Resource, dict[str, Any], bool]] = []
    for cfg in companions(bucket, "aws_s3_bucket_lifecycle_configuration"):
        out.extend((cfg, r, True) for r in blocks(cfg.data, "rule"))
    out.extend((bucket, r, False) for r in blocks(bucket.data, "lifecycle_rule"))
    return out


def _rule_enabled(rule: dict[str, Any], v4: bool) -> bool | None:
    if v4:
        status = rule.get("status")
        return None if not known(status) else status == "Enabled"
    return as_bool(rule.get("enabled"))


@check("TF-AWS-014.lifecycle", target="terraform.resource")
@given_in_run(data_bucket)
def lifecycle(target: Target, rule: Rule, ctx: Context, found: DataBucket) -> Iterator[Result]:
    """TF-AWS-014.lifecycle: enabled rules with expiration and incomplete-upload cleanup."""
    bucket, maybe = found
    rules = _lifecycle_rules(bucket)
    expires: bool | None = False
    aborts: bool | None = False
    for _owner, lc, v4 in rules:
        enabled = _rule_enabled(lc, v4)
        if enabled is False:
            continue
        has_exp = bool(lc.get("expiration") or lc.get("noncurrent_version_expiration"))
        has_abort = bool(
            lc.get("abort_incomplete_multipart_upload")
            or lc.get("abort_incomplete_multipart_upload_days")
        )
        if enabled is None:
            expires = None if has_exp and expires is False else expires
            aborts = None if has_abort and aborts is False else aborts
            continue
        expires = True if has_exp else expires
        aborts = True if has_abort else aborts
    if expires is True and aborts is True:
        return
    missing = [
        name
        for name, ok in (("expiration", expires), ("abort_incomplete_multipart_upload", aborts))
        if ok is not True
    ]
    unresolved = maybe or expires is None or aborts is None
    owner = next((o for o, _, v4 in rules if v4), bucket)
    yield arg_result(owner, unresolved=unresolved, args={"missing": " and ".join(missing)})


def _lock_retention(bucket: Resource) -> tuple[bool | None, Resource | None]:
    """Whether an Object Lock configuration sets a default retention in days or years."""
    undecided = False
    owner: Resource | None = None
    configs = [
        (c, blocks(c.data, "rule"))
        for c in companions(bucket, "aws_s3_bucket_object_lock_configuration")
    ]
    configs.extend(
        (bucket, blocks(b, "rule")) for b in blocks(bucket.data, "object_lock_configuration")
    )
    for cfg, rules in configs:
        owner = owner or cfg
        for r in rules:
            for retention in blocks(r, "default_retention"):
                values = [retention.get("days"), retention.get("years")]
                if any(v is not None and known(v) for v in values):
                    return True, cfg
                if any(v is not None for v in values):
                    undecided = True
    return (None if undecided else False), owner


def _lock_enabled(bucket: Resource) -> bool | None:
    value = bucket.data.get("object_lock_enabled")
    if value is not None:
        return as_bool(value)
    inline = first_block(bucket.data, "object_lock_configuration")
    if inline is not None:
        flag = inline.get("object_lock_enabled")
        return None if not known(flag) else flag == "Enabled"
    return False


@check("TF-AWS-014.object-lock", target="terraform.resource")
def object_lock(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-014.object-lock: backup buckets enable Object Lock with a default retention."""
    bucket = resource_of(target)
    backup = is_backup_bucket(bucket)
    if backup is False or is_data_bucket(bucket, ctx) is False:
        return
    enabled = _lock_enabled(bucket)
    retention, owner = _lock_retention(bucket)
    if enabled is True and retention is True:
        return
    unresolved = backup is None or enabled is None or retention is None
    if enabled is not True:
        problem = "object_lock_enabled is not true"
        where: tuple[str | int, ...] = (
            ("object_lock_enabled",) if "object_lock_enabled" in bucket.data else ()
        )
        yield arg_result(bucket, *where, unresolved=unresolved, args={"problem": problem})
        return
    problem = "no Object Lock default retention (days or years)"
    yield arg_result(owner or bucket, unresolved=unresolved, args={"problem": problem})
