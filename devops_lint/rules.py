"""Rule definitions: YAML files under ``rules/``, validated on load."""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Severity

if TYPE_CHECKING:
    from .context import Context
    from .model import Result, Target

CheckFn = Callable[["Target", "Rule", "Context"], Iterable["Result"]]

PACKAGE_DIR = Path(__file__).parent


def resource_dir(name: str) -> Path:
    """``rules``/``schemas`` inside an installed wheel, else beside the package (checkout)."""
    bundled = PACKAGE_DIR / f"_{name}"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / name


class RuleError(Exception):
    """A broken rule file: names the file and the field."""


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

    @property
    def format(self) -> str:
        return self.target.partition(".")[0]

    @functools.cached_property
    def check_fn(self) -> CheckFn:
        assert self.check is not None
        module_name, _, attr = self.check.partition(":")
        try:
            fn = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise RuleError(f"{self.source}: check: cannot load {self.check!r}: {exc}") from exc
        return fn  # type: ignore[no-any-return]

    @functools.cached_property
    def validator(self) -> Any:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.require or {})


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

    schema = json.loads((resource_dir("schemas") / "rule.schema.json").read_text())
    return Draft202012Validator(schema)


def load_rule_file(path: Path) -> Rule:
    from .model import ParseError
    from .yamlload import load_plain

    try:
        data = load_plain(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ParseError) as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc}") from None
    errors = sorted(_rule_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        raise RuleError(f"{path}: field {where}: {err.message}")
    if data.get("require") is None and data.get("check") is None and data["target"] != "core.input":
        raise RuleError(f"{path}: a rule needs `require` or `check`")
    if data.get("require") is not None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(data["require"])
        except SchemaError as exc:
            raise RuleError(f"{path}: field require: invalid JSON Schema: {exc.message}") from None
    return _rule_from(data, str(path))


def _rule_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            raise RuleError(f"{folder}: rule folder not found")
        files += [
            p
            for p in sorted(folder.rglob("*"))
            if p.suffix in (".yaml", ".yml") and p.name != "controls.yaml" and p.is_file()
        ]
    return files


def _cache_file(files: list[Path]) -> Path | None:
    """Where the parsed rules of exactly these files (by path, size, mtime) are kept."""
    import hashlib

    if os.environ.get("DEVOPS_LINT_NO_CACHE"):
        return None
    base = os.environ.get("DEVOPS_LINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "devops-lint"
    )
    from . import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in [resource_dir("schemas") / "rule.schema.json", *files]:
        st = path.stat()
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return Path(base) / f"rules-{digest.hexdigest()[:24]}.pickle"


def load_rules(extra_dirs: Iterable[Path] = ()) -> list[Rule]:
    """Every shipped rule plus the rules of configured folders, sorted by ID.

    Parsing and validating some 460 rule files costs more than linting one file, so the
    result is cached per exact set of rule files (pre-commit runs start fast).
    """
    import pickle

    files = _rule_files([resource_dir("rules"), *extra_dirs])
    cache = _cache_file(files)
    if cache is not None:
        try:
            cached: list[Rule] = pickle.loads(cache.read_bytes())
            return cached
        except Exception:  # missing, stale or corrupt: parse the rule files again
            pass
    rules: dict[str, Rule] = {}
    for path in files:
        rule = load_rule_file(path)
        if rule.id in rules:
            other = rules[rule.id].source
            raise RuleError(f"{path}: duplicate rule id {rule.id} (also in {other})")
        rules[rule.id] = rule
    result = sorted(rules.values(), key=lambda r: r.id)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(cache)
        except OSError:
            pass  # a read-only home only costs start-up time
    return result


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
