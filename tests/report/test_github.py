"""``--format github``: workflow commands, escaped per the Actions toolkit rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devops_lint.engine import RunResult
from devops_lint.model import Finding, Span
from devops_lint.project import Project
from devops_lint.report import github
from devops_lint.terminal import has_unsafe
from tests.fixture_support import all_rules


def finding(**kw: Any) -> Finding:
    base: dict[str, Any] = {
        "rule_id": "K8S-001",
        "controls": ["K8S-001"],
        "severity": "critical",
        "path": "k8s/pod.yaml",
        "span": Span(11, 9, 11, 24),
        "message": "container 'one' runs privileged",
        "locator": "Pod/debug:spec.containers[one]",
    }
    base.update(kw)
    return Finding(**base)


def render(tmp_path: Path, *findings: Finding) -> list[str]:
    (tmp_path / ".git").mkdir(exist_ok=True)  # a checkout: annotation paths are relative to it
    result = RunResult(list(findings), Project(root=tmp_path), all_rules(), 1)
    return github.render(result).splitlines()


def unescape(text: str) -> str:
    table = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: table[m.group(0)], text)


def test_command_format(tmp_path: Path) -> None:
    lines = render(tmp_path, finding())
    assert lines[0] == (
        "::error file=k8s/pod.yaml,line=11,col=9,endLine=11,endColumn=25,title=K8S-001"
        "::container 'one' runs privileged (critical, Pod/debug:spec.containers[one])"
    )
    assert lines[-1] == "devops-lint: 1 finding in 1 file"


@pytest.mark.parametrize(
    ("severity", "kind"),
    [
        ("critical", "error"),
        ("high", "error"),
        ("medium", "warning"),
        ("low", "notice"),
        ("info", "notice"),
    ],
)
def test_command_by_severity(tmp_path: Path, severity: str, kind: str) -> None:
    assert render(tmp_path, finding(severity=severity))[0].startswith(f"::{kind} ")


def test_unresolved_is_a_notice(tmp_path: Path) -> None:
    line = render(tmp_path, finding(outcome="unresolved", severity="critical"))[0]
    assert line.startswith("::notice ")


def test_suppressed_findings_are_not_annotated(tmp_path: Path) -> None:
    lines = render(tmp_path, finding(suppression="debug pod"), finding(path="b.yaml"))
    assert len(lines) == 2
    assert "file=b.yaml" in lines[0]
    assert lines[1].endswith(", 1 suppressed")


def test_multi_line_span_has_no_end_column(tmp_path: Path) -> None:
    line = render(tmp_path, finding(span=Span(3, 1, 7, 4)))[0]
    assert "line=3,col=1,endLine=7,title=" in line


def test_message_escaping(tmp_path: Path) -> None:
    msg = "100% bad\r\nsecond line: a, b"
    line = render(tmp_path, finding(message=msg, locator=""))[0]
    assert "\n" not in line and "\r" not in line
    data = line.split("::", 2)[2]
    # In the message only %, CR and LF are escaped; ':' and ',' stay readable.
    assert data == "100%25 bad%0D%0Asecond line: a, b (critical)"


def test_property_escaping(tmp_path: Path) -> None:
    line = render(tmp_path, finding(path="we,ird:dir/100%/a\nb.yaml", rule_id="K8S-001"))[0]
    props = line.split("::", 2)[1].split(" ", 1)[1]
    file_value = props.split(",")[0]
    assert file_value == "file=we%2Cird%3Adir/100%25/a%0Ab.yaml"
    assert unescape(file_value[len("file=") :]) == "we,ird:dir/100%/a\nb.yaml"


# Text that needs no visible escape: no controls, format characters or line separators, and
# no surrogates (a name that is not UTF-8 holds its bytes as surrogates, escaped as \xNN).
SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs"))
    | st.sampled_from(["\r", "\n", "%", ":", ","])
)


@given(SAFE_TEXT)
def test_escaped_data_round_trips_and_never_breaks_the_line(text: str) -> None:
    data = github.escape_data(text)
    assert "\n" not in data and "\r" not in data
    assert unescape(data) == text


@given(SAFE_TEXT)
def test_escaped_property_never_ends_the_property(text: str) -> None:
    value = github.escape_property(text)
    assert not set(value) & {",", ":", "\n", "\r"}
    assert unescape(value) == text


@given(st.text())
def test_no_control_character_reaches_the_log(text: str) -> None:
    for escaped in (github.escape_data(text), github.escape_property(text)):
        assert not has_unsafe(escaped), escaped


def test_escape_and_bell_from_a_scanned_value_are_visible(tmp_path: Path) -> None:
    msg = "key '\x1b[31mred\x1b[0m\x07' \u202eevil\x85"
    line = render(tmp_path, finding(message=msg, path="a\x1b]0;title\x07.yaml"))[0]
    assert not has_unsafe(line)
    assert "\\x1b[31mred" in line and "\\x07" in line and "\\u202e" in line
    assert "file=a\\x1b]0;title\\x07.yaml," in line


def test_newline_in_a_value_never_starts_a_workflow_command(tmp_path: Path) -> None:
    msg = "value 'x\n::error file=README.md::injected\r\n::add-mask::y'"
    lines = render(tmp_path, finding(message=msg))
    assert len(lines) == 2  # the annotation and the summary
    assert [line.startswith("::") for line in lines] == [True, False]
    assert "%0A::error file=README.md::injected%0D%0A::add-mask::y" in lines[0]
