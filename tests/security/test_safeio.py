"""safeio: files of the scanned tree are read without waiting on them, and only when regular."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from devops_lint import safeio


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "renovate.json"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(OSError, match="not a regular file"):
        safeio.read_text(fifo)
    assert time.monotonic() - start < 5


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="a character device")
def test_a_device_is_refused() -> None:
    with pytest.raises(safeio.NotReadable, match="not a regular file"):
        safeio.read_bytes("/dev/zero")


def test_a_file_above_the_bound_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 101)
    with pytest.raises(OSError, match="above 100 bytes"):
        safeio.read_bytes(big, 100)
    assert safeio.read_bytes(big, 101) == b"x" * 101


def test_text_is_read_as_path_read_text_reads_it(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("a\r\nb\rc\né".encode())
    assert safeio.read_text(f) == f.read_text(encoding="utf-8") == "a\nb\nc\né"
    f.write_bytes(b"\xff")
    with pytest.raises(UnicodeDecodeError):
        safeio.read_text(f)
    assert safeio.read_text(f, errors="replace") == "\ufffd"


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        safeio.read_text(tmp_path / "absent")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_open_regular_refuses_a_fifo_and_opens_a_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "plan.out")
    with pytest.raises(safeio.NotReadable):
        safeio.open_regular(tmp_path / "plan.out")
    (tmp_path / "f.bin").write_bytes(b"PK")
    with safeio.open_regular(tmp_path / "f.bin") as handle:
        assert handle.read() == b"PK"
