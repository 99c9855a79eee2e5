"""Checks of compute and data-store controls TF-AWS-018 … TF-AWS-022 (standards 4.5).

Each function is ``fn(target, rule, ctx) -> Iterable[Result]`` on ``terraform.resource``.
Provider defaults relied on (hashicorp/aws v5): ``metadata_options.http_tokens``
optional and ``http_put_response_hop_limit`` 1; EBS ``encrypted`` false (root and EBS
block devices, launch-template mappings) and ``aws_ebs_encryption_by_default.enabled``
true; ``storage_encrypted`` false (true for Aurora ``engine_mode = "serverless"``);
``publicly_accessible`` false; ``deletion_protection`` false; ``skip_final_snapshot``
false; DynamoDB point-in-time recovery off.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..checkargs import given
from ..model import Result
from ..registry import check
from .aws_common import arg_result, blocks, first_block
from .aws_net_common import as_int, indexed_blocks, lower, require, run_resources, unresolved_when
from .common import any_true, as_bool, known, resource_of
from .objects import Resource
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


# -- TF-AWS-018 ---------------------------------------------------------------------------


def _imds_disabled(options: dict[str, Any] | None) -> bool | None:
    if options is None or options.get("http_endpoint") is None:
        return False
    endpoint = lower(options.get("http_endpoint"))
    return None if endpoint is None else endpoint == "disabled"


def _from_launch_template(r: Resource) -> bool:
    """An instance launched from a template inherits what it does not set (checked there)."""
    return r.type == "aws_instance" and bool(indexed_blocks(r.data, "launch_template"))


@check("TF-AWS-018.tokens-optional", target="terraform.resource")
def imds_tokens(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-018.tokens-optional: ``metadata_options`` absent or tokens not required."""
    r = resource_of(target)
    options = first_block(r.data, "metadata_options")
    if options is None:
        if not _from_launch_template(r):
            yield arg_result(r)
        return
    disabled = _imds_disabled(options)
    if disabled:
        return
    tokens = options.get("http_tokens")
    where = ("metadata_options", 0, "http_tokens")
    if tokens is None:
        yield arg_result(r, *where, unresolved=disabled is None)
        return
    value = lower(tokens)
    if value is None or disabled is None:
        if value != "required":
            yield arg_result(r, *where, unresolved=True)
        return
    if value != "required":
        yield arg_result(r, *where, args={"value": str(tokens)})


@check("TF-AWS-018.hop-limit", target="terraform.resource")
def imds_hop_limit(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-018.hop-limit: ``http_put_response_hop_limit`` above 1 (absent: 1)."""
    r = resource_of(target)
    options = first_block(r.data, "metadata_options")
    if options is None or _imds_disabled(options):
        return
    hops = options.get("http_put_response_hop_limit")
    if hops is None:
        return
    where = ("metadata_options", 0, "http_put_response_hop_limit")
    n = as_int(hops)
    if n is None or _imds_disabled(options) is None:
        if n is None or n > 1:
            yield arg_result(r, *where, unresolved=True)
        return
    if n > 1:
        yield arg_result(r, *where, args={"value": n})


# -- TF-AWS-019 ---------------------------------------------------------------------------


def _encryption_by_default(ctx: Context) -> bool | None:
    """True when the scanned set enables EBS encryption by default; None when unknown."""
    resources = run_resources(ctx, "aws_ebs_encryption_by_default")
    return any_true(as_bool(r.data.get("enabled", True)) for r in resources)


def _unencrypted_ebs(
    ctx: Context, r: Resource, paths: Iterable[tuple[str | int, ...]]
) -> Iterator[Result]:
    """A result per EBS ``encrypted`` argument at ``paths`` that is not true (absent is
    false), none when the scanned set turns encryption on by default, unresolved when
    whether it does is unknown."""
    by_default = _encryption_by_default(ctx)
    if by_default:
        return
    for parts in paths:
        yield from unresolved_when(by_default is None, require(r, parts, as_bool, default=False))


@check("TF-AWS-019.volume", target="terraform.resource")
def ebs_volume(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-019.volume: ``aws_ebs_volume`` without ``encrypted = true``."""
    yield from _unencrypted_ebs(ctx, resource_of(target), [("encrypted",)])


def _instance_devices(r: Resource) -> Iterator[tuple[str | int, ...]]:
    roots = indexed_blocks(r.data, "root_block_device")
    if not roots and not _from_launch_template(r):
        yield ("root_block_device", 0, "encrypted")
    for i, _ in roots:
        yield ("root_block_device", i, "encrypted")
    for i, _ in indexed_blocks(r.data, "ebs_block_device"):
        yield ("ebs_block_device", i, "encrypted")


@check("TF-AWS-019.instance-block-device", target="terraform.resource")
def instance_block_devices(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-019.instance-block-device: root and EBS block devices of an instance."""
    r = resource_of(target)
    yield from _unencrypted_ebs(ctx, r, _instance_devices(r))


def _template_devices(r: Resource) -> Iterator[tuple[str | int, ...]]:
    for i, mapping in indexed_blocks(r.data, "block_device_mappings"):
        if mapping.get("no_device") is not None or mapping.get("virtual_name") is not None:
            continue  # instance-store or suppressed device: no EBS volume
        yield ("block_device_mappings", i, "ebs", 0, "encrypted")


@check("TF-AWS-019.launch-template", target="terraform.resource")
def launch_template_devices(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-019.launch-template: every ``block_device_mappings.ebs`` is encrypted."""
    r = resource_of(target)
    yield from _unencrypted_ebs(ctx, r, _template_devices(r))


# -- TF-AWS-020 ---------------------------------------------------------------------------

AWS_MANAGED_KEY = ("alias/aws/", ":alias/aws/")


def _storage_default(r: Resource) -> Any:
    if r.type == "aws_rds_cluster":
        mode = r.data.get("engine_mode")
        if mode is not None and not known(mode):
            return mode  # unresolved: the default depends on it
        if lower(mode) == "serverless":
            return True
    return False


def _encrypted(r: Resource) -> bool | None:
    value = r.data.get("storage_encrypted")
    if value is None:
        value = _storage_default(r)
    return as_bool(value)


def _primary_db(target: Target) -> Resource | None:
    """The target's database unless it is a read replica: a replica inherits encryption from
    its source and needs no backups of its own (the source is checked itself; some engines
    allow neither on replicas)."""
    r = resource_of(target)
    replica = r.type == "aws_db_instance" and r.data.get("replicate_source_db") is not None
    return None if replica else r


@check("TF-AWS-020.unencrypted", target="terraform.resource")
@given(_primary_db)
def db_unencrypted(target: Target, rule: Rule, ctx: Context, r: Resource) -> Iterator[Result]:
    """TF-AWS-020.unencrypted: ``storage_encrypted`` not true."""
    value = r.data.get("storage_encrypted")
    if value is None:
        default = _storage_default(r)
        if not known(default):
            yield arg_result(r, "engine_mode", unresolved=True)
        elif not default:
            yield arg_result(r)
        return
    yield from require(r, ("storage_encrypted",), as_bool)


@check("TF-AWS-020.no-cmk", target="terraform.resource")
@given(_primary_db)
def db_no_cmk(target: Target, rule: Rule, ctx: Context, r: Resource) -> Iterator[Result]:
    """TF-AWS-020.no-cmk (low): encrypted without a customer-managed ``kms_key_id``."""
    encrypted = _encrypted(r)
    if encrypted is False:
        return  # TF-AWS-020.unencrypted reports it
    key = r.data.get("kms_key_id")
    if key is None:
        yield arg_result(r, unresolved=encrypted is None)
        return
    aws_managed = any(m in key for m in AWS_MANAGED_KEY) if isinstance(key, str) else False
    if isinstance(key, str) and known(key) and (not key.strip() or aws_managed):
        yield arg_result(r, "kms_key_id", unresolved=encrypted is None)


# -- TF-AWS-021 ---------------------------------------------------------------------------


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


# -- TF-AWS-022 ---------------------------------------------------------------------------


ARN_PARTS = {
    "aws_db_instance": ("rds", "db", "identifier"),
    "aws_rds_cluster": ("rds", "cluster", "cluster_identifier"),
    "aws_dynamodb_table": ("dynamodb", "table/", "name"),
}


def _arn_pattern_covers(item: Any, r: Resource) -> bool | None:
    """Whether a literal ARN (``*`` wildcards allowed) of a backup selection names ``r``.

    Region and account are not known statically and are taken to match.
    """
    if not isinstance(item, str):
        return False
    if item == "*":
        return True
    service, kind, name_arg = ARN_PARTS.get(r.type, ("", "", ""))
    parts = item.split(":", 5)
    if len(parts) < 6 or not service or not fnmatch.fnmatchcase(service, parts[2]):
        return False
    name = r.data.get(name_arg)
    sep = "" if kind.endswith("/") else ":"
    if isinstance(name, str) and known(name):
        return fnmatch.fnmatchcase(f"{kind}{sep}{name}", parts[5])
    # Unknown name: only a pattern open after the resource kind surely covers it.
    if parts[5] in (f"{kind}{sep}*", "*"):
        return True
    return None if fnmatch.fnmatchcase(kind, parts[5][: len(kind)]) else False


def _selection_covers(selection: Resource, r: Resource) -> bool | None:
    """Whether an ``aws_backup_selection`` covers ``r``: by reference, ``*`` or tag."""
    undecided = False
    resources = selection.data.get("resources")
    items = resources if isinstance(resources, list) else [resources]
    for item in items:
        if item is None:
            continue
        if known(item):
            verdict = _arn_pattern_covers(item, r)
            if verdict:
                return True
            undecided = undecided or verdict is None
            continue
        refs = value_references(item)
        named = [ref.resource_address() for ref in refs]
        if selection.module is r.module and r.path in named:
            return True
        if refs and all(a is not None and a[0] == "resource" for a in named):
            continue  # names other managed resources
        undecided = True  # a variable, data source or module output: maybe this one
    tags = r.data.get("tags")
    for tag in blocks(selection.data, "selection_tag"):
        key, value = tag.get("key"), tag.get("value")
        if tags is None:
            break  # an untagged resource matches no tag condition
        if not (known(key) and known(value)) or not isinstance(tags, dict):
            undecided = True
            continue
        actual = tags.get(key)
        if actual is None:
            continue
        if not known(actual):
            undecided = True
        elif actual == value:
            return True
    return None if undecided else False


def _backup_covered(ctx: Context, r: Resource) -> bool | None:
    selections = run_resources(ctx, "aws_backup_selection")
    return any_true(_selection_covers(s, r) for s in selections)


def _with_backup(ctx: Context, r: Resource, results: Iterator[Result]) -> Iterator[Result]:
    """Drop findings when AWS Backup covers ``r``; make them unresolved when unknown."""
    covered: bool | None = False
    first = True
    for res in results:
        if first:
            covered = _backup_covered(ctx, r)
            first = False
        if covered:
            return
        if covered is None:
            res.unresolved = True
        yield res


@check("TF-AWS-022.retention", target="terraform.resource")
@given(_primary_db)
def db_retention(target: Target, rule: Rule, ctx: Context, r: Resource) -> Iterator[Result]:
    """TF-AWS-022.retention: ``backup_retention_period`` absent or below the minimum."""
    minimum = as_int(ctx.settings.get("min_backup_retention_days")) or 7

    def ok(value: Any) -> bool | None:
        n = as_int(value)
        return None if n is None else n >= minimum

    results = require(r, ("backup_retention_period",), ok, args={"minimum": minimum})
    yield from _with_backup(ctx, r, results)


@check("TF-AWS-022.skip-final-snapshot", target="terraform.resource")
@given(_primary_db)
def db_skip_final_snapshot(
    target: Target, rule: Rule, ctx: Context, r: Resource
) -> Iterator[Result]:
    """TF-AWS-022.skip-final-snapshot: ``skip_final_snapshot = true``."""
    results = require(r, ("skip_final_snapshot",), lambda v: _negate(as_bool(v)), default=False)
    yield from _with_backup(ctx, r, results)


@check("TF-AWS-022.dynamodb-pitr", target="terraform.resource")
def dynamodb_pitr(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """TF-AWS-022.dynamodb-pitr: no ``point_in_time_recovery { enabled = true }``."""
    r = resource_of(target)
    results = require(r, ("point_in_time_recovery", 0, "enabled"), as_bool, default=False)
    yield from _with_backup(ctx, r, results)
