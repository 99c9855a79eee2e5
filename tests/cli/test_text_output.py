"""Text output habits: snippets with a caret, --compact, --statistics, colour, -v, progress."""

from __future__ import annotations

import io
from typing import Any

import pytest

from devops_lint import progress
from tests.integration.test_cli import DUPLICATE, FINDING, PRIVILEGED

K8S = ("--select", "K8S-001")


def test_default_output_shows_the_line_with_a_caret(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    r = cli(*K8S, "pod.yaml")
    assert r.out.splitlines() == [
        FINDING,
        "   |",
        "11 |         privileged: true",
        "   |                     ^^^^",
        "",
        "1 finding (1 critical) in 1 file",
    ]


def test_caret_under_a_tab_indented_span(cli: Any, write: Any) -> None:
    write("main.tf", 'resource "aws_s3_bucket" "b" {\n\tbucket = "x"\n}\n')
    r = cli("--select", "TF-GEN-008", "main.tf")
    lines = r.out.splitlines()
    assert lines[1:4] == ["  |", '1 | resource "aws_s3_bucket" "b" {', "  | " + "^" * 30]


def test_compact_is_the_one_line_format(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    write("cm.yaml", DUPLICATE)
    r = cli(*K8S, "--compact", "--show-fix", ".")
    lines = r.out.splitlines()
    assert lines[0].startswith("cm.yaml:7:3: high X-000.duplicate-key key 'mode' is written twice")
    assert lines[1].startswith("    fix: ")
    assert lines[2] == ""  # files are separated by one blank line
    assert lines[3] == FINDING
    assert lines[-2:] == ["", "2 findings (1 critical, 1 high) in 2 files"]


def test_statistics_count_per_rule_most_frequent_first(cli: Any, write: Any) -> None:
    write("a.yaml", PRIVILEGED)
    write("b.yaml", PRIVILEGED.replace("name: debug", "name: other"))
    write("cm.yaml", DUPLICATE)
    r = cli(*K8S, "--statistics", ".")
    rows = [line.split("\t") for line in r.out.splitlines()[:2]]
    assert [row[:3] for row in rows] == [
        ["2", "K8S-001            ", "critical"],
        ["1", "X-000.duplicate-key", "high    "],
    ]
    assert rows[0][3] == "Privileged container"
    assert r.out.splitlines()[-1] == "3 findings (2 critical, 1 high) in 3 files"


def test_colour_only_when_asked_or_on_a_terminal(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    assert "\x1b[" not in cli(*K8S, ".").out  # a pipe: no colour
    coloured = cli(*K8S, "--color", "always", ".").out
    assert "\x1b[1;35mcritical\x1b[0m" in coloured and "\x1b[1;31m^^^^\x1b[0m" in coloured
    assert "\x1b[" not in cli(*K8S, "--color", "never", ".").out


def test_no_color_is_respected_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from devops_lint.terminal import use_colour

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour("auto", Tty()) is True
    assert use_colour("auto", io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour("auto", Tty()) is False
    assert use_colour("always", io.StringIO()) is True


def test_verbose_names_the_configuration_file(cli: Any, write: Any) -> None:
    write("pod.yaml", PRIVILEGED)
    assert "configuration: none (defaults)" in cli(*K8S, "-v", ".").err
    write(".devops-lint.yaml", "fail_on: critical\n")
    r = cli(*K8S, "-v", ".")
    assert "configuration: " in r.err and ".devops-lint.yaml" in r.err
    assert "configuration" not in cli(*K8S, ".").err  # only with -v


# ------------------------------------------------------------------------------ progress
class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_appears_only_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr("devops_lint.progress.time.monotonic", clock)
    stream = io.StringIO()
    bar = progress.Progress(stream)
    bar.update(1, 10)
    assert stream.getvalue() == ""  # a short scan never shows a bar
    clock.now += 1.5
    bar.update(5, 10)
    assert stream.getvalue() == "\r[" + "#" * 15 + "-" * 15 + "] 5/10 files"
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")  # the bar's line is cleared


def test_progress_never_on_a_pipe_or_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("sys.stderr", Tty())
    assert progress.Progress.on_stderr().stream is not None
    assert progress.Progress.on_stderr(enabled=False).stream is None  # --quiet
    monkeypatch.setenv("CI", "true")
    assert progress.Progress.on_stderr().stream is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress.Progress.on_stderr().stream is None


def test_no_progress_output_when_stderr_is_not_a_terminal(cli: Any, write: Any) -> None:
    for i in range(30):
        write(f"k8s/pod{i}.yaml", PRIVILEGED.replace("name: debug", f"name: p{i}"))
    r = cli(*K8S, ".")
    assert r.err == ""


def test_no_snippet_for_a_file_that_cannot_be_read_as_text(cli: Any, write: Any) -> None:
    write("blob.yaml", b"\x00\x01\x02\x1b[2Jbinary")
    r = cli(*K8S, "blob.yaml")
    lines = r.out.splitlines()
    assert lines[0].startswith("blob.yaml:1:1: high X-000.unreadable ")
    assert lines[1:] == ["", "1 finding (1 high) in 1 file"]
