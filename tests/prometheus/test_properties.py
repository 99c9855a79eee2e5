"""Property tests: mutated rule files, random configurations and random expressions never
make the Prometheus support raise."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from devops_lint.prometheus import promql as q
from devops_lint.prometheus.durations import parse_duration
from devops_lint.prometheus.gotemplate import analyse
from tests.fixture_support import lint_folder

SEED = Path(__file__).parent / "data" / "seed"
BASE_RULES = (SEED / "alert_rules.yml").read_text()
BASE_CONFIG = (SEED / "prometheus.yml").read_text()

PROMQL_TOKENS = [
    "rate(", "sum", " by (job) ", "(", ")", "[5m]", "[1m:30s]", "x_total", "up", "{", "}",
    'job="a"', 'status=~"5.."', ",", " > ", " == bool ", " / ", " and ", " or on(job) ",
    "absent(", "topk(3,", "vector(1)", "1", "0.5", " offset 5m", "histogram_quantile(0.9,",
    "label_replace(", '"a"', " @ start()", "-", "count_values(", "quantile(", "group_left(x)",
]  # fmt: skip
TEMPLATE_TOKENS = [
    "{{", "}}", " $value ", " $labels.x ", " | ", "humanize", " if ", " end ", " else ", '"s"',
    "(", ")", " $x := ", " .Value ", "text", "{{-", "-}}", "/*", "*/", " index $labels ",
    " range ", " printf ", "`", "'", " nope ",
]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, 1, 1.5, True, [], {}, [1, 2], {"a": 1}, "", "5 m", "{{", "}}", "rate(", "x" * 200,
    "1y", "0", "-1", {"nested": {"deep": [None]}}, "ünïcödé", "\t",
]  # fmt: skip

promql_text = st.lists(st.sampled_from(PROMQL_TOKENS), max_size=14).map("".join) | st.text(
    max_size=40
)
template_text = st.lists(st.sampled_from(TEMPLATE_TOKENS), max_size=12).map("".join) | st.text(
    max_size=40
)


@settings(max_examples=300, deadline=None)
@given(promql_text)
def test_random_expressions_never_raise(text: str) -> None:
    parsed = q.parse(text)
    if parsed.ast is not None:
        q.result_labels(parsed.ast)
        q.is_condition(parsed.ast)
        q.comparison_lhs(parsed.ast)
        q.is_heartbeat(parsed.ast)
        for node, _ in q.walk(parsed.ast):
            if q.kind(node) == "VectorSelector":
                q.metric_name(node)
                q.job_of(node)
    else:
        assert parsed.error


@settings(max_examples=300, deadline=None)
@given(template_text)
def test_random_templates_never_raise(text: str) -> None:
    analyse.__wrapped__(text)


@given(st.one_of(st.text(max_size=12), st.integers(), st.none(), st.booleans()))
def test_random_durations_never_raise(value: Any) -> None:
    parse_duration(value)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _no_internal_errors(folder: Path) -> None:
    result = lint_folder(folder)
    bad = [f for f in result.findings if f.rule_id == "X-000.internal-error"]
    assert not bad, [f.message for f in bad]


def _mutate(text: str, ops: list[tuple[int, int, str]]) -> str:
    lines = text.splitlines()
    for kind, pos, extra in ops:
        if not lines:
            break
        i = pos % len(lines)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2:
            head, sep, _ = lines[i].partition(": ")
            lines[i] = f"{head}{sep or ': '}{extra}"
        else:
            cut = pos % (len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + extra + lines[i][cut:]
    return "\n".join(lines) + "\n"


mutations = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 10_000),
        st.sampled_from(
            ["[1]", "{}", "null", "5 m", '"{{ $value"', "x > bool 1", "topk(", "- a", "  ", ":",
             "'{{ humanise $value }}'", "rate(x[1s])", "1w", '"a\\"b"', "&a", "*a", "!!str 1"]
        ),
    ),
    min_size=1,
    max_size=6,
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutations, mutations)
def test_mutated_seed_files_never_raise(tmp_path: Path, rule_ops: Any, config_ops: Any) -> None:
    (tmp_path / "alert_rules.yml").write_text(_mutate(BASE_RULES, rule_ops))
    (tmp_path / "prometheus.yml").write_text(_mutate(BASE_CONFIG, config_ops))
    _no_internal_errors(tmp_path)


rule_values = st.sampled_from(ODD_VALUES) | promql_text | template_text
rule = st.dictionaries(
    st.sampled_from(["alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations",
                     "bogus"]),
    rule_values
    | st.dictionaries(st.sampled_from(["severity", "summary", "description", "runbook_url", "x"]),
                      rule_values, max_size=3),
    max_size=7,
)  # fmt: skip
group = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b", "", None, 3]), "rules": st.lists(rule, max_size=4)},
    optional={"interval": st.sampled_from([*ODD_VALUES, "10m", "1m"]), "limit": rule_values},
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(group, min_size=1, max_size=3), st.booleans())
def test_random_rule_files_never_raise(tmp_path: Path, groups: Any, operator: bool) -> None:
    if operator:
        data: Any = {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": "x"},
            "spec": {"groups": groups},
        }
    else:
        data = {"groups": groups}
    (tmp_path / "rules.yml").write_text(_dump(data))
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 15s}\nrule_files: [rules.yml]\nscrape_configs: []\n"
    )
    _no_internal_errors(tmp_path)


config_section = st.dictionaries(
    st.sampled_from(["global", "rule_files", "alerting", "scrape_configs", "remote_write",
                     "remote_read", "typo"]),
    st.sampled_from(ODD_VALUES)
    | st.lists(st.dictionaries(
        st.sampled_from(["job_name", "scrape_interval", "scrape_timeout", "static_configs",
                         "relabel_configs", "tls_config", "basic_auth", "url", "alertmanagers",
                         "kubernetes_sd_configs"]),
        st.sampled_from(ODD_VALUES) | st.lists(st.sampled_from(ODD_VALUES), max_size=3),
        max_size=5), max_size=3),
    max_size=6,
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(config_section)
def test_random_configs_never_raise(tmp_path: Path, data: Any) -> None:
    data = {"scrape_configs": [], **data}
    (tmp_path / "prometheus.yml").write_text(_dump(data))
    _no_internal_errors(tmp_path)
