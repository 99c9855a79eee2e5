"""The worked examples of docs/custom-rules.md, run exactly as written.

Each ```` ```<lang> file=PATH ```` block is written to PATH in a fresh folder (later
examples build on earlier ones, as a reader following along would); each ```` ```console ````
block is a ``$ command`` run with bash there, followed by its exact output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "custom-rules.md"
BLOCK_RE = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```$", re.M | re.S)


def _examples() -> list[tuple[str, list[tuple[str, str | None, str]]]]:
    text = DOC.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    out = []
    for section in sections:
        if section.startswith("Example"):
            title = section.splitlines()[0]
            blocks = [(m.group(1), m.group(2), m.group(3)) for m in BLOCK_RE.finditer(section)]
            out.append((title, blocks))
    return out


EXAMPLES = _examples()


def test_the_doc_has_a_kubernetes_and_a_terraform_example() -> None:
    titles = [title for title, _ in EXAMPLES]
    assert len(titles) == 2
    assert "Kubernetes" in titles[0] and "Terraform" in titles[1]
    for _, blocks in EXAMPLES:
        assert any(lang == "console" for lang, _, _ in blocks)
        assert any(name and name.startswith("policies/") for _, name, _ in blocks)


def _run(folder: Path, command: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env["DEVOPS_LINT_CACHE_DIR"] = str(folder.parent / "cache")
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.stdout + proc.stderr


def test_examples_run_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    ran = 0
    for title, blocks in EXAMPLES:
        for lang, name, body in blocks:
            if name is not None:
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(body, encoding="utf-8")
            elif lang == "console":
                first, _, expected = body.partition("\n")
                assert first.startswith("$ "), title
                assert _run(folder, first[2:]) == expected, f"{title}: {first}"
                ran += 1
    assert ran == 2


@pytest.mark.parametrize("title", [t for t, _ in EXAMPLES])
def test_example_rules_are_valid_alone(tmp_path: Path, title: str) -> None:
    """Each example's rule file loads on its own (no other rule needed)."""
    from devops_lint.rules import load_rule_file

    blocks = dict(EXAMPLES)[title]
    for _, name, body in blocks:
        if name and name.startswith("policies/"):
            path = tmp_path / Path(name).name
            path.write_text(body, encoding="utf-8")
            assert load_rule_file(path).id == path.stem
