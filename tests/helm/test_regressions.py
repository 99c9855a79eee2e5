"""Regressions found by linting real-world charts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.helm.conftest import Lint

# A chart pattern from the wild: optional lists and maps guarded by `with`, inlined with
# `toYaml` beside other items or keys. Helm's `with` skips an empty value.
TEMPLATE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: op
  labels:
    app: op
    {{- with .Values.extraLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  template:
    spec:
      containers:
        - name: op
          image: "op:1.0"
          env:
            - name: A
              value: "1"
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          args:
            - --liveness=http://0.0.0.0:8080/healthz
"""


def test_empty_collections_beside_siblings_inline_nothing(
    chart: Callable[..., Path], lint: Lint
) -> None:
    chart({"values.yaml": "extraLabels: {}\nextraEnv: []\n"})
    (doc,) = lint(TEMPLATE)
    assert doc.data["metadata"]["labels"] == {"app": "op"}
    container = doc.data["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "A", "value": "1"}]
    assert container["args"] == ["--liveness=http://0.0.0.0:8080/healthz"]


def test_non_empty_collections_beside_siblings_are_still_inlined(
    chart: Callable[..., Path], lint: Lint
) -> None:
    chart({"values.yaml": "extraLabels: {team: a}\nextraEnv: [{name: B, value: '2'}]\n"})
    (doc,) = lint(TEMPLATE)
    assert doc.data["metadata"]["labels"] == {"app": "op", "team": "a"}
    env = doc.data["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
