from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint import rules as rules_mod


def test_rules_are_cached_per_exact_file_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    first = rules_mod.load_rules()
    cached = list((tmp_path / "cache").glob("rules-*.pickle"))
    assert len(cached) == 1
    again = rules_mod.load_rules()
    assert [r.id for r in again] == [r.id for r in first]

    # A custom rule folder is another file set: another cache entry, and its rule is loaded.
    custom = tmp_path / "policies"
    custom.mkdir()
    source = next(r for r in first if r.id == "K8S-001").source
    text = Path(source).read_text().replace("id: K8S-001", "id: ACME-001", 1)
    (custom / "ACME-001.yaml").write_text(text.replace("[K8S-001]", "[ACME-001]", 1))
    with_custom = rules_mod.load_rules([custom])
    assert "ACME-001" in {r.id for r in with_custom}
    assert len(list((tmp_path / "cache").glob("rules-*.pickle"))) == 2


def test_broken_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path))
    rules_mod.load_rules()
    (cache,) = tmp_path.glob("rules-*.pickle")
    cache.write_bytes(b"not a pickle")
    assert rules_mod.load_rules()


def test_broken_rule_file_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "ACME-002.yaml"
    bad.write_text("id: ACME-002\ncontrols: [ACME-002]\ntitle: x\n")
    with pytest.raises(rules_mod.RuleError, match=r"ACME-002.yaml: field \(top level\)"):
        rules_mod.load_rule_file(bad)
