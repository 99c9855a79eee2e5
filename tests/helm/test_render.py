"""``helm template`` output mapped back to template files (with a stand-in helm)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from devops_lint.helm.render import HelmNotFoundError, HelmRenderError, align, render_chart

TEMPLATE = """apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "x.labels" . | nindent 4 }}
spec:
  containers:
    - name: app
      image: {{ .Values.image }}
"""

RENDERED = """---
# Source: demo/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: release-name
  labels:
    app: demo
    team: web
spec:
  containers:
    - name: app
      image: nginx:1.27
"""


def fake_helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helm = bin_dir / "helm"
    helm.write_text("#!/bin/sh\n" + script)
    helm.chmod(helm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))


def test_without_helm_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(HelmNotFoundError, match="helm executable"):
        render_chart(str(tmp_path))


@pytest.mark.skipif(os.name != "posix", reason="stand-in helm is a shell script")
def test_rendered_documents_point_at_template_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = tmp_path / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "templates" / "pod.yaml").write_text(TEMPLATE)
    (tmp_path / "out.yaml").write_text(RENDERED)
    fake_helm(tmp_path, monkeypatch, f'cat "{tmp_path}/out.yaml"\n')
    (doc,) = render_chart("demo", ["v.yaml"], root=str(tmp_path))
    assert doc.path == "demo/templates/pod.yaml"
    assert doc.meta["chart_root"] == "demo"
    assert doc.meta["rendered"] and doc.data["metadata"]["name"] == "release-name"
    image = ("spec", "containers", 0, "image")
    assert doc.data["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert doc.span(image).line == 10
    assert doc.span(("metadata", "name")).line == 4
    assert doc.span(("metadata", "labels", "team")).line in (5, 6)


@pytest.mark.skipif(os.name != "posix", reason="stand-in helm is a shell script")
def test_helm_failure_is_a_render_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_helm(tmp_path, monkeypatch, 'echo "Error: values don\'t meet the schema" >&2\nexit 1\n')
    with pytest.raises(HelmRenderError, match="schema"):
        render_chart(str(tmp_path))


def test_align_is_monotonic() -> None:
    mapping = align(TEMPLATE, "\n" + RENDERED.split("\n", 2)[2])
    assert mapping == sorted(mapping)


PRIVILEGED = RENDERED.replace(
    "      image: nginx:1.27\n",
    "      image: nginx:1.27\n      securityContext: {privileged: true}\n",
)


def _cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="stand-in helm is a shell script")
def test_cli_helm_render_lints_rendered_output_at_template_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart = tmp_path / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    template = TEMPLATE.replace(
        "      image: {{ .Values.image }}\n",
        "      image: {{ .Values.image }}\n      securityContext: {{ .Values.sc }}\n",
    )
    (chart / "templates" / "pod.yaml").write_text(template)
    (tmp_path / "out.yaml").write_text(PRIVILEGED)
    fake_helm(tmp_path, monkeypatch, f'cat "{tmp_path}/out.yaml"\n')
    code, out, _ = _cli(["demo", "--helm-render", "--select", "K8S-001"], tmp_path)
    assert code == 1
    assert "templates/pod.yaml:11:" in out and "K8S-001" in out
    # In place (the default), the templated securityContext is only unresolved.
    code, out, _ = _cli(["demo", "--select", "K8S-001"], tmp_path)
    assert code == 0 and "unresolved" in out


def test_cli_helm_render_without_helm_exits_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", ".", "--helm-render"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert "--helm-render needs the helm binary" in proc.stderr
