"""Which shard owns a file: a stable hash of the file's unit.

A unit keeps together the files whose findings depend on each other's findings:

- a Helm chart (every file under the folder of a ``Chart.yaml``): values findings are
  left out where a template already reported the value;
- a Terraform directory (every file in a folder holding ``.tf`` or ``.tfvars``): the
  secrets scan leaves out a ``local`` that a rule reported where it is used;
- all Terraform and every plan document when the tree holds a plan: plan findings are
  left out where the configuration already reported the same place.

Any other file is a unit of its own. The hash is SHA-256, not Python's ``hash``: shards
run in other processes, with other hash seeds.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable

from ..project import Project

PLAN_FORMAT = "terraform-plan"
_TERRAFORM_KINDS = frozenset({"terraform", "tfvars"})


def unit_of(project: Project) -> Callable[[str], str]:
    """The unit a path belongs to (any path: a finding may sit in a file never parsed)."""
    charts = {
        posixpath.dirname(sf.path)
        for sf in project.files
        if posixpath.basename(sf.path) == "Chart.yaml"
    }
    tf_dirs = {posixpath.dirname(sf.path) for sf in project.files if sf.kind in _TERRAFORM_KINDS}
    plans = {d.path for d in project.documents if d.format == PLAN_FORMAT}

    def unit(path: str) -> str:
        folder = posixpath.dirname(path)
        if plans and (path in plans or folder in tf_dirs):
            return "terraform+plans"
        here = folder
        while True:
            if here in charts:
                return f"chart:{here}"
            if not here:
                break
            here = posixpath.dirname(here)
        if folder in tf_dirs:
            return f"terraform:{folder}"
        return f"file:{path}"

    return unit


def shard_of(unit: str, count: int) -> int:
    """The shard (0-based) of a unit among ``count``."""
    digest = hashlib.sha256(unit.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count


def owner(project: Project, index: int, count: int) -> Callable[[str], bool]:
    """True for the paths shard ``index`` (0-based) of ``count`` owns."""
    unit = unit_of(project)
    memo: dict[str, bool] = {}

    def owns(path: str) -> bool:
        found = memo.get(path)
        if found is None:
            found = memo[path] = shard_of(unit(path), count) == index
        return found

    return owns
