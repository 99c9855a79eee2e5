"""Rule definitions: YAML files under ``rules/``, validated on load.

Rule files come from two places with different trust (``docs/security.md``): the installed
package's own ``rules/`` folder, and folders a configuration names (``rule_paths``), which
are part of the scanned, untrusted tree. A rule decides with a JSON Schema (``require:``)
or a Python check. A shipped rule without ``require:`` is bound by its ID to the function
registered for it with ``registry.check``; a custom rule may reuse one of those checks by
naming a shipped rule's ID (or the check's ``module:function``) under ``check:``, looked up
in the registry, never imported by name, so a scanned repository can never make the linter
import or run code of its choosing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import safeio
from .model import Severity

if TYPE_CHECKING:
    from .model import Document, Target
    from .registry import CheckSpec

from .registry import CheckFn as CheckFn

PACKAGE_DIR = Path(__file__).parent
# What a packaged rule's `check:` may name: a public function of a public devops_lint module.
# Folders of the package's rules/ that hold data about rules (framework mappings), not rules.
PACKAGE_DATA_FOLDERS = frozenset({"frameworks"})
PACKAGE_CHECK_RE = re.compile(r"^devops_lint(\.[a-z][a-z0-9_]*)+:[a-z][a-z0-9_]*$")


def resource_dir(name: str) -> Path:
    """``rules``/``schemas`` inside an installed wheel, else beside the package (checkout)."""
    bundled = PACKAGE_DIR / f"_{name}"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / name


class RuleError(Exception):
    """A broken rule file: names the file and the field."""


def shown(path: Path | str) -> str:
    """``path`` as messages show it: relative to the working directory when inside it."""
    full = Path(path).absolute()
    try:
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Rule:
    id: str
    controls: list[str]
    title: str
    severity: Severity
    target: str
    message: str
    why: str
    fix: str
    references: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)  # {"fail": ..., "pass": ...}
    require: dict[str, Any] | None = None
    check: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    precision: str = "high"
    source: str = ""  # the rule file, for error messages
    # Prefilter on the target's context: {key: allowed values}; None means every target.
    applies_to: dict[str, frozenset[str]] | None = None

    def applies(self, target: Target) -> bool:
        """``applies_to`` holds for ``target``: the one place a rule's prefilter is read (the
        rule file is its only home; a check never tests the same condition again)."""
        if self.applies_to is None:
            return True
        context = target.context
        return all(context.get(key) in allowed for key, allowed in self.applies_to.items())

    @property
    def format(self) -> str:
        return self.target.partition(".")[0]

    @functools.cached_property
    def check_spec(self) -> CheckSpec:
        """The registered check that decides this rule (bound by ID, or by the name a
        custom rule gives), verified to read this rule's target kind."""
        from .registry import spec_by_name, spec_for

        # By ID, the rule's own target package holds the check (imports only that package);
        # otherwise, or for a check on another target, look through the whole registry.
        spec = spec_for(self.check or self.id, self.target)
        if spec is None and self.check is not None:
            spec = spec_by_name(self.check)
        if spec is None:
            what = f"names no known check {self.check!r}" if self.check else "has no check"
            raise RuleError(f"{shown(self.source)}: rule {self.id} {what} (registry.check)")
        if spec.target != self.target:
            raise RuleError(
                f"{shown(self.source)}: rule {self.id} targets {self.target}, "
                f"but its check {spec.qualname} reads {spec.target}"
            )
        from .registry import RegistryError, build_params

        try:  # params that the check would not read are an error, never silently unused
            self.__dict__["_typed_params"] = build_params(spec, self.params)
        except RegistryError as exc:
            raise RuleError(f"{shown(self.source)}: rule {self.id}: {exc}") from None
        return spec

    @property
    def check_fn(self) -> CheckFn:
        return self.check_spec.fn

    @property
    def typed_params(self) -> object | None:
        """``params`` as the type the check declares (``registry.params_of``), built and
        checked once, when the rule is bound to its check (``check_spec``)."""
        _ = self.check_spec
        value: object | None = self.__dict__["_typed_params"]
        return value

    @functools.cached_property
    def validator(self) -> Any:
        from .quickschema import QuickValidator  # jsonschema only for schemas beyond its subset

        return QuickValidator(self.require or {})


def _rule_from(data: Any, source: str) -> Rule:
    return Rule(
        id=data["id"],
        controls=list(data["controls"]),
        title=data["title"],
        severity=data["severity"],
        target=data["target"],
        message=data["message"],
        why=data["why"],
        fix=data["fix"],
        references=list(data.get("references", [])),
        examples=dict(data.get("examples", {})),
        require=data.get("require"),
        check=data.get("check"),
        params=dict(data.get("params", {})),
        precision=data.get("precision", "high"),
        source=source,
        applies_to={k: frozenset(v) for k, v in data["applies_to"].items()}
        if data.get("applies_to")
        else None,
    )


@functools.cache
def _rule_validator() -> Any:
    import json

    from jsonschema import Draft202012Validator

    from .localrefs import offline_registry

    schema = json.loads((resource_dir("schemas") / "rule.schema.json").read_text())
    return Draft202012Validator(schema, registry=offline_registry())


# --- what a rule file may say, beyond its schema ----------------------------------------------

Registry = dict[str, frozenset[str]]  # packaged check -> the message arguments it provides


def check_registry(package_data: Iterable[dict[str, Any]]) -> Registry:
    """The checks packaged rules use, each with the placeholders its rules' messages use
    beyond the target's context (so the arguments that check returns)."""

    out: dict[str, set[str]] = {}
    for data in package_data:
        # A custom rule names a check by a shipped rule's ID, or (as rule files once did,
        # and shipped rules still may) by ``module:function``.
        if data.get("require") is not None or data["target"] == "core.input":
            continue
        for name in (data["id"], data.get("check")):
            if name:
                _add_args(out.setdefault(name, set()), data)
    return {name: frozenset(args) for name, args in out.items()}


def _add_args(names: set[str], data: dict[str, Any]) -> None:
    from .messages import CONTEXT_KEYS, BadTemplate, placeholders

    try:
        names.update(n for n in placeholders(data["message"]) if n.isidentifier())
    except BadTemplate:
        return
    names.difference_update(CONTEXT_KEYS.get(data["target"], ()))


def _registered_args(name: str, registry: Registry) -> frozenset[str] | None:
    """The message arguments of the check a custom rule names, or None for no such check."""
    if name in registry:
        return registry[name]
    if not PACKAGE_CHECK_RE.match(name):
        return None
    from .registry import ids_of, spec_by_name

    spec = spec_by_name(name)
    if spec is None:
        return None
    return frozenset().union(*(registry.get(rule_id, frozenset()) for rule_id in ids_of(spec)))


def policy_problem(
    data: dict[str, Any], packaged: bool, registry: Registry | None
) -> tuple[str, str] | None:
    """``(field, problem)`` when schema-valid rule data breaks a rule of trust or form.

    ``registry`` is what a custom (not packaged) rule's ``check:`` may name.
    """
    from .localrefs import remote_refs
    from .messages import CONTEXT_KEYS, BadTemplate, placeholders

    target = data["target"]
    if target not in CONTEXT_KEYS and not packaged:
        return "target", f"unknown target kind {target!r}"
    check = data.get("check")
    check_args: frozenset[str] = frozenset()
    if check is not None:
        if packaged:
            return "check", "a shipped rule is bound to its check by its ID (registry.check)"
        else:
            found = None if registry is None else _registered_args(check, registry)
            if found is None:
                return "check", (
                    f"{check!r} is not a check of devops-lint; a custom rule may only use "
                    "`require:` or name a check that the shipped rules use"
                )
            check_args = found
    elif data.get("require") is None and not packaged:
        return "(top level)", "a rule needs `require` or `check`"
    if data.get("require") is not None:
        for ref in remote_refs(data["require"]):
            return "require", f"$ref {ref!r} points outside the rule file (only '#…' is allowed)"
    try:
        names = placeholders(data["message"])
    except BadTemplate as exc:
        return "message", str(exc)
    if packaged and (data.get("require") is None or target not in CONTEXT_KEYS):
        # A packaged check may return any argument its message uses; a kind missing from
        # the table is reported by tests/security/test_rule_messages.py, not to users.
        return None
    allowed = CONTEXT_KEYS[target] | check_args
    if check is None and target == "core.input":
        return None  # the engine fills these messages itself
    for name in dict.fromkeys(names):
        if not name.isidentifier():
            if packaged:
                continue  # the engine prints a field that is no name as written
            return "message", f"{{{name}}} is not a placeholder name (write '{{{{' for a brace)"
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            return "message", f"unknown placeholder {{{name}}} (this target provides: {known})"
    return None


# --- reading rule files ------------------------------------------------------------------------


def _parse_rule_file(path: Path, text: str) -> tuple[dict[str, Any], Document]:
    """Schema-valid rule data and its document (for line numbers); raises ``RuleError``."""
    from .model import ParseError
    from .yamlload import load_documents

    try:
        docs, _ = load_documents(text, str(path))
    except ParseError as exc:
        raise RuleError(f"{shown(path)}:{exc.line}: cannot read rule file: {exc.message}") from None
    if len(docs) != 1:
        raise RuleError(f"{shown(path)}: a rule file holds exactly one YAML document")
    doc = docs[0]
    data = doc.data
    errors = sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        line = doc.span(tuple(err.absolute_path)).line
        raise RuleError(f"{shown(path)}:{line}: field {where}: {err.message}")
    if data.get("require") is not None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(data["require"])
        except SchemaError as exc:
            line = doc.span(("require",)).line
            raise RuleError(
                f"{path}:{line}: field require: invalid JSON Schema: {exc.message}"
            ) from None
    return data, doc


def _checked(
    path: Path, data: dict[str, Any], doc: Document, packaged: bool, registry: Registry | None
) -> Rule:
    problem = policy_problem(data, packaged, registry)
    if problem is not None:
        where, message = problem
        line = doc.key_span((where,)).line if where in data else 1
        raise RuleError(f"{shown(path)}:{line}: field {where}: {message}")
    return _rule_from(data, str(path))


def _read(path: Path) -> str:
    try:
        return safeio.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{shown(path)}: cannot read rule file: {exc.__class__.__name__}") from None


def is_packaged(path: Path) -> bool:
    from .safepath import is_inside

    return is_inside(path, resource_dir("rules"))


def load_rule_file(path: Path) -> Rule:
    """One rule file, held to the rules of the folder it comes from (package or custom)."""
    packaged = is_packaged(path)
    registry = None if packaged else package_registry()
    data, doc = _parse_rule_file(path, _read(path))
    return _checked(path, data, doc, packaged, registry)


def _rule_files(dirs: list[Path]) -> list[Path]:
    """The rule files of ``dirs``; each must resolve inside its folder (a symlink in a
    repository's rule folder must not make the linter read, and quote, a file elsewhere)."""
    from .safepath import is_inside

    files: list[Path] = []
    package = resource_dir("rules")
    for folder in dirs:
        if not folder.is_dir():
            raise RuleError(f"{shown(folder)}: rule folder not found")
        for p in sorted(folder.rglob("*")):
            if p.suffix not in (".yaml", ".yml") or p.name == "controls.yaml":
                continue
            if folder == package:  # trusted, and resolving 460 paths costs ~50 ms
                if p.relative_to(folder).parts[0] in PACKAGE_DATA_FOLDERS:
                    continue
            elif not is_inside(p, folder):
                raise RuleError(
                    f"{shown(p)}: rule file resolves outside its folder {shown(folder)}"
                )
            if p.is_file():
                files.append(p)
    return files


def _load_data(files: list[Path], packaged: bool, registry: Registry | None) -> list[Rule]:
    """The rules of ``files``: from the cache when it holds these exact contents."""
    from . import rulecache

    texts = [_read(p) for p in files]
    cached = rulecache.get(texts)
    if cached is not None and all(policy_problem(d, packaged, registry) is None for d in cached):
        return [_rule_from(d, str(p)) for d, p in zip(cached, files, strict=True)]
    rules: list[Rule] = []
    datas: list[dict[str, Any]] = []
    for path, text in zip(files, texts, strict=True):
        data, doc = _parse_rule_file(path, text)
        rules.append(_checked(path, data, doc, packaged, registry))
        datas.append(data)
    rulecache.put(texts, datas)
    return rules


@functools.cache
def _package_rules() -> tuple[Rule, ...]:
    return tuple(_load_data(_rule_files([resource_dir("rules")]), True, None))


def package_registry() -> Registry:
    """Every check the packaged rules use: all that a custom rule may name."""
    return check_registry(
        {
            "id": r.id,
            "check": r.check,
            "require": r.require,
            "message": r.message,
            "target": r.target,
        }
        for r in _package_rules()
    )


def load_rules(extra_dirs: Iterable[Path] = ()) -> list[Rule]:
    """Every shipped rule plus the rules of configured folders, sorted by ID.

    Custom rules (from ``extra_dirs``) are data: a JSON Schema, or a packaged check by name.
    """
    import copy

    package = [copy.copy(r) for r in _package_rules()]
    extra = list(extra_dirs)
    custom = _load_data(_rule_files(extra), False, package_registry()) if extra else []
    for rule in custom:
        if rule.check is not None and rule.applies_to is None:
            rule.applies_to = inherited_prefilter(rule.check, package)
    rules: dict[str, Rule] = {}
    for rule in [*package, *custom]:
        if rule.id in rules:
            other = rules[rule.id].source
            raise RuleError(
                f"{shown(rule.source)}: duplicate rule id {rule.id} (also in {shown(other)})"
            )
        rules[rule.id] = rule
    return sorted(rules.values(), key=lambda r: r.id)


def inherited_prefilter(check: str, package: Iterable[Rule]) -> dict[str, frozenset[str]] | None:
    """The ``applies_to`` a custom rule reusing ``check`` gets when it sets none: that of the
    shipped rules bound to the check (their checks do not test it again), merged when all
    of them filter on the same keys; otherwise no prefilter."""
    from .registry import RULE_ID_RE, ids_of, spec_by_name

    shipped = {r.id: r for r in package}
    if RULE_ID_RE.match(check):
        ids = [check]
    else:
        spec = spec_by_name(check)
        ids = ids_of(spec) if spec is not None else []
    filters = [shipped[i].applies_to for i in ids if i in shipped]
    if not filters or any(f is None for f in filters):
        return None
    keys = {frozenset(f) for f in filters if f is not None}
    if len(keys) != 1:
        return None
    return {
        key: frozenset().union(*(f[key] for f in filters if f is not None))
        for key in next(iter(keys))
    }


@functools.cache
def load_controls() -> dict[str, dict[str, Any]]:
    """The control catalog (``rules/controls.yaml``) by control ID."""
    from .yamlload import load_plain

    path = resource_dir("rules") / "controls.yaml"
    if not path.is_file():
        return {}
    data = load_plain(path.read_text(encoding="utf-8")) or {}
    items = data.get("controls", data) if isinstance(data, dict) else data
    return {c["id"]: c for c in items or []}
