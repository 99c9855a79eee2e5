"""Fingerprints of everything a run's output depends on.

A run's key covers: the cache format, the package (version and a stamp of its files, so an
edited checkout never reuses results of other code), the rule catalogue (every loaded rule's
content), the effective settings, the scan root and paths, standard input, the files given
for reporting, today's date (suppressions expire), the worker count, every discovered file
(path, kind and a hash of its bytes; files above the size limit by size and mtime), and
the files outside discovery that checks read: ``.gitignore`` files of the root's ancestors
and the repository's ``.git/info/exclude`` (TF-GEN state checks), installed Terraform
modules (``.terraform/modules``), ``helm_values_files`` and ``metrics_metadata``.

A file's parse facts are keyed by its bytes, path, kind, the size limit and the package
stamp: parsing a file of a fact kind reads nothing else (``FACT_KINDS``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, parsing, safeio
from ..discover import rel_to
from ..model import Span
from ..project import SourceFile
from ..rules import Rule
from .store import FORMAT
from .walk import file_stats

if TYPE_CHECKING:
    from ..engine.state import RunState

# Kinds whose parse is a function of the file alone. Helm templates are not among them:
# loading one reads its chart (Chart.yaml, values.yaml, helpers).
FACT_KINDS = frozenset({"terraform", "tfvars", "workflow", "action", "yaml", "json", "dependabot"})
PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class FileInput:
    """What the run reads of one discovered file: its hash, and its bytes when a parser
    reads them (None when refused: ``problem`` says why)."""

    raw: bytes | None
    digest: str
    problem: parsing.Problem | None = None

    def text(self) -> str | parsing.Problem:
        """The text the parser would read, or why it cannot be read."""
        if self.raw is None:
            if self.problem is None:  # a file no parser reads: its bytes were not kept
                return parsing.Problem("not kept", Span.at(1))
            return self.problem
        text, problem = parsing.decode_text(self.raw)
        if text is None:
            assert problem is not None
            return problem
        return text


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_inputs(files: list[SourceFile], max_size: int) -> dict[str, FileInput]:
    """Every discovered file hashed; the bytes kept only for the files the run parses."""
    out: dict[str, FileInput] = {}
    for sf in files:
        raw, problem = parsing.read_bytes(sf.abspath, max_size)
        if raw is not None:
            keep = sf.kind in parsing.PARSED_KINDS
            out[sf.path] = FileInput(raw if keep else None, _sha(raw))
            continue
        try:
            st = sf.abspath.stat()
            digest = f"unread:{st.st_mode}:{st.st_size}:{st.st_mtime_ns}"
        except OSError as exc:
            digest = f"unread:{exc.errno}"
        if problem is not None:
            digest += f":{problem.reason}"
        out[sf.path] = FileInput(None, digest, problem)
    return out


def _not_bytecode(name: str) -> bool:
    return not name.endswith((".pyc", ".pyo"))


@functools.cache
def package_stamp() -> str:
    """Version plus the size and mtime of every file of the installed package."""
    digest = hashlib.sha256(f"devops-lint {__version__} cache {FORMAT}".encode())
    for path, st in file_stats(PACKAGE_DIR, _not_bytecode, skip_dirs=frozenset({"__pycache__"})):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        digest.update(safeio.utf8(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n"))
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A JSON-able stand-in for a value of settings or rules, stable across runs."""
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=_plain, ensure_ascii=False)


def rules_digest(rules: list[Rule], *, sources: bool = True) -> str:
    """The rules' content; ``sources=False`` leaves out where their files are (an install
    elsewhere, as in another CI job, then gives the same digest)."""
    digest = hashlib.sha256()
    for r in rules:
        fields = [
            r.id, r.controls, r.title, r.severity, r.target, r.message, r.why, r.fix,
            r.references, r.examples, r.require, r.check, r.params, r.precision,
            r.source if sources else None, r.applies_to,
        ]  # fmt: skip
        digest.update(safeio.utf8(canonical_json(fields)))
        digest.update(b"\n")
    return digest.hexdigest()


def _file_digest(path: Path, limit: int = 16 * 1024 * 1024) -> str:
    try:
        st = path.stat()
        if not path.is_file():
            return f"special:{st.st_mode}"
        if st.st_size > limit:
            return f"big:{st.st_size}:{st.st_mtime_ns}"
        return _sha(safeio.read_bytes(path, limit))
    except OSError:
        return "absent"


def _tree_stat(folder: Path, limit: int = 20_000) -> list[str]:
    out: list[str] = []
    for path, st in file_stats(folder, follow_file_links=False):
        out.append(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}")
        if len(out) >= limit:
            break
    return out


def side_inputs(root: Path, files: list[SourceFile], settings: dict[str, Any]) -> list[Any]:
    """Fingerprints of the files checks read that discovery does not list."""
    out: list[Any] = []
    here = root.resolve()
    for _ in range(30):
        out.append([str(here), _file_digest(here / ".gitignore")])
        if (here / ".git").exists():
            out.append(_file_digest(here / ".git" / "info" / "exclude"))
            break
        if here.parent == here:
            break
        here = here.parent
    tf_dirs = sorted({Path(sf.path).parent for sf in files if sf.kind == "terraform"})
    for d in tf_dirs:
        installed = root / d / ".terraform" / "modules"
        if installed.is_dir():
            out.append([str(d), _tree_stat(installed)])
    for name in [*settings.get("helm_values_files", ()), settings.get("metrics_metadata")]:
        if isinstance(name, str) and name:
            path = Path(name) if Path(name).is_absolute() else root / name
            out.append([name, _file_digest(path)])
    return out


def run_key(
    state: RunState,
    paths: list[Path],
    rules: list[Rule],
    files: list[SourceFile],
    inputs: dict[str, FileInput],
    stdin: tuple[str, str] | None,
    jobs: int,
) -> str:
    """The key of a whole run: the package, every rule (``rules``, selected or not), the
    engine's root, settings, report filter and day, the paths, standard input, the job
    count and every input file's digest."""
    root, settings, report_only = state.root, state.settings, state.project.report_only
    digest = hashlib.sha256(f"run {package_stamp()}\n".encode())
    digest.update(rules_digest(rules).encode())
    header = {
        "root": str(root),
        "paths": [rel_to(root, p) if p.is_absolute() else str(p) for p in paths],
        "settings": settings,
        "stdin": None if stdin is None else [stdin[0], _sha(stdin[1].encode("utf-8"))],
        "report_only": None if report_only is None else sorted(report_only),
        "today": state.today.isoformat(),
        "jobs": jobs,
        "side": side_inputs(root, files, settings),
    }
    digest.update(safeio.utf8(canonical_json(header)))
    for sf in files:
        digest.update(safeio.utf8(f"\n{sf.path}\0{sf.kind}\0{inputs[sf.path].digest}"))
    return digest.hexdigest()


def facts_key(sf: SourceFile, file_input: FileInput, settings: dict[str, Any]) -> str:
    fields = [package_stamp(), sf.path, sf.kind, file_input.digest, settings["max_file_size"]]
    return _sha(safeio.utf8(canonical_json(fields)))
