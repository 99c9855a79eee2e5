from __future__ import annotations

from pathlib import Path

import pytest

from devops_lint.config import ConfigError, build_settings
from devops_lint.defaults import DEFAULT_SETTINGS, MAX_FILE_SIZE_CEILING


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
    assert settings["metrics_metadata"] == str(tmp_path / "metadata.json")


# --- discovery up the tree (ruff's rule) -------------------------------------------------------


def test_config_found_up_to_the_git_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: low\n")
    scanned = tmp_path / "infra" / "k8s"
    scanned.mkdir(parents=True)
    settings, path = build_settings(scanned, None, {})
    assert path == tmp_path / ".devops-lint.yaml"
    assert settings["fail_on"] == "low"


def test_nearest_config_wins(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: low\n")
    inner = tmp_path / "infra"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.devops-lint]\nfail-on = "critical"\n')
    settings, path = build_settings(inner / "main.tf", None, {})
    assert path == inner / "pyproject.toml"
    assert settings["fail_on"] == "critical"


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".devops-lint.yml").write_text("fail_on: info\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    _, path = build_settings(tmp_path / "sub", None, {})
    assert path == tmp_path / ".devops-lint.yml"


def test_no_walk_above_the_repository(tmp_path: Path) -> None:
    """Outside a git repository only the scanned folder is searched; inside one, the walk
    stops at its root."""
    (tmp_path / ".devops-lint.yaml").write_text("fail_on: low\n")
    scanned = tmp_path / "project"
    scanned.mkdir()
    assert build_settings(scanned, None, {})[1] is None
    (scanned / ".git").mkdir()
    (scanned / "sub").mkdir()
    assert build_settings(scanned / "sub", None, {})[1] is None


# --- paths a repository's config names stay inside it ----------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("rule_paths", "[../elsewhere]"),
        ("rule_paths", "[/etc]"),
        ("helm_values_files", "[../secrets.yaml]"),
        ("helm_values_files", "[/etc/passwd]"),
        ("metrics_metadata", "../metadata.json"),
        ("metrics_metadata", "/etc/passwd"),
        ("baseline", "../baseline.json"),
    ],
)
def test_config_paths_outside_the_repository(tmp_path: Path, key: str, value: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "secrets.yaml").write_text("token: s3cr3t\n")
    (tmp_path / "metadata.json").write_text('{"s3cr3t": 1}')
    cfg = repo / ".devops-lint.yaml"
    cfg.write_text(f"{key}: {value}\n")
    with pytest.raises(ConfigError) as info:
        build_settings(repo, None, {})
    assert f"{cfg}: key {key!r}: " in str(info.value)
    assert "outside the repository root" in str(info.value)
    assert "s3cr3t" not in str(info.value)


def test_config_path_symlinked_out_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "metadata.json").write_text('{"data": {}}')
    (repo / "metadata.json").symlink_to(tmp_path / "metadata.json")
    (repo / ".devops-lint.yaml").write_text("metrics_metadata: metadata.json\n")
    with pytest.raises(ConfigError, match=r"key 'metrics_metadata': 'metadata\.json' is outside"):
        build_settings(repo, None, {})


def test_config_file_symlinked_out_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "private.yaml").write_text("s3cr3t: [\n")
    (repo / ".devops-lint.yaml").symlink_to(tmp_path / "private.yaml")
    with pytest.raises(ConfigError, match="resolves outside the repository") as info:
        build_settings(repo, None, {})
    assert "s3cr3t" not in str(info.value)


def test_config_paths_inside_are_absolute(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "values-prod.yaml").write_text("a: 1\n")
    (tmp_path / ".devops-lint.yaml").write_text(
        "rule_paths: [policies]\nhelm_values_files: [values-prod.yaml]\n"
    )
    sub = tmp_path / "charts"
    sub.mkdir()
    settings, _ = build_settings(sub, None, {})
    # Relative to the configuration file's folder, wherever the scan starts.
    assert settings["rule_paths"] == [str(tmp_path / "policies")]
    assert Path(settings["helm_values_files"][0]).resolve() == tmp_path / "values-prod.yaml"


def test_explicit_config_outside_the_repository_may_name_its_own_folder(tmp_path: Path) -> None:
    """--config comes from the command line (trusted): what it names may sit beside it."""
    org = tmp_path / "org"
    (org / "policies").mkdir(parents=True)
    (org / "devops-lint.yaml").write_text("rule_paths: [policies]\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    settings, _ = build_settings(repo, org / "devops-lint.yaml", {})
    assert settings["rule_paths"] == [str(org / "policies")]
    (org / "devops-lint.yaml").write_text("rule_paths: [../repo/../../]\n")
    with pytest.raises(ConfigError, match="key 'rule_paths'"):
        build_settings(repo, org / "devops-lint.yaml", {})


def test_max_file_size_has_a_ceiling(tmp_path: Path) -> None:
    cfg = tmp_path / ".devops-lint.yaml"
    cfg.write_text(f"max_file_size: {MAX_FILE_SIZE_CEILING}\n")
    assert build_settings(tmp_path, None, {})[0]["max_file_size"] == MAX_FILE_SIZE_CEILING
    cfg.write_text(f"max_file_size: {MAX_FILE_SIZE_CEILING + 1}\n")
    with pytest.raises(ConfigError, match="key 'max_file_size'"):
        build_settings(tmp_path, None, {})


def test_excludes_are_anchored_at_the_config_folder(tmp_path: Path) -> None:
    """A config found up the tree excludes its own /rules/, not a scanned subfolder's."""
    from devops_lint.engine import run
    from devops_lint.rules import load_rules

    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: c\n      image: nginx:1.27\n      securityContext: {privileged: true}\n"
    )
    (tmp_path / ".git").mkdir()
    (tmp_path / ".devops-lint.yaml").write_text("exclude: [/rules/]\n")
    for folder in (tmp_path / "rules", tmp_path / "sub" / "rules"):
        folder.mkdir(parents=True)
        (folder / "pod.yaml").write_text(pod)
    rules = [r for r in load_rules() if r.id == "K8S-001"]

    def linted(root: Path) -> set[str]:
        settings, _ = build_settings(root, None, {})
        return {f.path for f in run(root, [root], settings, rules).findings}

    assert linted(tmp_path) == {"sub/rules/pod.yaml"}
    assert linted(tmp_path / "sub") == {"rules/pod.yaml"}
