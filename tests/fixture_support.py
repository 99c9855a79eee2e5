"""Reading ``# expect:`` annotations and running the linter on a fixture folder."""

from __future__ import annotations

import re
from pathlib import Path

from devops_lint.config import build_settings
from devops_lint.engine import RunResult, run
from devops_lint.rules import Rule, load_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT_RE = re.compile(r"(?:#|//|/\*)\s*expect:\s*(.+?)\s*(?:\*/)?$")
ITEM_RE = re.compile(
    r"^([A-Z][A-Za-z0-9.-]*?)(?:\((unresolved|fail)\))?(?:@(critical|high|medium|low|info))?$"
)
RULE_DIR_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[0-9]{3}(\.[a-z0-9-]+)?$")

Expectation = tuple[str, int, str, str]  # (path, line, rule, outcome)

_RULES: list[Rule] | None = None


def all_rules() -> list[Rule]:
    global _RULES
    if _RULES is None:
        _RULES = load_rules()
    return _RULES


def _items(text: str) -> list[tuple[str, str, str | None]]:
    out = []
    for raw in text.split(","):
        raw = raw.strip()
        if not raw:
            continue
        m = ITEM_RE.match(raw)
        if not m:
            raise ValueError(f"bad expectation {raw!r}")
        out.append((m.group(1), m.group(2) or "fail", m.group(3)))
    return out


def expectations(folder: Path) -> set[Expectation]:
    return expectations_with_severity(folder)[0]


def expectations_with_severity(
    folder: Path,
) -> tuple[set[Expectation], dict[tuple[str, int, str], str]]:
    """Expected findings, and the severity written for those annotated ``RULE@severity``."""
    found: set[Expectation] = set()
    severities: dict[tuple[str, int, str], str] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".devops-lint.yaml":
            continue
        if path.suffix == ".expect":
            target = path.with_suffix("").relative_to(folder).as_posix()
            for line in path.read_text().splitlines():
                if line.strip() and not line.startswith("#"):
                    num, items = line.split(None, 1)
                    for rule, outcome, sev in _items(items):
                        found.add((target, int(num), rule, outcome))
                        if sev:
                            severities[(target, int(num), rule)] = sev
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        rel = path.relative_to(folder).as_posix()
        for n, line in enumerate(text.splitlines(), start=1):
            m = EXPECT_RE.search(line)
            if m:
                for rule, outcome, sev in _items(m.group(1)):
                    found.add((rel, n, rule, outcome))
                    if sev:
                        severities[(rel, n, rule)] = sev
    return found, severities


def in_scope(folder_name: str, rule_id: str) -> bool:
    """Folder ``K8S-003`` compares K8S-003 and K8S-003.*; X-000 is always compared."""
    if not RULE_DIR_RE.match(folder_name):
        return True  # seed/example folders compare every rule
    return (
        rule_id == folder_name
        or rule_id.startswith(folder_name + ".")
        or rule_id.startswith("X-000.")
    )


def lint_folder(folder: Path) -> RunResult:
    settings, _ = build_settings(folder, None, {})
    rules = all_rules()
    if settings["rule_paths"]:  # a fixture may bring custom rules, as users do
        rules = load_rules(folder / p for p in settings["rule_paths"])
    result = run(folder, [folder], settings, rules)
    if settings.get("baseline"):  # a fixture may bring a baseline, as repositories do
        from devops_lint.adopt import Comparison, compare

        asked = Comparison(baseline=folder / settings["baseline"])
        compare(result, folder, [folder], asked, scan=lambda _root, _paths: [])
    return result


def actual(folder: Path, result: RunResult) -> set[Expectation]:
    return {
        (f.path, f.span.line, f.rule_id, "unresolved" if f.outcome == "unresolved" else "fail")
        for f in result.findings
        if f.suppression is None and in_scope(folder.name, f.rule_id)
    }


def fixture_folders() -> list[Path]:
    out = []
    if not FIXTURES.is_dir():
        return out
    # fixtures/security/ holds hostile repositories for tests/security, not rule fixtures.
    for fmt in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "security"):
        out.extend(sorted(p for p in fmt.iterdir() if p.is_dir()))
    return out
