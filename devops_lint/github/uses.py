"""``uses:`` references: the action or reusable workflow a step or job calls, and its version.

The version comes from the tag (``@v4.2.1``) or, for a commit SHA, from the trailing
comment that conventionally names it (``@08c6… # v5.0.1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_COMMENT_VERSION_RE = re.compile(r"#\s*(?:[\w.-]*@)?v?(\d+(?:\.\d+)*)\b")
_TAG_VERSION_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True)
class ActionRef:
    """A parsed ``uses:`` value."""

    raw: str
    kind: str  # "remote", "local", "docker", "invalid"
    owner: str = ""
    repo: str = ""
    subpath: str = ""  # path inside the repository, without leading "/"
    ref: str | None = None
    version: tuple[int, ...] | None = None  # from the tag, or from the trailing comment
    comment: str | None = None  # trailing ``# …`` comment on the same line

    @property
    def name(self) -> str:
        """``owner/repo[/path]`` in lower case: the action's identity."""
        base = f"{self.owner}/{self.repo}".lower()
        return f"{base}/{self.subpath.lower()}" if self.subpath else base

    @property
    def is_sha(self) -> bool:
        return self.ref is not None and bool(SHA_RE.match(self.ref))

    @property
    def is_reusable_workflow(self) -> bool:
        return self.subpath.lower().startswith(".github/workflows/")


def parse_uses(raw: str, comment: str | None = None) -> ActionRef:
    text = raw.strip()
    if text.startswith("./") or text.startswith("../") or text == ".":
        return ActionRef(raw, "local", subpath=text)
    if text.lower().startswith("docker://"):
        return ActionRef(raw, "docker", subpath=text[len("docker://") :])
    name, at, ref = text.partition("@")
    parts = name.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1] or "${{" in text:
        return ActionRef(raw, "invalid")
    version = _version_from(ref if at else None, comment)
    return ActionRef(
        raw,
        "remote",
        owner=parts[0],
        repo=parts[1],
        subpath="/".join(parts[2:]),
        ref=ref if at else None,
        version=version,
        comment=comment,
    )


def _version_from(ref: str | None, comment: str | None) -> tuple[int, ...] | None:
    if ref is not None and SHA_RE.match(ref):
        if comment:
            m = _COMMENT_VERSION_RE.search(comment)
            if m:
                return tuple(int(p) for p in m.group(1).split("."))
        return None
    if ref:
        m = _TAG_VERSION_RE.match(ref)
        if m:
            return tuple(int(p) for p in m.groups() if p is not None)
    return None
