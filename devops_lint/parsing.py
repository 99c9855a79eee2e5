"""Reading a file and dispatching it to its format's parser."""

from __future__ import annotations

import codecs
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import formats, safeio
from .bounds import TOO_DEEP_PREFIX
from .classify import document_format, file_kind, is_helm_partial, template_kind
from .defaults import MAX_FILE_SIZE_CEILING
from .model import Document, ParseError, Span
from .structure import check_shape

__all__ = [
    "PARSED_KINDS",
    "Outcome",
    "Problem",
    "decode_text",
    "file_kind",
    "parse",
    "read_bytes",
    "read_text",
]

PARSED_KINDS = frozenset(
    {"terraform", "tfvars", "workflow", "action", "helm", "yaml", "json", "dependabot"}
)
# Parsers of formats that need their own library (the format plug-ins name them), imported
# only when such a file is met.
EXTERNAL_PARSERS = formats.PARSER_OF_KIND


@dataclass
class Problem:
    reason: str
    span: Span


@dataclass
class Outcome:
    documents: list[Document] = field(default_factory=list)
    duplicates: list[tuple[str, Span]] = field(default_factory=list)
    error: ParseError | None = None


# Byte-order marks of the UTF-16/32 encodings YAML allows (longest first: the UTF-32-LE
# mark starts with the UTF-16-LE one). A file saved that way (PowerShell's ``>`` writes
# UTF-16) is decoded and linted like any other rather than skipped as binary.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_bytes(path: Path, max_size: int) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, or why it cannot be read (never raises).

    ``max_size`` comes from configuration; no file above ``MAX_FILE_SIZE_CEILING`` is
    read whatever it says. Only regular files are opened (a FIFO would block forever).
    """
    limit = min(max_size, MAX_FILE_SIZE_CEILING)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None, Problem("not a regular file", Span.at(1))
        if st.st_size > limit:
            return None, Problem(
                f"file is {st.st_size} bytes, above max_file_size ({limit})", Span.at(1)
            )
        raw = safeio.read_bytes(path, limit)  # without waiting: it may have changed since
    except safeio.NotReadable as exc:
        return None, Problem(exc.strerror or "cannot read file", Span.at(1))
    except OSError as exc:
        return None, Problem(f"cannot read file: {exc.strerror or exc}", Span.at(1))
    if len(raw) > limit:
        return None, Problem(f"file is above max_file_size ({limit})", Span.at(1))
    return raw, None


def decode_text(raw: bytes) -> tuple[str | None, Problem | None]:
    """Text of a file's bytes (UTF-8, or UTF-16/32 with a byte-order mark), or why not."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), None
            except UnicodeDecodeError as exc:
                return None, Problem(f"not {encoding.upper()} text (byte {exc.start})", Span.at(1))
    if b"\x00" in raw[:8192]:
        return None, Problem("binary file (contains NUL bytes)", Span.at(1))
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(f"not UTF-8 text (byte {exc.start})", Span.at(line, col))


def read_text(path: Path, max_size: int) -> tuple[str | None, Problem | None]:
    """The file's text, or why it cannot be read (never raises); see ``read_bytes``."""
    raw, problem = read_bytes(path, max_size)
    if raw is None:
        return None, problem
    return decode_text(raw)


def chart_root(path: str) -> str:
    parts = path.split("/")
    idx = len(parts) - 1 - parts[::-1].index("templates")
    return "/".join(parts[:idx]) or "."


def parse(sf: Any, text: str, settings: dict[str, Any], root: Path) -> Outcome:
    from .yamlload import load_documents

    kind = sf.kind
    if kind == "yaml" and is_helm_partial(sf.path, text):
        return Outcome()  # a Helm partial: the renderer reads its defines, nothing to lint
    if kind == "helm":  # or plain YAML, a script, a Terraform template (classify.py)
        in_chart = (root / chart_root(sf.path) / "Chart.yaml").is_file()
        kind = template_kind(sf.path, text, in_chart)
        if kind == "other":
            return Outcome()
    out = Outcome()
    try:
        if kind in EXTERNAL_PARSERS:
            out.documents = list(formats.load(EXTERNAL_PARSERS[kind])(sf.path, text))
            return out
        if kind == "helm":
            loader = formats.load("devops_lint.helm.loader:parse_file")
            helm_settings = {**settings, "scan_root": str(root)}  # to find values.yaml
            docs = list(loader(sf.path, text, chart_root(sf.path), helm_settings))
            for doc in docs:
                if doc.format == "kubernetes":
                    fmt = document_format(doc.data)
                    doc.format = fmt if fmt != "yaml" else "yaml"
            out.documents = docs
            return out
        docs, out.duplicates = load_documents(text, sf.path)
    except ParseError as exc:
        if kind == "json" and not exc.message.startswith(TOO_DEEP_PREFIX):
            return Outcome()  # arbitrary JSON that does not parse is not ours to judge
        out.error = exc  # refused by a bound of ours: the user must know it was skipped
        return out
    except RecursionError:
        out.error = ParseError("input nested too deeply to parse")
        return out
    for doc in docs:
        if kind in ("workflow", "action", "dependabot"):
            doc.format = kind
        else:
            doc.format = document_format(doc.data)
        problem = check_shape(doc)
        if problem is not None:
            out.error = problem
            return out
    if kind == "json":
        docs = [d for d in docs if d.format in ("kubernetes", "terraform-plan")]
    out.documents = docs
    return out


def load_one(
    sf: Any, settings: dict[str, Any], root: Path, text: str | Problem | None = None
) -> Outcome | Problem:
    """Read and parse one file; ``text`` is its text (or why it is unreadable) when the
    caller has read it already (the result cache hashes exactly what is parsed)."""
    if text is None:
        text, problem = read_text(sf.abspath, settings["max_file_size"])
        if problem is not None:
            return problem
    if isinstance(text, Problem):
        return text
    assert text is not None
    return parse(sf, text, settings, root)


def _load_batch(
    batch: list[Any], settings: dict[str, Any], root: Path, texts: dict[str, str | Problem]
) -> list[Outcome | Problem]:
    return [load_one(sf, settings, root, texts.get(sf.path)) for sf in batch]


# Below this many bytes of slow formats, worker start-up (a fork, then each worker
# importing its parser) costs more than it saves: with tree-sitter HCL, terragoat's 47
# files (290 KB) cost 25 % more CPU in two workers and finished no sooner; 1 MB of
# Terraform finished 0.2 s (13 %) sooner.
PARALLEL_MIN_BYTES = 512 * 1024
# Only slow parsers are worth a worker: YAML parses faster than its result unpickles.
PARALLEL_KINDS = formats.PARALLEL_KINDS


def _parallel(files: list[Any], jobs: int) -> bool:
    if jobs < 2:
        return False
    size = 0
    for sf in files:
        if sf.kind in PARALLEL_KINDS:
            try:
                size += sf.abspath.stat().st_size
            except OSError:
                continue  # reported when it is read
            if size >= PARALLEL_MIN_BYTES:
                return True
    return False


def load_order(files: list[Any], jobs: int) -> list[Any]:
    """The order ``load_many`` yields ``files`` in: slow formats last when parsed in workers."""
    if not _parallel(files, jobs):
        return list(files)
    fast = [sf for sf in files if sf.kind not in PARALLEL_KINDS]
    return fast + [sf for sf in files if sf.kind in PARALLEL_KINDS]


def load_many(
    files: list[Any],
    settings: dict[str, Any],
    root: Path,
    jobs: int,
    texts: dict[str, str | Problem] | None = None,
) -> Iterator[tuple[Any, Outcome | Problem]]:
    """Read and parse files, slow formats in worker processes when there are many.

    ``texts`` holds the text of files already read (by path); the others are read here.
    """
    texts = texts or {}
    if not _parallel(files, jobs):
        for sf in files:
            yield sf, load_one(sf, settings, root, texts.get(sf.path))
        return
    for sf in files:
        if sf.kind not in PARALLEL_KINDS:
            yield sf, load_one(sf, settings, root, texts.get(sf.path))
    files = [sf for sf in files if sf.kind in PARALLEL_KINDS]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(8, len(files) // (jobs * 8))
    batches = [files[i : i + size] for i in range(0, len(files), size)]
    given = [{sf.path: texts[sf.path] for sf in b if sf.path in texts} for b in batches]
    results: list[Outcome | Problem] = []
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp) as pool:
            for batch_result in pool.map(
                _load_batch, batches, *_repeat(settings, root, batches), given
            ):
                results.extend(batch_result)
    except (OSError, RuntimeError) as exc:  # no worker processes here: parse serially
        click_echo_warning(f"parallel parsing unavailable ({exc}); parsing serially")
        results = [load_one(sf, settings, root, texts.get(sf.path)) for sf in files]
    yield from zip(files, results, strict=True)


def _repeat(settings: dict[str, Any], root: Path, batches: list[Any]) -> list[list[Any]]:
    return [[settings] * len(batches), [root] * len(batches)]


def click_echo_warning(message: str) -> None:
    import sys

    print(f"devops-lint: warning: {message}", file=sys.stderr)
