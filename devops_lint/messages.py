"""Placeholders of rule messages, checked when a rule file loads.

The engine formats a rule's ``message`` with the target's ``context`` plus the arguments
a check returns (``engine.format_message``); a placeholder it cannot fill is printed as
written. A typo such as ``{nmae}`` would therefore reach every report silently, so rule
files are checked on load: a data-only (``require:``) rule may use the context keys of its
target kind, listed below; a check may add its own arguments.

``tests/security/test_rule_messages.py`` runs the target kinds over fixtures and examples
and asserts that this table equals the keys every target of each kind really carries.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

_K8S_OBJECT = frozenset({"kind", "name", "namespace", "object", "exempt_controls"})
_TF_BLOCK = frozenset({"name", "module", "dir"})

# Target kind -> the keys of ``Target.context`` every target of that kind carries.
CONTEXT_KEYS: dict[str, frozenset[str]] = {
    "core.input": frozenset(),
    "kubernetes.object": _K8S_OBJECT,
    "kubernetes.pod": _K8S_OBJECT | {"pod"},
    "kubernetes.container": _K8S_OBJECT | {"pod", "container", "workload", "container_type"},
    "kubernetes.project": frozenset({"objects"}),
    "kubernetes.project_object": _K8S_OBJECT | {"objects"},
    "kubernetes.terraform_resource": frozenset({"name", "type"}),
    "kubernetes.aws_auth": frozenset({"name", "object", "type"}),
    "helm.chart": frozenset({"chart", "chart_values", "schema_path"}),
    "helm.render_error": frozenset({"reason"}),
    "terraform.resource": frozenset({"type", "name", "address", "resource", "module", "dir"}),
    "terraform.data_source": frozenset({"type", "name", "address", "resource", "module", "dir"}),
    "terraform.resource_or_data": frozenset(
        {"type", "name", "address", "resource", "module", "dir"}
    ),
    "terraform.provider": _TF_BLOCK | {"alias", "provider"},
    "terraform.variable": _TF_BLOCK | {"variable"},
    "terraform.output": _TF_BLOCK | {"output"},
    "terraform.module_call": _TF_BLOCK | {"call"},
    "terraform.terraform_block": frozenset({"terraform_block", "module", "dir"}),
    "terraform.backend": frozenset({"type", "block", "module", "dir"}),
    "terraform.module": frozenset({"module", "dir"}),
    "terraform.tfvars": frozenset({"path"}),
    "terraform.files": frozenset({"modules"}),
    "github.document": frozenset({"name"}),
    "github.workflow": frozenset({"name"}),
    "github.action": frozenset({"name"}),
    "github.job": frozenset({"job", "name"}),
    "github.step": frozenset({"job", "name"}),
    "github.repository": frozenset({"name"}),
    "prometheus.config": frozenset({"name", "config"}),
    "prometheus.scrape_job": frozenset({"name", "job"}),
    "prometheus.rule_file": frozenset({"name", "rule_file"}),
    "prometheus.group": frozenset({"name", "group"}),
    "prometheus.rule": frozenset({"name", "kind", "group", "expr", "rule", "intervals"}),
    "secrets.file": frozenset({"scan", "file"}),
    "crossfile.prometheus_config": frozenset({"name", "config"}),
    "crossfile.rule_file": frozenset({"name", "rule_file"}),
    "crossfile.alertmanager": frozenset({"name", "alertmanager"}),
    "crossfile.pod": frozenset({"name", "kind", "object", "pod"}),
    "crossfile.k8s_object": frozenset({"name", "kind", "object"}),
    "crossfile.workflow": frozenset({"name"}),
    "crossfile.terraform": frozenset({"name"}),
    "crossfile.cloud_identity": frozenset({"name", "resource"}),
}


class BadTemplate(ValueError):
    """A message template ``str.format`` cannot fill by name."""


def _fields(template: str, depth: int = 0) -> Iterator[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        raise BadTemplate(f"{exc} (write '{{{{' or '}}}}' for a literal brace)") from None
    for _, field, spec, _ in parsed:
        if field is None:
            continue
        # "{name.attr}" and "{name[0]}" look up "name"; "{ x = 1 }" is no name at all.
        base = field.split(".", 1)[0].split("[", 1)[0]
        yield base if base.isidentifier() else field
        if spec and depth < 2:
            yield from _fields(spec, depth + 1)


def placeholders(template: str) -> list[str]:
    """The fields a template uses, in order (a name, or the text of a field that is not a
    name); raises ``BadTemplate`` when ``str.format`` cannot parse it."""
    return list(_fields(template))
