"""What a one-file run loads: start-up is most of a pre-commit call, so heavy parts stay lazy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx
      securityContext:
        privileged: true  # devops-lint: ignore[K8S-001] node agent approved-by:@sec
"""

PROBE = """\
import json, sys
from devops_lint.cli import main
from devops_lint.rules import load_controls
sys.argv = ['devops-lint', '--format', 'json', 'pod.yaml']
try:
    main()
except SystemExit:
    pass
print(json.dumps({"controls_read": load_controls.cache_info().currsize > 0}), file=sys.stderr)
"""


def _probe(tmp_path: Path, pod: str) -> tuple[dict[str, object], dict[str, bool]]:
    (tmp_path / "pod.yaml").write_text(pod)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    return json.loads(proc.stdout), json.loads(proc.stderr.strip().splitlines()[-1])


def test_a_suppression_of_a_known_rule_does_not_read_the_control_catalogue(
    tmp_path: Path,
) -> None:
    report, loaded = _probe(tmp_path, POD)
    rules = {f["rule"] for f in report["findings"]}  # type: ignore[attr-defined]
    assert "X-000.unknown-rule" not in rules and "X-000.suppression-without-reason" not in rules
    assert loaded == {"controls_read": False}


def test_an_unknown_id_still_gets_a_suggestion_from_rules_and_controls(tmp_path: Path) -> None:
    report, loaded = _probe(tmp_path, POD.replace("K8S-001]", "K8S-0O1]"))
    unknown = [f for f in report["findings"] if f["rule"] == "X-000.unknown-rule"]  # type: ignore[attr-defined]
    assert len(unknown) == 1 and "did you mean 'K8S-001'?" in unknown[0]["message"]
    assert loaded == {"controls_read": True}
