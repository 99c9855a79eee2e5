"""Configuration: `.devops-lint.yaml` or `[tool.devops-lint]`, validated by its schema."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from .defaults import DEFAULT_SETTINGS
from .rules import resource_dir

CONFIG_NAMES = (".devops-lint.yaml", ".devops-lint.yml")


class ConfigError(Exception):
    pass


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown key {', '.join(repr(k) for k in extra)} at {where}"
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = " or ".join(expected)
        return f"key {where!r}: expected {expected}, got {type(error.instance).__name__}"
    return f"key {where!r}: {error.message}"


def validate_config(data: Any, source: str) -> dict[str, Any]:
    from jsonschema import Draft202012Validator

    if data is None:
        return {}
    schema = json.loads((resource_dir("schemas") / "config.schema.json").read_text())
    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path)
    )
    if errors:
        raise ConfigError(f"{source}: {_describe(errors[0])}")
    return dict(data)


def read_config_file(path: Path) -> dict[str, Any]:
    from .model import ParseError
    from .yamlload import load_plain

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib

        try:
            data = tomllib.loads(text).get("tool", {}).get("devops-lint")
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if isinstance(data, dict):
            data = {k.replace("-", "_"): v for k, v in data.items()}
        return validate_config(data, f"{path} [tool.devops-lint]")
    try:
        data = load_plain(text)
    except ParseError as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    return validate_config(data, str(path))


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and "[tool.devops-lint]" in pyproject.read_text(errors="replace"):
        return pyproject
    return None


def build_settings(
    root: Path, config_file: Path | None, overrides: dict[str, Any]
) -> tuple[dict[str, Any], Path | None]:
    """Defaults, then the config file, then command-line options."""
    settings = copy.deepcopy(DEFAULT_SETTINGS)
    path = config_file if config_file is not None else find_config(root)
    if path is not None:
        settings.update(read_config_file(path))
    settings.update({k: v for k, v in overrides.items() if v is not None})
    _check_files(settings, root, path)
    return settings, path


def _check_files(settings: dict[str, Any], root: Path, source: Path | None) -> None:
    """Files the configuration names must be readable: a typo must not silently disable
    what they feed (PROM-013's metric types)."""
    name = settings.get("metrics_metadata")
    if not name:
        return
    target = Path(name) if Path(name).is_absolute() else root / name
    try:
        json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        where = source or "configuration"
        raise ConfigError(
            f"{where}: key 'metrics_metadata': {target} is not a readable JSON file ({exc})"
        ) from None
