"""The report on examples/ is pinned byte for byte (JSON, and SARIF results).

Refactors of the engine must not change a single finding, message, span or fingerprint.
The SARIF golden leaves out ``tool.driver.rules``: those descriptors are the rule catalogue's
documentation, not the run's output, and ``tests/report`` validates them already.

After a deliberate change of findings, regenerate with
``DEVOPS_LINT_UPDATE_GOLDEN=1 python -m pytest tests/golden`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
UPDATE = bool(os.environ.get("DEVOPS_LINT_UPDATE_GOLDEN"))


def lint_examples(fmt: str, cache_dir: Path | None, *extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    if cache_dir is None:
        env["DEVOPS_LINT_NO_CACHE"] = "1"
    else:
        env["DEVOPS_LINT_CACHE_DIR"] = str(cache_dir)
    proc = subprocess.run(
        [sys.executable, "-m", "devops_lint", "examples", "--format", fmt, "-j", "1", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def sarif_without_descriptors(text: str) -> str:
    """The SARIF log without rule descriptors, and with the checkout's location (the one
    absolute URI, ``originalUriBaseIds``) written as ``file:///CHECKOUT/``."""
    log = json.loads(text)
    for run in log["runs"]:
        run["tool"]["driver"].pop("rules", None)
        for base in run.get("originalUriBaseIds", {}).values():
            if base.get("uri") == ROOT.as_uri() + "/":
                base["uri"] = "file:///CHECKOUT/"
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def compare(name: str, actual: str) -> None:
    golden = HERE / name
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, f"output on examples/ differs from tests/golden/{name}"


def test_json_report_on_examples_is_unchanged() -> None:
    compare("examples.json", lint_examples("json", None))


def test_sarif_report_on_examples_is_unchanged() -> None:
    compare("examples.sarif.json", sarif_without_descriptors(lint_examples("sarif", None)))


def test_reports_from_the_result_cache_are_unchanged(tmp_path: Path) -> None:
    """The first run fills the cache, the second is answered from it: both are golden."""
    cache = tmp_path / "cache"
    compare("examples.json", lint_examples("json", cache))
    compare("examples.json", lint_examples("json", cache))
    compare("examples.sarif.json", sarif_without_descriptors(lint_examples("sarif", cache)))
