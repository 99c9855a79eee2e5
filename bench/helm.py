"""Cost of linting Helm templates, in place and rendered, against plain manifests.

Generates N charts (default 60) of four templates each — toYaml includes, with/if/range
blocks, includes of helpers, simple references — and the manifests helm would render
from them, then times ``helm.loader.parse_file`` on the templates against
``yamlload.load_documents`` on the plain manifests. In place: at most about 2x the plain
manifests. Rendered (the charts have Chart.yaml and values.yaml, so the evaluator renders
them): at most 2x the in-place time.

    python bench/helm.py [--charts N] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devops_lint.helm import loader
from devops_lint.helm import values as helm_values
from devops_lint.helm.engine import render as helm_render
from devops_lint.helm.loader import parse_file
from devops_lint.yamlload import load_documents

VALUES = """replicaCount: {replicas}
image:
  repository: ghcr.io/acme/app{i}
  tag: "1.{i}.0"
  pullPolicy: IfNotPresent
podSecurityContext:
  runAsNonRoot: true
  runAsUser: 10001
  seccompProfile:
    type: RuntimeDefault
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
resources:
  requests: {{cpu: 100m, memory: 128Mi}}
  limits: {{cpu: 200m, memory: 256Mi}}
service:
  port: 80
config:
  LOG_LEVEL: info
  FEATURE_X: "on"
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "app.fullname" . }}}}
  namespace: team-{i}
  labels:
    {{{{- include "app.labels" . | nindent 4 }}}}
spec:
  replicas: {{{{ .Values.replicaCount }}}}
  selector:
    matchLabels:
      app: app{i}
  template:
    metadata:
      labels:
        app: app{i}
    spec:
      {{{{- with .Values.podSecurityContext }}}}
      securityContext:
        {{{{- toYaml . | nindent 8 }}}}
      {{{{- end }}}}
      containers:
        - name: app
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}"
          imagePullPolicy: {{{{ .Values.image.pullPolicy }}}}
          securityContext:
            {{{{- toYaml .Values.securityContext | nindent 12 }}}}
          resources: {{{{- toYaml .Values.resources | nindent 12 }}}}
          env:
          {{{{- range $k, $v := .Values.config }}}}
            - name: {{{{ $k }}}}
              value: {{{{ $v | quote }}}}
          {{{{- end }}}}
          ports:
            - name: http
              containerPort: 8080
"""

DEPLOYMENT_PLAIN = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
  namespace: team-{i}
  labels:
    app: app{i}
    team: t{i}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: app{i}
  template:
    metadata:
      labels:
        app: app{i}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: "ghcr.io/acme/app{i}:1.{i}.0"
          imagePullPolicy: IfNotPresent
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 200m, memory: 256Mi}}
          env:
            - name: FEATURE_X
              value: "on"
            - name: LOG_LEVEL
              value: "info"
          ports:
            - name: http
              containerPort: 8080
"""

SERVICE = """{{{{- if .Values.service }}}}
apiVersion: v1
kind: Service
metadata:
  name: app{i}
  namespace: team-{i}
spec:
  selector:
    app: app{i}
  ports:
    - port: {{{{ .Values.service.port }}}}
      targetPort: http
{{{{- end }}}}
"""

SERVICE_PLAIN = """apiVersion: v1
kind: Service
metadata:
  name: app{i}
  namespace: team-{i}
spec:
  selector:
    app: app{i}
  ports:
    - port: 80
      targetPort: http
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app{i}-config
  namespace: team-{i}
data:
  {{{{- toYaml .Values.config | nindent 2 }}}}
  extra: {{{{ .Values.extra | default "none" | quote }}}}
"""

CONFIGMAP_PLAIN = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app{i}-config
  namespace: team-{i}
data:
  LOG_LEVEL: info
  FEATURE_X: "on"
  extra: "none"
"""

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: app{i}
  namespace: team-{i}
spec:
  podSelector:
    matchLabels:
      app: app{i}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: gateway
      ports:
        - port: {{{{ .Values.service.port }}}}
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - {{port: 53, protocol: UDP}}
        - {{port: 53, protocol: TCP}}
"""

CHART = "apiVersion: v2\nname: app{i}\nversion: 0.1.{i}\n"

HELPERS = """{{{{- define "app.fullname" -}}}}
app{i}
{{{{- end }}}}
{{{{- define "app.labels" -}}}}
app: app{i}
team: t{i}
{{{{- end }}}}
"""

TEMPLATES = {
    "deployment.yaml": (DEPLOYMENT, DEPLOYMENT_PLAIN),
    "service.yaml": (SERVICE, SERVICE_PLAIN),
    "configmap.yaml": (CONFIGMAP, CONFIGMAP_PLAIN),
    "networkpolicy.yaml": (POLICY, POLICY.replace("{{{{ .Values.service.port }}}}", "80")),
}


def generate(root: Path, charts: int) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    templates: list[tuple[str, str, str]] = []  # (path, text, chart root)
    plain: list[tuple[str, str]] = []
    for i in range(charts):
        chart = f"charts/app{i}"
        (root / chart / "templates").mkdir(parents=True)
        (root / chart / "values.yaml").write_text(VALUES.format(i=i, replicas=2 + i % 3))
        (root / chart / "Chart.yaml").write_text(CHART.format(i=i))
        (root / chart / "templates/_helpers.tpl").write_text(HELPERS.format(i=i))
        for name, (tpl, rendered) in TEMPLATES.items():
            path = f"{chart}/templates/{name}"
            text = tpl.format(i=i)
            (root / path).write_text(text)
            templates.append((path, text, chart))
            plain.append((f"plain/app{i}/{name}", rendered.format(i=i, replicas=2 + i % 3)))
    return templates, plain


def _time(templates: list[tuple[str, str, str]], settings: dict[str, object]) -> float:
    helm_values._CACHE.clear()  # each chart's values.yaml is loaded once per run
    helm_render._TREES.clear()  # and each chart's templates parsed once per run
    start = time.process_time()
    for p, t, c in templates:
        parse_file(p, t, c, settings)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--charts", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        templates, plain = generate(root, args.charts)
        settings: dict[str, object] = {"scan_root": str(root), "helm_values_files": []}
        rendered_docs = [d for p, t, c in templates for d in parse_file(p, t, c, settings)]
        renders = getattr(loader, "renders")  # noqa: B009 - swapped below for the in-place view
        in_place_times, rendered_times, plain_times = [], [], []
        gc.disable()  # as the engine does during a run
        for _ in range(args.repeat):
            setattr(loader, "renders", lambda *_: False)  # noqa: B010 - charts linted in place
            in_place_times.append(_time(templates, settings))
            setattr(loader, "renders", renders)  # noqa: B010
            rendered_times.append(_time(templates, settings))
            start = time.process_time()
            plain_docs = [d for p, t in plain for d in load_documents(t, p)[0]]
            plain_times.append(time.process_time() - start)
        gc.enable()
        assert len(rendered_docs) == len(plain_docs), (len(rendered_docs), len(plain_docs))
        for doc, plain_doc in zip(rendered_docs, plain_docs, strict=True):
            assert doc.data == plain_doc.data, (doc.path, doc.data, plain_doc.data)
    # The least disturbed of the repeats (the machine is shared).
    h, r, base = min(in_place_times), min(rendered_times), min(plain_times)
    print(f"{args.charts} charts, {len(templates)} templates, {len(rendered_docs)} documents")
    print(f"plain manifests     : {base * 1000:8.1f} ms")
    print(f"templates in place  : {h * 1000:8.1f} ms  {h / base:5.2f}x plain")
    print(
        f"templates rendered  : {r * 1000:8.1f} ms  {r / base:5.2f}x plain, {r / h:5.2f}x in place"
    )
    print("(target: rendered <= 2x in place)")


if __name__ == "__main__":
    main()
