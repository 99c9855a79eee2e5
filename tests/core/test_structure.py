"""Shape checks that refuse a whole document: the message names what the value is."""

from __future__ import annotations

import pytest

from devops_lint.structure import check_shape
from devops_lint.yamlload import load_documents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scrape_configs: {a: 1}\n", "'scrape_configs' must be a list, not a mapping"),
        ("scrape_configs: text\n", "'scrape_configs' must be a list, not a string"),
        ("global: [1]\n", "'global' must be a mapping, not a list"),
        ("global: 3\n", "'global' must be a mapping, not int"),
        ("alerting: {alertmanagers: yes}\n", "'alerting.alertmanagers' must be a list, not bool"),
        ("scrape_configs: []\n", None),
    ],
)
def test_prometheus_config_shapes(text: str, message: str | None) -> None:
    docs, _ = load_documents(text, "prometheus.yml", "prometheus-config")
    error = check_shape(docs[0])
    if message is None:
        assert error is None
    else:
        assert error is not None and str(error).startswith(message)
