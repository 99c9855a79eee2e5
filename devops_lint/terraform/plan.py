"""Terraform plans in JSON (``terraform show -json plan.out``) as rule input.

A plan document (format ``terraform-plan``, recognised by ``format_version`` beside
``planned_values`` or ``resource_changes``) lists every resource instance Terraform
will create or keep, with its arguments evaluated. Each becomes a ``Resource`` of a
``PlanModule`` (one per module address of the plan), so the same rules check it:

- values come from ``resource_changes[].change.after``; whatever ``after_unknown``
  marks (known only after apply) is unresolved, and keeps the references the plan's
  ``configuration`` section records for that argument, so joins such as "the flow log
  whose ``vpc_id`` references this VPC" still work; without ``resource_changes`` the
  ``planned_values`` tree is read instead; a resource being deleted is left out;
- nested blocks (lists of objects) become blocks, ``null`` arguments are absent;
- when the configuration is scanned too, a planned resource is matched by address
  (module calls followed from the plan's own directory) and its findings point at the
  configuration's lines; otherwise they point at the plan file's values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Document, Finding, JsonPath, Result, Span
from .expr import Conditional, Expr, ListExpr, Literal, ObjectExpr, Ref, Unknown
from .module import Module
from .objects import Resource, instance_address, module_dir
from .syntax import Attribute, Block, Body

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project
    from .calls import ModuleGraph

PLAN_FORMAT = "terraform-plan"
MAX_PLAN_RESOURCES = 20_000
MAX_VALUE_DEPTH = 40
UNKNOWN_TEXT = "(known after apply)"
_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?')


def is_plan(data: Any) -> bool:
    """The shape of ``terraform show -json`` output for a plan."""
    return (
        isinstance(data, dict)
        and "format_version" in data
        and ("planned_values" in data or "resource_changes" in data)
    )


@dataclass
class Planned:
    """One resource instance of the plan."""

    module_address: str  # "" for the root module
    mode: str  # "resource" | "data"
    type: str
    name: str
    index: int | str | None
    values: dict[str, Any]
    unknown: Any  # after_unknown: True, or a structure like values
    path: JsonPath  # where ``values`` is in the plan document
    entry: JsonPath  # the resource's entry in the plan document

    @property
    def address(self) -> str:
        base = instance_address(self.mode, self.type, self.name, self.index)
        return f"{self.module_address}.{base}" if self.module_address else base


def _planned(plan: dict[str, Any]) -> list[Planned]:
    out: list[Planned] = []
    changes = plan.get("resource_changes")
    if isinstance(changes, list):
        for i, rc in enumerate(changes[:MAX_PLAN_RESOURCES]):
            change = rc.get("change") if isinstance(rc, dict) else None
            if not isinstance(change, dict):
                continue
            after = change.get("after")
            actions = change.get("actions")
            if not isinstance(after, dict) or actions == ["delete"]:
                continue
            item = _item(rc, after, change.get("after_unknown"), ("resource_changes", i))
            if item is not None:
                out.append(item)
        return out
    root = (plan.get("planned_values") or {}).get("root_module")
    stack: list[tuple[Any, JsonPath]] = [(root, ("planned_values", "root_module"))]
    while stack and len(out) < MAX_PLAN_RESOURCES:
        mod, path = stack.pop()
        if not isinstance(mod, dict):
            continue
        for i, r in enumerate(mod.get("resources") or []):
            if isinstance(r, dict) and isinstance(r.get("values"), dict):
                item = _item(r, r["values"], None, (*path, "resources", i), values_key="values")
                if item is not None:
                    out.append(item)
        children = mod.get("child_modules") or []
        for j in range(len(children) - 1, -1, -1):
            stack.append((children[j], (*path, "child_modules", j)))
    return out


def _item(
    entry: dict[str, Any],
    values: dict[str, Any],
    unknown: Any,
    path: JsonPath,
    values_key: str = "",
) -> Planned | None:
    mode = {"managed": "resource", "data": "data"}.get(str(entry.get("mode")))
    type_, name = entry.get("type"), entry.get("name")
    if mode is None or not isinstance(type_, str) or not isinstance(name, str):
        return None
    index = entry.get("index")
    if not isinstance(index, (int, str)) or isinstance(index, bool):
        index = None
    module_address = entry.get("module_address")
    if not isinstance(module_address, str):
        address = str(entry.get("address", ""))
        module_address = _module_part(address)
    vpath: JsonPath = (*path, values_key) if values_key else (*path, "change", "after")
    return Planned(module_address, mode, type_, name, index, values, unknown, vpath, path)


def _module_part(address: str) -> str:
    """``module.a.module.b["x"]`` of ``module.a.module.b["x"].aws_s3_bucket.c[0]``."""
    pos = 0
    while True:
        m = _STEP.match(address, pos)
        if m is None:
            return address[: max(0, pos - 1)]
        pos = m.end() + 1


def module_steps(module_address: str) -> list[str]:
    return [m.group(1) for m in _STEP.finditer(module_address)]


# -- configuration references ---------------------------------------------------------


def _config_resources(plan: dict[str, Any]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """(module steps joined, mode, type, name) -> the configuration's ``expressions``."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    root = (plan.get("configuration") or {}).get("root_module")
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    while stack:
        mod, steps, depth = stack.pop()
        if not isinstance(mod, dict) or depth > 32:
            continue
        for r in mod.get("resources") or []:
            if not isinstance(r, dict) or not isinstance(r.get("expressions"), dict):
                continue
            mode = {"managed": "resource", "data": "data"}.get(str(r.get("mode")), "")
            out[(steps, mode, str(r.get("type")), str(r.get("name")))] = r["expressions"]
        for name, call in (mod.get("module_calls") or {}).items():
            if isinstance(call, dict):
                stack.append((call.get("module"), f"{steps}.{name}".lstrip("."), depth + 1))
    return out


def _refs(expression: Any, span: Span) -> tuple[Ref, ...]:
    refs = expression.get("references") if isinstance(expression, dict) else None
    out: list[Ref] = []
    for text in refs if isinstance(refs, list) else []:
        if isinstance(text, str) and text:
            parts = tuple(p for p in re.sub(r"\[[^\]]*\]", "", text).split(".") if p)
            if parts:
                out.append(Ref(text, span, parts))
    return tuple(out)


# -- values -> syntax -------------------------------------------------------------------


class _Builder:
    """Plan values -> ``Body``, with spans from the configuration or the plan file."""

    def __init__(self, plan_doc: Document, item: Planned, config: Block | None) -> None:
        self.plan_doc = plan_doc
        self.item = item
        self.config = config

    def span(self, rel: JsonPath, key: bool = False) -> Span:
        if self.config is not None:
            return _config_span(self.config, rel, key)
        p = (*self.item.path, *rel)
        return self.plan_doc.key_span(p) if key else self.plan_doc.span(p)

    def expr(self, value: Any, unknown: Any, expression: Any, rel: JsonPath, depth: int) -> Expr:
        span = self.span(rel)
        if unknown is True or depth > MAX_VALUE_DEPTH:
            return Unknown(UNKNOWN_TEXT, span, _refs(expression, span))
        if isinstance(value, dict):
            items = tuple(
                (
                    Literal(k, span, k),
                    self.expr(v, _sub(unknown, k), None, (*rel, k), depth + 1),
                )
                for k, v in value.items()
            )
            return ObjectExpr(str(value)[:80], span, items)
        if isinstance(value, list):
            return ListExpr(
                str(value)[:80],
                span,
                tuple(
                    self.expr(v, _sub(unknown, i), None, (*rel, i), depth + 1)
                    for i, v in enumerate(value)
                ),
            )
        literal = Literal(repr(value), span, value if _scalar(value) else str(value))
        refs = _refs(expression, span)
        if refs:  # the value as planned, and what the configuration wrote it from
            return Conditional(literal.text, span, Literal("true", span, True), literal, refs[0])
        return literal

    def body(self, values: Any, unknown: Any, expressions: Any, rel: JsonPath, depth: int) -> Body:
        body = Body()
        if not isinstance(values, dict) or depth > MAX_VALUE_DEPTH:
            return body
        names = list(values)
        if isinstance(unknown, dict):
            names += [k for k, v in unknown.items() if v is True and k not in values]
        exprs = expressions if isinstance(expressions, dict) else {}
        for name in names:
            value, unk = values.get(name), _sub(unknown, name)
            if value is None and unk is not True:
                continue  # null: the argument is not set
            p = (*rel, name)
            if (
                unk is not True
                and isinstance(value, list)
                and value
                and all(isinstance(v, dict) for v in value)
            ):
                nested = exprs.get(name)
                for i, item in enumerate(value):
                    sub_expr = nested[i] if isinstance(nested, list) and i < len(nested) else None
                    header = self.span((*p, i))
                    inner = self.body(item, _sub(unk, i), sub_expr, (*p, i), depth + 1)
                    body.blocks.append(Block(name, (), inner, header, header))
                continue
            expr = self.expr(value, unk, exprs.get(name), p, depth + 1)
            body.attributes[name] = Attribute(name, expr, self.span(p), self.span(p, key=True))
        return body


def _sub(unknown: Any, key: str | int) -> Any:
    if isinstance(unknown, dict) and isinstance(key, str):
        return unknown.get(key)
    if isinstance(unknown, list) and isinstance(key, int) and key < len(unknown):
        return unknown[key]
    return None


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def _config_span(block: Block, rel: JsonPath, key: bool) -> Span:
    """Where the configuration writes ``rel`` (the nearest written ancestor otherwise)."""
    body, span = block.body, block.header
    parts = list(rel)
    while parts:
        head = parts.pop(0)
        if not isinstance(head, str):
            return span
        attr = body.attributes.get(head)
        if attr is not None:
            return attr.name_span if key and not parts else attr.span
        blocks = list(body.blocks_of(head))
        for dyn in body.blocks_of("dynamic"):
            if dyn.labels == (head,):
                content = dyn.body.first("content")
                blocks.append(content if content is not None else dyn)
        if not blocks:
            return span
        idx = parts.pop(0) if parts and isinstance(parts[0], int) else 0
        chosen = blocks[idx] if isinstance(idx, int) and idx < len(blocks) else blocks[-1]
        body, span = chosen.body, chosen.header
    return span


# -- modules of a plan ------------------------------------------------------------------


class PlanModule(Module):
    """The planned resources of one module address of a plan."""

    def __init__(self, label: str, docs: list[Document], planned: dict[int, Planned]) -> None:
        super().__init__(label, docs, [], None, frozenset(), inputs={})
        self.planned = planned  # id(block) -> the plan's resource instance

    def _instances(self, mode: str, blocks: list[tuple[Block, Document]]) -> list[Resource]:
        out = super()._instances(mode, blocks)
        for r in out:
            item = self.planned.get(id(r.block))
            r.key = item.index if item is not None else None
        return out


def _config_block(
    graph: ModuleGraph | None, plan_doc: Document, item: Planned
) -> tuple[Block, Document] | None:
    """The configuration block of a planned resource, following module calls."""
    if graph is None:
        return None
    current = graph.modules.get(module_dir(plan_doc.path))
    for step in module_steps(item.module_address):
        call = current.module_calls.get(step) if current is not None else None
        target = graph.target_dir(call) if call is not None else None
        current = graph.module_at(target) if target is not None else None
    if current is None:
        return None
    blocks = current.resource_blocks if item.mode == "resource" else current.data_blocks
    for block, doc in blocks:
        if block.labels == (item.type, item.name):
            return block, doc
    return None


def plan_modules(doc: Document, graph: ModuleGraph | None) -> list[PlanModule]:
    """One ``PlanModule`` per module address of the plan document ``doc``."""
    plan = doc.data if isinstance(doc.data, dict) else {}
    expressions = _config_resources(plan)
    grouped: dict[str, tuple[list[Document], dict[int, Planned]]] = {}
    for item in _planned(plan):
        found = _config_block(graph, doc, item)
        config, config_doc = found if found is not None else (None, doc)
        steps = ".".join(module_steps(item.module_address))
        exprs = expressions.get((steps, item.mode, item.type, item.name))
        builder = _Builder(doc, item, config)
        body = builder.body(item.values, item.unknown, exprs, (), 0)
        header = config.header if config is not None else doc.span(item.entry)
        kind = "resource" if item.mode == "resource" else "data"
        block = Block(kind, (item.type, item.name), body, header, header)
        synthetic = Document(
            path=config_doc.path,
            format=config_doc.format,
            data={},
            index=config_doc.index,
            text=config_doc.text,
            meta={"body": Body(blocks=[block])},
        )
        synthetic.spans[(kind, item.type, item.name)] = header
        docs, planned = grouped.setdefault(item.module_address, ([], {}))
        docs.append(synthetic)
        planned[id(block)] = item
    return [
        PlanModule(f"{doc.path} {address or '(root module)'}", docs, planned)
        for address, (docs, planned) in sorted(grouped.items())
    ]


def plan_refiner(
    ctx: Context, module: PlanModule, resource: Resource
) -> Callable[[Finding, Result], list[Finding]]:
    """Name the planned address; leave out what the configuration already reported at
    the same place with the same outcome."""
    item = module.planned.get(id(resource.block))
    address = item.address if item is not None else resource.address

    def refine(finding: Finding, res: Result) -> list[Finding]:
        place = (finding.rule_id, finding.path, finding.span, finding.outcome)
        if finding.format != PLAN_FORMAT:  # at a configuration line
            for f in ctx.findings:
                same = (f.rule_id, f.path, f.span, f.outcome) == place
                if same and f.format != PLAN_FORMAT and "(planned " not in f.message:
                    return []
        finding.message = f"{finding.message} (planned {address})"
        return [finding]

    return refine


def plan_modules_of(project: Project, ctx: Context) -> list[PlanModule]:
    """Every plan document's modules (built once per run)."""
    from .calls import graph_of

    def build() -> list[PlanModule]:
        docs = list(project.of_format(PLAN_FORMAT))
        if not docs:
            return []
        has_config = any(True for _ in project.of_format("terraform"))
        graph = graph_of(project, ctx) if has_config else None
        return [m for d in docs for m in plan_modules(d, graph)]

    result: list[PlanModule] = ctx.memo("terraform.plan_modules", build)
    return result
