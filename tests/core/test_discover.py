from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from devops_lint.classify import document_format, file_kind
from devops_lint.discover import Found, Skipped, Unreadable, discover
from tests.manifests import PRIVILEGED_POD
from tests.security.hostile_cases import remove_chain


def paths(root: Path, excludes: list[str] | None = None, **kw: Any) -> list[str]:
    found = discover(root, [root], excludes or [], **kw)
    return [f.path for f in found if isinstance(f, Found) and f.abspath.name != ".gitignore"]


def make(root: Path, *rels: str, text: str = "x: 1\n") -> None:
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_skips_vcs_and_vendored_folders(tmp_path: Path) -> None:
    for rel in ["a.yaml", ".git/x.yaml", "node_modules/m/y.yaml", ".terraform/z.tf", "sub/b.tf"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x: 1\n")
    assert paths(tmp_path) == ["a.yaml", "sub/b.tf"]


def test_excludes_by_glob_and_folder_name(tmp_path: Path) -> None:
    for rel in ["keep.yaml", "gen/out.yaml", "deep/gen/x.yaml", "skip-me.yaml"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x: 1\n")
    assert paths(tmp_path, ["gen", "skip-*.yaml"]) == ["keep.yaml"]


def test_symlinks_never_lead_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("x: 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.yaml").write_text("x: 1\n")
    os.symlink(outside, root / "linkdir")
    os.symlink(outside / "secret.yaml", root / "link.yaml")
    os.symlink(root / "a.yaml", root / "inside.yaml")
    assert paths(root) == ["a.yaml"]  # the inside link names a file already yielded


def test_each_file_once_when_paths_overlap(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    found = [f for f in discover(tmp_path, [tmp_path, tmp_path / "a.yaml"]) if isinstance(f, Found)]
    assert [f.path for f in found] == ["a.yaml"]


def test_file_kinds_by_path() -> None:
    assert file_kind("infra/main.tf") == "terraform"
    assert file_kind("infra/main.tf.json") == "terraform"
    assert file_kind("infra/prod.tfvars") == "tfvars"
    assert file_kind(".github/workflows/ci.yml") == "workflow"
    assert file_kind("sub/.github/workflows/ci.yaml") == "workflow"
    assert file_kind("actions/setup/action.yml") == "action"
    assert file_kind(".github/dependabot.yml") == "dependabot"
    assert file_kind("chart/templates/deploy.yaml") == "helm"
    assert file_kind("chart/templates/_helpers.tpl") == "other"
    assert file_kind("chart/templates/NOTES.txt") == "other"
    assert file_kind("k8s/app.yaml") == "yaml"
    assert file_kind("package-lock.json") == "other"
    assert file_kind("README.md") == "other"


def test_document_formats_by_content() -> None:
    assert document_format({"on": "push", "jobs": {"a": {"runs-on": "x"}}}) == "workflow"
    assert document_format({"scrape_configs": []}) == "prometheus-config"
    assert document_format({"global": {}, "rule_files": []}) == "prometheus-config"
    assert document_format({"groups": [{"name": "g", "rules": []}]}) == "prometheus-rules"
    assert document_format({"route": {}, "receivers": []}) == "alertmanager"
    assert document_format({"apiVersion": "v1", "kind": "Pod"}) == "kubernetes"
    assert document_format({"apiVersion": 1, "kind": "Pod"}) == "yaml"
    assert document_format(["a"]) == "yaml"


# --------------------------------------------------------------- what git ignores (#13 item 9)
def test_gitignore_of_the_working_tree_is_respected(tmp_path: Path) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local-*.yaml\n")
    (tmp_path / ".gitignore").write_text("# build output\nbuild/\n*.gen.yaml\n!keep.gen.yaml\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("scratch.tf\n!also.gen.yaml\n")
    make(
        tmp_path,
        "a.yaml",
        "build/out.yaml",
        "x.gen.yaml",
        "keep.gen.yaml",
        "local-notes.yaml",
        "sub/scratch.tf",
        "sub/main.tf",
        "sub/also.gen.yaml",
        "other/scratch.tf",
    )
    assert paths(tmp_path) == [
        "a.yaml",
        "keep.gen.yaml",
        "other/scratch.tf",
        "sub/also.gen.yaml",
        "sub/main.tf",
    ]
    everything = paths(tmp_path, respect_ignores=False)  # --no-ignore
    assert "build/out.yaml" in everything and "sub/scratch.tf" in everything
    assert len(everything) == 9


def test_gitignore_applies_when_a_subfolder_is_scanned(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("/infra/generated/\n")
    make(tmp_path, "infra/main.tf", "infra/generated/x.tf")
    found = discover(tmp_path / "infra", [tmp_path / "infra"])
    assert [f.path for f in found if isinstance(f, Found)] == ["main.tf"]


def test_gitignore_outside_a_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.yaml\n")  # no .git: not a working tree
    make(tmp_path, "a.yaml")
    assert paths(tmp_path) == ["a.yaml"]


def test_nested_repository_starts_afresh(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.tf\n")
    (tmp_path / "mod" / ".git").mkdir(parents=True)
    make(tmp_path, "a.tf", "mod/main.tf")
    assert paths(tmp_path) == ["mod/main.tf"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_linked_gitignore_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside-ignore"
    outside.write_text("*.yaml\n")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").symlink_to(outside)  # git refuses linked ignore files too
    make(root, "a.yaml")
    assert paths(root) == ["a.yaml"]


def test_hostile_ignore_pattern_does_not_backtrack(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*a" * 15 + "b\n")
    make(tmp_path, "a" * 40 + ".yaml")
    started = time.monotonic()
    assert paths(tmp_path) == ["a" * 40 + ".yaml"]
    assert time.monotonic() - started < 2


def test_caches_and_virtualenvs_are_skipped_unless_no_ignore(tmp_path: Path) -> None:
    make(
        tmp_path,
        "a.yaml",
        ".venv/lib/x.yaml",
        "env/pyvenv.cfg",
        "env/lib/y.yaml",
        ".tox/py/z.yaml",
        "__pycache__/c.json",
        ".terraform/modules/m/main.tf",
        "vendor/modules/net/main.tf",
    )
    assert paths(tmp_path) == ["a.yaml", "vendor/modules/net/main.tf"]
    assert len(paths(tmp_path, respect_ignores=False)) == 8
    make(tmp_path, ".git/config.yaml")
    assert ".git/config.yaml" not in paths(tmp_path, respect_ignores=False)


# ----------------------------------------------------------------- excludes, gitignore style
def test_excludes_have_gitignore_semantics(tmp_path: Path) -> None:
    make(tmp_path, "testdata/a.yaml", "x/testdata/b.yaml", "keep.yaml", "deep/gen/c.tf", "gen.tf")
    assert sorted(paths(tmp_path, ["**/testdata/**"])) == ["deep/gen/c.tf", "gen.tf", "keep.yaml"]
    assert sorted(paths(tmp_path, ["/gen.tf", "gen/"])) == [
        "keep.yaml",
        "testdata/a.yaml",
        "x/testdata/b.yaml",
    ]


def test_named_paths_are_read_even_when_excluded_or_ignored(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n")
    make(tmp_path, "examples/a.yaml", "examples/b.tmp.yaml", "build/c.yaml", "other.yaml")
    excludes = ["examples/", "*.tmp.yaml"]
    assert paths(tmp_path, excludes) == ["other.yaml"]

    def named(*rels: str, **kw: Any) -> list[str]:
        found = discover(tmp_path, [tmp_path / r for r in rels], excludes, **kw)
        return [f.path for f in found if isinstance(f, Found)]

    # A pattern that excludes the named folder does not apply inside it; others still do.
    assert named("examples") == ["examples/a.yaml"]
    assert named("build") == ["build/c.yaml"]
    assert named("examples/b.tmp.yaml", "build/c.yaml") == ["examples/b.tmp.yaml", "build/c.yaml"]
    # Neighbours read for context (not in `force`) and --force-exclude keep every pattern.
    assert named("examples/a.yaml", "other.yaml", force=[tmp_path / "other.yaml"]) == ["other.yaml"]
    assert named("examples", "build/c.yaml", force=[]) == []


# ----------------------------------------------------------------- symlinks (#11 item 2)
@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_skipped_links_are_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make(outside, "secret.yaml")
    root = tmp_path / "root"
    make(root, "a.yaml", "sub/b.yaml")
    os.symlink(outside, root / "linkdir")
    os.symlink(outside / "secret.yaml", root / "link.yaml")
    os.symlink(root, root / "sub" / "cycle")
    os.symlink("loop-b.yaml", root / "loop-a.yaml")
    os.symlink("loop-a.yaml", root / "loop-b.yaml")
    found = list(discover(root, [root]))
    assert [f.path for f in found if isinstance(f, Found)] == ["a.yaml", "sub/b.yaml"]
    skipped = {f.path: f.reason for f in found if isinstance(f, Skipped)}
    assert set(skipped) == {"linkdir", "link.yaml", "sub/cycle", "loop-a.yaml", "loop-b.yaml"}
    assert "outside" in skipped["linkdir"] and "outside" in skipped["link.yaml"]
    assert "cycle" in skipped["sub/cycle"] and "loop" in skipped["loop-a.yaml"]
    assert not [f for f in found if isinstance(f, Unreadable)]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_links_between_folders_never_loop(tmp_path: Path) -> None:
    # a/to-b -> b and b/to-a -> a: each folder is walked once, from wherever it is reached.
    make(tmp_path, "scan/x.yaml", "a/one.yaml", "b/two.yaml")
    os.symlink(tmp_path / "b", tmp_path / "a" / "to-b")
    os.symlink(tmp_path / "a", tmp_path / "b" / "to-a")
    os.symlink(tmp_path / "a", tmp_path / "scan" / "to-a")
    started = time.monotonic()
    found = list(discover(tmp_path, [tmp_path / "scan"]))
    assert time.monotonic() - started < 5
    assert sorted(f.path for f in found if isinstance(f, Found)) == [
        "scan/to-a/one.yaml",
        "scan/to-a/to-b/two.yaml",
        "scan/x.yaml",
    ]


# ------------------------------------------------- the command line (#13 items 9 and 13)


def test_cli_ignores_config_excludes_and_named_paths(tmp_path: Path) -> None:
    from tests.integration.conftest import run_in_process

    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / ".devops-lint.yaml").write_text("select: [K8S-001]\nexclude: [/examples/]\n")
    make(
        tmp_path,
        "k8s/pod.yaml",
        "examples/pod.yaml",
        "build/pod.yaml",
        ".venv/pod.yaml",
        text=PRIVILEGED_POD,
    )

    def reported(*args: str, cwd: Path = tmp_path) -> tuple[int, list[str]]:
        r = run_in_process("--format", "json", *args, cwd=cwd)
        return r.code, sorted(f["path"] for f in json.loads(r.out)["findings"])

    assert reported(".") == (1, ["k8s/pod.yaml"])
    # The configuration still excludes examples/ when ignores are off.
    assert reported("--no-ignore", ".") == (1, [".venv/pod.yaml", "build/pod.yaml", "k8s/pod.yaml"])
    # An exclude in the configuration above does not hide what the user names.
    for args, cwd in [(["examples/"], tmp_path), (["."], tmp_path / "examples")]:
        code, found = reported(*args, cwd=cwd)
        assert code == 1 and len(found) == 1 and found[0].endswith("pod.yaml"), (args, found)
    assert reported("examples/pod.yaml") == (1, ["examples/pod.yaml"])
    assert reported("--force-exclude", "examples/pod.yaml") == (0, [])


def test_cli_folders_beside_files_are_reported_with_the_same_walk(tmp_path: Path) -> None:
    """A folder named beside a file is reported in full: ignored files too under --no-ignore."""
    from tests.integration.conftest import run_in_process

    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("gen/\n")
    (tmp_path / ".devops-lint.yaml").write_text("select: [K8S-001]\n")
    make(tmp_path, "k8s/gen/pod.yaml", "other/pod.yaml", text=PRIVILEGED_POD)
    r = run_in_process("--format", "json", "--no-ignore", "k8s/", "other/pod.yaml", cwd=tmp_path)
    paths = sorted(f["path"] for f in json.loads(r.out)["findings"])
    assert paths == ["k8s/gen/pod.yaml", "other/pod.yaml"]


def test_deeply_nested_folders_are_walked_without_recursion(tmp_path: Path) -> None:
    """Python 3.11's os.walk recursed once per level: 1,200 folders ended the run with
    RecursionError (an internal error, nothing reported)."""
    deep = tmp_path
    for _ in range(1_200):  # one by one: mkdir(parents=True) recurses too
        deep = deep / "d"
        deep.mkdir()
    (deep / "pod.yaml").write_text("x: 1\n")
    try:
        make(tmp_path, "a.yaml", "d/b.yaml")
        assert paths(tmp_path) == ["a.yaml", "d/b.yaml", "/".join(["d"] * 1_200) + "/pod.yaml"]
    finally:
        (tmp_path / "d" / "b.yaml").unlink()
        remove_chain(tmp_path, "d")


def test_walk_order_is_os_walk_order(tmp_path: Path) -> None:
    make(tmp_path, "b/x.yaml", "a/z/y.yaml", "a/y.yaml", "c.yaml", "a/b/c/d.yaml", "b/a/e.yaml")
    assert paths(tmp_path) == [
        "c.yaml",
        "a/y.yaml",
        "a/b/c/d.yaml",
        "a/z/y.yaml",
        "b/x.yaml",
        "b/a/e.yaml",
    ]


def test_a_folder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A permission error used to skip the folder in silence (os.walk's default)."""
    import devops_lint.discover as disc

    make(tmp_path, "a.yaml", "locked/b.yaml")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(disc.os, "scandir", scandir)
    found = list(discover(tmp_path, [tmp_path], []))
    assert [f.path for f in found if isinstance(f, Found)] == ["a.yaml"]
    (locked,) = [f for f in found if isinstance(f, Unreadable)]
    assert locked.path == "locked" and "cannot list folder: Permission denied" in locked.reason


def test_a_folder_past_the_path_length_limit_is_reported_not_a_crash(tmp_path: Path) -> None:
    """Past PATH_MAX (4,096 bytes on Linux) every call on the path fails: that folder is one
    finding and the rest of the tree is still read (it was an internal error)."""
    make(tmp_path, "a.yaml")
    folder = tmp_path
    here = os.getcwd()
    os.chdir(tmp_path)  # create below the limit by walking down, as a checkout would
    try:
        while len(str(folder)) < 4_300:
            os.mkdir("dddddddddd")
            os.chdir("dddddddddd")
            folder = folder / "dddddddddd"
    finally:
        os.chdir(here)
    try:
        found = list(discover(tmp_path, [tmp_path], []))
        assert [f.path for f in found if isinstance(f, Found)] == ["a.yaml"]
        (too_long,) = [f for f in found if isinstance(f, Unreadable)]
        assert "too long" in too_long.reason
    finally:
        remove_chain(tmp_path, "dddddddddd")
