"""``--shard I/N`` and ``merge``: the merged report equals a single run's, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from devops_lint.cli import main
from devops_lint.shards.units import shard_of
from tests.terraform.test_calls import LEGACY, NODE

ROOT = Path(__file__).resolve().parents[2]


def cli(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, [*args, "--no-cache", "-q", "-j", "1"])


def single(repo: Path, out: Path, mp: pytest.MonkeyPatch, fmt: str = "json") -> tuple[int, str]:
    report = out / f"single.{fmt}"
    result = cli(repo, mp, ".", "--format", fmt, "-o", str(report))
    return result.exit_code, report.read_text()


def sharded(
    repo: Path, out: Path, mp: pytest.MonkeyPatch, count: int, fmt: str = "json"
) -> tuple[int, str]:
    files = _shards(repo, out, mp, count)
    report = out / f"merged.{fmt}"
    merged = cli(repo, mp, "merge", *files, "--format", fmt, "-o", str(report))
    return merged.exit_code, report.read_text()


def _shards(repo: Path, out: Path, mp: pytest.MonkeyPatch, count: int, *args: str) -> list[str]:
    files = []
    for index in range(1, count + 1):
        files.append(str(out / f"shard-{index}.json"))
        made = cli(repo, mp, ".", "--shard", f"{index}/{count}", "-o", files[-1], *args)
        assert made.exit_code == 0, made.output
    return files


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_merged_shards_equal_a_single_run_on_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    repo = ROOT / "examples"
    expected = single(repo, tmp_path, monkeypatch)
    assert expected[0] == 1 and json.loads(expected[1])["findings"]
    assert sharded(repo, tmp_path, monkeypatch, count) == expected


def test_merged_sarif_equals_a_single_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = ROOT / "examples"
    assert sharded(repo, tmp_path, monkeypatch, 3, "sarif") == single(
        repo, tmp_path, monkeypatch, "sarif"
    )


def _two_units_apart() -> int:
    """A shard count that puts the root module and ``node/`` in different shards."""
    for count in range(2, 16):
        if shard_of("terraform:", count) != shard_of("terraform:node", count):
            return count
    raise AssertionError("no such count")


def test_a_suppression_used_from_another_shard_is_not_reported_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The finding sits in node/main.tf (its shard); the suppression on the caller's
    # argument sits in main.tf, owned by another shard, which sees no use of it.
    repo = tmp_path / "repo"
    (repo / "node").mkdir(parents=True)
    lines = LEGACY.split("\n")
    lines[2] += "  # devops-lint: ignore[TF-AWS-018] legacy AMI needs IMDSv1"
    (repo / "main.tf").write_text("\n".join(lines))
    (repo / "node" / "main.tf").write_text(NODE)
    out = tmp_path / "out"
    out.mkdir()
    expected = single(repo, out, monkeypatch)
    report = json.loads(expected[1])
    assert any(f["suppressed"] for f in report["findings"])
    assert not [f for f in report["findings"] if f["rule"] == "X-000.unused-suppression"]
    assert sharded(repo, out, monkeypatch, _two_units_apart()) == expected


def test_an_unused_suppression_is_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "node").mkdir(parents=True)
    (repo / "main.tf").write_text(
        LEGACY.replace("optional", "required") + "# devops-lint: ignore[TF-AWS-018] not needed\n"
    )
    (repo / "node" / "main.tf").write_text(NODE)
    out = tmp_path / "out"
    out.mkdir()
    expected = single(repo, out, monkeypatch)
    rules = [f["rule"] for f in json.loads(expected[1])["findings"]]
    assert "X-000.unused-suppression" in rules
    assert sharded(repo, out, monkeypatch, _two_units_apart()) == expected


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "kubernetes", copy)
    return copy


@pytest.mark.parametrize(
    ("picks", "said"),
    [
        ([(3, 0), (3, 2)], "shard 2/3 missing"),
        ([(2, 0), (2, 0), (2, 1)], "both shard 1"),
        ([(2, 0), (3, 1), (3, 2)], "a shard of 3"),
    ],
    ids=["missing", "twice", "other-split"],
)
def test_an_incomplete_or_mixed_set_of_shards_is_an_error(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    picks: list[tuple[int, int]],
    said: str,
) -> None:
    made: dict[int, list[str]] = {}
    for count in sorted({c for c, _ in picks}):
        (tmp_path / str(count)).mkdir()
        made[count] = _shards(repo, tmp_path / str(count), monkeypatch, count)
    result = cli(repo, monkeypatch, "merge", *(made[c][i] for c, i in picks))
    assert result.exit_code == 2
    assert said in result.output


def test_a_checkout_changed_since_the_shards_is_an_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _shards(repo, tmp_path, monkeypatch, 2)
    target = next(repo.rglob("*.yaml"))
    target.write_text(target.read_text() + "\n# edited after the shards ran\n")
    result = cli(repo, monkeypatch, "merge", *files)
    assert result.exit_code == 2
    assert "other input than this checkout" in result.output


def test_other_configuration_in_the_merge_is_an_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _shards(repo, tmp_path, monkeypatch, 2)
    result = cli(repo, monkeypatch, "merge", *files, "--select", "K8S-001")
    assert result.exit_code == 2
    assert "other input than this checkout" in result.output
    # The same options as the shards merge.
    files = _shards(repo, tmp_path, monkeypatch, 2, "--select", "K8S-001")
    result = cli(repo, monkeypatch, "merge", *files, "--select", "K8S-001", "--format", "json")
    rules = {f["rule"].split(".")[0] for f in json.loads(result.output)["findings"]}
    assert rules == {"K8S-001"}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"not json", "not a shard file"),
        (b"{}", "not a shard file"),
        (b'{"devops-lint-shard": 1, "version": "0.0.0"}', "written by devops-lint 0.0.0"),
    ],
)
def test_a_file_that_is_no_shard_is_an_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, said: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = cli(repo, monkeypatch, "merge", str(bad))
    assert result.exit_code == 2
    assert said in result.output


def test_a_damaged_shard_is_an_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first,) = _shards(repo, tmp_path, monkeypatch, 1)
    value = json.loads(Path(first).read_text())
    value["findings"] = [["K8S-001", "not a finding"]]
    Path(first).write_text(json.dumps(value))
    result = cli(repo, monkeypatch, "merge", first)
    assert result.exit_code == 2
    assert "damaged shard file" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--shard", "0/2"], "1 <= I <= N"),
        (["--shard", "3/2"], "1 <= I <= N"),
        (["--shard", "a/b"], "1 <= I <= N"),
        (["--shard", "1/2", "--fix"], "--fix does not go with --shard"),
    ],
)
def test_shard_options_are_checked(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    result = cli(repo, monkeypatch, ".", *args)
    assert result.exit_code == 2
    assert said in result.output and "internal error" not in result.output


def test_a_shard_scans_folders_only(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = next(p.name for p in repo.iterdir() if p.is_file())
    result = cli(repo, monkeypatch, name, "--shard", "1/2")
    assert result.exit_code == 2
    assert "scans folders" in result.output and "internal error" not in result.output
    result = cli(repo, monkeypatch, str(repo), "--shard", "1/2")
    assert result.exit_code == 2
    assert "folders inside the working directory" in result.output


def test_shard_files_inside_the_scanned_folder_are_named_in_the_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second shard scans the first shard's file: the shards disagree about the input.
    files = [str(repo / "shard-1.json"), str(repo / "shard-2.json")]
    for index, name in enumerate(files, start=1):
        assert cli(repo, monkeypatch, ".", "--shard", f"{index}/2", "-o", name).exit_code == 0
    result = cli(repo, monkeypatch, "merge", *files)
    assert result.exit_code == 2
    assert "keep shard files outside" in result.output


def test_shards_made_with_the_result_cache_merge_to_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default: shards read and fill the result cache's parse facts (a second round of
    # shards reads them back), the merge writes the same report as an uncached single run.
    monkeypatch.setenv("DEVOPS_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEVOPS_LINT_NO_CACHE", raising=False)
    repo = ROOT / "examples"
    expected = single(repo, tmp_path, monkeypatch)
    for round_ in ("cold", "warm"):
        out = tmp_path / round_
        out.mkdir()
        files = []
        for index in (1, 2, 3):
            files.append(str(out / f"shard-{index}.json"))
            monkeypatch.chdir(repo)
            made = CliRunner().invoke(main, [".", "--shard", f"{index}/3", "-o", files[-1], "-q"])
            assert made.exit_code == 0, made.output
        report = out / "merged.json"
        merged = cli(repo, monkeypatch, "merge", *files, "--format", "json", "-o", str(report))
        assert (merged.exit_code, report.read_text()) == expected
    assert any("/facts/" in str(p) for p in (tmp_path / "cache").rglob("*.json"))
