"""The run: discover, parse, evaluate every rule on its targets, apply suppressions."""

from __future__ import annotations

import datetime as dt
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import parsing, structure
from .context import Context
from .discover import Skipped, Unreadable, discover, rel_to
from .fingerprint import logical_key, scope_key
from .model import (
    SEVERITY_RANK,
    UNRESOLVED_KEY,
    Document,
    Finding,
    Result,
    Span,
    Target,
    contains_unresolved,
)
from .project import Project, SourceFile
from .rules import Rule, RuleError, load_controls
from .selection import matches
from .suppress import (
    Suppression,
    annotation_suppressions,
    comment_suppressions,
    unknown_ids,
)
from .targets import ANY_FORMAT, TargetKind, UnknownTargetKind, may_apply, resolve_kind

KindRules = tuple[str, TargetKind, list[Rule]]
# Below this many documents, forking workers costs more than evaluating here.
PARALLEL_MIN_DOCUMENTS = 300


def _partition(
    items: list[KindRules], bins: int, cost: Callable[[KindRules], int]
) -> list[list[KindRules]]:
    """Greedy balance of target kinds over ``bins`` groups by estimated cost."""
    groups: list[list[KindRules]] = [[] for _ in range(bins)]
    loads = [0] * bins
    for item in sorted(items, key=cost, reverse=True):
        i = loads.index(min(loads))
        groups[i].append(item)
        loads[i] += cost(item)
    return [g for g in groups if g] or [[]]


@dataclass
class RunResult:
    findings: list[Finding]  # every finding, suppressed ones included (marked)
    project: Project
    rules: list[Rule]  # the rules that ran
    files_scanned: int
    # Findings left out of the report by a baseline or a new-only comparison, by reason.
    hidden: dict[str, int] = field(default_factory=dict)
    # The same per control: reason -> control ID -> count (compliance exceptions).
    hidden_controls: dict[str, dict[str, int]] = field(default_factory=dict)
    # How many targets each rule evaluated, per file: (rule ID, path) -> count.
    evaluated: dict[tuple[str, str], int] = field(default_factory=dict)
    # Expiry date (ISO) of the suppression that silenced a finding, by Finding.sort_key().
    suppressed_until: dict[tuple[str, int, int, str], str] = field(default_factory=dict)
    # compliance.outcomes.FrameworkOutcome per --compliance framework (none when not asked).
    compliance: list[Any] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    def failed(self, threshold: str) -> bool:
        if threshold == "none":  # report, never fail
            return False
        rank = SEVERITY_RANK[threshold]
        return any(SEVERITY_RANK[f.severity] >= rank for f in self.active)


def select_rules(rules: Iterable[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    out = []
    for rule in rules:
        core = rule.target == "core.input"
        if select and not core and not any(matches(s, rule) for s in select):
            continue
        if any(matches(i, rule) for i in ignore):
            continue
        out.append(rule)
    return out


class _Formatter(string.Formatter):
    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, "{" + key + "}")
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def format_message(template: str, values: dict[str, Any]) -> str:
    try:
        return _FORMATTER.vformat(template, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


class Engine:
    def __init__(
        self,
        root: Path,
        settings: dict[str, Any],
        rules: list[Rule],
        *,
        report_only: set[str] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self.rules = select_rules(rules, settings["select"], settings["ignore"])
        self.rule_by_id = {r.id: r for r in rules}
        self.selected_ids = {r.id for r in self.rules}
        self.today = today or dt.date.today()
        self.project = Project(root=root, report_only=report_only)
        self.ctx = Context(settings=settings, project=self.project)
        self.findings: list[Finding] = []
        self.stdin_name: str | None = None  # the name standard input is reported under
        self._seen: dict[tuple[Any, ...], Finding] = {}
        # (rule ID, path) -> targets evaluated: counts, so compliance can tell pass from n/a.
        self.evaluated: Counter[tuple[str, str]] = Counter()
        self.suppressed_until: dict[tuple[str, int, int, str], str] = {}
        # Hooks for cross-cutting checks: the findings so far (append-only during evaluation)
        # and texts of files read by checks without a parsed document (their suppressions).
        self.ctx.cache["engine.findings"] = self.findings
        self.ctx.cache["engine.texts"] = {}

    # ----------------------------------------------------------------- input
    def core_finding(
        self, rule_id: str, path: str, span: Span, reason: str = "", **args: Any
    ) -> None:
        rule = self.rule_by_id[rule_id]
        if rule.id not in self.selected_ids:
            return
        self._add(
            Finding(
                rule_id=rule.id,
                controls=list(rule.controls),
                severity=self._severity(rule, rule.severity),
                path=path,
                span=span,
                message=format_message(rule.message, {"reason": reason, **args}),
                fix=rule.fix,
                format="input",
                object_line=span.line,
            )
        )

    def load(
        self,
        paths: list[Path],
        stdin: tuple[str, str] | None = None,
        jobs: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        excludes = self.settings["exclude"]
        todo: list[SourceFile] = []
        for item in discover(
            self.root,
            paths,
            excludes,
            respect_ignores=not self.settings.get("no_ignore", False),
            force=self._named(paths),
            exclude_base=self.settings.get("exclude_base"),
        ):
            if isinstance(item, Skipped):
                self.core_finding("X-000.symlink-skipped", item.path, Span.at(1), item.reason)
                continue
            if isinstance(item, Unreadable):
                self.project.failed.add(item.path)
                self.core_finding("X-000.unreadable", item.path, Span.at(1), item.reason)
                continue
            sf = SourceFile(item.path, item.abspath, parsing.file_kind(item.path))
            self.project.files.append(sf)
            if sf.kind in parsing.PARSED_KINDS:
                todo.append(sf)
        if self.settings.get("helm_render"):
            todo = self._render_charts(todo)
        for done, (sf, loaded) in enumerate(
            parsing.load_many(todo, self.settings, self.root, jobs), start=1
        ):
            if progress is not None:
                progress(done, len(todo))
            if isinstance(loaded, parsing.Problem):
                if sf.kind != "json":  # an unreadable random JSON file is not ours to judge
                    self.project.failed.add(sf.path)
                    self.core_finding("X-000.unreadable", sf.path, loaded.span, loaded.reason)
                continue
            self._record(sf, loaded)
        if stdin is not None:
            name, text = stdin
            sf = SourceFile(name, self.root / name, parsing.file_kind(name))
            self.stdin_name = name
            self._record(sf, parsing.parse(sf, text, self.settings, self.root))

    def _named(self, paths: list[Path]) -> list[Path] | None:
        """The paths the user named, read even when ignored or excluded (None: every path).

        Neighbours of a named file, read for context, are not among them.
        """
        if self.settings.get("force_exclude"):
            return []
        only = self.project.report_only
        if only is None:
            return None
        return [p for p in paths if p.is_dir() or rel_to(self.root, p) in only]

    def _render_charts(self, todo: list[SourceFile]) -> list[SourceFile]:
        """Lint ``helm template`` output instead of the templates (``--helm-render``).

        Each chart renders once; a chart helm refuses is one located parse error.
        """
        from .helm.render import HelmRenderError, render_chart

        charts = sorted({parsing.chart_root(sf.path) for sf in todo if sf.kind == "helm"})
        for chart in charts:
            try:
                docs = render_chart(chart, self.settings["helm_values_files"], str(self.root))
            except HelmRenderError as err:
                path = f"{chart}/Chart.yaml" if chart != "." else "Chart.yaml"
                self.project.failed.add(path)
                span = Span.at(err.line, err.column)
                self.core_finding("X-000.parse-error", path, span, err.message)
                continue
            self.project.documents.extend(docs)
        return [sf for sf in todo if sf.kind != "helm"]

    def _record(self, sf: SourceFile, outcome: parsing.Outcome) -> None:
        if outcome.error is not None:
            self.project.failed.add(sf.path)
            err = outcome.error
            self.core_finding(
                "X-000.parse-error", sf.path, Span.at(err.line, err.column), err.message
            )
            return
        for key, span in outcome.duplicates:
            self.core_finding("X-000.duplicate-key", sf.path, span, key=key)
        self.project.documents.extend(outcome.documents)

    # ------------------------------------------------------------- evaluation
    def evaluate(self, jobs: int = 1) -> None:
        if "X-000.schema-violation" in self.selected_ids:
            for doc in self.project.documents:  # pod specs, containers (standards 0.6 item 1)
                for span, where, reason in structure.schema_violations(doc, self.ctx):
                    self.core_finding("X-000.schema-violation", doc.path, span, reason, where=where)
        by_kind: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            if rule.target != "core.input":
                by_kind[rule.target].append(rule)
        formats_present = {d.format for d in self.project.documents}
        kinds: list[KindRules] = []
        for kind_name, rules in by_kind.items():
            if not may_apply(kind_name, formats_present):
                continue
            try:
                tk = resolve_kind(kind_name)
            except UnknownTargetKind:
                raise RuleError(f"{rules[0].source}: unknown target kind {kind_name!r}") from None
            if ANY_FORMAT in tk.formats or tk.formats & formats_present:
                kinds.append((kind_name, tk, rules))
        # Kinds for every file ("*", secret scanning) run last, so that their checks can read
        # the other rules' findings (X-002 de-duplication).
        first = [k for k in kinds if ANY_FORMAT not in k[1].formats]
        last = [k for k in kinds if ANY_FORMAT in k[1].formats]
        if jobs > 1 and len(self.project.documents) >= PARALLEL_MIN_DOCUMENTS and len(first) > 1:
            self._evaluate_parallel(first, jobs)
        else:
            for item in first:
                self._evaluate_kind(item)
        for item in last:
            self._evaluate_kind(item)

    def _evaluate_kind(self, item: KindRules, shard: tuple[int, int] | None = None) -> None:
        kind_name, tk, rules = item
        for target in self._targets(tk, kind_name, shard):
            for rule in rules:
                self._run_rule(rule, target)

    def _evaluate_parallel(self, kinds: list[KindRules], jobs: int) -> None:
        """Share the evaluation between forked workers that hold the parsed project.

        Forking after parsing hands every worker the documents for free (copy-on-write);
        only findings travel back. Per-document kinds are split by document (worker ``w``
        takes every ``jobs``-th document), project kinds by estimated cost. A worker that
        fails has its share evaluated here instead: parallelism never changes results.
        """
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            for item in kinds:
                self._evaluate_kind(item)
            return
        mp = multiprocessing.get_context("fork")
        per_doc = [k for k in kinds if not k[1].project]
        shares = _partition([k for k in kinds if k[1].project], jobs, self._kind_cost)
        shares += [[] for _ in range(jobs - len(shares))]
        workers: list[tuple[Any, Any, int]] = []
        for w in range(1, jobs):
            try:
                here, there = mp.Pipe(duplex=False)
                proc = mp.Process(
                    target=self._worker, args=(per_doc, shares[w], w, jobs, there), daemon=True
                )
                proc.start()
                there.close()
                workers.append((proc, here, w))
            except OSError:
                self._share(per_doc, shares[w], w, jobs)
        self._share(per_doc, shares[0], 0, jobs)
        for proc, conn, w in workers:
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                status, payload = "failed", None
            proc.join()
            if status == "ok":
                findings, evaluated = payload
                for finding in findings:
                    self._add(finding)
                self.evaluated.update(evaluated)
            else:
                self._share(per_doc, shares[w], w, jobs)

    def _share(self, per_doc: list[KindRules], project: list[KindRules], w: int, n: int) -> None:
        for item in per_doc:
            self._evaluate_kind(item, (w, n))
        for item in project:
            self._evaluate_kind(item)

    def _worker(
        self, per_doc: list[KindRules], project: list[KindRules], w: int, n: int, conn: Any
    ) -> None:
        start = len(self.findings)
        self.evaluated = Counter()  # this worker's share only; the parent adds it up
        try:
            self._share(per_doc, project, w, n)
            conn.send(("ok", (self.findings[start:], dict(self.evaluated))))
        except Exception as exc:  # the parent redoes this share itself
            conn.send(("failed", repr(exc)))
        finally:
            conn.close()

    def _kind_cost(self, item: KindRules) -> int:
        _, tk, rules = item
        docs = sum(1 for d in self.project.documents if d.format in tk.formats)
        return len(rules) * max(docs, 1)

    def _targets(
        self, tk: TargetKind, name: str, shard: tuple[int, int] | None = None
    ) -> Iterator[Target]:
        if tk.project:
            yield from self._guarded(tk.project_targets, self.project, name, None)
            return
        docs = self.project.documents
        if shard is not None:
            docs = docs[shard[0] :: shard[1]]
        for doc in docs:
            if doc.format in tk.formats:
                yield from self._guarded(tk.document_targets, doc, name, doc)

    def _guarded(
        self,
        make: Callable[[Any, Context], Iterable[Target]],
        arg: Any,
        name: str,
        doc: Document | None,
    ) -> Iterator[Target]:
        try:
            yield from make(arg, self.ctx)
        except Exception as exc:  # a broken adapter must not end the run
            path = doc.path if doc else "."
            self.core_finding(
                "X-000.internal-error", path, Span.at(1), f"{name} targets failed: {exc!r}"
            )

    def _run_rule(self, rule: Rule, target: Target) -> None:
        if rule.applies_to is not None:
            ctx = target.context
            for key, allowed in rule.applies_to.items():
                if ctx.get(key) not in allowed:
                    return
        exempt = target.context.get("exempt_controls")
        if exempt and exempt.issuperset(rule.controls):
            return  # e.g. system namespaces for the pod-security controls (0.6 item 5)
        self.evaluated[(rule.id, target.doc.path)] += 1
        try:
            if rule.require is not None:
                results: Iterable[Result] = self._schema_results(rule, target)
            else:
                results = rule.check_fn(target, rule, self.ctx)
            # A format may refine its findings: Terraform names module call chains, folds
            # a finding into an earlier one or splits it (refine returns what to report).
            refine = target.context.get("refine_finding")
            for res in results:
                finding = self._finding(rule, target, res)
                for out in refine(finding, res) if refine is not None else (finding,):
                    self._add(out)
        except RuleError:
            raise
        except Exception as exc:
            self.core_finding(
                "X-000.internal-error",
                target.doc.path,
                target.anchor_span(),
                f"rule {rule.id} failed on {target.locator}: {exc!r}",
            )

    def _schema_results(self, rule: Rule, target: Target) -> list[Result]:
        errors = list(rule.validator.iter_errors(target.data))
        if not errors:
            return []
        err = min(errors, key=lambda e: (len(e.absolute_path), str(e.absolute_path)))
        inst = err.instance
        rel = tuple(err.absolute_path)
        if err.validator == "required":
            unresolved = isinstance(inst, dict) and UNRESOLVED_KEY in inst
            return [Result(span=target.anchor_span(), unresolved=unresolved)]
        path = (*target.path, *rel)
        return [Result(path=path, unresolved=contains_unresolved(inst))]

    def _severity(self, rule: Rule, severity: str) -> Any:
        overrides = self.settings["severity_overrides"]
        for ident in (rule.id, *rule.controls):
            if ident in overrides:
                return overrides[ident]
        return severity

    def _finding(self, rule: Rule, target: Target, res: Result) -> Finding:
        doc = res.doc or target.doc
        if res.span is not None:
            span = res.span
        elif res.path is not None:
            span = doc.key_span(res.path) if res.key else doc.span(res.path)
        else:
            span = target.anchor_span()
        severity = self._severity(rule, res.severity or rule.severity)
        values = {**target.context, **res.args}
        message = res.message if res.message is not None else format_message(rule.message, values)
        outcome: Any = "fail"
        if res.unresolved:
            outcome = "unresolved"
            message = f"unresolved: {message}"
            if not self.settings["strict_unresolved"]:
                severity = "info"
        obj = target.object_span or target.anchor_span()
        locator = res.locator or target.locator
        object_path = target.path if doc is target.doc else ()
        return Finding(
            rule_id=rule.id,
            controls=list(rule.controls),
            severity=severity,
            path=doc.path,
            span=span,
            message=message,
            fix=rule.fix,
            locator=locator,
            outcome=outcome,
            format=doc.format,
            object_line=obj.line if doc is target.doc else span.line,
            document=doc.index,
            value_sets=list(doc.meta.get("value_sets", ())),
            logical=scope_key(res.identity or target.identity)
            or logical_key(locator, object_path, res.path, doc, res.args),
        )

    def _add(self, finding: Finding) -> None:
        key = (finding.rule_id, finding.path, finding.span, finding.message)
        first = self._seen.get(key)
        if first is not None:
            # Reported once; a rendered chart's finding names every value set producing it.
            first.value_sets.extend(v for v in finding.value_sets if v not in first.value_sets)
            return
        self._seen[key] = finding
        self.findings.append(finding)

    # ------------------------------------------------------------ suppressions
    def suppress(self) -> None:
        by_path: dict[str, list[Suppression]] = defaultdict(list)
        texts: dict[str, str] = {}
        for doc in self.project.documents:
            texts.setdefault(doc.path, doc.text)
            by_path[doc.path].extend(annotation_suppressions(doc))
        for path, text in self.ctx.cache["engine.texts"].items():
            texts.setdefault(path, text)
        for path, text in texts.items():
            by_path[path].extend(comment_suppressions(path, text))
        new: list[Finding | None] = []
        for f in self.findings:
            if f.rule_id.startswith("X-000."):
                continue
            # Related locations (a module call's argument) may hold the suppression too.
            elsewhere = [(p, sp.line) for p, sp, _ in f.related]
            candidates = [*by_path.get(f.path, ())]
            for p in dict.fromkeys(p for p, _ in elsewhere if p != f.path):
                candidates.extend(by_path.get(p, ()))
            for s in candidates:
                here = s.path == f.path and (f.line in s.lines or f.object_line in s.lines)
                here = here or any(p == s.path and line in s.lines for p, line in elsewhere)
                if s.document is not None:
                    here = here or s.document == (f.path, f.document)
                if not here or not s.covers(f.rule_id, f.controls):
                    continue
                s.used = True
                if s.expired(self.today) or not s.reason:
                    continue
                if f.severity == "critical" and not s.approved_by:
                    if f.rule_id not in s.matched_rules:
                        s.matched_rules.add(f.rule_id)
                        new.append(
                            self._core("X-000.suppression-without-approval", s, rule=f.rule_id)
                        )
                    continue
                f.suppression = s.reason
                if s.until is not None:
                    self.suppressed_until[f.sort_key()] = s.until.isoformat()
                break
        for supps in by_path.values():
            for s in supps:
                ids = ", ".join(s.ids) or "nothing"
                if not s.reason:
                    new.append(self._core("X-000.suppression-without-reason", s, ids=ids))
                elif not s.used and not s.expired(self.today) and self._ids_selected(s.ids):
                    new.append(self._core("X-000.unused-suppression", s, ids=ids))
        every = [s for supps in by_path.values() for s in supps]
        # The control catalogue is a large YAML file: read it only for an ID no rule matches.
        every_rule = list(self.rule_by_id.values())
        unmatched = any(not any(matches(i, r) for r in every_rule) for s in every for i in s.ids)
        catalog = load_controls() if unmatched else {}
        for s, _, detail in unknown_ids(every, every_rule, catalog):
            new.append(self._core("X-000.unknown-rule", s, detail=detail))
        for extra in new:
            if extra is not None:
                self._add(extra)

    def _ids_selected(self, ids: list[str]) -> bool:
        return any(matches(i, r) for i in ids for r in self.rules)

    def _core(self, rule_id: str, s: Suppression, **args: Any) -> Finding | None:
        rule = self.rule_by_id[rule_id]
        if rule.id not in self.selected_ids:
            return None
        return Finding(
            rule_id=rule.id,
            controls=list(rule.controls),
            severity=self._severity(rule, rule.severity),
            path=s.path,
            span=s.span,
            message=format_message(rule.message, args),
            fix=rule.fix,
            format="input",
            object_line=s.span.line,
        )

    # ------------------------------------------------------------------ result
    def result(self) -> RunResult:
        findings = self.findings
        failed = self.project.failed
        # A file that failed to parse reports its parse error and nothing else (0.6 item 7).
        findings = [f for f in findings if f.path not in failed or f.rule_id.startswith("X-0")]
        only = self.project.report_only
        if only is not None:
            findings = [f for f in findings if f.path in only]
        findings.sort(key=Finding.sort_key)
        if self.settings.get("helm_values_files"):
            # Charts rendered with several value sets: say which ones give each finding.
            for f in findings:
                if f.value_sets:
                    f.message = f"{f.message} (values: {', '.join(f.value_sets)})"
        redact_messages(findings, self.settings)
        # Files read: those of a format we parse, and standard input whatever its name.
        read = {sf.path for sf in self.project.files if sf.kind in parsing.PARSED_KINDS}
        read |= failed
        if self.stdin_name is not None:
            read.add(self.stdin_name)
        if only is not None:  # given files: their number, not their folders'
            read &= only
        evaluated = {k: n for k, n in self.evaluated.items() if only is None or k[1] in only}
        return RunResult(
            findings,
            self.project,
            self.rules,
            len(read),
            evaluated=evaluated,
            suppressed_until=self.suppressed_until,
        )


def run(
    root: Path,
    paths: list[Path],
    settings: dict[str, Any],
    rules: list[Rule],
    *,
    stdin: tuple[str, str] | None = None,
    report_only: set[str] | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    import gc

    # The run builds many small acyclic objects that live until it ends: the cyclic
    # collector would rescan them again and again (half the parse time on large repos).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        engine = Engine(root, settings, rules, report_only=report_only, today=today)
        engine.load(paths, stdin, jobs=jobs, progress=progress)
        engine.evaluate(jobs=jobs)
        engine.suppress()
        return engine.result()
    finally:
        if was_enabled:
            gc.enable()


def redact_messages(findings: list[Finding], settings: dict[str, Any]) -> None:
    """Mask any secret a message or locator quotes from a scanned value, whatever the
    reporter (a ConfigMap named after a key is quoted in both)."""
    from .report.redact import Redactor

    redactor = Redactor(settings)
    for f in findings:
        f.message = redactor.message(f.message)
        f.locator = redactor.message(f.locator)
