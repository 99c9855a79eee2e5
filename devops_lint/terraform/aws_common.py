"""Helpers shared by the AWS checks (``checks_aws_*.py``, standards section 4).

- values: ``known`` (resolved and not ``Unresolved``), ``is_world_cidr``,
  ``major_minor`` (numeric ``major.minor`` of a version string), ``as_bool``
  (Terraform's bool conversion), ``first_block``/``blocks`` (nested blocks of resolved
  data), ``names_resource`` (an unknown value that is a resource attribute, never ``*``);
- locations: ``arg_result`` (a finding or unresolved outcome on an argument, or on the
  header of the block that should hold it when it is absent);
- joins: ``refs_to(value, type)`` (resources an unresolved value refers to),
  ``aws_managed_key`` (a KMS key argument naming an ``alias/aws/...`` key),
  ``companions(bucket, type)`` (the split S3 resources of a bucket);
- S3 naming: ``bucket_labels``, ``matches_bucket``, ``data_bucket_regex``;
- IAM documents: ``PolicySource`` (a policy with where it is written) and
  ``policy_sources`` (identity, trust, bucket and key policies of a resource), with
  ``field_span`` pointing a finding at the ``Action``/``Resource``/``Principal`` entry;
  ``condition_keys``, ``is_public_principal``, ``principal_values``.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import saferegex
from ..model import Document, JsonPath, Result, Span, Unresolved
from ..saferegex import Regex
from .common import known
from .expr import Call, Expr, ListExpr, ObjectExpr, Ref, Template, literal_string, walk
from .module import Module
from .objects import Resource
from .policy import Policy, Statement, entry_location, policy_from_expr, statement_body
from .resolve import value_references

if TYPE_CHECKING:
    from ..context import Context

WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
DEFAULT_DATA_BUCKET_REGEX = r"(?i)(backup|bkp|snapshot|archive|dump|export|data|logs?)"
BACKUP_BUCKET_REGEX = r"(?i)(backup|bkp|snapshot)"
BUCKET_TAG_KEYS = ("Purpose", "DataClass")

# Policy arguments by resource type: identity (permission) policies, trust policies and
# resource policies. ``inline_policy`` of aws_iam_role is a repeated block.
IDENTITY_POLICY_ARGS: dict[str, tuple[str, ...]] = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_ssoadmin_permission_set_inline_policy": ("inline_policy",),
}
TRUST_POLICY_ARGS: dict[str, tuple[str, ...]] = {"aws_iam_role": ("assume_role_policy",)}
BUCKET_POLICY_ARGS: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket_policy": ("policy",),
    "aws_s3_bucket": ("policy",),  # inline argument, deprecated but still accepted in v5
}
KEY_POLICY_ARGS: dict[str, tuple[str, ...]] = {
    "aws_kms_key": ("policy",),
    "aws_kms_key_policy": ("policy",),
}

# Field names of a JSON statement and of an aws_iam_policy_document statement block.
_DOC_FIELDS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
    "Principal": "principals",
    "NotPrincipal": "not_principals",
    "Condition": "condition",
    "Effect": "effect",
}


# -- values -------------------------------------------------------------------------


def is_world_cidr(value: Any) -> bool:
    return isinstance(value, str) and known(value) and value.strip() in WORLD_CIDRS


def major_minor(value: Any) -> tuple[int, int] | None:
    """``(1, 28)`` for ``"1.28"``, ``"1.28.3"`` or ``1.28``; ``None`` when not a version."""
    if isinstance(value, bool) or not known(value):
        return None
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*v?(\d+)\.(\d+)", value)
    return (int(m.group(1)), int(m.group(2))) if m else None


def first_block(data: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """The first nested block ``name`` of resolved resource data, or ``None``."""
    found = blocks(data, name)
    return found[0] if found else None


def blocks(data: dict[str, Any] | None, name: str) -> list[dict[str, Any]]:
    """Every nested block ``name`` (dicts only).

    A block written in JSON syntax (``"provider": {"key_arn": ...}``) may reach the data
    as an object rather than a list of blocks; both forms are accepted.
    """
    if not isinstance(data, dict):
        return []
    found = data.get(name)
    if isinstance(found, dict):
        return [found]
    return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []


# -- locations ------------------------------------------------------------------------


def arg_path(resource: Resource, *parts: str | int) -> JsonPath:
    return (*resource.path, *parts)


def arg_result(
    resource: Resource,
    *parts: str | int,
    unresolved: bool = False,
    message: str | None = None,
    args: dict[str, Any] | None = None,
) -> Result:
    """A result on an argument of ``resource`` (any document of the module).

    A written argument is reported at its line; an absent one falls back to the
    header of the nearest written block (standards 0.6 item 9): the resource header
    for a top-level argument, the nested block's header for one inside it.
    """
    _ = resource.data  # registers the spans of the resolved arguments
    return Result(
        doc=resource.doc,
        path=arg_path(resource, *parts),
        unresolved=unresolved,
        message=message,
        args=args or {},
        locator=resource.address,
    )


def item_span(resource: Resource, parts: tuple[str | int, ...], index: int) -> Span | None:
    """Span of list entry ``index`` of an argument written as a list literal."""
    expr = resource.expr(*parts)
    if isinstance(expr, ListExpr) and 0 <= index < len(expr.items):
        return expr.items[index].span
    return None


# -- joins --------------------------------------------------------------------------


def refs_to(module: Module, value: Any, type_: str, mode: str = "resource") -> list[Resource]:
    """Instances of ``type_`` an unresolved value refers to (``aws_subnet.a.id``)."""
    out: list[Resource] = []
    for ref in value_references(value):
        addr = ref.resource_address()
        if addr is not None and addr[0] == mode and addr[1] == type_:
            out.extend(r for r in module.find(ref) if r not in out)
    return out


def aws_managed_key(module: Module, value: Any) -> bool:
    """A KMS key argument that names an AWS-managed key (``alias/aws/...``).

    Literal ARNs/aliases, and ``data "aws_kms_alias"``/``data "aws_kms_key"`` lookups of
    such an alias, are recognised; references to ``aws_kms_key`` resources are
    customer-managed by definition.
    """
    if isinstance(value, str) and known(value):
        return "alias/aws/" in value
    for kind in ("aws_kms_alias", "aws_kms_key"):
        for data in refs_to(module, value, kind, mode="data"):
            name = data.data.get("name") or data.data.get("key_id")
            if isinstance(name, str) and known(name) and "alias/aws/" in name:
                return True
    return False


def companions(bucket: Resource, type_: str) -> list[Resource]:
    """The ``type_`` resources configuring ``bucket`` (``aws_s3_bucket_versioning`` ...).

    Linked by ``bucket = aws_s3_bucket.x.id``/``.bucket``/``.arn``/``.name`` or the same
    literal bucket name (``Module.referencing``). A companion whose ``bucket``
    argument is written names only that bucket, so a versioning resource that merely
    mentions another bucket elsewhere (e.g. in tags) does not count.
    """
    cache = _COMPANIONS.setdefault(bucket, {})
    if type_ in cache:
        return list(cache[type_])
    out: list[Resource] = []
    for cand in bucket.module.referencing(bucket, type_):
        expr = cand.block.body.get("bucket")
        if expr is not None and not _names_bucket(cand, expr, bucket):
            continue
        out.append(cand)
    cache[type_] = out
    return list(out)


# Per-run memo of companions (resources live as long as their run's module view).
_COMPANIONS: weakref.WeakKeyDictionary[Resource, dict[str, list[Resource]]] = (
    weakref.WeakKeyDictionary()
)


def _names_bucket(cand: Resource, expr: Expr, bucket: Resource) -> bool:
    """False only when ``bucket = ...`` provably names another bucket."""
    value = cand.resolve(expr)
    if known(value):
        return isinstance(value, str) and value == bucket.data.get("bucket")
    addresses = {r.resource_address() for r in value_references(value)} - {None}
    if bucket.path in addresses:
        return True
    # each.value.bucket, a variable ...: rely on the reference found by ``referencing``.
    return not any(a is not None and a[1] == "aws_s3_bucket" for a in addresses)


# -- S3 naming ----------------------------------------------------------------------


def data_bucket_regex(ctx: Context) -> Regex | None:
    """The configured pattern of data buckets, on RE2 (None when RE2 refuses it)."""
    pattern = ctx.settings.get("data_bucket_regex") or DEFAULT_DATA_BUCKET_REGEX
    return saferegex.compile(str(pattern))


def bucket_labels(bucket: Resource) -> tuple[list[str], bool]:
    """Texts that classify a bucket (name, prefix, ``Purpose``/``DataClass`` tags).

    Returns ``(texts, partial)``: ``partial`` is true when the name, the prefix or a
    written ``Purpose``/``DataClass`` tag is unresolved; the literal parts of an
    unresolved name template (``"${var.env}-backups"``) are included in ``texts``.
    """
    texts: list[str] = []
    partial = False
    data = bucket.data
    for key in ("bucket", "bucket_prefix"):
        value = data.get(key)
        if value is None:
            continue
        if known(value) and isinstance(value, str):
            texts.append(value)
            continue
        partial = True
        expr = bucket.expr(key)
        if expr is not None:
            texts.extend(_literal_parts(expr))
    # Only a written Purpose/DataClass tag with an unknown value makes the class unknown:
    # shared tag maps (``tags = var.common_tags``) do not carry per-bucket purposes.
    tags = data.get("tags")
    if isinstance(tags, dict):
        for key in BUCKET_TAG_KEYS:
            value = tags.get(key)
            if isinstance(value, str) and known(value):
                texts.append(value)
            elif value is not None:
                partial = True
    return texts, partial


def _literal_parts(expr: Expr) -> list[str]:
    out: list[str] = []
    for node in walk(expr):
        if isinstance(node, Template):
            out.extend(p for p in node.parts if isinstance(p, str))
        else:
            s = literal_string(node)
            if s is not None:
                out.append(s)
    return out


def matches_bucket(bucket: Resource, regex: Regex | None) -> bool | None:
    """Whether the bucket's labels match ``regex``: ``None`` when unknown (or no pattern)."""
    if regex is None:
        return None
    texts, partial = bucket_labels(bucket)
    if any(regex.search(t) for t in texts):
        return True
    return None if partial else False


# -- IAM documents ------------------------------------------------------------------


@dataclass
class PolicySource:
    """A policy document and where it is written.

    ``owner`` holds the argument (``aws_iam_policy.p`` / ``("policy",)``); ``expr`` is
    the expression that produced the statements after following locals, ``doc`` the
    document it is written in, ``data_doc`` the ``aws_iam_policy_document`` data
    source when the statements come from one.
    """

    owner: Resource
    arg: tuple[str | int, ...]
    kind: str  # "identity" | "trust" | "resource" | "key"
    policy: Policy | Unresolved
    expr: Expr | None
    doc: Document
    data_doc: Resource | None = None

    def arg_result(self, **kw: Any) -> Result:
        return arg_result(self.owner, *self.arg, **kw)

    def unreadable_message(self) -> str:
        """Message of the unresolved outcome for a document that cannot be read at all."""
        return f"{self.owner.address}: policy document {self.policy} cannot be read statically"

    def statement_result(
        self,
        st: Statement,
        field: str | None = None,
        index: int | None = None,
        **kw: Any,
    ) -> Result:
        """A result at a statement's field entry (``Action`` item 2), else the statement."""
        span, doc = field_span(self, st, field, index)
        return Result(doc=doc, span=span, locator=self.owner.address, **kw)


def policy_sources(resource: Resource, kinds: frozenset[str]) -> Iterator[PolicySource]:
    """The policies of the requested kinds written in ``resource``.

    Kinds: ``identity`` (permission policies of IAM policies, roles, users, groups and
    SSO permission sets), ``trust`` (``aws_iam_role.assume_role_policy``), ``resource``
    (S3 bucket policies) and ``key`` (KMS key policies).
    """
    args: list[tuple[str | int, ...]] = []
    kind_of: dict[tuple[str | int, ...], str] = {}
    for table, kind in (
        (IDENTITY_POLICY_ARGS, "identity"),
        (TRUST_POLICY_ARGS, "trust"),
        (BUCKET_POLICY_ARGS, "resource"),
        (KEY_POLICY_ARGS, "key"),
    ):
        if kind in kinds and resource.type in table:
            for name in table[resource.type]:
                args.append((name,))
                kind_of[(name,)] = kind
    if "identity" in kinds and resource.type == "aws_iam_role":
        for i, _ in enumerate(resource.block.body.blocks_of("inline_policy")):
            args.append(("inline_policy", i, "policy"))
            kind_of[("inline_policy", i, "policy")] = "identity"
    for arg in args:
        expr = resource.expr(*arg)
        if expr is None:
            continue
        policy = policy_from_expr(resource.module, expr, resource.scope)
        if policy is None:
            continue
        origin, doc, data_doc = _origin(resource.module, expr, resource.doc)
        yield PolicySource(resource, arg, kind_of[arg], policy, origin, doc, data_doc)


def _origin(
    module: Module, expr: Expr, doc: Document, depth: int = 0
) -> tuple[Expr, Document, Resource | None]:
    """Follow ``local.x`` to the expression holding the statements."""
    if depth > 8:
        return expr, doc, None
    if isinstance(expr, Ref):
        if expr.root == "local" and len(expr.parts) == 2:
            entry = module.locals.get(str(expr.parts[1]))
            if entry is not None:
                return _origin(module, entry[0], entry[1], depth + 1)
        addr = expr.resource_address()
        if addr is not None and addr[:2] == ("data", "aws_iam_policy_document"):
            found = module.find(expr)
            if found:
                return expr, found[0].doc, found[0]
    return expr, doc, None


def _statement_objects(expr: Expr | None) -> list[ObjectExpr]:
    if not (isinstance(expr, Call) and expr.name == "jsonencode" and expr.args):
        return []
    body = expr.args[0]
    if not isinstance(body, ObjectExpr):
        return []
    for k, v in body.items:
        if literal_string(k) == "Statement":
            if isinstance(v, ListExpr):
                return [i for i in v.items if isinstance(i, ObjectExpr)]
            if isinstance(v, ObjectExpr):
                return [v]
    return []


def _entry_span(value: Expr, index: int | None) -> Span | None:
    if index is not None and isinstance(value, ListExpr) and 0 <= index < len(value.items):
        return value.items[index].span
    return value.span


def field_span(
    src: PolicySource, st: Statement, field: str | None, index: int | None
) -> tuple[Span | None, Document]:
    """Where a statement field (JSON name, e.g. ``Action``) entry is written."""
    entries = st.entry_spans.get(field, []) if field is not None else []  # JSON in a heredoc
    if index is not None and 0 <= index < len(entries):
        return entries[index], src.doc
    for obj in _statement_objects(src.expr):
        if obj.span != st.span:
            continue
        if field is not None:
            for k, v in obj.items:
                if literal_string(k) == field:
                    found = entry_location(src.owner.module, v, index, src.doc)
                    return found or (_entry_span(v, index), src.doc)
        return obj.span, src.doc
    for data_doc in _document_sources(src):
        stmts = data_doc.data.get("statement")
        if not isinstance(stmts, list):
            continue
        for n in range(len(stmts)):
            path = (*data_doc.path, "statement", n)
            if data_doc.doc.span(path) != st.span:
                continue
            if field is None or field not in _DOC_FIELDS:
                return st.span, data_doc.doc
            name = _DOC_FIELDS[field]
            # The written statement (a `statement` block or a `dynamic` one's content).
            body = statement_body(data_doc, n)
            if body is not None:
                if name in ("principals", "not_principals", "condition"):
                    inner = list(body.blocks_of(name))
                    if inner:
                        return inner[0].header, data_doc.doc
                else:
                    value = body.get(name)
                    if value is not None:
                        found = entry_location(data_doc.module, value, index, data_doc.doc)
                        return found or (_entry_span(value, index), data_doc.doc)
            return data_doc.doc.span((*path, name)), data_doc.doc
    return st.span, src.doc


def _document_sources(src: PolicySource) -> list[Resource]:
    """The data policy documents a source reads, the direct one first."""
    if src.data_doc is None:
        return []
    out = [src.data_doc]
    for r in src.owner.module.resources_of_type("aws_iam_policy_document", "data"):
        if r not in out:
            out.append(r)
    return out


def condition_keys(st: Statement) -> set[str]:
    """Lower-cased condition keys of a statement (unresolved keys omitted)."""
    return {c.key.lower() for c in st.conditions if isinstance(c.key, str) and known(c.key)}


def has_unresolved_condition(st: Statement) -> bool:
    return any(not known(c.key) or not known(c.operator) for c in st.conditions)


def principal_values(st: Statement) -> list[tuple[str, Any]]:
    """(principal type, identifier) pairs: ``("*", "*")`` for ``Principal: "*"``."""
    out: list[tuple[str, Any]] = []
    for kind, values in (st.principals or {}).items():
        for v in values:
            out.append((kind, v))
    return out


def is_public_principal(st: Statement) -> bool | None:
    """``Principal: "*"`` or ``{"AWS": "*"}``; ``None`` when a principal is unresolved."""
    pairs = [(k, v) for k, v in principal_values(st) if k in ("*", "AWS", "?")]
    if any(v == "*" for _, v in pairs):
        return True
    if any(not known(v) and not names_resource(v) for _, v in pairs):
        return None
    return False


def names_resource(value: Any) -> bool:
    """An unresolved value built from resource or data-source attributes only.

    ``aws_iam_role.app.arn`` or ``"${aws_s3_bucket.b.arn}/*"`` name one object and are
    never the wildcard ``*``, although their value is unknown.
    """
    refs = value_references(value)
    return bool(refs) and all(r.resource_address() is not None for r in refs)
