"""Running the linter in process with and without the result cache, and every report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from devops_lint.cli import FORMATS, _render
from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from devops_lint.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)
EVERY_FORMAT = list(FORMATS.choices)
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
NONCE = re.compile(r"nonce(-|=\")[A-Za-z0-9_-]+")


def lint(root: Path, *, cache: bool, jobs: int = 1) -> RunResult:
    settings, _ = build_settings(root, None, {})
    rules = load_rules(Path(root, p) for p in settings["rule_paths"])
    return run(root, [root], settings, rules, today=TODAY, jobs=jobs, cache=cache)


def reports(result: RunResult) -> dict[str, str]:
    """The run's report in every output format (text with snippets and fixes)."""
    out: dict[str, str] = {}
    for fmt in EVERY_FORMAT:
        opts: dict[str, Any] = {
            "fmt": fmt,
            "sarif_category": None,
            "output": None,
            "color": "never",
            "show_fix": True,
            "quiet": False,
            "compact": False,
            "statistics": False,
        }
        text = _render(result, opts, {})
        if fmt == "html":  # its CSP nonce is random and it says when it was made, by design
            text = STAMP.sub("<time>", NONCE.sub(r"nonce\1N", text))
        out[fmt] = text
    return out
