"""Cost of linting Helm templates in place against the same manifests written plainly.

Generates N charts (default 60) of four templates each — toYaml includes, with/if/range
blocks, unresolved includes, simple references — and the manifests helm would render
from them, then times ``helm.loader.parse_file`` on the templates against
``yamlload.load_documents`` on the plain manifests. Target: at most about 2x.

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

from devops_lint.helm import values as helm_values
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
            - name: LOG_LEVEL
              value: "info"
            - name: FEATURE_X
              value: "on"
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
        for name, (tpl, rendered) in TEMPLATES.items():
            path = f"{chart}/templates/{name}"
            text = tpl.format(i=i)
            (root / path).write_text(text)
            templates.append((path, text, chart))
            plain.append((f"plain/app{i}/{name}", rendered.format(i=i, replicas=2 + i % 3)))
    return templates, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--charts", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        templates, plain = generate(root, args.charts)
        settings = {"scan_root": str(root), "helm_values_files": []}
        helm_times, warm_times, plain_times = [], [], []
        gc.disable()  # as the engine does during a run
        for _ in range(args.repeat):
            helm_values._CACHE.clear()  # each chart's values.yaml is loaded once per run
            start = time.perf_counter()
            docs = [d for p, t, c in templates for d in parse_file(p, t, c, settings)]
            helm_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            for p, t, c in templates:
                parse_file(p, t, c, settings)
            warm_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            plain_docs = [d for p, t in plain for d in load_documents(t, p)[0]]
            plain_times.append(time.perf_counter() - start)
        gc.enable()
        assert len(docs) == len(plain_docs), (len(docs), len(plain_docs))
    # The least disturbed of the repeats (the machine is shared).
    h, w, base = min(helm_times), min(warm_times), min(plain_times)
    print(f"{args.charts} charts, {len(templates)} templates, {len(docs)} documents")
    print(f"plain manifests               : {base * 1000:8.1f} ms")
    print(f"templates in place            : {h * 1000:8.1f} ms  {h / base:5.2f}x (target <= ~2x)")
    print(f"  values.yaml load, 1st lookups: {(h - w) * 1000:8.1f} ms")
    print(f"templates, values loaded      : {w * 1000:8.1f} ms  {w / base:5.2f}x")


if __name__ == "__main__":
    main()
