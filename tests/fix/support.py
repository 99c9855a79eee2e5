"""Running ``devops-lint`` in-process on a copy of a before/after case (tests/fix/cases/)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from devops_lint.cli import main
from devops_lint.yamlload import load_plain

CASES = Path(__file__).resolve().parent / "cases"


@dataclass
class Case:
    name: str
    folder: Path
    select: list[str]
    unsafe: bool

    @property
    def before(self) -> Path:
        return self.folder / "before"

    @property
    def after(self) -> Path:
        return self.folder / "after"


def cases() -> list[Case]:
    out = []
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        spec: dict[str, Any] = load_plain((folder / "case.yaml").read_text())
        out.append(Case(folder.name, folder, list(spec["select"]), bool(spec["unsafe"])))
    return out


def lint(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", str(root), *args], catch_exceptions=False)
    # The bytes as written: Result.stdout turns CRLF into LF, which a patch must keep.
    return result.exit_code, result.stdout_bytes.decode(), result.stderr_bytes.decode()


def findings(root: Path, *args: str) -> list[dict[str, Any]]:
    """Unsuppressed failing findings of a run (JSON report)."""
    _, out, _ = lint(root, "--format", "json", "-q", "--fail-on", "none", *args)
    return [
        f for f in json.loads(out)["findings"] if f["outcome"] == "fail" and not f["suppressed"]
    ]


def fix(root: Path, case: Case, *extra: str) -> str:
    """Fix ``root`` with the case's selection; the command's standard error."""
    args = ["--fix", "--select", ",".join(case.select), "-q", "--fail-on", "none", *extra]
    if case.unsafe:
        args.append("--unsafe-fixes")
    _, _, err = lint(root, *args)
    return err


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def comments(text: str) -> list[str]:
    return re.findall(r"#.*", text)
