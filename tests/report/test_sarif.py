"""The SARIF log: schema-valid, GitHub-ready, with stable fingerprints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from devops_lint.engine import RunResult
from devops_lint.model import Finding, Span
from devops_lint.project import Project
from devops_lint.report import sarif
from tests.fixture_support import ROOT, all_rules, fixture_folders, lint_folder
from tests.report.conftest import lint
from tests.report.sarif_schema import assert_valid_log

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
    - name: one
      image: busybox
      securityContext:
        privileged: true
    - name: two
      image: busybox
      securityContext:
        privileged: true
"""


def build(result: RunResult, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("base", result.project.root)
    log = sarif.build(result, **kwargs)
    assert_valid_log(log)
    return log


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]  # type: ignore[no-any-return]


def of_rule(log: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in results(log) if r["ruleId"] == rule]


def fingerprint(res: dict[str, Any]) -> str:
    return res["partialFingerprints"][sarif.FINGERPRINT_KEY]  # type: ignore[no-any-return]


def start_line(res: dict[str, Any]) -> int:
    return res["locations"][0]["physicalLocation"]["region"]["startLine"]  # type: ignore[no-any-return]


def synthetic(tmp_path: Path, *findings: Finding) -> RunResult:
    return RunResult(list(findings), Project(root=tmp_path), all_rules(), 1)


def finding(rule: str = "K8S-001", **kw: Any) -> Finding:
    base: dict[str, Any] = {
        "rule_id": rule,
        "controls": [rule.split(".")[0]],
        "severity": "critical",
        "path": "a.yaml",
        "span": Span(3, 5, 3, 9),
        "message": "container 'x' runs privileged",
        "locator": "Pod/x:spec.containers[x]",
    }
    base.update(kw)
    return Finding(**base)


# ------------------------------------------------------------------------- every fixture
@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_folder_sarif_is_valid(folder: Path) -> None:
    result = lint_folder(folder)
    log = sarif.build(result)  # default base: the repository checkout
    assert_valid_log(log)
    assert len(results(log)) == len(result.findings)
    for res in results(log):
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and ".." not in uri.split("/")
        if (ROOT / ".git").exists():  # relative to the checkout, as GitHub resolves it
            assert uri.startswith(f"fixtures/{folder.parent.name}/{folder.name}/")
        region = loc["region"]
        assert all(region[k] >= 1 for k in ("startLine", "startColumn", "endLine", "endColumn"))


# ---------------------------------------------------------------------------- log shape
def test_log_shape(tmp_path: Path, write: Any) -> None:
    write("pod.yaml", POD)
    log = build(lint(tmp_path), category="infra/k8s")
    assert log["$schema"].startswith("https://")
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "devops-lint"
    assert driver["semanticVersion"]
    assert driver["informationUri"].startswith("https://")
    assert run["automationDetails"]["id"] == "infra/k8s/"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "null" not in json.dumps(log)


def test_every_rule_that_ran_is_described(tmp_path: Path, write: Any) -> None:
    write("pod.yaml", POD)
    result = lint(tmp_path)
    log = build(result)
    described = log["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in described] == [r.id for r in result.rules]
    for res in results(log):
        assert described[res["ruleIndex"]]["id"] == res["ruleId"]


def test_rule_metadata_is_complete(tmp_path: Path) -> None:
    rules = all_rules()
    log = build(RunResult([], Project(root=tmp_path), rules, 0))
    described = log["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r.id: r for r in rules}
    for d in described:
        rule = by_id[d["id"]]
        assert d["name"] and " " not in d["name"]
        assert d["shortDescription"]["text"] == rule.title
        assert d["fullDescription"]["text"]
        assert rule.id in d["help"]["text"] and "Fix:" in d["help"]["text"]
        md = d["help"]["markdown"]
        assert "## Why" in md and "## How to fix" in md
        if rule.references:
            assert "## References" in md
        assert d["helpUri"].startswith("https://")
        props = d["properties"]
        assert d["defaultConfiguration"]["level"] == sarif.LEVELS[rule.severity]
        assert props["security-severity"] == sarif.SECURITY_SEVERITY[rule.severity]
        assert props["precision"] in ("very-high", "high", "medium", "low")
        tags = props["tags"]
        assert "security" in tags and rule.format in tags
        assert set(rule.controls) <= set(tags)
        assert len(tags) <= sarif.MAX_TAGS_PER_RULE


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [
        ("critical", "error", "9.5"),
        ("high", "error", "8.0"),
        ("medium", "warning", "5.5"),
        ("low", "note", "3.0"),
        ("info", "note", "0.0"),
    ],
)
def test_severity_mapping(tmp_path: Path, severity: str, level: str, score: str) -> None:
    log = build(synthetic(tmp_path, finding(severity=severity)))
    res = results(log)[0]
    assert res["level"] == level
    assert res["properties"]["security-severity"] == score


def test_unresolved_is_a_note_that_says_so(tmp_path: Path) -> None:
    f = finding(severity="info", outcome="unresolved", message="unresolved: container runs")
    res = results(build(synthetic(tmp_path, f)))[0]
    assert res["level"] == "note"
    assert res["properties"]["outcome"] == "unresolved"
    assert res["properties"]["unresolved"] is True


def test_unresolved_stays_a_note_under_strict_severity(tmp_path: Path) -> None:
    f = finding(severity="critical", outcome="unresolved")
    assert results(build(synthetic(tmp_path, f)))[0]["level"] == "note"


def test_result_properties(tmp_path: Path, write: Any) -> None:
    write("pod.yaml", POD)
    res = of_rule(build(lint(tmp_path)), "K8S-001")[0]
    assert res["properties"]["controls"] == ["K8S-001"]
    assert res["properties"]["locator"] == "Pod/shop/debug:spec.containers[one]"
    assert res["message"]["text"] == "container 'one' runs privileged"


# ------------------------------------------------------------------------------ locations
def uris_of(log: dict[str, Any]) -> set[str]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(log)}


def test_uris_are_relative_to_the_source_root(
    tmp_path: Path, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("deploy/k8s/pod.yaml", POD)
    result = lint(tmp_path / "deploy")
    # Outside a repository the working directory is the base when it holds the file ...
    monkeypatch.chdir(tmp_path)
    log = build(result, base=None)
    assert uris_of(log) == {"deploy/k8s/pod.yaml"}
    srcroot = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert srcroot == {"uri": tmp_path.resolve().as_uri() + "/"}
    # ... else a file is named by its absolute file URI, without a base.
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    log = build(result, base=None)
    art = results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": (tmp_path / "deploy" / "k8s" / "pod.yaml").resolve().as_uri()}
    # Inside a repository the checkout is %SRCROOT%, wherever the linter runs, as GitHub
    # resolves relative URIs against the repository root.
    (tmp_path / ".git").mkdir()
    log = build(result, base=None)
    for res in results(log):
        art = res["locations"][0]["physicalLocation"]["artifactLocation"]
        assert art == {"uri": "deploy/k8s/pod.yaml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (
        tmp_path.resolve().as_uri() + "/"
    )
    assert str(tmp_path) not in json.dumps(log["runs"][0]["results"])


def test_uri_is_percent_encoded(tmp_path: Path, write: Any) -> None:
    write("my manifests/pod #1.yaml", POD)
    res = of_rule(build(lint(tmp_path)), "K8S-001")[0]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20manifests/pod%20%231.yaml"


def _non_utf8_name(tmp_path: Path) -> str:
    """A manifest whose file name is not UTF-8 (bytes 0xFF, 0x9B): its path as Python holds it."""
    name = b"k\xff/pod\x9b.yaml"
    try:
        folder = os.path.join(os.fsencode(tmp_path), b"k\xff")
        os.makedirs(folder)
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(POD.encode())
    except (OSError, UnicodeError):  # a file system that refuses such names
        pytest.skip("file names must be UTF-8 here")
    return os.fsdecode(name)


def test_a_file_name_that_is_not_utf8_keeps_its_bytes_in_the_uri(tmp_path: Path) -> None:
    """It used to end the SARIF report with an internal error (UnicodeEncodeError)."""
    _non_utf8_name(tmp_path)
    res = of_rule(build(lint(tmp_path)), "K8S-001")[0]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "k%FF/pod%9B.yaml"
    assert len(fingerprint(res).split(":")[0]) == 16


def test_a_file_name_that_is_not_utf8_is_escaped_on_the_terminal(tmp_path: Path) -> None:
    from devops_lint.report import text

    _non_utf8_name(tmp_path)
    out = text.render(lint(tmp_path), colour=False, show_fix=False, quiet=True)
    assert "k\\xff/pod\\x9b.yaml:11:" in out
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)  # 0x9b would be CSI


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinks_are_resolved(tmp_path: Path, write: Any) -> None:
    write("real/pod.yaml", POD)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real" / "pod.yaml")
    result = lint(tmp_path, exclude=["real"])
    assert {f.path for f in result.findings} == {"link.yaml"}
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results(build(result))
    }
    assert uris == {"real/pod.yaml"}


def test_regions_are_one_based_and_end_after_the_value(tmp_path: Path) -> None:
    findings = [
        finding(span=Span(0, 0, 0, 0)),
        finding(span=Span(4, 7, 4, 10), path="b.yaml"),
        finding(span=Span(5, 3, 2, 1), path="c.yaml"),
    ]
    regions = [
        r["locations"][0]["physicalLocation"]["region"]
        for r in results(build(synthetic(tmp_path, *findings)))
    ]
    for region in regions:
        assert all(region[k] >= 1 for k in region)
        assert region["endLine"] >= region["startLine"]
    assert regions[1] == {"startLine": 4, "startColumn": 7, "endLine": 4, "endColumn": 11}


# ---------------------------------------------------------------------------- fingerprints
def test_fingerprint_survives_lines_inserted_above(tmp_path: Path, write: Any) -> None:
    path = write("pod.yaml", POD)
    before = of_rule(build(lint(tmp_path)), "K8S-001")
    path.write_text("\n# a comment\n" + POD, encoding="utf-8")
    after = of_rule(build(lint(tmp_path)), "K8S-001")
    assert [start_line(r) + 2 for r in before] == [start_line(r) for r in after]
    assert [fingerprint(r) for r in before] == [fingerprint(r) for r in after]


def test_fingerprint_survives_a_blank_line_inserted_above(tmp_path: Path, write: Any) -> None:
    path = write("pod.yaml", POD)
    before = of_rule(build(lint(tmp_path)), "K8S-001")
    lines = POD.splitlines(keepends=True)
    path.write_text("".join([*lines[:7], "\n", *lines[7:]]), encoding="utf-8")
    after = of_rule(build(lint(tmp_path)), "K8S-001")
    assert [start_line(r) for r in after] == [12, 16]
    assert [fingerprint(r) for r in before] == [fingerprint(r) for r in after]


def test_findings_on_different_lines_have_different_fingerprints() -> None:
    folder = next(f for f in fixture_folders() if f.name == "K8S-001")
    prints = [fingerprint(r) for r in of_rule(build(lint(folder)), "K8S-001")]
    assert len(prints) >= 2
    assert len(set(prints)) == len(prints)


def test_identical_lines_are_told_apart_by_occurrence(tmp_path: Path, write: Any) -> None:
    write("pod.yaml", POD)  # both containers have the same `privileged: true` line
    prints = [fingerprint(r) for r in of_rule(build(lint(tmp_path)), "K8S-001")]
    assert prints[0] != prints[1]
    assert prints[0].split(":")[0] == prints[1].split(":")[0]
    assert [p.split(":")[1] for p in prints] == ["1", "2"]


def test_fingerprint_depends_on_rule_and_file(tmp_path: Path) -> None:
    a = finding()
    b = finding(rule="K8S-002", controls=["K8S-002"])
    c = finding(path="other.yaml")
    prints = [fingerprint(r) for r in results(build(synthetic(tmp_path, a, b, c)))]
    assert len(set(prints)) == 3


def test_suppressing_keeps_the_fingerprint(tmp_path: Path, write: Any) -> None:
    path = write("pod.yaml", POD)
    before = of_rule(build(lint(tmp_path)), "K8S-001")
    text = POD.replace(
        "        privileged: true\n    - name: two",
        "        privileged: true  # devops-lint: ignore[K8S-001] node debugger"
        " approved-by:@sec-alice\n    - name: two",
    )
    path.write_text(text, encoding="utf-8")
    after = of_rule(build(lint(tmp_path)), "K8S-001")
    assert [fingerprint(r) for r in before] == [fingerprint(r) for r in after]
    assert after[0]["suppressions"] == [{"kind": "inSource", "justification": "node debugger"}]
    assert "suppressions" not in after[1]


# ------------------------------------------------------------------ suppressions and errors
def test_suppressed_findings_stay_in_the_log(tmp_path: Path, write: Any) -> None:
    write(
        "pod.yaml",
        POD.replace(
            "privileged: true\n    - name: two",
            "privileged: true  # devops-lint: ignore[K8S-001] debug approved-by:@sec\n"
            "    - name: two",
        ),
    )
    result = lint(tmp_path)
    log = build(result)
    suppressed = [r for r in results(log) if "suppressions" in r]
    assert len(suppressed) == 1 == len(result.findings) - len(result.active)
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert suppressed[0]["suppressions"][0]["justification"] == "debug"


def test_parse_error_is_a_result_and_a_notification(tmp_path: Path, write: Any) -> None:
    write("broken.yaml", "apiVersion: v1\nkind: Pod\nspec: [unclosed\n")
    write("pod.yaml", POD)
    log = build(lint(tmp_path))
    parse = of_rule(log, "X-000.parse-error")
    assert len(parse) == 1
    assert parse[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "broken.yaml"
    )
    assert len(of_rule(log, "K8S-001")) == 2  # the other file is still reported
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True  # bad input is not a tool failure
    notes = invocation["toolExecutionNotifications"]
    assert [n["associatedRule"]["id"] for n in notes] == ["X-000.parse-error"]
    assert notes[0]["level"] == "error"
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "broken.yaml"
    )


def test_internal_error_marks_the_execution_unsuccessful(tmp_path: Path) -> None:
    f = finding(
        rule="X-000.internal-error",
        controls=["X-000"],
        severity="high",
        message="rule K8S-001 failed on Pod/x: KeyError('a')",
        locator="",
    )
    invocation = build(synthetic(tmp_path, f))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["associatedRule"]["id"] == (
        "X-000.internal-error"
    )


def test_binary_file_has_a_result(tmp_path: Path, write: Any) -> None:
    (tmp_path / "blob.yaml").write_bytes(b"\x00\x01\x02binary")
    log = build(lint(tmp_path))
    assert [r["ruleId"] for r in results(log)] == ["X-000.unreadable"]
    assert fingerprint(results(log)[0])


# ------------------------------------------------------------------------------- limits
def test_result_cap_keeps_the_most_severe(tmp_path: Path) -> None:
    findings = [
        finding(severity="low", path="a.yaml"),
        finding(severity="critical", path="b.yaml"),
        finding(severity="medium", path="c.yaml"),
        finding(severity="high", path="d.yaml"),
    ]
    warnings: list[str] = []
    log = build(synthetic(tmp_path, *findings), max_results=2, warn=warnings.append)
    kept = results(log)
    assert [r["properties"]["severity"] for r in kept] == ["critical", "high"]
    assert len(warnings) == 1 and "2 result(s) left out" in warnings[0]
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("left out" in n["message"]["text"] for n in notes)


def test_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = [finding(path=f"f{i:04}.yaml", message=f"m{i} " * 50) for i in range(400)]
    rules = [r for r in all_rules() if r.id == "K8S-001"]
    result = RunResult(findings, Project(root=tmp_path), rules, 400)
    full = sarif._gzip_size(sarif.build(result, base=tmp_path, warn=lambda _: None))
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", full // 2)
    warnings: list[str] = []
    log = build(result, warn=warnings.append)
    assert sarif._gzip_size(log) <= full // 2
    assert 0 < len(results(log)) < 400
    assert warnings and "10 MB" in warnings[-1]


def test_render_is_json_with_a_trailing_newline(tmp_path: Path, write: Any) -> None:
    write("pod.yaml", POD)
    text = sarif.render(lint(tmp_path), category=None)
    assert text.endswith("}\n")
    log = json.loads(text)
    assert_valid_log(log)
    assert "automationDetails" not in log["runs"][0]


def test_to_json_drops_nulls_and_defaults() -> None:
    import sarif_om as om

    region = om.Region(start_line=3)
    assert sarif.to_json(region) == {"startLine": 3}
    res = om.Result(message=om.Message(text="x"), level="warning")
    assert sarif.to_json(res) == {"message": {"text": "x"}, "level": "warning"}
