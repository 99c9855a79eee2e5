"""Image reference checks (standards K8S-013 immutable references, K8S-014 registries).

An image reference is ``[host[:port]/]path[:tag][@digest]``. The registry host is the
part before the first ``/`` when there is a ``/`` and that part contains ``.`` or ``:``
or is ``localhost``; otherwise the host is the implied ``docker.io`` (K8S-014).

A templated reference (Helm ``{{ … }}``) is judged only on what its literal text
proves: a literal ``ghcr.io/org/`` prefix fixes the host, a literal ``@sha256:…`` or
``:1.4.2`` suffix fixes the digest and tag. Anything else is unresolved.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .. import saferegex
from ..context import Context
from ..model import Result, Severity, Target, Unresolved
from ..registry import CheckFn, check
from ..rules import Rule
from .objects import Container, K8sObject, Lookup, lookup

IMPLIED_REGISTRY = "docker.io"
DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
TEMPLATE_RE = re.compile(r"\{\{.*?\}\}", re.DOTALL)

TagState = Literal["none", "latest", "other"]


@dataclass(frozen=True)
class ImageRef:
    """A fully known image reference."""

    registry: str
    implicit_registry: bool
    repository: str  # path below the registry (``library/`` added for Docker Hub names)
    tag: str | None
    digest: str | None  # as written after ``@``

    @property
    def pinned(self) -> bool:
        """True when the reference carries a ``sha256`` digest of 64 hex digits."""
        return self.digest is not None and DIGEST_RE.fullmatch(self.digest) is not None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"


def registry_host(name: str) -> tuple[str, bool]:
    """``(host, implicit)`` for a reference without its digest."""
    first, slash, _ = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first, False
    return IMPLIED_REGISTRY, True


def parse_image(ref: str) -> ImageRef:
    """Split a reference into registry, repository, tag and digest (never raises)."""
    name, at, digest = ref.strip().partition("@")
    host, implicit = registry_host(name)
    rest = name if implicit else name[len(host) + 1 :]
    colon, slash = rest.rfind(":"), rest.rfind("/")
    tag: str | None = None
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :] or None
    if implicit and host == IMPLIED_REGISTRY and "/" not in rest:
        rest = f"library/{rest}"
    return ImageRef(host, implicit, rest, tag, digest if at else None)


@dataclass(frozen=True)
class ImageFacts:
    """What is known about a reference; ``None`` means unknown (templated)."""

    registry: str | None
    implicit_registry: bool | None
    name: str  # the known leading part of ``registry/repository`` ("" when unknown)
    name_complete: bool  # ``name`` is the whole registry/repository
    tag: TagState | None
    pinned: bool | None


def _tag_state(tag: str | None) -> TagState:
    if tag is None:
        return "none"
    return "latest" if tag == "latest" else "other"


def image_facts(value: str) -> ImageFacts:
    """Facts about a literal or templated image reference."""
    if not isinstance(value, Unresolved):
        ref = parse_image(value)
        return ImageFacts(
            ref.registry,
            ref.implicit_registry,
            ref.name,
            True,
            "other" if ref.pinned and ref.tag == "latest" else _tag_state(ref.tag),
            ref.pinned,
        )
    text = str(value).strip().strip("\"'").strip()
    parts = TEMPLATE_RE.split(text)
    if len(parts) < 2:  # unresolved for a reason we cannot see into
        return ImageFacts(None, None, "", False, None, None)
    prefix, suffix = parts[0], parts[-1]
    registry: str | None = None
    implicit: bool | None = None
    name = ""
    if "/" in prefix:
        registry, implicit = registry_host(prefix)
        # Up to the last literal "/": complete path components of registry/repository.
        known = prefix[: prefix.rfind("/") + 1]
        name = f"{IMPLIED_REGISTRY}/{known}" if implicit else known
    pinned: bool | None = None
    tag: TagState | None = None
    if "@" in suffix:
        pinned = DIGEST_RE.fullmatch(suffix.rpartition("@")[2]) is not None
        if pinned:
            tag = "other"  # a digest makes the tag irrelevant
    elif suffix:
        # The literal end of the reference holds no digest, so there is none.
        pinned = False
        colon, slash = suffix.rfind(":"), suffix.rfind("/")
        if colon > slash and suffix[colon + 1 :]:
            tag = _tag_state(suffix[colon + 1 :])
        elif slash >= 0 and colon < slash:
            tag = "none"  # the last path component is literal and has no tag
    return ImageFacts(registry, implicit, name, False, tag, pinned)


def registry_allowed(facts: ImageFacts, allowed: list[str]) -> bool | None:
    """Whether the image's registry is in ``allowed`` (None: cannot tell).

    Entries are hosts (``ghcr.io``, ``localhost:5000``), ``*.``-wildcard hosts
    (``*.dkr.ecr.eu-west-1.amazonaws.com``) or host/path prefixes (``ghcr.io/acme``);
    hosts compare case-insensitively.
    """
    if facts.registry is None:
        return None
    host = facts.registry.lower()
    name = facts.name.lower()
    unknown = False
    for raw in allowed:
        entry = raw.strip().lower().rstrip("/")
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif "/" in entry:
            if name.startswith(entry + "/") or (facts.name_complete and name == entry):
                return True
            if not facts.name_complete and entry.startswith(name):
                unknown = True  # the templated rest of the path decides
        elif host == entry:
            return True
    return None if unknown else False


# ------------------------------------------------------------------------ checks


def _image(target: Target) -> tuple[Container, Lookup, ImageFacts | None]:
    c: Container = target.context["container"]
    look = lookup(c.data, c.path, "image")
    # A templated image (state "unresolved") still has literal parts worth reading.
    if isinstance(look.value, str) and look.value.strip():
        return c, look, image_facts(look.value)
    return c, look, None


def _unknown(c: Container, look: Lookup, what: str) -> Result:
    """Unresolved outcome at the image value (the container's line when hidden)."""
    if look.hidden:
        msg = f"{what} of container '{c.name}' cannot be checked: its image is templated"
        return Result(msg, span=c.anchor, unresolved=True)
    msg = f"{what} of container '{c.name}' cannot be checked: templated image {str(look.value)!r}"
    return Result(msg, path=look.path, unresolved=True)


class ImageAt(NamedTuple):
    """A container's image with literal parts to read: where it is written, its facts."""

    container: Container
    look: Lookup
    facts: ImageFacts


ImageCheck = Callable[[Target, Rule, Context, ImageAt], Iterator[Result]]


def _always(ctx: Context) -> bool:
    return True


def _on_image(
    what: str, when: Callable[[Context], bool] = _always
) -> Callable[[ImageCheck], CheckFn]:
    """A check of ``what`` (``the image tag``) of a container's image, in runs whose settings
    satisfy ``when``: the body gets the image's facts; an image with nothing literal to
    read is an unresolved outcome when it is templated, else nothing."""

    def wrap(body: ImageCheck) -> CheckFn:
        @functools.wraps(body)
        def run(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
            if not when(ctx):
                return
            c, look, facts = _image(target)
            if facts is not None:
                yield from body(target, rule, ctx, ImageAt(c, look, facts))
            elif look.unresolved:
                yield _unknown(c, look, what)

        return run

    return wrap


@check("K8S-013.tag", target="kubernetes.container")
@_on_image("the image tag")
def image_tag(target: Target, rule: Rule, ctx: Context, image: ImageAt) -> Iterator[Result]:
    """K8S-013.tag: no tag and no digest, or tag ``latest``."""
    c, look, facts = image
    if facts.pinned or facts.tag == "other":
        return
    if facts.pinned is False and facts.tag in ("none", "latest"):
        detail = "has no tag and no digest" if facts.tag == "none" else "uses the tag latest"
        yield Result(path=look.path, args={"image": look.value, "detail": detail})
    else:
        yield _unknown(c, look, "the image tag")


def _digest_severity(obj: K8sObject, ctx: Context) -> Severity:
    """Medium in production namespaces (and when the namespace is templated), else low."""
    ns = obj.namespace
    if ns is None:
        return "low"
    if isinstance(ns, Unresolved):
        return "medium"  # it may well be production: do not understate
    regex = ctx.settings.get("prod_namespace_regex")
    return "medium" if regex and saferegex.search(regex, ns) else "low"


@check("K8S-013.digest", target="kubernetes.container")
@_on_image("the image digest")
def image_digest(target: Target, rule: Rule, ctx: Context, image: ImageAt) -> Iterator[Result]:
    """K8S-013.digest: no ``@sha256:<64 hex>``; medium in production namespaces."""
    c, look, facts = image
    if facts.pinned is None:
        yield _unknown(c, look, "the image digest")
    elif not facts.pinned:
        obj: K8sObject = target.context["object"]
        severity = _digest_severity(obj, ctx)
        yield Result(path=look.path, severity=severity, args={"image": look.value})


@check("K8S-013.pull-policy", target="kubernetes.container")
def pull_policy(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """K8S-013.pull-policy: an image without digest must be pulled ``Always``."""
    c, look, facts = _image(target)
    policy = lookup(c.data, c.path, "imagePullPolicy")
    if (policy.is_set and policy.value == "Always") or (facts is not None and facts.pinned):
        return
    if facts is None and not look.unresolved:
        return  # no image to judge
    image = str(look.value) if look.value is not None else "(templated)"
    args = {"image": image, "policy": policy.value}
    name = f"container '{c.name}'"
    if policy.unresolved:
        if policy.hidden:
            msg = f"imagePullPolicy of {name} cannot be checked: part of the manifest is templated"
        else:
            msg = f"imagePullPolicy of {name} cannot be checked: templated value {policy.value!s}"
        if policy.hidden:
            yield Result(msg, span=c.anchor, unresolved=True)
        else:
            yield Result(msg, path=policy.path, unresolved=True)
        return
    if policy.is_set:
        if facts is None or facts.pinned is None:
            msg = f"imagePullPolicy {policy.value} of {name} cannot be checked: templated image"
            yield Result(msg, path=policy.path, unresolved=True)
        else:
            yield Result(path=policy.path, args=args)
        return
    # Absent: Kubernetes defaults to Always for no tag or `latest`, else IfNotPresent.
    if facts is not None and facts.pinned is False and facts.tag in ("none", "latest"):
        return
    if facts is not None and facts.pinned is False and facts.tag == "other":
        args["policy"] = "IfNotPresent (the default for a tagged image)"
        yield Result(span=c.anchor, args=args)
        return
    msg = f"the default pull policy of {name} cannot be checked: templated image {image!r}"
    yield Result(msg, span=c.anchor, unresolved=True)


def _has_allow_list(ctx: Context) -> bool:
    """``allowed_registries`` is set: K8S-014.registry decides, not implicit-registry."""
    return bool(ctx.settings.get("allowed_registries"))


@check("K8S-014.registry", target="kubernetes.container")
@_on_image("the image registry", when=_has_allow_list)
def registry(target: Target, rule: Rule, ctx: Context, image: ImageAt) -> Iterator[Result]:
    """K8S-014.registry: the host is not in a non-empty ``allowed_registries``."""
    c, look, facts = image
    allowed = ctx.settings["allowed_registries"]
    ok = registry_allowed(facts, allowed)
    if ok is None:
        yield _unknown(c, look, "the image registry")
    elif not ok:
        args = {"image": look.value, "registry": facts.registry}
        yield Result(path=look.path, args=args)


@check("K8S-014.implicit-registry", target="kubernetes.container")
@_on_image("the image registry", when=lambda ctx: not _has_allow_list(ctx))
def implicit_registry(target: Target, rule: Rule, ctx: Context, image: ImageAt) -> Iterator[Result]:
    """K8S-014.implicit-registry: with no allow-list, the host must be written out."""
    c, look, facts = image
    if facts.implicit_registry is None:
        yield _unknown(c, look, "the image registry")
    elif facts.implicit_registry:
        yield Result(path=look.path, args={"image": look.value})
