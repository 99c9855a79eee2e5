"""Small manifests several test modules lint."""

from __future__ import annotations

# A Pod with a privileged container: K8S-001 (critical) and its companions fire on it.
PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: app
      image: busybox
      securityContext:
        privileged: true
"""
