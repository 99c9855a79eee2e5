"""The cache folder: entries checked on read, written atomically, pruned by age and size."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from devops_lint.cache import store as store_module
from devops_lint.cache.store import FORMAT, Store, results_dir

from .support import ROOT, lint, reports


def test_round_trip_and_refusals(tmp_path: Path) -> None:
    s = Store(tmp_path)
    s.put("runs", "k1", {"a": [1, 2]})
    assert s.get("runs", "k1") == {"a": [1, 2]}
    assert s.get("runs", "k2") is None
    path = tmp_path / "runs" / "k1.json"
    for bad in (
        "not json",
        json.dumps({"format": FORMAT + 1, "key": "k1", "value": 1}),  # another version
        json.dumps({"format": FORMAT, "key": "other", "value": 1}),  # moved or swapped
        json.dumps({"format": FORMAT, "key": "k1"}),
        json.dumps([1, 2, 3]),
        "[" * 100_000,
    ):
        path.write_text(bad)
        assert s.get("runs", "k1") is None


def test_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    assert results_dir() == tmp_path / f"results-v{FORMAT}"
    monkeypatch.setenv("DEVOPS_LINT_NO_CACHE", "1")
    assert results_dir() is None and Store.default() is None


def test_unwritable_folder_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    s = Store(blocker / "sub")  # a folder that cannot be created
    s.put("runs", "k", 1)
    assert s.get("runs", "k") is None
    s.prune(force=True)


def test_prune_by_age_then_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = Store(tmp_path)
    now = time.time()
    for i in range(6):
        s.put("facts", f"{i:02d}" * 8, "x" * 1000)
        path = tmp_path / "facts" / f"{i:02d}" / f"{f'{i:02d}' * 8}.json"
        age = (40 if i == 0 else 6 - i) * 86400  # entry 0 is older than MAX_AGE_DAYS
        os.utime(path, (now - age, now - age))
    stale_tmp = tmp_path / "facts" / "05" / ".x.json.1.2.tmp"
    stale_tmp.write_text("partial")
    os.utime(stale_tmp, (now - 7200, now - 7200))
    monkeypatch.setattr(store_module, "MAX_BYTES", 3 * 1100)
    s.prune(now=now)
    left = sorted(p.name for p in tmp_path.rglob("*.json"))
    # Entry 0 is too old; then the oldest go until three (about 3 KB) remain.
    assert left == [f"{f'{i:02d}' * 8}.json" for i in (3, 4, 5)]
    assert not stale_tmp.exists()
    # Pruned within the hour: nothing is walked again.
    s.put("facts", "aa" * 8, "y" * 5000)
    s.prune(now=now + 60)
    assert (tmp_path / "facts" / "aa" / f"{'aa' * 8}.json").exists()


def _writer(folder: str, n: int) -> None:
    s = Store(Path(folder))
    for _ in range(n):
        s.put("runs", "same", {"v": list(range(2000))})


def test_concurrent_writers_never_show_a_partial_entry(tmp_path: Path) -> None:
    mp = multiprocessing.get_context("fork")
    procs = [mp.Process(target=_writer, args=(str(tmp_path), 40)) for _ in range(3)]
    for p in procs:
        p.start()
    s = Store(tmp_path)
    seen = 0
    while any(p.is_alive() for p in procs):
        value = s.get("runs", "same")
        assert value is None or value == {"v": list(range(2000))}
        seen += value is not None
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert s.get("runs", "same") == {"v": list(range(2000))}
    assert not list(tmp_path.rglob("*.tmp"))


def test_tampered_entries_are_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stored entry rewritten with junk of the right outer shape: output stays exact."""
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", root)
    cold = reports(lint(root, cache=False))
    lint(root, cache=True)
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert any("/runs/" in str(p) for p in entries) and any("/facts/" in str(p) for p in entries)
    junk = [
        {"findings": [["K8S-001", [], "bogus"]]},
        {"documents": [{"format": 1}], "duplicates": [], "error": None},
        {"findings": [], "files_scanned": "x"},
        [],
    ]
    for i, path in enumerate(entries):
        entry = json.loads(path.read_text())
        entry["value"] = junk[i % len(junk)]
        path.write_text(json.dumps(entry))
    assert reports(lint(root, cache=True)) == cold
    # The misses stored good entries again; they are used and exact.
    assert reports(lint(root, cache=True)) == cold
