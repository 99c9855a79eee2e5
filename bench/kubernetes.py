"""Kubernetes benchmark: 2,000 generated manifests (mixed kinds, good and bad).

Run: ``python bench/kubernetes.py [--files N]``. Reports files/s, MB/s and peak memory for a
full run, and the wall time of a one-file run and of ``--version`` (start-up cost).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from common import corpus_size, print_row, time_cli

GOOD_POD = """\
      serviceAccountName: {name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}@sha256:{digest}
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          livenessProbe:
            httpGet: {{path: /healthz, port: http}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
"""
BAD_POD = """\
      hostNetwork: true
      containers:
        - name: {name}
          image: {name}:latest
          env:
            - name: DB_PASSWORD
              value: hunter2hunter2
          securityContext:
            privileged: true
            capabilities:
              add: [SYS_ADMIN]
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
"""


def workload(kind: str, name: str, ns: str, pod: str) -> str:
    head = f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
    head += f"  labels:\n    app.kubernetes.io/name: {name}\n    team: shop\n"
    spec = f"spec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: {name}\n"
    spec += f"  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n"
    return head + spec + pod


def extras(name: str, ns: str) -> str:
    return (
        f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"spec:\n  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: http\n"
        f"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\n"
        f"  namespace: {ns}\nrules:\n  - apiGroups: ['']\n    resources: [configmaps]\n"
        f"    verbs: [get, list]\n"
    )


def generate(root: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kinds = ["Deployment", "StatefulSet", "DaemonSet"]
    for i in range(count):
        name = f"svc-{i}"
        ns = f"team-{i % 20}"
        pod = (BAD_POD if rng.random() < 0.3 else GOOD_POD).format(name=name, digest=f"{i:064x}")
        text = workload(rng.choice(kinds), name, ns, pod) + extras(name, ns)
        folder = root / f"apps/{ns}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.yaml").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.files)
        files, size = corpus_size(root)
        seconds, peak, report = time_cli([str(root)], repeat=2)
        print_row("kubernetes full run", files, size, seconds, peak)
        one = next(root.rglob("*.yaml"))
        one_s, _, _ = time_cli([str(one)], repeat=5)
        print(f"{'one-file run':<28} {one_s:.3f} s")
        start = time.perf_counter()
        import subprocess
        import sys

        for _ in range(5):
            subprocess.run(
                [sys.executable, "-m", "devops_lint", "--version"], check=True, capture_output=True
            )
        print(f"{'--version':<28} {(time.perf_counter() - start) / 5:.3f} s")
        print(f"findings: {len(report['findings'])}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
