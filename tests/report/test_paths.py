"""One rule for report paths (#13 item 8): relative to the working directory when it holds the
file, else absolute; code-host formats relative to the repository checkout (``%SRCROOT%``)."""

from __future__ import annotations

import json
from pathlib import Path

from devops_lint.report.paths import PathMapper, display_paths
from tests.integration.conftest import run_in_process
from tests.manifests import PRIVILEGED_POD


def test_display_paths(tmp_path: Path) -> None:
    show = display_paths(tmp_path / "infra", cwd=tmp_path)
    assert show("k8s/pod.yaml") == "infra/k8s/pod.yaml"
    show = display_paths(tmp_path / "infra", cwd=tmp_path / "infra" / "k8s")
    assert show("k8s/pod.yaml") == "pod.yaml"
    show = display_paths(tmp_path / "infra", cwd=tmp_path / "docs")
    assert show("k8s/pod.yaml") == (tmp_path / "infra" / "k8s" / "pod.yaml").as_posix()


def test_code_host_paths_are_relative_to_the_checkout(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra" / "k8s").mkdir(parents=True)
    assert PathMapper(tmp_path / "infra")("k8s/pod.yaml") == "infra/k8s/pod.yaml"


def test_every_format_follows_the_rule(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra" / "k8s").mkdir(parents=True)
    (repo / "infra" / "k8s" / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")
    (repo / "docs").mkdir()
    args = ("--select", "K8S-001")

    text = run_in_process(*args, "infra/", cwd=repo).out
    assert text.startswith("infra/k8s/pod.yaml:10:")
    data = json.loads(run_in_process(*args, "--format", "json", "infra/", cwd=repo).out)
    assert [f["path"] for f in data["findings"]] == ["infra/k8s/pod.yaml"]
    inside = run_in_process(*args, ".", cwd=repo / "infra" / "k8s").out
    assert inside.startswith("pod.yaml:10:")
    outside = run_in_process(*args, "../infra", cwd=repo / "docs").out
    assert outside.startswith(f"{(repo / 'infra' / 'k8s' / 'pod.yaml').as_posix()}:10:")

    # Code hosts resolve paths against the repository root, wherever the linter ran.
    github = run_in_process(*args, "--format", "github", ".", cwd=repo / "infra").out
    assert github.startswith("::error file=infra/k8s/pod.yaml,")
    sarif = json.loads(run_in_process(*args, "--format", "sarif", "k8s", cwd=repo / "infra").out)
    run = sarif["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "infra/k8s/pod.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
