"""A run that reuses what an earlier run of the same input computed.

1. Discover the files and read every one of them once (the bytes hashed are the bytes parsed).
2. The whole input unchanged (``keys.run_key``): the stored result is the result; nothing is
   parsed or evaluated.
3. Otherwise each file of a fact kind whose bytes are unchanged gets its documents back from
   its stored parse facts instead of being parsed; the others are parsed (in workers when
   many) and their facts stored. Every rule then runs over the whole project: per-document
   checks read project-wide indexes (namespaces, service accounts, HPAs, workflow callers,
   the Prometheus rule index …), so their findings are not a function of one file.
4. The result is stored under the run's key.

The documents are recorded in the order an uncached run would record them, so warm output
equals cold output byte for byte (``tests/cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import parsing
from ..engine import Engine, RunResult, build_result, loader
from ..project import SourceFile
from ..rules import Rule
from . import keys
from .errors import Invalid, Unfit
from .findings import decode_result, encode_result
from .store import Store


def cached_run(
    store: Store,
    engine: Engine,
    paths: list[Path],
    rules: list[Rule],
    *,
    stdin: tuple[str, str] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """``engine``'s run of ``paths`` from the store when nothing it reads has changed.

    ``rules`` are all the rules the engine was given (it keeps only the selected ones): a
    change to any of them changes the key.
    """
    settings = engine.settings
    files = loader.discovered(engine, paths)
    inputs = keys.read_inputs(files, settings["max_file_size"])
    run_key = keys.run_key(engine, paths, rules, files, inputs, stdin, jobs)
    stored = store.get("runs", run_key)
    if stored is not None:
        try:
            found, scanned, evaluated, until = decode_result(
                stored, project=engine.project, files=files, inputs=inputs
            )
        except (Invalid, RecursionError):
            engine.project.documents.clear()
        else:
            store.touch("runs", run_key)
            return RunResult(
                found,
                engine.project,
                engine.rules,
                scanned,
                evaluated=evaluated,
                suppressed_until=until,
            )
    parse_with_facts(store, engine, files, inputs, jobs, progress)
    if stdin is not None:
        loader.load_stdin(engine, stdin)
    engine.evaluate(jobs=jobs)
    engine.suppress()
    result = build_result(engine)
    store.put("runs", run_key, encode_result(result, inputs))
    store.prune()
    return result


def parse_with_facts(
    store: Store,
    engine: Engine,
    files: list[SourceFile],
    inputs: dict[str, keys.FileInput],
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Documents of unchanged files from their facts, the others parsed and their facts kept."""
    from . import facts

    settings = engine.settings
    todo = [sf for sf in files if sf.kind in parsing.PARSED_KINDS]
    outcomes: dict[str, parsing.Outcome | parsing.Problem] = {}
    texts: dict[str, str | parsing.Problem] = {}
    missed: list[SourceFile] = []
    for sf in todo:
        text = texts[sf.path] = inputs[sf.path].text()
        if sf.kind in keys.FACT_KINDS:
            rec = store.get("facts", keys.facts_key(sf, inputs[sf.path], settings))
            if rec is not None:
                try:
                    outcomes[sf.path] = facts.decode_outcome(
                        rec, sf.path, text if isinstance(text, str) else ""
                    )
                    continue
                except (Invalid, RecursionError):
                    pass
        missed.append(sf)
    for sf, outcome in parsing.load_many(missed, settings, engine.root, jobs, texts):
        outcomes[sf.path] = outcome
        if sf.kind in keys.FACT_KINDS:
            text = texts[sf.path]
            try:
                rec = facts.encode_outcome(outcome, text if isinstance(text, str) else "")
            except (Unfit, RecursionError):
                continue
            store.put("facts", keys.facts_key(sf, inputs[sf.path], settings), rec)
    ordered = parsing.load_order(todo, jobs)
    for done, sf in enumerate(ordered, start=1):
        if progress is not None:
            progress(done, len(ordered))
        loader.record_loaded(engine, sf, outcomes[sf.path])
