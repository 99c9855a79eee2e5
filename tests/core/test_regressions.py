"""Regressions found by linting real-world repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devops_lint.config import build_settings
from devops_lint.discover import Found, Unreadable, discover
from devops_lint.engine import run
from devops_lint.model import ParseError
from devops_lint.rules import load_rules
from devops_lint.yamlload import load_documents


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # libyaml rejects ':' inside a plain scalar of a flow collection; YAML 1.2 and
        # go-yaml (kubectl, Helm) accept it, as in `args: [--addr=:8080]`.
        ("args: [--metrics-addr=:8080, x]\n", {"args": ["--metrics-addr=:8080", "x"]}),
        ("c: [/bin/get, http://example.org/]\n", {"c": ["/bin/get", "http://example.org/"]}),
        ("r: {k: AWS::Region}\n", {"r": {"k": "AWS::Region"}}),
        ("a: [3001::/24, 5001::/24]\n", {"a": ["3001::/24", "5001::/24"]}),
    ],
)
def test_colon_inside_flow_plain_scalar_is_valid_yaml(text: str, value: object) -> None:
    docs, _ = load_documents(text, "t.yaml")
    assert docs[0].data == value


def test_colon_fallback_keeps_locations_and_yaml_11_scalars() -> None:
    text = "a: 1\n---\nkind: Pod\nb: [x:y, on]\nc: 0755\n"
    docs, _ = load_documents(text, "t.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"kind": "Pod", "b": ["x:y", True], "c": 493}]
    assert docs[1].span(("b", 0)).line == 4
    assert docs[1].span(("b", 0)).column == 5


def test_real_flow_syntax_errors_still_raise() -> None:
    with pytest.raises(ParseError) as err:
        load_documents("a: [x, y\nb: 1\n", "t.yaml")
    assert err.value.line is not None


def test_dangling_link_out_of_the_root_is_skipped(tmp_path: Path) -> None:
    # Package trees link to absolute system paths (`static/jquery -> /usr/share/javascript`)
    # that do not exist on the machine that scans them: not ours to read, not unreadable.
    (tmp_path / "a.yaml").write_text("x: 1\n")
    os.symlink("/nonexistent-devops-lint-target/jquery", tmp_path / "jquery")
    os.symlink("../../outside-missing.yaml", tmp_path / "up.yaml")
    found = list(discover(tmp_path, [tmp_path]))
    assert [f.path for f in found if isinstance(f, Found)] == ["a.yaml"]
    assert [f for f in found if isinstance(f, Unreadable)] == []


def test_dangling_link_to_nothing_the_linter_reads_is_skipped(tmp_path: Path) -> None:
    # Debian's prometheus package: `web/static/d3 -> ../../../javascript/d3`, unpacked alone.
    (tmp_path / "static").mkdir()
    os.symlink("../javascript/d3", tmp_path / "static" / "d3")
    assert list(discover(tmp_path, [tmp_path])) == []


def test_dangling_link_inside_the_root_is_still_reported(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing.yaml", tmp_path / "deploy.yaml")
    found = list(discover(tmp_path, [tmp_path]))
    assert [f.path for f in found if isinstance(f, Unreadable)] == ["deploy.yaml"]


def test_templates_folder_of_another_tool_is_not_helm(tmp_path: Path) -> None:
    """Azure Pipelines keep `${{ }}` templates in templates/ folders: not Helm charts."""
    folder = tmp_path / ".azure-pipelines" / "templates"
    folder.mkdir(parents=True)
    (folder / "build.yml").write_text(
        "parameters:\n  - name: publish\n    type: boolean\nsteps:\n"
        "  - ${{ if eq(parameters.publish, true) }}:\n    - script: make publish\n"
    )
    chart = tmp_path / "chart" / "templates"
    chart.mkdir(parents=True)
    (chart / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }\nspec: {}\n"
    )
    settings, _ = build_settings(tmp_path, None, {})
    result = run(tmp_path, [tmp_path], settings, load_rules())
    errors = [(f.path, f.rule_id) for f in result.findings if f.rule_id.startswith("X-000")]
    # The broken Helm action is still a Helm parse error; the pipeline file is not.
    assert errors == [("chart/templates/pod.yaml", "X-000.parse-error")]
