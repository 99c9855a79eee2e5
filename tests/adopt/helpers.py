"""Running the linter on small trees for the baseline and new-only tests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.fingerprint import fingerprints
from devops_lint.rules import load_rules
from tests.integration.conftest import run_in_process
from tests.rule_cache import seeded


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def prints_of(root: Path, rule_prefix: str = "") -> dict[tuple[str, str], list[str]]:
    """{(rule, path): sorted fingerprints} of a scan of ``root``."""
    settings, _ = build_settings(root, None, {})
    result = run(root, [root], settings, load_rules())
    found = [f for f in result.findings if f.rule_id.startswith(rule_prefix)]
    out: dict[tuple[str, str], list[str]] = {}
    for f, fp in zip(found, fingerprints(found), strict=True):
        out.setdefault((f.rule_id, f.path), []).append(fp)
    return {k: sorted(v) for k, v in out.items()}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    proc = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def lint(root: Path, *args: str, cache: Path | None = None) -> tuple[int, dict[str, Any], str]:
    """(exit code, JSON report, stderr) of ``devops-lint --format json ARGS`` run in ``root``,
    with a cache folder of the test's own (beside ``root`` unless given; that one starts with
    the packaged rules parsed, see tests/rule_cache.py).

    The command runs in this process (the same ``main``, arguments, working directory and
    environment): these tests are about baselines, not the process, and an interpreter
    start-up per call was most of their time."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DEVOPS_LINT")}
    env["DEVOPS_LINT_CACHE_DIR"] = str(cache or seeded(root.parent / "devops-lint-cache"))
    done = run_in_process("--format", "json", *args, cwd=root, env=env)
    report = json.loads(done.out) if done.out.strip().startswith("{") else {}
    return done.code, report, done.err


def rules_of(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in report.get("findings", []))
