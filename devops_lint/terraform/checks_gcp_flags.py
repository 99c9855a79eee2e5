"""GCP controls decided by one boolean argument written with the unsafe value.

The provider default of each of these arguments is the safe value (``deletion_protection``
and ``enable_shielded_nodes`` true, ``can_ip_forward`` false), so an absent argument
passes; the rule file names the argument and the value that is reported (``unwanted``).
A written value that is not a bool, or cannot be known, is unresolved.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..model import Result
from ..registry import check, params_of
from .common import as_bool, resource_of
from .gcp_common import at

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


class RejectedFlagParams(NamedTuple):
    """``arg``: the argument; ``unwanted``: the value reported when written."""

    arg: str
    unwanted: bool


@check(
    "TF-GCP-006.shielded",
    "TF-GCP-010.deletion-protection",
    "TF-GCP-013.ip-forward",
    target="terraform.resource",
    params=RejectedFlagParams,
)
def rejected_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """``params.arg`` written as ``params.unwanted``; unresolved when its value is unknown."""
    p = params_of(rule, RejectedFlagParams)
    r = resource_of(target)
    value = r.data.get(p.arg)
    flag = as_bool(value)
    if flag is p.unwanted:
        yield at(r, p.arg)
    elif value is not None and flag is None:
        yield at(r, p.arg, unresolved=True)
