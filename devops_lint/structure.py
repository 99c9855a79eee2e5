"""Shape checks that make a document unreadable for its consumer.

A Prometheus configuration whose ``scrape_configs`` is a mapping, or a rule file whose
``groups`` is not a list, is refused whole by Prometheus; the format's rules would see
nothing in it. Such a document is a located ``X-000.parse-error`` (standards 0.6 item 7)
instead of a silently empty result.

``schema_violations`` finds smaller breaks that leave the rest of a document readable: a
Kubernetes pod spec without containers or a container without an image is one
``X-000.schema-violation`` at that spec or container (standards 0.6 item 1), and the
format's rules skip it instead of reporting every field it lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .model import Document, ParseError, Span, is_unresolved

if TYPE_CHECKING:
    from .context import Context

# Top-level keys of a Prometheus configuration and the shape each must have.
PROMETHEUS_CONFIG_SHAPES: dict[str, type] = {
    "global": dict,
    "rule_files": list,
    "scrape_config_files": list,
    "scrape_configs": list,
    "alerting": dict,
    "remote_write": list,
    "remote_read": list,
    "storage": dict,
    "tracing": dict,
    "runtime": dict,
    "otlp": dict,
}
_NAMES: dict[type, str] = {dict: "a mapping", list: "a list", str: "a string"}


def _type_name(value: Any) -> str:
    named = (name for cls, name in _NAMES.items() if isinstance(value, cls))
    return next(named, type(value).__name__)


def _error(doc: Document, key: str, message: str) -> ParseError:
    span = doc.key_span((key,))
    return ParseError(message, span.line, span.column)


def check_shape(doc: Document) -> ParseError | None:
    data = doc.data
    if not isinstance(data, dict):
        return None
    if doc.format == "prometheus-config":
        for key, shape in PROMETHEUS_CONFIG_SHAPES.items():
            value = data.get(key)
            if value is None or is_unresolved(value) or isinstance(value, shape):
                continue
            return _error(
                doc,
                key,
                f"'{key}' must be {_NAMES[shape]}, not {_type_name(value)}: "
                "Prometheus refuses this configuration",
            )
        alerting = data.get("alerting")
        if isinstance(alerting, dict):
            managers = alerting.get("alertmanagers")
            if managers is not None and not isinstance(managers, list):
                span = doc.key_span(("alerting", "alertmanagers"))
                return ParseError(
                    f"'alerting.alertmanagers' must be a list, not {_type_name(managers)}",
                    span.line,
                    span.column,
                )
    if doc.format == "prometheus-rules":
        groups = data.get("groups")
        if not isinstance(groups, list):
            return _error(
                doc, "groups", f"'groups' must be a list of rule groups, not {_type_name(groups)}"
            )
    return None


def schema_violations(doc: Document, ctx: Context) -> Iterator[tuple[Span, str, str]]:
    """(span, where, reason) of each part of ``doc`` its consumer would reject."""
    if doc.format != "kubernetes":
        return
    from .kubernetes.kustomize import mark_patches
    from .kubernetes.objects import objects
    from .kubernetes.podkinds import schema_violations as pod_violations

    mark_patches(ctx)  # a Kustomize patch is not an object: it may omit anything
    for obj in objects(doc):
        for v in pod_violations(obj, ctx):
            yield v.span, v.where, v.reason
