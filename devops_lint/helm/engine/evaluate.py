"""Executing a parsed template as Go's ``text/template`` does, with Helm's functions.

Output is written with its origin: literal text remembers its own offset in the template
file, whatever an action prints remembers the action (``include``d and ``template``d text
remembers the action of the rendered file that pulled it in). A value the evaluator cannot
compute is an ``Unknown`` and prints as a placeholder; ``required``/``fail`` that fire are
recorded at their action and the action prints a placeholder. Work is bounded so hostile
charts finish quickly (``Limits``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from .funcs import (
    CONTAINER_SAFE,
    NIL_REFUSED,
    PLACEHOLDER_SAFE,
    STRUCTURAL,
    FuncError,
    functions_for,
    strval,
)
from .parse import (
    Action,
    Arg,
    Branch,
    Call,
    Define,
    Jump,
    Node,
    Pipe,
    TemplateError,
    Text,
    parse_template,
)
from .rendered import (
    MAX_RESULT,
    PH_MARK,
    Limits,
    Output,
    Rendered,
    RenderLimit,
    placeholder_text,
)
from .textfuncs import width
from .values import GoObject, Unknown, go_print, holds_unknown, output_text, truth


class _Fired(Exception):
    """``required``/``fail``: helm would stop here with this message."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_NO_PIPE = object()


class Evaluator:
    """Renders templates of one chart tree; ``defines`` holds every named template."""

    def __init__(self, defines: dict[str, Define], limits: Limits | None = None) -> None:
        self.defines = defines
        self.limits = limits or Limits()
        self.unknowns: list[str] = []
        self.functions = functions_for(self.placeholder)
        self.errors: list[tuple[int, str]] = []
        self.steps = 0
        self.produced = 0
        self.depth = 0
        self.src = ""
        self.vars: list[list[Any]] = []
        self.out = Output()
        self.mapped = True  # writing the rendered file itself (not an include's string)
        self.anchor = 0  # offset of the rendered file's action being executed
        self.action = (0, 0)  # the action being executed, in ``src``
        self._tpl_cache: dict[str, list[Node]] = {}

    # ----------------------------------------------------------------- entry
    def render(self, nodes: list[Node], source: str, dot: Any) -> Rendered:
        self.src = source
        self.vars = [["$", dot]]
        self.out = Output()
        self.mapped = True
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, 12_000))
        try:
            self.nodes(nodes, dot)
        except (_Break, _Continue):
            pass
        except RecursionError:
            raise RenderLimit("template nesting too deep to evaluate", self.anchor) from None
        finally:
            sys.setrecursionlimit(old_limit)
        text = "".join(self.out.parts)
        return Rendered(text, self.out.segments, self.unknowns, self.errors)

    def placeholder(self, value: Unknown) -> str:
        self.unknowns.append(value.source)
        return placeholder_text(len(self.unknowns) - 1)

    # ----------------------------------------------------------------- output
    def write(self, text: str, offset: int, literal: bool) -> None:
        if not text:
            return
        self.produced += len(text)
        if self.produced > self.limits.max_output:
            raise RenderLimit("rendered output exceeds the size bound", self.anchor)
        out = self.out
        if self.mapped:
            out.segments.append((out.size, offset, literal))
        out.parts.append(text)
        out.size += len(text)

    def emit(self, value: Any, offset: int) -> None:
        if isinstance(value, (list, dict)) and holds_unknown(value):
            value = self.unknown()
        if not isinstance(value, Unknown):
            try:
                self.write(output_text(value), offset, False)
                return
            except ValueError:  # too large to print
                value = self.unknown()
        self.write(self.placeholder(value), offset, False)

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise RenderLimit("template evaluation exceeds the step bound", self.anchor)

    # ----------------------------------------------------------------- nodes
    def nodes(self, nodes: list[Node], dot: Any) -> None:
        for node in nodes:
            self.step()
            t = type(node)
            if t is Text:
                assert isinstance(node, Text)
                self.write(self.src[node.start : node.end], node.start, True)
            elif t is Action:
                assert isinstance(node, Action)
                self.run_action(node, dot)
            elif t is Branch:
                assert isinstance(node, Branch)
                self.branch(node, dot)
            elif t is Call:
                assert isinstance(node, Call)
                self.call_template(node, dot)
            elif t is Jump:
                assert isinstance(node, Jump)
                raise _Break() if node.kind == "break" else _Continue()

    def _at(self, pos: int, end: int) -> None:
        self.action = (pos, end)
        if self.mapped:
            self.anchor = pos

    def run_action(self, node: Action, dot: Any) -> None:
        self._at(node.pos, node.end)
        value = self.pipe(node.pipe, dot)
        if not node.pipe.decl:
            self.emit(value, node.pos)

    def unknown(self) -> Unknown:
        pos, end = self.action
        return Unknown(self.src[pos:end])

    def branch(self, node: Branch, dot: Any) -> None:
        self._at(node.pos, node.end)
        mark = len(self.vars)
        try:
            if node.kind == "range":
                self.range(node, dot)
                return
            value = self.pipe(node.pipe, dot)
            unknown = isinstance(value, Unknown)
            # An unknown condition renders the first branch: what the in-place view lints.
            if unknown or truth(value):
                self.nodes(node.body, value if node.kind == "with" else dot)
            elif node.else_ is not None:
                self.nodes(node.else_, dot)
        finally:
            del self.vars[mark:]

    def range(self, node: Branch, dot: Any) -> None:
        pipe = node.pipe
        value = self.pipe(Pipe([], False, pipe.cmds, pipe.pos), dot)
        items: list[tuple[Any, Any]]
        if isinstance(value, Unknown):
            items = [(value, value)]
        elif isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value, key=str)]
        elif isinstance(value, (list, tuple)):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            if value > 100_000:
                raise RenderLimit("range count exceeds the bound", self.anchor)
            items = [(i, i) for i in range(value)]
        else:
            items = []
        if not items:
            if node.else_ is not None:
                self.nodes(node.else_, dot)
            return
        names = pipe.decl
        mark = len(self.vars)
        for key, item in items:
            del self.vars[mark:]
            if len(names) == 1:
                self.vars.append([names[0], item])
            elif len(names) >= 2:
                self.vars.append([names[0], key])
                self.vars.append([names[1], item])
            try:
                self.nodes(node.body, item)
            except _Break:
                break
            except _Continue:
                continue
        del self.vars[mark:]

    @contextmanager
    def _frame(self, define: Define, dot: Any, mapped: bool) -> Iterator[None]:
        if self.depth >= self.limits.max_depth:
            raise RenderLimit("include/template calls nested too deeply", self.anchor)
        saved = (self.src, self.vars, self.mapped, self.action)
        self.depth += 1
        self.src = define.source
        self.vars = [["$", dot]]
        self.mapped = mapped
        try:
            yield
        finally:
            self.depth -= 1
            self.src, self.vars, self.mapped, self.action = saved

    def call_template(self, node: Call, dot: Any) -> None:
        self._at(node.pos, node.end)
        data = self.pipe(node.pipe, dot) if node.pipe is not None else None
        define = self.defines.get(node.name)
        if define is None:
            self.emit(self.unknown(), node.pos)
            return
        # Text a ``template`` call writes belongs to the rendered file's action.
        anchor = self.anchor
        out = self.out
        buffer = Output()
        self.out = buffer
        try:
            with self._frame(define, data, mapped=False), suppress(_Break, _Continue):
                self.nodes(define.body, data)
        finally:
            self.out = out
        text = "".join(buffer.parts)
        self.produced -= len(text)  # counted once more by write()
        self.write(text, anchor, False)

    def include(self, name: Any, data: Any) -> Any:
        if isinstance(name, Unknown):
            return name
        define = self.defines.get(strval(name))
        if define is None:
            return self.unknown()
        return self.include_nodes(define, data)

    def tpl(self, text: Any, data: Any) -> Any:
        if isinstance(text, Unknown):
            return text
        source = strval(text)
        nodes = self._tpl_cache.get(source)
        if nodes is None:
            try:
                parsed = parse_template(source, "<tpl>")
            except TemplateError as exc:
                raise FuncError(f"tpl: {exc.message}") from None
            for d in parsed.defines:
                self.defines.setdefault(d.name, d)
            nodes = parsed.nodes
            self._tpl_cache[source] = nodes
        return self.include_nodes(Define("<tpl>", nodes, 0, source, "<tpl>"), data)

    def include_nodes(self, define: Define, data: Any) -> str:
        out = self.out
        self.out = Output()
        try:
            with self._frame(define, data, mapped=False), suppress(_Break, _Continue):
                self.nodes(define.body, data)
            return "".join(self.out.parts)
        finally:
            self.out = out

    # ----------------------------------------------------------------- pipelines
    def pipe(self, pipe: Pipe, dot: Any) -> Any:
        value: Any = _NO_PIPE
        try:
            for cmd in pipe.cmds:
                value = self.command(cmd, dot, value)
        except _Fired as fired:
            self.errors.append((self.anchor, str(fired)))
            value = self.unknown()
        except (FuncError, TypeError, ValueError, AttributeError, KeyError, IndexError):
            value = self.unknown()
        except (OverflowError, ArithmeticError, RecursionError):
            value = self.unknown()
        if pipe.decl:
            if pipe.assign:
                for slot in reversed(self.vars):
                    if slot[0] == pipe.decl[0]:
                        slot[1] = value
                        break
            else:
                self.vars.append([pipe.decl[0], value])
        return value

    def var(self, name: str) -> Any:
        for slot in reversed(self.vars):
            if slot[0] == name:
                return slot[1]
        raise FuncError(f"undefined variable {name}")

    def command(self, cmd: list[Arg], dot: Any, final: Any) -> Any:
        first = cmd[0]
        kind = first[0]
        if kind == "ident":
            return self.call(first[2], cmd[1:], dot, final)
        args = [self.arg(a, dot) for a in cmd[1:]]
        if final is not _NO_PIPE:
            args.append(final)
        if kind == "field":
            return self.fields(dot, first[2], args)
        if kind == "var":
            return self.fields(self.var(first[2]), first[3], args)
        if kind == "pipe":
            return self.fields(self.pipe(first[2], dot), first[3], args)
        if args:
            raise FuncError("can't give argument to non-function")
        return self.arg(first, dot)

    def arg(self, a: Arg, dot: Any) -> Any:
        kind = a[0]
        if kind == "const":
            return a[2]
        if kind == "field":
            return self.fields(dot, a[2], [])
        if kind == "var":
            return self.fields(self.var(a[2]), a[3], [])
        if kind == "dot":
            return dot
        if kind == "nil":
            return None
        if kind == "pipe":
            return self.fields(self.pipe(a[2], dot), a[3], [])
        return self.call(a[2], [], dot, _NO_PIPE)

    def fields(self, receiver: Any, names: tuple[str, ...], args: list[Any]) -> Any:
        if not names:
            if args:
                raise FuncError("can't give argument to non-function")
            return receiver
        last = len(names) - 1
        for i, name in enumerate(names):
            if isinstance(receiver, Unknown):
                return receiver
            if receiver is None:
                return None  # helm stops on a nil pointer; nothing would render
            if isinstance(receiver, dict):
                if i == last and args:
                    raise FuncError(f"{name} is not a method")
                receiver = receiver.get(name)
            elif isinstance(receiver, GoObject):
                if name in receiver.fields:
                    receiver = receiver.fields[name]
                elif name in receiver.methods:
                    call_args = args if i == last else []
                    if any(isinstance(x, Unknown) for x in call_args):
                        return self.unknown()
                    receiver = receiver.methods[name](*call_args)
                else:
                    raise FuncError(f"can't evaluate field {name}")
            else:
                raise FuncError(f"can't evaluate field {name} in {type(receiver).__name__}")
        return receiver

    # ----------------------------------------------------------------- functions
    def call(self, name: str, rest: list[Arg], dot: Any, final: Any) -> Any:
        self.step()
        if name in ("and", "or"):
            return self.logic(name, rest, dot, final)
        args = [self.arg(a, dot) for a in rest]
        if final is not _NO_PIPE:
            args.append(final)
        if name == "include":
            if len(args) != 2:
                raise FuncError("include needs a name and a context")
            return self.include(args[0], args[1])
        if name == "tpl":
            if len(args) != 2:
                raise FuncError("tpl needs a template and a context")
            return self.tpl(args[0], args[1])
        if name in ("required", "fail"):
            return self.required(name, args)
        fn = self.functions.get(name)
        if fn is None:
            return self.unknown()
        if name not in PLACEHOLDER_SAFE and any(isinstance(a, str) and PH_MARK in a for a in args):
            return self.unknown()  # a text holding an unknown value, e.g. b64enc of it
        if name in NIL_REFUSED and any(a is None for a in args):
            raise FuncError(f"{name}: missing value for a typed parameter")
        if (
            name not in STRUCTURAL
            and name not in CONTAINER_SAFE
            and any(isinstance(a, (list, dict)) and holds_unknown(a) for a in args)
        ):
            return self.unknown()  # e.g. join of a list holding an unknown item
        if name not in STRUCTURAL:
            special = self.partial(name, args)
            if special is not _NO_PIPE:
                return special
        result = fn(*args)
        if isinstance(result, (str, list, dict)) and len(result) > MAX_RESULT:
            raise RenderLimit(f"{name} result exceeds the size bound", self.anchor)
        return result

    def partial(self, name: str, args: list[Any]) -> Any:
        """The result when some arguments are unknown (``_NO_PIPE``: call normally)."""
        unknown = [a for a in args if isinstance(a, Unknown)]
        if not unknown:
            return _NO_PIPE
        if name in ("indent", "nindent") and len(args) == 2 and isinstance(args[1], Unknown):
            # Keep the layout an unknown block is written with (``key: {{- include … |
            # nindent 4 }}``): the placeholder goes on its own, indented line.
            if isinstance(args[0], Unknown):
                return self.unknown()
            pad = " " * width(args[0])
            return ("\n" if name == "nindent" else "") + pad + self.placeholder(args[1])
        if name == "default" and len(args) == 2 and not isinstance(args[1], Unknown):
            return args[1] if truth(args[1]) else args[0]
        if name == "ternary" and len(args) == 3 and not isinstance(args[2], Unknown):
            return args[0] if truth(args[2]) else args[1]
        if name == "coalesce":
            for a in args:
                if isinstance(a, Unknown):
                    return a
                if truth(a):
                    return a
            return None
        return self.unknown()

    def logic(self, name: str, rest: list[Arg], dot: Any, final: Any) -> Any:
        count = len(rest) + (final is not _NO_PIPE)
        if not count:
            raise FuncError(f"{name} needs arguments")
        value: Any = None
        for i in range(count):
            value = self.arg(rest[i], dot) if i < len(rest) else final
            if isinstance(value, Unknown):
                return value
            if truth(value) != (name == "and"):
                return value
        return value

    def required(self, name: str, args: list[Any]) -> Any:
        if name == "fail":
            msg = args[0] if args else ""
            if isinstance(msg, Unknown):
                return msg
            raise _Fired(strval(msg))
        if len(args) != 2:
            raise FuncError("required needs a message and a value")
        value = args[1]
        if value is None or (isinstance(value, str) and value == ""):
            raise _Fired(go_print(args[0]) if not isinstance(args[0], Unknown) else "required")
        return value
