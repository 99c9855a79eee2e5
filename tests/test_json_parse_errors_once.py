"""A parse error is listed once in the JSON report: in ``parse_errors``, not in ``findings``."""

from __future__ import annotations

import json
from pathlib import Path

from devops_lint.report.json import render
from tests.crossfile.helpers import write
from tests.fixture_support import lint_folder


def test_parse_errors_listed_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n",
            "values.yaml": "databaseUrl: postgres://app:Pa55w0rd@db:5432/app\n",
        },
    )
    data = json.loads(render(lint_folder(tmp_path)))
    everything = data["findings"] + data["parse_errors"]
    keys = [(f["rule"], f["path"], f["line"], f["column"]) for f in everything]
    assert len(keys) == len(set(keys)), keys
    assert [Path(p["path"]).name for p in data["parse_errors"]] == ["broken.yaml"]
    assert all(f["rule"] != "X-000.parse-error" for f in data["findings"])
    assert any(f["rule"] == "X-002.url-credentials" for f in data["findings"])
