"""Azure controls decided by one boolean argument (standards section 5).

The rule file names the argument (every spelling: azurerm v3 and v4 differ, e.g.
``enable_rbac_authorization`` / ``rbac_authorization_enabled``) and the value it must
hold; an absent argument takes the provider default the control is about, so it is
reported too, at the resource header (standards 0.6 item 9).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..model import Result
from ..registry import check, params_of
from .azure_common import first
from .common import as_bool, resource_of

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Target
    from ..rules import Rule


class FlagParams(NamedTuple):
    """``names``: the spellings of the argument, first written wins (the rule file gives a
    list); ``want``: the value it must hold."""

    names: Sequence[str]
    want: bool


@check(
    "TF-AZ-002.local-accounts",
    "TF-AZ-007.nested-public",
    "TF-AZ-009.access-policies",
    "TF-AZ-009.purge-protection",
    "TF-AZ-013.https-only",
    target="terraform.resource",
    params=FlagParams,
)
def required_flag(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """A result unless the argument is ``want``; unresolved when its value is unknown."""
    p = params_of(rule, FlagParams)
    a = first(resource_of(target), *p.names)
    b = as_bool(a.value)
    if b is not p.want:
        yield a.result(unresolved=a.present and b is None)
