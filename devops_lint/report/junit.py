"""JUnit XML (``--format junit``) for CI systems that show test reports.

One test suite per control, one test case per control and file: the case fails when the control
has findings in the file (each finding a line of the failure's text), is skipped when its only
findings are unresolved or accepted exceptions, and passes when the control evaluated the file
and found nothing. Controls are those of the ``--compliance`` frameworks, or else every control
that evaluated something or reported a finding. ``schemas/junit.xsd`` describes the output.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..compliance.outcomes import ControlOutcome, control_outcomes
from ..model import SEVERITIES, Finding
from ..terminal import escaped_byte
from .paths import display_paths

if TYPE_CHECKING:
    from ..engine import RunResult

# Characters XML 1.0 cannot hold at all; a scanned value may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return escaped_byte(match.group()) or "\ufffd"  # a name's byte is shown as such


def _controls(result: RunResult) -> list[ControlOutcome]:
    if result.compliance:
        seen: dict[str, ControlOutcome] = {}
        for fw in result.compliance:
            for cid, outcome in fw.controls.items():
                seen.setdefault(cid, outcome)
        return [seen[c] for c in sorted(seen)]
    ids = {c for r in result.rules for c in r.controls}
    ids |= {c for f in result.findings for c in f.controls}
    outcomes = control_outcomes(result, sorted(ids))
    return [o for o in outcomes.values() if o.evaluated or o.findings]


def _line(f: Finding, shown: str) -> str:
    return f"{shown}:{f.span.line}:{f.span.column}: {f.severity} {f.rule_id} {f.message}"


def render(result: RunResult) -> str:
    show = display_paths(result.project.root)
    root = ET.Element("testsuites", name="devops-lint")
    totals: Counter[str] = Counter()
    for control in _controls(result):
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for f in control.findings:
            by_file[f.path].append(f)
        files = sorted(set(control.files) | set(by_file))
        suite = ET.SubElement(root, "testsuite", name=clean(f"{control.id} {control.title}"))
        counts: Counter[str] = Counter()
        for path in files:
            shown = show(path)
            case = ET.SubElement(
                suite, "testcase", classname=control.id, name=clean(shown), file=clean(shown)
            )
            case.set("time", "0")
            _outcome(case, control.id, by_file.get(path, []), shown, counts)
            counts["tests"] += 1
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        suite.set("time", "0")
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _outcome(
    case: ET.Element, cid: str, findings: list[Finding], shown: str, counts: Counter[str]
) -> None:
    active = [f for f in findings if f.suppression is None]
    failing = [f for f in active if f.outcome != "unresolved"]
    if failing:
        severity = Counter(f.severity for f in failing)
        summary = ", ".join(f"{severity[s]} {s}" for s in reversed(SEVERITIES) if severity[s])
        n = len(failing)
        failure = ET.SubElement(
            case, "failure", type=cid, message=f"{n} finding{'s' if n != 1 else ''} ({summary})"
        )
        failure.text = clean("\n".join(_line(f, shown) for f in failing))
        counts["failures"] += 1
        return
    if active:
        skipped = ET.SubElement(case, "skipped", type="unresolved")
        skipped.set("message", f"{len(active)} unresolved: values not known statically")
        skipped.text = clean("\n".join(_line(f, shown) for f in active))
        counts["skipped"] += 1
        return
    if findings:
        reasons = sorted({f.suppression or "" for f in findings})
        skipped = ET.SubElement(case, "skipped", type="exception")
        skipped.set("message", clean("suppressed: " + "; ".join(reasons)))
        counts["skipped"] += 1
