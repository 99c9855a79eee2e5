"""K8S-015…K8S-028 through the engine, including templated (unresolved) values.

Manifests are written as YAML; every string of the form ``{{ … }}`` is turned into an
``Unresolved`` value and a ``<unresolved>: x`` key marks a mapping that holds an
unresolved subtree, which is what the Helm loader produces for a chart template.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.engine import Engine
from devops_lint.model import UNRESOLVED_KEY, Unresolved
from devops_lint.project import SourceFile
from devops_lint.rules import load_rules
from devops_lint.yamlload import load_documents

RULES = [r for r in load_rules() if r.controls[0] in {f"K8S-{n:03d}" for n in range(15, 29)}]


def _templated(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _templated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_templated(v) for v in value]
    if isinstance(value, str) and value.startswith("{{"):
        return Unresolved(value)
    return value


def lint(files: dict[str, str], **settings: Any) -> set[tuple[str, str, int, str]]:
    """(rule, file, line, outcome) of every finding of the workload rules."""
    config = copy.deepcopy(DEFAULT_SETTINGS)
    config.update(settings)
    engine = Engine(Path("."), config, RULES)
    for name, text in files.items():
        kind = "helm" if "/templates/" in f"/{name}" else "yaml"
        engine.project.files.append(SourceFile(name, Path(name), kind))
        docs, _ = load_documents(text, name)
        for doc in docs:
            doc.data = _templated(doc.data)
            doc.format = "kubernetes"
            engine.project.documents.append(doc)
    engine.evaluate()
    return {(f.rule_id, f.path, f.line, f.outcome) for f in engine.findings}


def only(found: set[tuple[str, str, int, str]], prefix: str) -> set[tuple[str, int, str]]:
    return {(r, line, o) for r, _, line, o in found if r == prefix or r.startswith(prefix + ".")}


SEED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: "{{ .Values.app.name }}"
  namespace: "{{ .Values.namespace }}"
  labels:
    app: "{{ .Values.app.name }}"
    version: "{{ .Values.app.version }}"
spec:
  replicas: "{{ .Values.replicaCount }}"
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
  selector:
    matchLabels:
      app: "{{ .Values.app.name }}"
  template:
    metadata:
      labels:
        app: "{{ .Values.app.name }}"
        version: "{{ .Values.app.version }}"
    spec:
      serviceAccountName: "{{ .Values.serviceAccount.name }}"
      containers:
      - name: "{{ .Values.app.name }}"
        image: "{{ .Values.image }}"
        ports:
        - name: http
          containerPort: 3000
        env:
        - name: NODE_ENV
          value: "{{ .Values.environment }}"
        livenessProbe:
          httpGet: {path: /health/live, port: http}
          periodSeconds: 10
          timeoutSeconds: 5
        readinessProbe:
          httpGet: {path: /health/ready, port: http}
          periodSeconds: 5
          timeoutSeconds: 3
        resources:
          limits: {cpu: 500m, memory: 512Mi}
          requests: {cpu: 250m, memory: 256Mi}
"""


def test_seed_like_chart_template() -> None:
    found = lint({"chart/templates/deployment.yaml": SEED})
    assert {(r, line, o) for r, _, line, o in found} == {
        ("K8S-021.default-sa", 25, "unresolved"),
        ("K8S-022", 24, "fail"),
        ("K8S-023.default", 5, "unresolved"),
        ("K8S-024", 6, "fail"),
        ("K8S-025.replicas", 10, "unresolved"),
        ("K8S-025.spread", 24, "unresolved"),
        ("K8S-026.missing", 10, "unresolved"),
    }


def test_seed_with_values_resolved() -> None:
    text = (
        SEED.replace('"{{ .Values.namespace }}"', "production")
        .replace('"{{ .Values.replicaCount }}"', "3")
        .replace('"{{ .Values.serviceAccount.name }}"', "shop-api")
        .replace('"{{ .Values.app.name }}"', "shop-api")
    )
    found = lint({"chart/templates/deployment.yaml": text})
    assert {(r, line, o) for r, _, line, o in found} == {
        ("K8S-022", 24, "fail"),
        ("K8S-024", 6, "fail"),
        ("K8S-025.spread", 24, "fail"),
        ("K8S-026.missing", 10, "fail"),
    }


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
spec:
{spec}
"""


def pod(spec: str) -> str:
    return POD.format(spec="\n".join("  " + line for line in spec.strip("\n").splitlines()))


def test_unresolved_subtrees_make_missing_fields_unresolved() -> None:
    text = pod(
        """
<unresolved>: x
containers:
  - name: app
    <unresolved>: x
"""
    )
    found = lint({"pod.yaml": text})
    for rule in ("K8S-015.cpu", "K8S-016.memory-limit", "K8S-017.liveness"):
        assert (rule, 9, "unresolved") in only(found, rule), rule
    assert only(found, "K8S-021") == {("K8S-021.default-sa", 6, "unresolved")}
    assert only(found, "K8S-022") == {("K8S-022", 6, "unresolved")}


def test_templated_resources_and_probes() -> None:
    text = pod(
        """
containers:
  - name: app
    image: app:1
    ports: [{name: http, containerPort: "{{ .Values.port }}"}]
    resources:
      requests: {cpu: "{{ .Values.cpu }}", memory: 1Gi}
      limits: {cpu: 1, memory: "{{ .Values.memory }}"}
    livenessProbe:
      tcpSocket: {port: 8080}
      timeoutSeconds: "{{ .Values.timeout }}"
    readinessProbe:
      tcpSocket: {port: "{{ .Values.port }}"}
"""
    )
    found = lint({"pod.yaml": text})
    assert only(found, "K8S-015") == set()  # a templated request is set
    assert only(found, "K8S-016") == {("K8S-016.limit-below-request", 13, "unresolved")}
    assert only(found, "K8S-018") == {
        ("K8S-018.port-number", 15, "unresolved"),  # 8080 may be the templated containerPort
        ("K8S-018.port", 18, "unresolved"),
        ("K8S-018.timing", 16, "unresolved"),
        ("K8S-018.identical", 14, "unresolved"),  # the readiness port may be 8080 too
    }


def test_cpu_limits_can_be_waived() -> None:
    text = pod(
        "containers:\n  - name: app\n    image: app:1\n    resources: {limits: {memory: 1Gi}}"
    )
    assert ("K8S-016.cpu-limit", 8, "fail") in only(lint({"p.yaml": text}), "K8S-016")
    waived = lint({"p.yaml": text}, require_cpu_limits=False)
    assert only(waived, "K8S-016.cpu-limit") == set()


def test_timing_defaults() -> None:
    text = pod(
        """
containers:
  - name: app
    image: app:1
    livenessProbe:
      exec: {command: [check]}
      timeoutSeconds: 10
    readinessProbe:
      exec: {command: [check, --ready]}
      periodSeconds: 1
    startupProbe:
      exec: {command: [check, --start]}
      <unresolved>: x
      timeoutSeconds: 12
"""
    )
    assert only(lint({"p.yaml": text}), "K8S-018.timing") == {
        ("K8S-018.timing", 12, "fail"),  # 10 >= default period 10
        ("K8S-018.timing", 15, "fail"),  # default timeout 1 >= 1
        ("K8S-018.timing", 19, "unresolved"),  # the period may be set in the subtree
    }


def test_secret_values() -> None:
    text = pod(
        """
containers:
  - name: app
    image: app:1
    env:
      - name: DB_PASSWORD
        value: "{{ .Values.db.password }}"
      - name: API_TOKEN
        value: "{{ .Values.token | quote }}"
      - name: DATABASE_URL
        value: "postgres://app:{{ .Values.pw }}@db/app"
"""
    )
    assert only(lint({"p.yaml": text}), "K8S-019") == {
        ("K8S-019.env-literal", 12, "unresolved"),
        ("K8S-019.env-literal", 14, "unresolved"),
    }


def test_secretref_rule_is_off_by_default() -> None:
    text = pod(
        """
containers:
  - name: app
    image: app:1
    env:
      - name: DB_PASSWORD
        valueFrom: {secretKeyRef: {name: s, key: k}}
"""
    )
    assert only(lint({"p.yaml": text}), "K8S-019") == set()
    on = lint({"p.yaml": text}, prefer_secret_files=True)
    assert only(on, "K8S-019") == {("K8S-019.env-secretref", 11, "fail")}


SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
data:
{data}
"""


def test_secret_with_only_placeholders_is_unresolved() -> None:
    data = '  password: "{{ .Values.db.password | b64enc }}"\n  user: "{{ .Values.db.user }}"'
    assert only(lint({"s.yaml": SECRET.format(data=data)}), "K8S-020") == {
        ("K8S-020", 7, "unresolved")
    }
    mixed = '  password: "{{ .Values.db.password }}"\n  user: YXBw'
    assert only(lint({"s.yaml": SECRET.format(data=mixed)}), "K8S-020") == {("K8S-020", 8, "fail")}
    hidden = f"  {UNRESOLVED_KEY}: x"
    assert only(lint({"s.yaml": SECRET.format(data=hidden)}), "K8S-020") == {
        ("K8S-020", 7, "unresolved")
    }


def test_service_account_object_decides_automount() -> None:
    sa = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: "{{ .Values.sa }}"
  namespace: shop
automountServiceAccountToken: false
"""
    text = pod("serviceAccountName: app\ncontainers:\n  - {name: app, image: app:1}")
    # The ServiceAccount may be the referenced one: unresolved, not a failure.
    assert only(lint({"p.yaml": text, "sa.yaml": sa}), "K8S-022") == {("K8S-022", 6, "unresolved")}
    plain = sa.replace('"{{ .Values.sa }}"', "app")
    assert only(lint({"p.yaml": text, "sa.yaml": plain}), "K8S-022") == set()
    elsewhere = plain.replace("namespace: shop", "namespace: other")
    assert only(lint({"p.yaml": text, "sa.yaml": elsewhere}), "K8S-022") == {("K8S-022", 6, "fail")}


def test_missing_namespace_is_not_reported_in_charts() -> None:
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    assert only(lint({"c.yaml": cm}), "K8S-023") == {("K8S-023.missing", 3, "fail")}
    assert only(lint({"chart/templates/c.yaml": cm}), "K8S-023") == set()


def test_pdb_with_templated_selector_is_unresolved() -> None:
    deploy = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: api}
    spec:
      topologySpreadConstraints: "{{ toYaml .Values.spread }}"
      containers: [{name: api}]
"""
    pdb = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: shop
spec:
  maxUnavailable: 0
  selector:
    matchLabels: {app: "{{ .Values.name }}"}
"""
    found = lint({"d.yaml": deploy, "pdb.yaml": pdb})
    assert only(found, "K8S-026") == {
        ("K8S-026.missing", 7, "unresolved"),
        ("K8S-026.blocks-eviction", 7, "unresolved"),
    }
    assert only(found, "K8S-025") == set()


def test_removed_apis_follow_min_kubernetes_version() -> None:
    cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c, namespace: shop}\n"
    assert only(lint({"c.yaml": cron}), "K8S-027") == {("K8S-027", 1, "fail")}
    assert only(lint({"c.yaml": cron}, min_kubernetes_version="1.24"), "K8S-027") == set()
    templated = cron.replace("batch/v1beta1", '"{{ .Values.cronApi }}"')
    assert only(lint({"c.yaml": templated}), "K8S-027") == {("K8S-027", 1, "unresolved")}


def test_namespace_psa_label_templated() -> None:
    ns = """apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: "{{ .Values.psa }}"
"""
    assert only(lint({"ns.yaml": ns}), "K8S-028") == {("K8S-028.missing", 6, "unresolved")}


def test_pod_level_resources_count() -> None:
    text = pod(
        """
resources:
  requests: {cpu: "1", memory: 1Gi}
  limits: {cpu: "2", memory: 2Gi}
containers:
  - {name: app, image: app:1}
  - name: sidecar
    image: sidecar:1
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 32Mi}}
"""
    )
    assert only(lint({"p.yaml": text}), "K8S-015") == set()
    assert only(lint({"p.yaml": text}), "K8S-016") == {("K8S-016.limit-below-request", 14, "fail")}


def test_boolean_label_values_match_strings() -> None:
    deploy = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: api, canary: true}
    spec:
      containers: [{name: api}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {key: canary, operator: In, values: ["true"]}
"""
    assert only(lint({"d.yaml": deploy}), "K8S-026") == set()


def test_templated_strategy_is_unresolved() -> None:
    deploy = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  strategy: "{{ toYaml .Values.strategy }}"
"""
    assert only(lint({"d.yaml": deploy}), "K8S-025.strategy") == {
        ("K8S-025.strategy", 6, "unresolved")
    }
    recreate = deploy.replace('"{{ toYaml .Values.strategy }}"', "{type: Recreate}")
    assert only(lint({"d.yaml": recreate}), "K8S-025.strategy") == {("K8S-025.strategy", 6, "fail")}
