"""AWS and GCP controls decided by one boolean argument (standards sections 4 and 6).

The rule file names the argument, the value it must hold (``want``) and the provider
default an absent argument takes. AWS (hashicorp/aws v5): ``publicly_accessible`` false,
``deletion_protection`` false, CloudTrail ``enable_logging`` true and
``is_multi_region_trail`` / ``enable_log_file_validation`` false. GCP (hashicorp/google):
``enable_shielded_nodes`` and Cloud SQL ``deletion_protection`` true, ``can_ip_forward``
false. An absent argument whose default is not ``want`` is reported at the resource
header (standards 0.6 item 9); a value that is not a bool, or cannot be known, is
unresolved. (Azure's flags have two spellings per argument: ``checks_azure_flags``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import Result
from ..registry import check, params_of
from .aws_net_common import require
from .common import as_bool, resource_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


class ArgumentFlagParams(NamedTuple):
    """``arg``: the argument; ``want``: the value it must hold; ``default``: the value the
    provider gives it when absent."""

    arg: str
    want: bool
    default: bool


@check(
    "TF-AWS-021",
    "TF-AWS-022.deletion-protection",
    "TF-AWS-023.disabled",
    "TF-AWS-023.multi-region",
    "TF-AWS-023.validation",
    "TF-GCP-006.shielded",
    "TF-GCP-010.deletion-protection",
    "TF-GCP-013.ip-forward",
    target="terraform.resource",
    params=ArgumentFlagParams,
)
def argument_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """The argument ``params.arg`` (or its ``params.default`` when absent) is not ``want``."""
    p = params_of(rule, ArgumentFlagParams)

    def holds_want(value: Any) -> bool | None:
        flag = as_bool(value)
        return None if flag is None else flag is p.want

    yield from require(resource_of(target), (p.arg,), holds_want, default=p.default)
