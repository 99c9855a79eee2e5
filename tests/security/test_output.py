"""#11 item 4: what devops-lint prints cannot be steered by the scanned files.

A scanned file must not rewrite the terminal or fake lines (control characters are escaped),
must not inject workflow commands into an Actions log, must not get a secret printed in full,
and a symlink committed in the tree must not make ``-o`` overwrite another file.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from devops_lint.model import Finding, Span
from devops_lint.terminal import has_unsafe
from tests.integration.conftest import Completed, run_in_process, write

__all__ = ["write"]

KEY = "AKIAIOSFODNN7REALKEY"
# A ConfigMap named after the key (the K8S-023 message quotes the name), holding it as a value
# and a password: messages, snippets and every format are checked for the full key.
LEAKY = f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{KEY}
data:
  aws_key: {KEY}
  password: "s3cr3tPassw0rdValue!"
"""
TERRAFORM = f'resource "aws_instance" "x" {{\n  user_data = "{KEY}"\n}}\n'
# YAML escapes put raw ESC, BEL and a newline into the values the messages quote.
HOSTILE = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
    '  name: "x\\e[2J\\e]0;owned\\ay\\nevil.yaml:1:1: critical K8S-001 fake\\r\\u202e"\n'
    "data:\n  mode: strict\n"
)
HOSTILE_NAME = "cm\x1b[31m\x07.yaml"


@pytest.fixture
def cli(tmp_path: Path) -> Any:
    """The command line run in-process in ``tmp_path``: these tests are about what it prints and
    writes (tests/security/test_python_m.py and tests/integration run the installed command)."""

    def _cli(*args: str) -> Completed:
        return run_in_process(*args, cwd=tmp_path)

    return _cli


FORMATS: list[tuple[str, ...]] = [
    (),
    ("--compact",),
    ("--statistics",),
    ("--show-fix",),
    ("--format", "json"),
    ("--format", "sarif"),
    ("--format", "github"),
]


@pytest.mark.parametrize("args", FORMATS, ids=lambda a: " ".join(a) or "text")
def test_a_secret_is_never_printed_in_full(cli: Any, write: Any, args: tuple[str, ...]) -> None:
    write("cm.yaml", LEAKY)
    write("main.tf", TERRAFORM)
    r = cli(*args, ".")
    assert r.code == 1, r.err
    assert "AKIA" in r.out or args == ("--statistics",)  # the findings are there …
    assert KEY not in r.out and KEY not in r.err  # … the key is not
    assert "s3cr3tPassw0rd" not in r.out


def test_snippet_lines_mask_secrets_but_keep_the_caret(cli: Any, write: Any) -> None:
    write("cm.yaml", LEAKY)
    r = cli("--select", "X-001,K8S-019", "cm.yaml")
    lines = r.out.splitlines()
    at = lines.index(
        "cm.yaml:6:12: critical X-001.aws-access-key AWS access key ID in plain text "
        "(AKIA… (20 chars))"
    )
    source, carets = lines[at + 2], lines[at + 3]
    assert source == "6 |   aws_key: AKIA… (20 chars)"
    assert carets.index("^") == source.index("AKIA")
    assert KEY not in r.out


def test_output_file_holds_no_secret(cli: Any, write: Any, tmp_path: Path) -> None:
    write("cm.yaml", LEAKY)
    for name in ("out.sarif", "out.json", "out.txt"):
        assert cli("-o", name, ".").code == 1
        assert KEY not in (tmp_path / name).read_text(encoding="utf-8")


def test_engine_masks_a_secret_quoted_in_any_message() -> None:
    from devops_lint.engine import redact_messages

    finding = Finding("R", [], "low", "a.yaml", Span.at(1), f"value 'x-{KEY}' is odd")
    redact_messages([finding], {})
    assert KEY not in finding.message and "AKIA…" in finding.message


# ------------------------------------------------------------------- control characters
@pytest.mark.parametrize("args", [(), ("--compact",), ("--show-fix",)], ids=str)
def test_text_escapes_control_characters_from_values_and_names(
    cli: Any, write: Any, args: tuple[str, ...]
) -> None:
    write("cm.yaml", HOSTILE)
    write(HOSTILE_NAME, HOSTILE.replace('name: "x', 'name: "b'))
    r = cli(*args, "--select", "K8S-023", ".")
    assert r.code == 0, r.err
    assert not has_unsafe(r.out.replace("\n", "")), repr(r.out)
    assert "\\x1b[2J\\x1b]0;owned\\x07y\\nevil.yaml:1:1: critical K8S-001 fake\\r\\u202e" in r.out
    assert "cm\\x1b[31m\\x07.yaml:3:1: low K8S-023" in r.out
    # No line of output starts with the faked finding.
    assert not any(line.startswith("evil.yaml") for line in r.out.splitlines())


def test_github_annotations_escape_control_characters(cli: Any, write: Any) -> None:
    write("cm.yaml", HOSTILE)
    write(HOSTILE_NAME, HOSTILE.replace('name: "x', 'name: "b'))
    r = cli("--format", "github", "--select", "K8S-023", ".")
    assert not has_unsafe(r.out.replace("\n", ""))
    lines = r.out.splitlines()
    assert [line[:2] for line in lines] == ["::", "::", "de"]  # two annotations, the summary
    assert "file=cm\\x1b[31m\\x07.yaml," in r.out
    assert "%0Aevil.yaml:1:1: critical K8S-001 fake%0D\\u202e" in r.out


def test_usage_errors_escape_the_path(cli: Any) -> None:
    r = cli("missing\x1b[2J.yaml")
    assert r.code == 2 and "missing\\x1b[2J.yaml" in r.err and "\x1b" not in r.err


# ----------------------------------------------------------------------------- -o FILE
def test_output_refuses_a_symlink_committed_in_the_tree(
    cli: Any, write: Any, tmp_path: Path
) -> None:
    write("cm.yaml", LEAKY)
    victim = tmp_path.parent / f"{tmp_path.name}-victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "devops-lint.sarif").symlink_to(victim)
    r = cli("-o", "devops-lint.sarif", ".")
    assert r.code == 2
    assert "symlink" in r.err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "devops-lint.sarif").is_symlink()


def test_output_refuses_a_symlinked_folder_in_the_tree(
    cli: Any, write: Any, tmp_path: Path
) -> None:
    write("cm.yaml", LEAKY)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (tmp_path / "reports").symlink_to(elsewhere, target_is_directory=True)
    r = cli("-o", "reports/out.sarif", ".")
    assert r.code == 2 and "symlink" in r.err
    assert list(elsewhere.iterdir()) == []


def test_output_is_written_atomically_with_usual_permissions(
    cli: Any, write: Any, tmp_path: Path
) -> None:
    write("cm.yaml", LEAKY)
    out = tmp_path / "reports" / "out.json"
    out.parent.mkdir()
    out.write_text("old report\n", encoding="utf-8")
    os.chmod(out, 0o600)
    r = cli("-o", "reports/out.json", ".")
    assert r.code == 1, r.err
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.json"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def _read_fifo(fifo: Path, into: list[str]) -> threading.Thread:
    """A reader that holds ``fifo`` open before any writer comes (so an open that does not
    wait finds it) and reads everything one writer writes."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)

    def read() -> None:
        chunks: list[bytes] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:  # a writer is there, nothing written yet
                time.sleep(0.005)
                continue
            if chunk:
                chunks.append(chunk)
            elif chunks:
                break  # the writer closed
            else:
                time.sleep(0.005)  # no writer yet
        os.close(fd)
        into.append(b"".join(chunks).decode("utf-8"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_output_to_a_named_pipe_writes_into_it(cli: Any, write: Any, tmp_path: Path) -> None:
    """A FIFO (or a device such as /dev/null) is written to, never replaced by a file:
    the atomic rename used to turn ``-o /dev/null`` into a regular file when run as root."""
    write("cm.yaml", LEAKY)
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = _read_fifo(fifo, got)
    r = cli("-o", "out.json", "--format", "json", ".")
    reader.join(timeout=60)
    assert r.code in (0, 1), r.err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and json.loads(got[0]), "nothing was written into the pipe"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cm.yaml", "out.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_output_to_a_named_pipe_nobody_reads_is_an_error_not_a_hang(
    cli: Any, write: Any, tmp_path: Path
) -> None:
    write("cm.yaml", LEAKY)
    os.mkfifo(tmp_path / "out.sarif")
    r = cli("-o", "out.sarif", ".")
    assert r.code == 2 and "no process reads this FIFO" in r.err
    assert stat.S_ISFIFO((tmp_path / "out.sarif").stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("option", ["--baseline", "--write-baseline"])
def test_a_baseline_that_is_a_named_pipe_is_refused_not_waited_for(
    cli: Any, write: Any, tmp_path: Path, option: str
) -> None:
    """The baseline is read (after being written): a FIFO planted under its name would
    block the read for ever."""
    write("cm.yaml", LEAKY)
    os.mkfifo(tmp_path / "baseline.json")
    r = cli(option, "baseline.json", ".")
    assert r.code == 2 and "not a regular file" in r.err
    assert stat.S_ISFIFO((tmp_path / "baseline.json").stat().st_mode)


def test_output_into_a_missing_folder_is_a_usage_error(cli: Any, write: Any) -> None:
    write("cm.yaml", LEAKY)
    r = cli("-o", "nowhere/out.sarif", ".")
    assert r.code == 2 and "cannot write" in r.err and "Traceback" not in r.err


def test_json_and_sarif_escape_what_json_dumps_leaves_raw(cli: Any, write: Any) -> None:
    # C1 CSI (\x9b), DEL, a line separator and a bidi override in a value the message quotes.
    hostile = HOSTILE.replace('name: "x', 'name: "\\x9b31m\\x7f\\u2028\\u202ex')
    write("cm.yaml", hostile)
    for fmt in ("json", "sarif"):
        r = cli("--format", fmt, "--select", "K8S-023", ".")
        assert not has_unsafe(r.out.replace("\n", "")), fmt
        assert "\\u009b31m\\u007f\\u2028\\u202ex" in r.out
        assert "\x9b31m\x7f\u2028\u202ex" in json.dumps(json.loads(r.out), ensure_ascii=False)


# ------------------------------------------------------------------ names that are not UTF-8
def _not_utf8_manifest(tmp_path: Path) -> bytes:
    """A manifest under a folder and name that are not UTF-8 (0xFF, 0x9B)."""
    name = b"k\xff/pod\x9b.yaml"
    try:
        os.makedirs(os.path.join(os.fsencode(tmp_path), b"k\xff"))
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(LEAKY.encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    return name


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab", "html", "markdown", "junit", "text"])
def test_a_file_name_that_is_not_utf8_gives_a_utf8_report(
    cli: Any, tmp_path: Path, fmt: str
) -> None:
    """With the result cache on (the default) the run ended in an internal error (the cache
    keys encoded the name), and without it ``-o`` did (the report was written as UTF-8)."""
    name = _not_utf8_manifest(tmp_path)
    for _ in range(2):  # cold, then from the result cache
        r = cli("--format", fmt, "-o", f"out.{fmt}", ".")
        assert r.code == 1, r.err
        data = (tmp_path / f"out.{fmt}").read_bytes()
        text = data.decode("utf-8")  # strict: every format is UTF-8
        if fmt in ("json", "gitlab"):
            paths = {
                f["path"] if fmt == "json" else f["location"]["path"]
                for f in (json.loads(text)["findings"] if fmt == "json" else json.loads(text))
            }
            assert os.fsencode(paths.pop()) == name  # the name's own bytes, back
        elif fmt == "sarif":
            assert '"uri": "k%FF/pod%9B.yaml"' in text
        else:
            assert "k\\xff/pod\\x9b.yaml" in text


def test_shards_and_baselines_take_a_file_name_that_is_not_utf8(cli: Any, tmp_path: Path) -> None:
    _not_utf8_manifest(tmp_path)
    whole = cli("--format", "json", ".")
    assert whole.code == 1, whole.err
    shards = [str(tmp_path.parent / f"{tmp_path.name}-shard-{i}.json") for i in (1, 2)]
    for i, shard in enumerate(shards, start=1):
        r = cli("--shard", f"{i}/2", "-o", shard, ".")
        assert r.code == 0, r.err
    merged = cli("merge", *shards, "--format", "json")
    assert merged.code == 1 and merged.out == whole.out, merged.err
    assert cli("--write-baseline", "baseline.json", ".").code == 0
    again = cli("--baseline", "baseline.json", ".")
    assert again.code == 0 and "hidden by the baseline" in again.out + again.err
