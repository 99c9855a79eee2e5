"""Running one shard, and merging the shards into one result (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from .. import parsing
from ..cache import keys
from ..cache.errors import Invalid
from ..cache.findings import decode_documents, encode_documents
from ..cache.store import Store
from ..discover import rel_to
from ..engine import Engine, RunResult, build_result, loader, suppression
from ..model import Document
from ..rules import Rule
from . import units
from .file import Shard, ShardError, encode, input_identity

Progress = Callable[[int, int], None] | None


def scan_paths(root: Path, paths: list[Path]) -> list[str]:
    """The scanned folders as the shard file names them: relative to the root, POSIX."""
    return [rel_to(root, p) if p.is_absolute() else PurePosixPath(p).as_posix() for p in paths]


def run_shard(
    root: Path,
    paths: list[Path],
    settings: dict[str, Any],
    rules: list[Rule],
    *,
    index: int,
    count: int,
    given: list[str],
    jobs: int = 1,
    progress: Progress = None,
    store: Store | None = None,
) -> str:
    """Shard ``index`` (1-based) of ``count``: the shard file's text."""
    engine = Engine(root, settings, rules)
    files = loader.discovered(engine, paths)
    inputs = keys.read_inputs(files, settings["max_file_size"])
    if store is not None:  # the result cache's parse facts, as a cached run uses them
        from ..cache.run import parse_with_facts

        parse_with_facts(store, engine, files, inputs, jobs, progress)
    else:
        todo = [sf for sf in files if sf.kind in parsing.PARSED_KINDS]
        loader.parse_files(engine, todo, jobs, progress)
    engine.owns = owns = units.owner(engine.project, index - 1, count)
    start = len(engine.findings)
    engine.evaluate(jobs=jobs)
    found = engine.findings[start:]
    by_path = suppression.suppressions(engine)
    approvals = suppression.mark(engine, found, by_path)
    found += [f for f in approvals if f is not None]
    found += [f for f in engine.findings[:start] if owns(f.path)]  # reading and parsing
    mine = {p: supps for p, supps in by_path.items() if owns(p)}
    hygiene = [
        (f, suppression.key(s) if s is not None else None)
        for f, s in suppression.hygiene_of(engine, mine)
        if f is not None
    ]
    named = scan_paths(root, paths)
    documents = encode_documents((d for d in engine.project.documents if owns(d.path)), inputs)
    shard = Shard(
        index=index,
        count=count,
        input=input_identity(
            root=root, paths=named, settings=settings, rules=rules, files=files, inputs=inputs
        ),
        paths=named,
        given=given,
        today=engine.today.isoformat(),
        findings=found,
        evaluated=dict(engine.evaluated),
        suppressed_until=engine.suppressed_until,
        hygiene=hygiene,
        used=[suppression.key(s) for supps in by_path.values() for s in supps if s.used],
        failed=sorted(p for p in engine.project.failed if owns(p)),
        documents=documents,
    )
    return encode(shard)


def check_set(shards: list[Shard]) -> None:
    """Every shard of one split, each once, all of the same input and day."""
    if not shards:
        raise ShardError("no shard files given")
    first = shards[0]
    for s in shards[1:]:
        if s.count != first.count:
            raise ShardError(
                f"{s.source} is a shard of {s.count}, {first.source} a shard of {first.count}"
            )
        if s.input != first.input or (s.paths, s.given) != (first.paths, first.given):
            raise ShardError(
                f"{s.source} and {first.source} were made from different input "
                f"(files, configuration, rules, paths or version){_inside_hint(shards)}"
            )
        if s.today != first.today:
            raise ShardError(
                f"{s.source} ran on {s.today}, {first.source} on {first.today}: suppressions "
                "expire by date, so every shard must run on the same day"
            )
    seen: dict[int, str] = {}
    for s in shards:
        if s.index in seen:
            raise ShardError(f"{s.source} and {seen[s.index]} are both shard {s.index}")
        seen[s.index] = s.source
    missing = sorted(set(range(1, first.count + 1)) - set(seen))
    if missing:
        named = ", ".join(f"{i}/{first.count}" for i in missing)
        raise ShardError(f"shard {named} missing: a merge without it would lose its findings")
    for p in [*first.paths, *first.given]:
        pure = PurePosixPath(p)
        if pure.is_absolute() or ".." in pure.parts:
            raise ShardError(f"{first.source}: scanned path {p!r} is not inside the repository")


def run_merge(
    root: Path,
    settings: dict[str, Any],
    rules: list[Rule],
    shards: list[Shard],
    *,
    jobs: int = 1,
) -> RunResult:
    """The result a single run of the shards' input gives, from the shards' findings.

    Nothing is parsed: the documents reporters read (path, format, text) come from the
    shards, the texts from the files themselves.
    """
    check_set(shards)
    shards = sorted(shards, key=lambda s: s.index)
    paths = [root / p for p in shards[0].paths]
    for p in paths:
        if not p.exists():
            raise ShardError(f"{rel_to(root, p)}: scanned by the shards, absent here")
    today = dt.date.fromisoformat(shards[0].today)
    # Discovery's own findings are left to the run it serves: each shard wrote those of
    # its files.
    scratch = Engine(root, settings, rules, today=today)
    files = loader.discovered(scratch, paths)
    engine = Engine(root, settings, rules, today=today)
    engine.project.files = scratch.project.files
    inputs = keys.read_inputs(files, settings["max_file_size"])
    named = scan_paths(root, paths)
    here = input_identity(
        root=root, paths=named, settings=settings, rules=rules, files=files, inputs=inputs
    )
    if here != shards[0].input:
        raise ShardError(
            "the shards were made from other input than this checkout "
            "(files, configuration, rules or version differ): merge in the scanned commit, "
            f"with the shards' options{_inside_hint(shards)}"
        )
    _documents(engine, shards, files, inputs, jobs)
    used = {tuple(k) for s in shards for k in s.used}
    for shard in shards:
        engine.project.failed.update(shard.failed)
        for finding in shard.findings:
            engine.add(finding)
        engine.evaluated.update(shard.evaluated)
        engine.suppressed_until.update(shard.suppressed_until)
    for shard in shards:
        for finding, key in shard.hygiene:
            if key is None or tuple(key) not in used:
                engine.add(finding)
    return build_result(engine)


def _inside_hint(shards: list[Shard]) -> str:
    """The likely cause when a shard file lies in a scanned folder (relative to here)."""
    for shard in shards:
        for folder in shard.given:
            try:
                inside = Path(shard.source).resolve().is_relative_to(Path(folder).resolve())
            except (OSError, RuntimeError):
                continue
            if inside:
                return f"; {shard.source} lies in the scanned folder: keep shard files outside it"
    return ""


def _documents(
    engine: Engine,
    shards: list[Shard],
    files: list[Any],
    inputs: dict[str, keys.FileInput],
    jobs: int,
) -> None:
    """The shards' documents, in the order a single run records them."""
    by_path: dict[str, list[Document]] = {}
    for shard in shards:
        try:
            documents = decode_documents(shard.documents, inputs)
        except (Invalid, RecursionError) as exc:
            raise ShardError(f"{shard.source}: damaged shard file ({exc})") from None
        for doc in documents:
            by_path.setdefault(doc.path, []).append(doc)
    parsed = [sf for sf in files if sf.kind in parsing.PARSED_KINDS]
    order = [sf.path for sf in parsing.load_order(parsed, jobs)]
    order += sorted(set(by_path) - set(order))
    for path in order:
        engine.project.documents.extend(by_path.get(path, ()))
