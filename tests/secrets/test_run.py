"""X-001/X-002 in real runs: file selection, failed files, suppressions, de-duplication."""

from __future__ import annotations

from pathlib import Path

from tests.secrets.helpers import found, lint

KEY = "AKIAZZZZFAKEFAKE1234"


def test_runs_without_any_known_format(tmp_path: Path) -> None:
    result = lint(tmp_path, {".env": f"AWS_ACCESS_KEY_ID={KEY}\n"})
    assert found(result) == {(".env", 1, "X-001.aws-access-key")}
    (f,) = result.findings
    assert KEY not in f.message and f.span.column == 19


def test_failed_file_gets_only_x001(tmp_path: Path) -> None:
    text = f"a:\n  key: {KEY}\n  b: [c\n  password: hunter2hunter2\n"
    result = lint(tmp_path, {"broken.yaml": text})
    rules = {r for _, _, r in found(result)}
    assert rules == {"X-000.parse-error", "X-001.aws-access-key"}


def test_lockfiles_excluded_paths_binary_and_large_files_are_skipped(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "package-lock.json": f'{{"k": "{KEY}"}}',
        ".terraform.lock.hcl": f"# {KEY}\n",
        "vendor/x.env": f"K={KEY}\n",
        "blob.bin": b"\x00\x01" + KEY.encode(),
        "big.txt": f"K={KEY}\n" + "x" * (1024 * 1024),
        "ok.txt": f"K={KEY}\n",
    }
    result = lint(tmp_path, files, secret_scan_exclude=["vendor/"])
    assert found(result) == {("ok.txt", 1, "X-001.aws-access-key")}


def test_suppression_comment_in_an_unparsed_file(tmp_path: Path) -> None:
    text = f"K={KEY}  # devops-lint: ignore[X-001] rotated test key approved-by:secops\n"
    result = lint(tmp_path, {"test.env": text})
    assert found(result) == set()
    assert [f.suppression for f in result.findings] == ["rotated test key"]


def test_x002_skips_values_reported_by_format_rules(tmp_path: Path) -> None:
    workflow = (
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    env:\n      DB_PASSWORD: hunter2hunter2\n    steps:\n      - run: echo\n"
    )
    result = lint(tmp_path, {".github/workflows/ci.yml": workflow})
    assert not any(r.startswith("X-002") for _, _, r in found(result))
    assert any(r.startswith("GHA-012") for _, _, r in found(result, "GHA-012"))


def test_x002_skips_values_x001_reported(tmp_path: Path) -> None:
    result = lint(tmp_path, {".env": "API_TOKEN=Zq8vK2mX9pL4rT7wY1nB5cH3jF6dS0aGqE\n"})
    assert found(result) == {(".env", 1, "X-001.high-entropy")}


def test_helm_values_connection_string(tmp_path: Path) -> None:
    values = "databaseUrl: postgres://app:Pa55w0rd@db:5432/app\n"
    result = lint(tmp_path, {"chart/Chart.yaml": "name: c\n", "chart/values.yaml": values})
    assert found(result) == {("chart/values.yaml", 1, "X-002.url-credentials")}


def test_unparsed_json_is_read_for_sensitive_keys(tmp_path: Path) -> None:
    result = lint(tmp_path, {"conf.json": '{\n  "apiKey": "literal-api-key-1"\n}\n'})
    assert found(result) == {("conf.json", 2, "X-002.sensitive-key")}


def test_documentation_quoting_the_suppression_syntax_is_left_alone(tmp_path: Path) -> None:
    readme = "Suppress with `# devops-lint: ignore[K8S-001] reason` on the line.\n"
    result = lint(tmp_path, {"README.md": readme, "notes.txt": "# devops-lint: ignore[X-001]\n"})
    assert found(result, "X-000") == set()


def test_annotation_suppression_applies_to_the_object_holding_the_secret(tmp_path: Path) -> None:
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: x\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n"
        '    devops-lint.io/ignore: "X-001: documented test key, approved-by:secops"\n'
        f"data:\n  aws: {KEY}\n"
    )
    result = lint(tmp_path, {"cm.yaml": manifest})
    assert found(result, "X-001") == set()
    assert [f.rule_id for f in result.findings if f.suppression] == ["X-001.aws-access-key"]
