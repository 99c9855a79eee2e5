"""What other formats read from Terraform: typed facts, the package's published surface.

Cross-file checks (``crossfile/``) read Terraform only through this module, never through
the module view, the expression model or the policy reader behind it:

- ``cloud_identities``: every ``aws_iam_role`` with the statements of its trust policy
  (``IamRoleTrust``), and every Google workload identity pool provider with its
  attribute condition (``WorkloadIdentityProvider``), in module order (X-010).

Values a rule compares are plain: a string that Terraform computes (a reference, a
function call) is ``None`` here, never a half-read expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Document, JsonPath, Span, Unresolved

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project
    from .objects import Resource
    from .policy import Statement

__all__ = [
    "IamRoleTrust",
    "TrustCondition",
    "TrustStatement",
    "WorkloadIdentityProvider",
    "cloud_identities",
]

IAM_ROLE = "aws_iam_role"
GCP_PROVIDER = "google_iam_workload_identity_pool_provider"


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and not isinstance(value, Unresolved) else None


@dataclass(frozen=True)
class TrustCondition:
    """One ``Condition`` entry of a trust statement; ``None`` for what cannot be read."""

    operator: str | None  # "StringEquals", "StringLike", ...
    key: str | None  # "token.actions.githubusercontent.com:sub"
    values: tuple[str | None, ...]


@dataclass(frozen=True)
class TrustStatement:
    """A statement of a role's trust policy, and where its ``Condition`` is written."""

    allows: bool
    unresolved: bool  # the statement itself could not be read fully
    conditions: tuple[TrustCondition, ...]
    condition_doc: Document
    condition_span: Span | None  # None: at the role's header
    locator: str


@dataclass(frozen=True, eq=False)  # compared by identity
class CloudIdentity:
    """The Terraform resource defining a cloud identity, and where it is written."""

    address: str
    doc: Document
    path: JsonPath
    header: Span
    data: dict[str, Any]


@dataclass(frozen=True, eq=False)  # compared by identity
class IamRoleTrust(CloudIdentity):
    """An ``aws_iam_role``: its literal name and the statements of its readable trust policies."""

    name: str | None
    statements: tuple[TrustStatement, ...]


@dataclass(frozen=True, eq=False)  # compared by identity
class WorkloadIdentityProvider(CloudIdentity):
    """A ``google_iam_workload_identity_pool_provider`` and its attribute condition."""

    provider_id: str | None
    pool_id: str | None  # None: a reference to the pool resource
    condition: Any  # the attribute_condition value: a string, an Unresolved, or None (absent)
    mapping: Any  # the attribute_mapping value
    condition_path: JsonPath


def _condition(cond: Any) -> TrustCondition:
    return TrustCondition(
        _literal(cond.operator), _literal(cond.key), tuple(_literal(v) for v in cond.values)
    )


def _trust_statements(role: Resource) -> tuple[TrustStatement, ...]:
    from .aws_common import policy_sources

    out: list[TrustStatement] = []
    for src in policy_sources(role, frozenset({"trust"})):
        if isinstance(src.policy, Unresolved):
            continue
        for st in src.policy.statements:
            out.append(_statement(src, st))
    return tuple(out)


def _statement(src: Any, st: Statement) -> TrustStatement:
    from .aws_common import field_span

    span, doc = field_span(src, st, "Condition", None)
    conditions = tuple(_condition(c) for c in st.conditions)
    return TrustStatement(st.allows, st.unresolved, conditions, doc, span, src.owner.address)


def _identity(resource: Resource) -> IamRoleTrust | WorkloadIdentityProvider:
    where = (resource.address, resource.doc, resource.path, resource.header, resource.data)
    data = resource.data
    if resource.type == IAM_ROLE:
        return IamRoleTrust(*where, _literal(data.get("name")), _trust_statements(resource))
    return WorkloadIdentityProvider(
        *where,
        provider_id=_literal(data.get("workload_identity_pool_provider_id")),
        pool_id=_literal(data.get("workload_identity_pool_id")),
        condition=data.get("attribute_condition"),
        mapping=data.get("attribute_mapping"),
        condition_path=resource.path_of("attribute_condition"),
    )


def cloud_identities(
    project: Project, ctx: Context
) -> list[IamRoleTrust | WorkloadIdentityProvider]:
    """The run's IAM roles and workload identity providers, module by module."""

    def build() -> list[IamRoleTrust | WorkloadIdentityProvider]:
        from .module import modules_of

        return [
            _identity(r)
            for module in modules_of(project, ctx).values()
            for t in (IAM_ROLE, GCP_PROVIDER)
            for r in module.resources_of_type(t)
        ]

    result: list[IamRoleTrust | WorkloadIdentityProvider] = ctx.memo(
        "terraform.cloud_identities", build
    )
    return result
