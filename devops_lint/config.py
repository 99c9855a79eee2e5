"""Configuration: `.devops-lint.yaml` or `[tool.devops-lint]`, validated by its schema.

A configuration found in the scanned tree is untrusted (``docs/security.md``): it may
select, configure and add data-only rules, and every file it names must resolve inside the
repository root. It is found as ruff finds its own: walking up from the scanned path to the
repository root (the nearest folder holding ``.git``, else the scanned folder itself); the
first folder with ``.devops-lint.yaml``, ``.devops-lint.yml`` or a ``pyproject.toml`` with a
``[tool.devops-lint]`` table wins.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from . import safeio
from .defaults import DEFAULT_SETTINGS
from .rules import resource_dir, shown
from .safepath import OutsideRoot, is_inside, repository_root, resolve_inside

CONFIG_NAMES = (".devops-lint.yaml", ".devops-lint.yml")
# Keys naming files or folders, relative to the configuration file's folder.
PATH_LIST_KEYS = ("rule_paths", "helm_values_files")
PATH_KEYS = ("metrics_metadata", "baseline")


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
    from .quickschema import QuickValidator  # a valid file never imports jsonschema

    if data is None:
        return {}
    schema = json.loads((resource_dir("schemas") / "config.schema.json").read_text())
    validator = QuickValidator(schema, rich=True)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{source}: {_describe(errors[0])}")
    return dict(data)


def read_config_file(path: Path) -> dict[str, Any]:
    from .model import ParseError
    from .yamlload import load_plain

    try:
        text = safeio.read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown(path)}: cannot read config: {exc}") from None
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib

        try:
            data = tomllib.loads(text).get("tool", {}).get("devops-lint")
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{shown(path)}: invalid TOML: {exc}") from None
        if isinstance(data, dict):
            data = {k.replace("-", "_"): v for k, v in data.items()}
        return validate_config(data, f"{shown(path)} [tool.devops-lint]")
    try:
        data = load_plain(text)
    except ParseError as exc:
        raise ConfigError(f"{shown(path)}:{exc.line}:{exc.column}: {exc.message}") from None
    return validate_config(data, shown(path))


def _config_in(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            text = safeio.read_text(pyproject, errors="replace")
        except OSError:
            return None
        if "[tool.devops-lint]" in text:
            return pyproject
    return None


def find_config(start: Path, repo_root: Path | None = None) -> Path | None:
    """The configuration nearest to ``start``, searching up to the repository root."""
    here = start.absolute()
    if not here.is_dir():
        here = here.parent
    top = (repo_root or repository_root(here)).absolute()
    for folder in (here, *here.parents):
        found = _config_in(folder)
        if found is not None:
            return found
        if folder == top or top not in folder.parents:
            return None
    return None


def build_settings(
    root: Path, config_file: Path | None, overrides: dict[str, Any]
) -> tuple[dict[str, Any], Path | None]:
    """Defaults, then the config file, then command-line options.

    Returns the settings and the configuration file used (``None``: defaults only), which
    ``-v`` prints. Paths the file names come back absolute and checked to stay inside the
    repository root (else ``ConfigError``); ``exclude_base`` is the file's folder.
    """
    settings = copy.deepcopy(DEFAULT_SETTINGS)
    repo = repository_root(root)
    path = config_file if config_file is not None else find_config(root, repo)
    if path is not None:
        if config_file is None and not is_inside(path, repo):
            raise ConfigError(
                f"{shown(path)}: the configuration file resolves outside the repository"
            )
        data = read_config_file(path)
        # A file named on the command line may live elsewhere (an organisation-wide
        # config): what it names may then sit beside it, and nowhere else.
        boundary = repo if is_inside(path, repo) else path.absolute().parent
        settings.update(_confined(data, path, boundary))
        # Its exclude patterns are anchored where it lives, as ruff's are, not at the
        # scanned folder (which may be below it).
        settings["exclude_base"] = path.absolute().parent
    settings.update({k: v for k, v in overrides.items() if v is not None})
    _check_files(settings, path)
    return settings, path


def _confined(data: dict[str, Any], source: Path, boundary: Path) -> dict[str, Any]:
    """``data`` with every path made absolute, after checking it stays inside ``boundary``."""
    base = source.absolute().parent
    out = dict(data)

    def confine(key: str, name: str) -> str:
        try:
            return str(resolve_inside(name, base, boundary))
        except OutsideRoot:
            raise ConfigError(
                f"{shown(source)}: key {key!r}: {name!r} is outside the repository root {boundary}"
            ) from None

    for key in PATH_LIST_KEYS:
        if key in out:
            out[key] = [confine(key, str(name)) for name in out[key]]
    if "helm_values_files" in out:  # read and shown as the command line's --helm-values are
        out["helm_values_files"] = [_from_cwd(p) for p in out["helm_values_files"]]
    for key in PATH_KEYS:
        if isinstance(out.get(key), str):
            out[key] = confine(key, out[key])
    return out


def _from_cwd(path: str) -> str:
    """``path`` relative to the working directory when inside it (as reports show paths)."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel == ".." or rel.startswith(".." + os.sep) else rel


def _check_files(settings: dict[str, Any], source: Path | None) -> None:
    """Files the configuration names must be readable: a typo must not silently disable
    what they feed (PROM-013's metric types). The message names the file, never its text."""
    name = settings.get("metrics_metadata")
    if not name:
        return
    target = Path(name)
    try:
        json.loads(safeio.read_text(target))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        where = shown(source) if source else "configuration"
        raise ConfigError(
            f"{where}: key 'metrics_metadata': {target} is not a readable JSON file "
            f"({exc.__class__.__name__})"
        ) from None
