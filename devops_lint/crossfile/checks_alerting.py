"""X-006: every alert is routable by Alertmanager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Target, Unresolved
from ..prometheus.facts import Rule as PromRule
from ..prometheus.facts import rule_file_of
from ..registry import check
from .alertmanager import AlertmanagerConfig, alertmanager_configs, alertmanager_of
from .common import first_doc, missing_side
from .prom import prom_view

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


@check("X-006.undefined-receiver", target="crossfile.alertmanager")
def undefined_receiver(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    am = alertmanager_of(target)
    for route in am.all_routes():
        if route.receiver is not None and route.receiver not in am.receivers:
            yield Result(path=(*route.path, "receiver"), args={"receiver": route.receiver})


@check("X-006.deprecated-matchers", target="crossfile.alertmanager")
def deprecated_matchers(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    am = alertmanager_of(target)
    for route in am.all_routes():
        for path in route.deprecated:
            yield Result(path=path, key=True, args={"key": path[-1]})
    inhibit = am.data.get("inhibit_rules")
    for i, item in enumerate(inhibit if isinstance(inhibit, list) else []):
        if not isinstance(item, dict):
            continue
        for key in ("source_match", "source_match_re", "target_match", "target_match_re"):
            if key in item:
                yield Result(path=(*am.path, "inhibit_rules", i, key), key=True, args={"key": key})


# --- alerts against the routing tree -------------------------------------------------------


def _alerts(ctx: Context) -> list[PromRule]:
    """Every alert of the run, listed once per run (each rule file's target asks)."""
    return ctx.memo(  # type: ignore[no-any-return]
        "crossfile.alerts",
        lambda: [
            r for rf in prom_view(ctx).index.rule_files for r in rf.rules if r.kind == "alert"
        ],
    )


def _static(value: Any) -> str | None:
    if isinstance(value, (Unresolved, dict, list)) or value is None:
        return None
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return None if "{{" in text else text


def alert_labels(alert: PromRule, ctx: Context) -> dict[str, str]:
    """The labels an alert carries statically: agreed external labels, its own, alertname."""
    labels: dict[str, str] = {}
    configs = prom_view(ctx).index.configs_of(alert.doc)
    if configs:
        shared = dict(configs[0].external_labels)
        for cfg in configs[1:]:
            shared = {k: v for k, v in shared.items() if cfg.external_labels.get(k) == v}
        labels.update(shared)
    for k, v in alert.labels.items():
        text = _static(v)
        if text is not None:
            labels[str(k)] = text
        else:
            labels.pop(str(k), None)
    if alert.name:
        labels["alertname"] = alert.name
    return labels


def _routing_configs(ctx: Context) -> list[AlertmanagerConfig]:
    return [am for am in alertmanager_configs(ctx) if not am.crd and am.route is not None]


def _readable(am: AlertmanagerConfig) -> bool:
    return not any(r.unreadable for r in am.all_routes())


@check("X-006.no-alertmanager-config", target="crossfile.rule_file")
def no_alertmanager_config(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    if alertmanager_configs(ctx):
        return
    first = ctx.memo("crossfile.first_alert_doc", lambda: first_doc(a.doc for a in _alerts(ctx)))
    if first is not None:
        yield from missing_side(
            target.doc,
            first,
            "alert rules are present but no Alertmanager configuration is in the scanned set",
        )


def _severity(alert: PromRule) -> str | None:
    return _static(alert.labels.get("severity"))


def _blackholed(alert: PromRule, am: AlertmanagerConfig, ctx: Context) -> bool | None:
    if not _readable(am):
        return None
    reached, _ = am.resolve(alert_labels(alert, ctx))
    known = [am.receivers[r] for r in reached if r in am.receivers]
    if len(known) != len(reached) or not known:
        return False  # an undefined receiver is X-006.undefined-receiver's finding
    return not any(r.integrations for r in known)


def _all_configs(values: list[bool | None]) -> bool | None:
    """True when every Alertmanager configuration agrees (None: some cannot be read)."""
    if not values or any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


@check("X-006.blackholed-critical", target="crossfile.rule_file")
def blackholed_critical(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    configs = _routing_configs(ctx)
    for alert in rf.rules:
        if alert.kind != "alert" or _severity(alert) != "critical":
            continue
        verdict = _all_configs([_blackholed(alert, am, ctx) for am in configs])
        if verdict is not False:
            yield Result(
                path=(*alert.path, "labels", "severity"),
                unresolved=verdict is None,
                args={"alert": alert.name or "?"},
            )


def _unrouted(alert: PromRule, am: AlertmanagerConfig, ctx: Context) -> bool | None:
    if not _readable(am) or am.route is None:
        return None
    root = am.receivers.get(am.route.receiver or "")
    if root is None or root.integrations:
        return False
    _, deeper = am.resolve(alert_labels(alert, ctx))
    return not deeper


@check("X-006.unrouted-severity", target="crossfile.rule_file")
def unrouted_severity(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    rf = rule_file_of(target)
    configs = _routing_configs(ctx)
    if not configs:
        return
    first_use: dict[str, PromRule] = {}
    for alert in sorted(_alerts(ctx), key=lambda a: (a.doc.path, a.doc.index, a.path)):
        sev = _severity(alert)
        if sev is None or sev in first_use:
            continue
        if sev == "critical" and _all_configs([_blackholed(alert, am, ctx) for am in configs]):
            continue  # reported as X-006.blackholed-critical
        verdict = _all_configs([_unrouted(alert, am, ctx) for am in configs])
        if verdict is not False:
            first_use[sev] = alert
            if alert.doc is rf.doc:
                yield Result(
                    path=(*alert.path, "labels", "severity"),
                    unresolved=verdict is None,
                    args={"severity": sev},
                )
