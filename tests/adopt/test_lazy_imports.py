"""A run that asks for no baseline or revision never imports the comparison machinery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = (
    "import sys\nfrom devops_lint.cli import main\n"
    "sys.argv = ['devops-lint', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "print(sorted(m for m in ('devops_lint.adopt', 'devops_lint.newfrom', 'devops_lint.gitrepo')"
    " if m in sys.modules), file=sys.stderr)\n"
)
POD = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
    "spec:\n  containers:\n    - name: c\n      image: nginx\n"
)


def _imported(cwd: Path, *args: str) -> tuple[str, str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    return proc.stdout, proc.stderr.strip().splitlines()[-1]


def test_a_plain_run_does_not_import_baseline_or_git_modules(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    out, imported = _imported(tmp_path, "pod.yaml")
    assert "K8S-" in out  # the run happened and reported
    assert imported == "[]"


def test_a_baseline_run_still_loads_them(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    _, imported = _imported(tmp_path, "pod.yaml", "--write-baseline", "baseline.json")
    assert "devops_lint.adopt" in imported
    assert (tmp_path / "baseline.json").is_file()
