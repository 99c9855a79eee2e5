from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.config import ConfigError, build_settings
from devops_lint.defaults import DEFAULT_SETTINGS


def test_defaults_without_config(tmp_path: Path) -> None:
    settings, path = build_settings(tmp_path, None, {})
    assert path is None
    assert settings == DEFAULT_SETTINGS


def test_config_file_overrides_defaults(tmp_path: Path) -> None:
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: medium\nmin_replicas: 3\n")
    settings, path = build_settings(tmp_path, None, {"fail_on": None})
    assert path == tmp_path / ".devops-lint.yaml"
    assert settings["fail_on"] == "medium"
    assert settings["min_replicas"] == 3


def test_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: medium\n")
    settings, _ = build_settings(tmp_path, None, {"fail_on": "low"})
    assert settings["fail_on"] == "low"


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.devops-lint]\nfail-on = "critical"\n')
    settings, _ = build_settings(tmp_path, None, {})
    assert settings["fail_on"] == "critical"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("fail_onn: high\n", "unknown key 'fail_onn'"),
        ("min_replicas: two\n", "expected integer"),
        ("select: K8S-001\n", "expected array"),
        ("fail_on: severe\n", "fail_on"),
        ("a: [1\n", "invalid YAML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    cfg = tmp_path / ".devops-lint.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        build_settings(tmp_path, None, {})
    assert str(cfg) in str(info.value)
    assert needle in str(info.value)


def test_metrics_metadata_file_must_exist(tmp_path: Path) -> None:
    cfg = tmp_path / ".devops-lint.yaml"
    cfg.write_text("metrics_metadata: metadata.json\n")
    with pytest.raises(ConfigError, match="key 'metrics_metadata'"):
        build_settings(tmp_path, None, {})
    (tmp_path / "metadata.json").write_text('{"data": {}}')
    settings, _ = build_settings(tmp_path, None, {})
    assert settings["metrics_metadata"] == "metadata.json"
