"""Module calls evaluated as Terraform evaluates them (standards 0.6 item 3, "Module calls").

``graph_of(project, ctx)`` builds one ``ModuleGraph`` per run over the scanned module
directories (``module.modules_of``) plus the modules ``terraform init`` installed
(``manifest.py``). The graph:

- resolves each call's target directory: a relative ``source`` path, else the call's
  entry in the root module's ``.terraform/modules/modules.json``;
- finds call cycles over directories (``cycles``: the call closing each cycle, never
  instantiated, reported by ``X-000.module-cycle``);
- instantiates a called directory once per call and per ``count``/``for_each``
  instance, each ``var.x`` bound to the call's argument resolved in the caller's scope
  (``Module(inputs=...)``), memoised by (directory, bound inputs): fifty calls with the
  same arguments share one evaluated instance;
- gives ``module.x`` in a caller its outputs (``call_value``);
- lists what the rules evaluate (``evaluated``): every directory that nothing calls, on
  its own with its defaults, and every instance reached through calls from those.

Each instance remembers how calls reached it (``CallEntry``); ``chains`` turns those
into call chains such as ``module.eks.module.node_group["default"]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Span, Unresolved
from .expand import MAX_INSTANCES
from .manifest import Manifest, load_module_dir, read_manifest
from .module import Module, modules_of
from .objects import ModuleCall, for_each_pairs
from .resolve import unresolved
from .syntax import Attribute

if TYPE_CHECKING:
    from ..context import Context
    from ..project import Project

# Call arguments that are not input variables (Terraform's meta-arguments).
CALL_META = frozenset({"source", "version", "count", "for_each", "depends_on", "providers"})
MAX_TOTAL_INSTANCES = 5_000  # every instance of every module of one run
MAX_CALL_DEPTH = 32
MAX_CHAINS = 50  # call chains remembered per instance (messages list a few)

CallKey = int | str | None


@dataclass(eq=False)
class CallEntry:
    """One way an instance is reached: ``call`` (instance ``key``) in ``caller``."""

    caller: Module
    call: ModuleCall
    key: CallKey
    args: dict[str, Attribute]  # variable name -> the caller's argument

    @property
    def label(self) -> str:
        base = f"module.{self.call.name}"
        if self.key is None:
            return base
        if isinstance(self.key, Unresolved):
            return f"{base}[*]"
        if isinstance(self.key, int):
            return f"{base}[{self.key}]"
        return f'{base}["{self.key}"]'


Chain = tuple[CallEntry, ...]


def chain_label(chain: Chain) -> str:
    """``module.eks.module.node_group["a"]``, prefixed by the calling root's directory
    when that is not the scan root (``examples/complete: module.eks``): examples of
    one repository often give their calls the same names."""
    label = ".".join(e.label for e in chain)
    root = chain[0].caller.dir if chain else "."
    return label if root == "." else f"{root}: {label}"


def _detach(value: Any, depth: int = 0) -> Any:
    """A value handed to another module: unresolved parts keep their text, not their
    expression (which names things of the module it was written in)."""
    if isinstance(value, Unresolved):
        return Unresolved(str(value))
    if depth > 64:
        return value
    if isinstance(value, dict):
        return {k: _detach(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_detach(v, depth + 1) for v in value]
    return value


def _canonical(value: Any) -> Any:
    if isinstance(value, Unresolved):
        return {"<unresolved>": str(value)}
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def inputs_key(inputs: dict[str, Any]) -> str:
    return json.dumps(_canonical(inputs), sort_keys=True, default=str)


class ModuleGraph:
    def __init__(self, modules: dict[str, Module], root: Path | None) -> None:
        self.modules = modules  # the scanned directories
        self.root = root
        self.installed: dict[str, Module] = {}  # directories read from .terraform/modules
        self.manifests: list[Manifest] = []
        self._manifest_targets: dict[tuple[str, str], str] = {}
        self._manifest_dirs: set[str] = set()
        self.cycles: dict[tuple[str, str], list[str]] = {}  # (dir, call) -> directories
        # (directory, call) of calls left unevaluated because their caller is MAX_CALL_DEPTH
        # calls deep (filled as instances are made; see ``cut_calls``).
        self._too_deep: set[tuple[str, str]] = set()
        self._memo: dict[tuple[str, str], Module] = {}
        self._calls: dict[tuple[int, str], list[tuple[CallKey, Module]]] = {}
        self._outputs: dict[int, dict[str, Any]] = {}
        self._active: set[tuple[int, str]] = set()
        self._reached: list[Module] | None = None
        self._roots: set[int] = set()
        self._reached_ids: set[int] = set()
        self._chains: dict[int, list[Chain]] = {}
        self._total = 0
        for m in modules.values():
            m.graph = self
        self._read_manifests()
        self._find_cycles()

    # -- structure -------------------------------------------------------------------
    def _read_manifests(self) -> None:
        if self.root is None:
            return
        for d in sorted(self.modules):
            manifest = read_manifest(self.root, d)
            if manifest is None:
                continue
            self.manifests.append(manifest)
            for key, target in manifest.dirs.items():
                head, _, name = key.rpartition(".")
                caller_dir = manifest.dirs.get(head) if head else d
                if caller_dir is not None:
                    self._manifest_targets.setdefault((caller_dir, name), target)
                    self._manifest_dirs.add(target)

    def module_at(self, d: str) -> Module | None:
        """The scanned module of ``d``, else the installed one (read on first use)."""
        found = self.modules.get(d) or self.installed.get(d)
        if found is not None or self.root is None or d not in self._manifest_dirs:
            return found
        docs = load_module_dir(self.root, d)
        if not docs:
            return None
        m = Module(d, docs, [], self.root)
        m.graph = self
        self.installed[d] = m
        return m

    def target_dir(self, call: ModuleCall) -> str | None:
        local = call.local_dir
        if local is not None:
            return local
        return self._manifest_targets.get((call.caller.dir, call.name))

    def _edges(self, m: Module) -> Iterator[tuple[ModuleCall, str]]:
        for call in m.module_calls.values():
            target = self.target_dir(call)
            if target is not None and self.module_at(target) is not None:
                yield call, target

    def _find_cycles(self) -> None:
        """Depth-first over directories; a call back into the current path closes a cycle."""
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for start in sorted(self.modules):
            if start in state:
                continue
            path: list[str] = [start]
            stack: list[Iterator[tuple[ModuleCall, str]]] = []
            state[start] = 1
            first = self.module_at(start)
            stack.append(self._edges(first) if first is not None else iter(()))
            while stack:
                step = next(stack[-1], None)
                if step is None:
                    stack.pop()
                    state[path.pop()] = 2
                    continue
                call, target = step
                if state.get(target) == 1:
                    loop = [*path[path.index(target) :], target]
                    self.cycles[(call.caller.dir, call.name)] = loop
                    continue
                if target in state or len(path) > 200:
                    continue
                state[target] = 1
                path.append(target)
                child = self.module_at(target)
                stack.append(self._edges(child) if child is not None else iter(()))
            # every directory reached from `start` is done

    def called_dirs(self) -> set[str]:
        """Directories some call (other than a cycle-closing one) reaches."""
        out: set[str] = set()
        for m in [*self.modules.values(), *list(self.installed.values())]:
            for call, target in self._edges(m):
                if (m.dir, call.name) not in self.cycles:
                    out.add(target)
        return out

    # -- instances -----------------------------------------------------------------
    def instances(self, caller: Module, name: str) -> list[tuple[CallKey, Module]]:
        """The instances of ``caller``'s call ``name`` (memoised)."""
        memo_key = (id(caller), name)
        found = self._calls.get(memo_key)
        if found is not None:
            return found
        if memo_key in self._active:  # cannot happen without a cycle; never loop
            return []
        self._active.add(memo_key)
        try:
            result = self._instantiate(caller, name)
        finally:
            self._active.discard(memo_key)
        self._calls[memo_key] = result
        return result

    def _instantiate(self, caller: Module, name: str) -> list[tuple[CallKey, Module]]:
        call = caller.module_calls.get(name)
        if call is None or (caller.dir, name) in self.cycles:
            return []
        if caller.depth >= MAX_CALL_DEPTH:  # X-000.module-depth says so: never a silent cut
            self._too_deep.add((caller.dir, name))
            return []
        target = self.target_dir(call)
        base = self.module_at(target) if target is not None else None
        if base is None or base is caller or target == caller.dir:
            return []
        out: list[tuple[CallKey, Module]] = []
        for key, scope in self._call_instances(caller, call):
            inputs, args = self._bind(caller, call, scope, base)
            mkey = (base.dir, inputs_key(inputs))
            inst = self._memo.get(mkey)
            if inst is None:
                if self._total >= MAX_TOTAL_INSTANCES:
                    continue
                self._total += 1
                inst = Module(base.dir, base.docs, [], base.root, base.files, inputs=inputs)
                inst.graph = self
                inst.depth = caller.depth + 1
                self._memo[mkey] = inst
            inst.entries.append(CallEntry(caller, call, key, args))
            if call not in inst.callers:
                inst.callers.append(call)
            out.append((key, inst))
        return out

    def _call_instances(
        self, caller: Module, call: ModuleCall
    ) -> list[tuple[CallKey, dict[str, Any]]]:
        """(key, scope) per instance of a call: ``count``/``for_each`` expanded."""
        count = call.block.body.get("count")
        for_each = call.block.body.get("for_each")
        if count is not None:
            n = caller.resolve(count)
            if isinstance(n, bool) or not isinstance(n, (int, float)):
                idx = unresolved(count, "count.index")
                return [(idx, {"count": {"index": idx}})]
            return [(i, {"count": {"index": i}}) for i in range(min(int(n), MAX_INSTANCES))]
        if for_each is not None:
            pairs = for_each_pairs(caller.resolve(for_each))
            if pairs is None:
                k = unresolved(for_each, "each.key")
                return [(k, {"each": {"key": k, "value": unresolved(for_each, "each.value")}})]
            return [(str(k), {"each": {"key": k, "value": v}}) for k, v in pairs[:MAX_INSTANCES]]
        return [(None, {})]

    def _bind(
        self, caller: Module, call: ModuleCall, scope: dict[str, Any], base: Module
    ) -> tuple[dict[str, Any], dict[str, Attribute]]:
        inputs: dict[str, Any] = {}
        args: dict[str, Attribute] = {}
        for name, attr in call.block.body.attributes.items():
            var = base.variables.get(name)
            if name in CALL_META or var is None:
                continue
            value = caller.resolve(attr.expr, scope)
            if value is None and var.non_nullable:
                continue  # null means "use the default" for a non-nullable variable
            inputs[name] = _detach(value)
            args[name] = attr
        return inputs, args

    # -- outputs -------------------------------------------------------------------
    def outputs_of(self, inst: Module) -> dict[str, Any]:
        found = self._outputs.get(id(inst))
        if found is None:
            found = {}
            self._outputs[id(inst)] = found  # an output reading another: no loop
            for name, out in inst.outputs.items():
                expr = out.block.body.get("value")
                found[name] = _detach(inst.resolve(expr)) if expr is not None else None
        return found

    def call_value(self, caller: Module, name: str) -> Any:
        """``module.<name>`` in ``caller``: the outputs, per instance when repeated."""
        call = caller.module_calls.get(name)
        insts = self.instances(caller, name)
        if call is None or (not insts and (caller.dir, name) in self.cycles):
            return unresolved(None, f"module.{name}")
        body = call.block.body
        if body.get("count") is None and body.get("for_each") is None:
            if not insts:
                return unresolved(None, f"module.{name}")
            return self.outputs_of(insts[0][1])
        if any(isinstance(k, Unresolved) for k, _ in insts):
            return unresolved(None, f"module.{name}")
        if body.get("count") is not None:
            return [self.outputs_of(m) for _, m in insts]
        return {str(k): self.outputs_of(m) for k, m in insts}

    def cut_calls(self) -> set[tuple[str, str]]:
        """(directory, call name) of the calls of instances ``MAX_CALL_DEPTH`` calls below a
        root, which are not evaluated (once every instance is made)."""
        self.evaluated()
        return self._too_deep

    # -- what the rules see ----------------------------------------------------------
    def evaluated(self) -> list[Module]:
        """Uncalled directories on their own, then every instance reached from them.

        Only instances reached from those count (and only their calls name chains): a
        called directory's own module view, evaluated alone by a run-wide lookup, may
        instantiate its calls too, but nothing deploys what it passes them.
        """
        if self._reached is None:
            called = self.called_dirs()
            roots = [m for d, m in sorted(self.modules.items()) if d not in called]
            order: list[Module] = []
            seen: set[int] = {id(m) for m in roots}
            for root in roots:
                self._walk(root, seen, order)
            self._roots = {id(m) for m in roots}
            self._reached = [*roots, *order]
            self._reached_ids = {id(m) for m in self._reached}
        return self._reached

    def _walk(self, start: Module, seen: set[int], order: list[Module]) -> None:
        stack = [start]
        while stack:
            m = stack.pop()
            children = [inst for name in m.module_calls for _, inst in self.instances(m, name)]
            fresh: list[Module] = []
            for c in children:
                if id(c) not in seen:
                    seen.add(id(c))
                    fresh.append(c)
            order.extend(fresh)
            stack.extend(reversed(fresh))  # depth-first, in the order calls are written

    def chains(self, inst: Module) -> list[Chain]:
        """Every call chain from an evaluated root to ``inst`` (at most ``MAX_CHAINS``)."""
        if self._reached is None:
            self.evaluated()
        found = self._chains.get(id(inst))
        if found is not None:
            return found
        if not inst.entries:
            found = [()] if id(inst) in self._roots else []
            self._chains[id(inst)] = found
            return found
        self._chains[id(inst)] = []  # while computing: a loop adds nothing
        out: list[Chain] = []
        for entry in inst.entries:
            if id(entry.caller) not in self._reached_ids:
                continue
            for head in self.chains(entry.caller):
                if len(out) < MAX_CHAINS:
                    out.append((*head, entry))
        self._chains[id(inst)] = out
        return out


def graph_of(project: Project, ctx: Context | None = None) -> ModuleGraph:
    """The run's module graph (built once per run when ``ctx`` is given)."""

    def build() -> ModuleGraph:
        graph = ModuleGraph(modules_of(project, ctx), project.root)
        return graph

    if ctx is None:
        return build()
    result: ModuleGraph = ctx.memo("terraform.graph", build)
    return result


def evaluated_modules(project: Project, ctx: Context) -> list[Module]:
    """What resource rules evaluate (built once per run)."""

    def build() -> list[Module]:
        graph = graph_of(project, ctx)
        mods = graph.evaluated()
        texts = ctx.texts
        for m in graph.installed.values():  # their suppression comments count too
            for doc in m.docs:
                texts.setdefault(doc.path, doc.text)
        return mods

    result: list[Module] = ctx.memo("terraform.evaluated", build)
    return result


def call_span(call: ModuleCall) -> Span:
    return call.block.header
