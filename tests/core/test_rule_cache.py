from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from devops_lint import rulecache
from devops_lint import rules as rules_mod


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    rules_mod.package_registry()  # shipped rules are read once per process: not cached here
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    return folder


def _custom_folder(tmp_path: Path, rule_id: str = "ACME-001") -> Path:
    custom = tmp_path / "policies"
    custom.mkdir(exist_ok=True)
    (custom / f"{rule_id}.yaml").write_text(
        f"id: {rule_id}\ncontrols: [{rule_id}]\ntitle: Pods name a service account\n"
        "severity: low\ntarget: kubernetes.pod\nrequire: {required: [serviceAccountName]}\n"
        "message: '{kind} {name} names no service account'\n"
        "why: Pods run under an account chosen on purpose.\nfix: Set serviceAccountName.\n"
        "references: []\n"
    )
    return custom


def test_rules_are_cached_as_json_per_content(tmp_path: Path, cache_dir: Path) -> None:
    custom = _custom_folder(tmp_path)
    first = rules_mod.load_rules([custom])
    (entry,) = cache_dir.glob("rules-*.json")
    stored = json.loads(entry.read_text())
    assert [r["id"] for r in stored["rules"]] == ["ACME-001"]
    assert not list(cache_dir.glob("*.pickle"))
    again = rules_mod.load_rules([custom])
    assert [r.id for r in again] == [r.id for r in first]
    assert "ACME-001" in {r.id for r in again}

    # Same size and modification time, other content: another key, the new text is used.
    rule_file = custom / "ACME-001.yaml"
    stat = rule_file.stat()
    rule_file.write_text(rule_file.read_text().replace("severity: low", "severity: mid"))
    import os

    os.utime(rule_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(rules_mod.RuleError, match="severity"):
        rules_mod.load_rules([custom])


def test_cache_key_is_the_content_not_the_path(tmp_path: Path) -> None:
    a = rulecache.key(["id: A\n"])
    assert a == rulecache.key(["id: A\n"])
    assert a != rulecache.key(["id: B\n"])
    assert a != rulecache.key(["id: A\n", ""])


def test_a_pickle_in_the_cache_folder_is_never_loaded(tmp_path: Path, cache_dir: Path) -> None:
    """Whoever can write the cache folder must not get code execution."""
    custom = _custom_folder(tmp_path)
    rules_mod.load_rules([custom])
    (entry,) = cache_dir.glob("rules-*.json")
    canary = tmp_path / "CANARY"

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (exec, (f"open({str(canary)!r}, 'w').write('x')",))

    payload = pickle.dumps(Evil())
    entry.write_bytes(payload)
    for name in ("rules-x.pickle", entry.with_suffix(".pickle").name):
        (cache_dir / name).write_bytes(payload)
    assert "ACME-001" in {r.id for r in rules_mod.load_rules([custom])}
    assert not canary.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["rules"][0].update(check="os:system", require=None),
        lambda d: d["rules"][0].update(message="{nmae}"),
        lambda d: d["rules"][0].pop("target"),
        lambda d: d["rules"].append({}),
        lambda d: d.update(key="0" * 64),
    ],
)
def test_tampered_cache_is_a_miss(tmp_path: Path, cache_dir: Path, tamper: object) -> None:
    custom = _custom_folder(tmp_path)
    rules_mod.load_rules([custom])
    (entry,) = cache_dir.glob("rules-*.json")
    data = json.loads(entry.read_text())
    tamper(data)  # type: ignore[operator]
    entry.write_text(json.dumps(data))
    rule = next(r for r in rules_mod.load_rules([custom]) if r.id == "ACME-001")
    assert rule.check is None and rule.require == {"required": ["serviceAccountName"]}
    assert rule.message == "{kind} {name} names no service account"


def test_no_cache_env(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVOPS_LINT_NO_CACHE", "1")
    rules_mod.load_rules([_custom_folder(tmp_path)])
    assert not cache_dir.exists()


def test_default_cache_folder_is_the_platform_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("DEVOPS_LINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    expected = Path(platformdirs.user_cache_dir("devops-lint", appauthor=False))
    assert rulecache.cache_dir() == expected


def test_broken_rule_file_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "ACME-002.yaml"
    bad.write_text("id: ACME-002\ncontrols: [ACME-002]\ntitle: x\n")
    with pytest.raises(rules_mod.RuleError, match=r"ACME-002.yaml:1: field \(top level\)"):
        rules_mod.load_rule_file(bad)


def test_cached_rules_are_not_parsed_again(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = rules_mod._rule_files([rules_mod.resource_dir("rules")])
    fresh = rules_mod._load_data(files, True, None)

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(rules_mod, "_parse_rule_file", no_parsing)
    cached = rules_mod._load_data(files, True, None)
    assert [(r.id, r.source, r.check, r.require) for r in cached] == [
        (r.id, r.source, r.check, r.require) for r in fresh
    ]
