"""Warm output equals cold output exactly, in every format, through random edit sequences.

Each step edits a copy of examples/ (values flipped, lines duplicated or deleted, suppression
comments added, files broken, copied, deleted or rewritten unchanged, the configuration
changed), then compares a run without the cache, a run that reuses per-file facts (something
changed since the last cached run) and a run that reuses the whole stored result.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from .support import ROOT, lint, reports

TEXT_SUFFIXES = (".yaml", ".yml", ".tf", ".tpl", ".tfvars")
FLIPS = [
    ("true", "false"),
    ("false", "true"),
    ("latest", "1.2.3"),
    ("0.0.0.0/0", "10.0.0.0/8"),
    ("severity: critical", "severity: info"),
    ("runAsNonRoot", "runAsUser"),
]
OPERATIONS = [
    "flip", "dup", "delete-line", "suppress", "delete-file", "copy", "config", "break", "touch",
]  # fmt: skip
CONFIGS = [
    "ignore: [K8S-001]\n",
    "severity_overrides: {K8S-010: low}\n",
    "select: [TF-, GHA-]\n",
    "ignore: [X-002]\nfail_on: medium\n",
    "strict_unresolved: true\n",
    None,  # no configuration file
]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)


def _edit(root: Path, rng: random.Random, last: list[tuple[str, int, str]]) -> str:
    files = _files(root)
    target = rng.choice(files)
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    op = rng.choice(OPERATIONS)
    if op == "flip":
        text = "".join(lines)
        old, new = rng.choice([f for f in FLIPS if f[0] in text] or [("\n", "\n\n")])
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    elif op in ("dup", "delete-line") and lines:
        i = rng.randrange(len(lines))
        lines[i : i + 1] = [lines[i], lines[i]] if op == "dup" else []
        target.write_text("".join(lines), encoding="utf-8")
    elif op == "suppress" and last:
        path, line, rule = rng.choice(last)
        f = root / path
        if f.is_file() and f.suffix in TEXT_SUFFIXES:
            rows = f.read_text(encoding="utf-8").splitlines(keepends=True)
            if 0 < line <= len(rows):
                reason = rng.choice(["accepted risk", ""])
                tail = f"  # devops-lint: ignore[{rule}] {reason}\n"
                rows[line - 1] = rows[line - 1].rstrip("\n") + tail
                f.write_text("".join(rows), encoding="utf-8")
    elif op == "delete-file" and len(files) > 3:
        target.unlink()
    elif op == "copy":
        shutil.copy(target, target.with_name(f"copy{rng.randrange(100)}-{target.name}"))
    elif op == "config":
        config = rng.choice(CONFIGS)
        if config is None:
            (root / ".devops-lint.yaml").unlink(missing_ok=True)
        else:
            (root / ".devops-lint.yaml").write_text(config, encoding="utf-8")
    elif op == "break":
        with target.open("a", encoding="utf-8") as handle:
            handle.write("\n: : [ {\n")
    else:
        target.write_text("".join(lines), encoding="utf-8")
    return f"{op} {target.relative_to(root)}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edit_sequences(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", root)
    rng = random.Random(seed)
    lint(root, cache=True)  # fill the cache
    last: list[tuple[str, int, str]] = []
    steps = []
    for _ in range(5):
        steps.append(_edit(root, rng, last))
        cold = lint(root, cache=False)
        cold_reports = reports(cold)
        warm_facts = reports(lint(root, cache=True))
        warm_whole = reports(lint(root, cache=True))
        for fmt, text in cold_reports.items():
            assert warm_facts[fmt] == text, (fmt, steps)
            assert warm_whole[fmt] == text, (fmt, steps)
        last = [(f.path, f.line, f.rule_id) for f in cold.findings]
    assert any(f for f in last), "the edits left nothing to compare"
