"""Structural checks of Prometheus files: configuration keys and the rule-file format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import UNRESOLVED_KEY, JsonPath, is_unresolved
from .durations import parse_duration

LABEL_NAME_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")

RULE_KEYS = frozenset(
    {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
)
GROUP_KEYS = frozenset({"name", "interval", "query_offset", "limit", "rules", "labels"})
# The Prometheus Operator's CRD adds this key (Thanos partial response).
OPERATOR_GROUP_KEYS = GROUP_KEYS | {"partial_response_strategy"}


@dataclass(frozen=True)
class Problem:
    kind: str  # "unknown-field", "bad-duration" (config) / "schema" (rule files)
    path: JsonPath
    message: str
    key: bool = False  # report at the key rather than the value


# --- configuration ------------------------------------------------------------------------


def config_problems(data: Any, table: dict[str, Any]) -> Iterator[Problem]:
    yield from _walk(data, "root", (), table, 0)


def _walk(
    value: Any, type_name: str, path: JsonPath, table: dict[str, Any], depth: int
) -> Iterator[Problem]:
    if depth > 50 or type_name in ("any", "string", "map") or is_unresolved(value):
        return
    if type_name == "duration":
        if value is not None and parse_duration(value) is None:
            yield Problem("bad-duration", path, f"{value!r} is not a Prometheus duration")
        return
    if type_name.startswith("[") and type_name.endswith("]"):
        if isinstance(value, list):
            inner = type_name[1:-1]
            for i, item in enumerate(value):
                yield from _walk(item, inner, (*path, i), table, depth + 1)
        return
    spec = table.get(type_name)
    if not isinstance(spec, dict) or not isinstance(value, dict):
        return
    allow_sd = spec.get("sd") is True
    for key, sub in value.items():
        if key == UNRESOLVED_KEY:
            continue
        sub_type = spec.get(key) if key != "sd" else None
        if sub_type is None:
            if allow_sd and key.endswith("_sd_configs"):
                continue
            where = ".".join(str(p) for p in path) or "top level"
            yield Problem(
                "unknown-field", (*path, key), f"unknown key {key!r} in {where}", key=True
            )
            continue
        yield from _walk(sub, str(sub_type), (*path, key), table, depth + 1)


# --- rule files ---------------------------------------------------------------------------


def _is_string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def rule_file_problems(data: Any, base: JsonPath, operator: bool) -> Iterator[Problem]:
    """What ``promtool check rules`` rejects in the structure (not the PromQL) of a rule file."""
    if not operator and isinstance(data, dict):
        for key in data:
            if key != "groups":
                yield Problem(
                    "schema", (key,), f"unknown top-level key {key!r} in a rule file", True
                )
    holder = data if isinstance(data, dict) else {}
    if operator:
        spec = holder.get("spec")
        holder = spec if isinstance(spec, dict) else {}
    groups = holder.get("groups")
    if not isinstance(groups, list):
        yield Problem("schema", base, "'groups' must be a list of rule groups")
        return
    allowed_group_keys = OPERATOR_GROUP_KEYS if operator else GROUP_KEYS
    for gi, group in enumerate(groups):
        gpath: JsonPath = (*base, gi)
        if not isinstance(group, dict):
            yield Problem("schema", gpath, "a rule group must be a mapping")
            continue
        for key in group:
            if key not in allowed_group_keys and key != UNRESOLVED_KEY:
                yield Problem("schema", (*gpath, key), f"unknown key {key!r} in a rule group", True)
        name = group.get("name")
        if not isinstance(name, str) or not name:
            yield Problem(
                "schema",
                (*gpath, "name") if "name" in group else gpath,
                "a rule group needs a non-empty string 'name'",
            )
        for dkey in ("interval", "query_offset"):
            if (
                dkey in group
                and parse_duration(group[dkey]) is None
                and not is_unresolved(group[dkey])
            ):
                yield Problem(
                    "schema",
                    (*gpath, dkey),
                    f"group {dkey} {group[dkey]!r} is not a Prometheus duration",
                )
        if "limit" in group and (
            isinstance(group["limit"], bool) or not isinstance(group["limit"], int)
        ):
            yield Problem("schema", (*gpath, "limit"), "group limit must be an integer")
        rules = group.get("rules")
        if not isinstance(rules, list):
            if rules is not None or "rules" in group:
                yield Problem("schema", (*gpath, "rules"), "'rules' must be a list")
            continue
        for ri, rule in enumerate(rules):
            yield from _rule_problems(rule, (*gpath, "rules", ri))


def _rule_problems(rule: Any, path: JsonPath) -> Iterator[Problem]:
    if not isinstance(rule, dict):
        yield Problem("schema", path, "a rule must be a mapping")
        return
    has_alert, has_record = "alert" in rule, "record" in rule
    if has_alert and has_record:
        yield Problem(
            "schema", path, "a rule has both 'alert' and 'record'; it must have exactly one"
        )
    elif not has_alert and not has_record:
        yield Problem("schema", path, "a rule needs 'alert' or 'record'")
    for key in ("alert", "record"):
        if key in rule and (not isinstance(rule[key], str) or not rule[key]):
            yield Problem("schema", (*path, key), f"'{key}' must be a non-empty string")
    for key in rule:
        if key not in RULE_KEYS and key != UNRESOLVED_KEY:
            yield Problem("schema", (*path, key), f"unknown key {key!r} in a rule", True)
    if "expr" not in rule:
        yield Problem("schema", path, "a rule needs 'expr'")
    elif not isinstance(rule["expr"], (str, int, float)) or isinstance(rule["expr"], bool):
        yield Problem("schema", (*path, "expr"), "'expr' must be a string")
    elif isinstance(rule["expr"], str) and not rule["expr"].strip():
        yield Problem("schema", (*path, "expr"), "'expr' is empty")
    for key in ("for", "keep_firing_for"):
        if key not in rule:
            continue
        if has_record and not has_alert:
            yield Problem("schema", (*path, key), f"'{key}' is only valid on alerting rules", True)
        elif parse_duration(rule[key]) is None and not is_unresolved(rule[key]):
            yield Problem(
                "schema", (*path, key), f"{key} {rule[key]!r} is not a Prometheus duration"
            )
    for key in ("labels", "annotations"):
        if key not in rule or rule[key] is None:
            continue
        value = rule[key]
        if not isinstance(value, dict):
            yield Problem("schema", (*path, key), f"'{key}' must be a mapping of strings")
            continue
        if key == "annotations" and has_record:
            yield Problem(
                "schema", (*path, key), "'annotations' is only valid on alerting rules", True
            )
        for k, v in value.items():
            if k == UNRESOLVED_KEY:
                continue
            if not isinstance(v, str):
                yield Problem(
                    "schema", (*path, key, k), f"{key}.{k} must be a string, not {type(v).__name__}"
                )
            if not LABEL_NAME_RE.match(str(k)):
                yield Problem("schema", (*path, key, k), f"invalid {key[:-1]} name {k!r}", True)
