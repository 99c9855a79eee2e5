"""Image reference parsing and the K8S-013/K8S-014 decisions built on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.kubernetes.checks_images import (
    ImageRef,
    image_facts,
    parse_image,
    registry_allowed,
)
from devops_lint.model import Finding, Unresolved
from devops_lint.rules import load_rules

DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("nginx", ImageRef("docker.io", True, "library/nginx", None, None)),
        ("nginx:1.25", ImageRef("docker.io", True, "library/nginx", "1.25", None)),
        ("redis:7.2", ImageRef("docker.io", True, "library/redis", "7.2", None)),
        ("bitnami/redis:7", ImageRef("docker.io", True, "bitnami/redis", "7", None)),
        ("myregistry/app", ImageRef("docker.io", True, "myregistry/app", None, None)),
        (
            "docker.io/library/nginx:1.25",
            ImageRef("docker.io", False, "library/nginx", "1.25", None),
        ),
        ("localhost/app:1", ImageRef("localhost", False, "app", "1", None)),
        ("localhost:5000/tools", ImageRef("localhost:5000", False, "tools", None, None)),
        (
            f"registry.example.com:5000/ns/app:1.0@{DIGEST}",
            ImageRef("registry.example.com:5000", False, "ns/app", "1.0", DIGEST),
        ),
        (f"ghcr.io/org/app@{DIGEST}", ImageRef("ghcr.io", False, "org/app", None, DIGEST)),
        ("  ghcr.io/org/app:2  ", ImageRef("ghcr.io", False, "org/app", "2", None)),
    ],
)
def test_parse_image(ref: str, expected: ImageRef) -> None:
    assert parse_image(ref) == expected


@pytest.mark.parametrize(
    ("ref", "pinned"),
    [
        (f"app@{DIGEST}", True),
        (f"app:1.0@{DIGEST}", True),
        ("app@sha256:abc123", False),  # too short
        ("app@sha256:" + "A" * 64, False),  # digests are lower-case hex
        ("app@sha512:" + "0" * 128, False),  # the standard asks for sha256
        ("app:1.0", False),
    ],
)
def test_pinned(ref: str, pinned: bool) -> None:
    assert parse_image(ref).pinned is pinned


_component = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?", fullmatch=True)
_host = st.one_of(
    st.from_regex(r"[a-z]{1,8}\.[a-z]{2,4}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}:[0-9]{2,5}", fullmatch=True),
    st.just("localhost"),
)


@given(
    host=st.one_of(st.none(), _host),
    path=st.lists(_component, min_size=1, max_size=3),
    tag=st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}", fullmatch=True)),
    digest=st.one_of(st.none(), st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True)),
)
def test_parse_image_round_trip(
    host: str | None, path: list[str], tag: str | None, digest: str | None
) -> None:
    # A bare first component with "." or ":" would itself be read as a host.
    if host is None and len(path) > 1 and ("." in path[0] or path[0] == "localhost"):
        return
    repo = "/".join(path)
    ref = (f"{host}/" if host else "") + repo
    ref += f":{tag}" if tag else ""
    ref += f"@{digest}" if digest else ""
    parsed = parse_image(ref)
    assert parsed.registry == (host or "docker.io")
    assert parsed.implicit_registry is (host is None)
    expected_repo = f"library/{repo}" if host is None and len(path) == 1 else repo
    assert parsed.repository == expected_repo
    assert parsed.tag == tag
    assert parsed.digest == digest
    assert parsed.pinned is (digest is not None)


@pytest.mark.parametrize(
    ("text", "registry", "implicit", "tag", "pinned"),
    [
        # The seed's image: nothing is known.
        ("{{ .Values.image.repository }}:{{ .Values.image.tag }}", None, None, None, None),
        ('"{{ .Values.image.repository }}:{{ .Values.image.tag }}"', None, None, None, None),
        ("ghcr.io/acme/{{ .Values.name }}:1.0", "ghcr.io", False, "other", False),
        ("ghcr.io/acme/{{ .Values.name }}:{{ .Values.tag }}", "ghcr.io", False, None, None),
        ("acme/{{ .Values.name }}:latest", "docker.io", True, "latest", False),
        ("{{ .Values.registry }}/acme/api:latest", None, None, "latest", False),
        ("{{ .Values.registry }}/acme/api", None, None, "none", False),
        (f"{{{{ .Values.registry }}}}/acme/api@{DIGEST}", None, None, "other", True),
        ("{{ .Values.repo }}@sha256:bad", None, None, None, False),
        ("{{ .Values.repo }}:{{ .Values.tag }}-alpine", None, None, None, False),
        ("<image is set in several template branches>", None, None, None, None),
    ],
)
def test_template_facts(
    text: str, registry: str | None, implicit: bool | None, tag: str | None, pinned: bool | None
) -> None:
    facts = image_facts(Unresolved(text))
    assert (facts.registry, facts.implicit_registry, facts.tag, facts.pinned) == (
        registry,
        implicit,
        tag,
        pinned,
    )


def test_literal_facts_treat_pinned_latest_as_immutable() -> None:
    facts = image_facts(f"nginx:latest@{DIGEST}")
    assert facts.pinned and facts.tag == "other"
    assert image_facts("nginx:latest").tag == "latest"
    assert image_facts("nginx").tag == "none"


ALLOWED = ["ghcr.io", "*.dkr.ecr.eu-west-1.amazonaws.com", "registry.example.com/platform"]


@pytest.mark.parametrize(
    ("image", "ok"),
    [
        ("ghcr.io/org/app:1", True),
        ("GHCR.IO/org/app:1", True),
        ("123.dkr.ecr.eu-west-1.amazonaws.com/app:1", True),
        ("registry.example.com/platform/proxy:2", True),
        ("registry.example.com/other/app:1", False),
        ("registry.example.com/platformer/app:1", False),
        ("ghcr.io.evil.example/org/app:1", False),
        ("redis:7.2", False),
        ("quay.io/prometheus/prometheus:v2", False),
        (Unresolved("ghcr.io/acme/{{ .Values.name }}:1.0"), True),
        (Unresolved("registry.example.com/{{ .Values.team }}/app:1.0"), None),
        (Unresolved("quay.io/{{ .Values.team }}/app:1.0"), False),
        (Unresolved("{{ .Values.image }}"), None),
    ],
)
def test_registry_allowed(image: str, ok: bool | None) -> None:
    assert registry_allowed(image_facts(image), ALLOWED) is ok


# ------------------------------------------------------------ through the engine


def _lint(tmp_path: Path, text: str, config: str = "") -> list[Finding]:
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    if config:
        (tmp_path / ".devops-lint.yaml").write_text(config, encoding="utf-8")
    settings, _ = build_settings(tmp_path, None, {})
    rules = [r for r in load_rules() if r.id.startswith(("K8S-013", "K8S-014"))]
    return run(tmp_path, [tmp_path], settings, rules).findings


def _pod(namespace: Any, image: str, policy: str | None = None) -> str:
    ns = f"\n  namespace: {namespace}" if namespace is not None else ""
    pol = f"\n      imagePullPolicy: {policy}" if policy else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{ns}\nspec:\n  containers:\n"
        f"    - name: c\n      image: {image}{pol}\n"
    )


@pytest.mark.parametrize(
    ("namespace", "severity"),
    [("production", "medium"), ("prod-eu", "medium"), ("Production", "medium"), ("staging", "low")],
)
def test_digest_severity_follows_namespace(tmp_path: Path, namespace: str, severity: str) -> None:
    found = _lint(tmp_path, _pod(namespace, "ghcr.io/acme/app:1.0", "Always"))
    assert [(f.rule_id, f.severity) for f in found] == [("K8S-013.digest", severity)]


def test_digest_severity_without_namespace_is_low(tmp_path: Path) -> None:
    found = _lint(tmp_path, _pod(None, "ghcr.io/acme/app:1.0", "Always"))
    assert [(f.rule_id, f.severity) for f in found] == [("K8S-013.digest", "low")]


def test_pull_policy_defaults(tmp_path: Path) -> None:
    # No tag: Kubernetes defaults to Always, so only the tag and digest rules fire.
    found = _lint(tmp_path, _pod("shop", "ghcr.io/acme/app"))
    assert sorted(f.rule_id for f in found) == ["K8S-013.digest", "K8S-013.tag"]
    # A tag other than latest defaults to IfNotPresent, reported at the container's line.
    found = _lint(tmp_path, _pod("shop", "ghcr.io/acme/app:1.0"))
    assert {(f.rule_id, f.line) for f in found} == {
        ("K8S-013.digest", 9),
        ("K8S-013.pull-policy", 8),
    }


def test_registry_rules_depend_on_allow_list(tmp_path: Path) -> None:
    found = _lint(tmp_path, _pod("shop", f"redis:7.2@{DIGEST}"))
    assert [f.rule_id for f in found] == ["K8S-014.implicit-registry"]
    found = _lint(tmp_path, _pod("shop", f"redis:7.2@{DIGEST}"), "allowed_registries: [ghcr.io]\n")
    assert [(f.rule_id, f.severity) for f in found] == [("K8S-014.registry", "medium")]
