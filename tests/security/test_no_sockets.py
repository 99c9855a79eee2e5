"""An end-to-end scan of every format opens no socket and resolves no host name.

The scan runs in a subprocess whose ``sitecustomize`` replaces the socket constructor and the
name lookups with functions that record the attempt and fail, so code that would reach the
network (a schema ``$ref``, a chart dependency, an update check) fails the test however it is
reached, including in forked worker processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SITECUSTOMIZE = """
import os
import socket

_MARKER = os.environ["NO_SOCKETS_MARKER"]


def _refuse(*args, **kwargs):
    with open(_MARKER, "a", encoding="utf-8") as out:
        out.write(repr(args)[:200] + "\\n")
    raise OSError("sockets are disabled for this test")


class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse(*args)


socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
"""


def test_scan_of_every_format_opens_no_socket(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    marker = tmp_path / "attempts.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env |= {
        "PYTHONPATH": str(site),
        "NO_SOCKETS_MARKER": str(marker),
        "DEVOPS_LINT_CACHE_DIR": str(tmp_path / "cache"),
    }
    # Sanity: the guard is active in the child.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.socket()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode != 0 and marker.exists()
    marker.unlink()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "devops_lint",
            "--format",
            "json",
            "--jobs",
            "2",
            "examples",
            "fixtures/seed",
            "fixtures/helm",
            "fixtures/terraform",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert json.loads(proc.stdout)["findings"], "the scan must have linted something"
    assert not marker.exists(), marker.read_text(encoding="utf-8")
