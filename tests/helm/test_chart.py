"""Charts as a unit: values.yaml checked against values.schema.json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from devops_lint.config import build_settings
from devops_lint.engine import run
from devops_lint.rules import load_rules

TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n"
SCHEMA = """{
  "type": "object",
  "required": ["name", "replicas"],
  "properties": {
    "name": {"type": "string"},
    "image": {"type": "object", "properties": {"tag": {"type": "string", "pattern": "^[0-9]"}}}
  }
}"""


def findings(root: Path, extra: list[str] | None = None) -> set[tuple[str, int, str]]:
    settings, _ = build_settings(root, None, {})
    settings["helm_values_files"] = extra or []
    result = run(root, [root], settings, load_rules())
    return {(f.path, f.line, f.rule_id) for f in result.findings}


def test_values_schema_violations_are_located(chart: Callable[..., Path]) -> None:
    root = chart(
        {
            "web/templates/cm.yaml": TEMPLATE,
            "web/values.yaml": "name: 3\nimage:\n  tag: latest\n",
            "web/values.schema.json": SCHEMA,
        }
    )
    got = findings(root)
    assert got == {
        ("web/values.yaml", 1, "X-000.helm-values-schema"),  # replicas missing
        ("web/values.yaml", 1, "X-000.helm-values-schema"),  # name not a string
        ("web/values.yaml", 3, "X-000.helm-values-schema"),  # tag pattern
    }


def test_values_files_given_on_the_command_line(chart: Callable[..., Path]) -> None:
    root = chart(
        {
            "web/templates/cm.yaml": TEMPLATE,
            "web/values.yaml": "name: web\nreplicas: 1\n",
            "web/values.schema.json": SCHEMA,
            "prod.yaml": "image:\n  tag: latest\n",
        }
    )
    assert findings(root) == set()
    got = findings(root, [str(root / "prod.yaml")])
    assert got == {(str(root / "prod.yaml").replace("\\", "/"), 2, "X-000.helm-values-schema")}


def test_broken_schema_is_reported_on_the_schema(chart: Callable[..., Path]) -> None:
    root = chart(
        {
            "web/templates/cm.yaml": TEMPLATE,
            "web/values.yaml": "name: web\n",
            "web/values.schema.json": '{"type": "object",\n "required": [}',
        }
    )
    assert findings(root) == {("web/values.schema.json", 2, "X-000.helm-values-schema")}
