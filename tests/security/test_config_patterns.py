"""Patterns a scanned repository's configuration supplies run on RE2 (linear time).

Each case sets a catastrophic pattern, ``^(a+)+$`` (exponential on Python's backtracking
``re``), where a repository can put one, and lints a file that feeds it a long run of ``a``
followed by a character that makes it fail: on ``re`` the run would not finish.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.support import run_cli

EVIL = "^(a+)+$"
LONG = "a" * 50_000 + "!"

WORKFLOW = f"""name: deploy
on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo {LONG}
"""
BUCKET = f"""resource "aws_s3_bucket" "data" {{
  bucket = "{LONG}"
}}
"""
CASES = {
    "deploy_command_patterns": (
        f'deploy_command_patterns: ["{EVIL}"]\n',
        {".github/workflows/deploy.yml": WORKFLOW},
    ),
    "permission_evidence extension": (
        "data_extensions:\n  permission_evidence.yaml:\n    evidence:\n"
        f'      - {{scope: "contents: write", command: "{EVIL}"}}\n',
        {".github/workflows/deploy.yml": WORKFLOW},
    ),
    "data_bucket_regex": (f'data_bucket_regex: "{EVIL}"\n', {"main.tf": BUCKET}),
    "secret detector extension": (
        "data_extensions:\n  secret_detectors.yaml:\n    detectors:\n"
        f'      - {{rule: X-001.high-entropy, regex: "{EVIL}"}}\n',
        {"notes.yaml": f"note: {LONG}\n"},
    ),
}


def test_a_detector_extension_still_finds_secrets(tmp_path: Path) -> None:
    """Run on RE2, an extension's detector reports what it matches, with its named group."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".devops-lint.yaml").write_text(
        "data_extensions:\n  secret_detectors.yaml:\n    detectors:\n"
        "      - {rule: X-001.high-entropy, label: ACME token, needles: [acme_],\n"
        '         regex: "acme_(?P<secret>[0-9a-f]{32})"}\n',
        encoding="utf-8",
    )
    (repo / "app.yaml").write_text(f"token: acme_{'5f3a9c1e' * 4}\n", encoding="utf-8")
    proc = run_cli("python-m", repo, "--compact", "--fail-on", "none", ".", timeout=60)
    assert "X-001" in proc.stdout, proc.stdout + proc.stderr
    assert "5f3a9c1e" * 4 not in proc.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_catastrophic_config_pattern_finishes(name: str, tmp_path: Path) -> None:
    config, files = CASES[name]
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".devops-lint.yaml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    proc = run_cli("python-m", repo, "--fail-on", "none", ".", timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
