"""Steps and scripts: GHA-011 (checkout credentials), GHA-012 (literal credentials),
GHA-023 (remote code in scripts)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..model import Result, Target
from ..placeholders import placeholders_of
from ..registry import check
from ..secrets_names import is_sensitive_name, name_segments, rule_from_settings
from .analysis import setting
from .lookup import RunScript, on_script, step_of
from .names import is_placeholder
from .positions import locate
from .workflow import Step, build_workflow, env_sites, is_expression

if TYPE_CHECKING:
    from ..context import Context
    from ..rules import Rule


def _siblings(step: Step) -> list[Step]:
    wf = build_workflow(step.doc)
    return step.job.steps if step.job is not None else wf.action_steps


# --------------------------------------------------------------------------- GHA-011


@check("GHA-011", target="github.step")
def checkout_persists(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is None or not step.uses_action("actions/checkout"):
        return
    if "persist-credentials" in step.with_:
        return
    later = [s for s in _siblings(step) if s.index > step.index]
    uploads = any(s.uses_action("actions/upload-artifact") for s in later)
    yield Result(
        path=(*step.path, "uses"),
        severity=None if uploads else "low",
        args={"detail": "a later step uploads an artifact" if uploads else "no artifact upload"},
    )


# --------------------------------------------------------------------------- GHA-012


@check("GHA-012.container-credentials", target="github.document")
def container_credentials(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    for job in wf.jobs:
        sites: list[tuple[tuple[Any, ...], Any]] = []
        container = job.data.get("container")
        if isinstance(container, dict):
            sites.append(((*job.path, "container"), container))
        services = job.data.get("services")
        if isinstance(services, dict):
            for name, svc in services.items():
                if isinstance(svc, dict):
                    sites.append(((*job.path, "services", name), svc))
        for base, body in sites:
            creds = body.get("credentials")
            if not isinstance(creds, dict) or "password" not in creds:
                continue
            pw = creds["password"]
            if pw is None or pw == "" or is_expression(pw):
                continue
            yield Result(path=(*base, "credentials", "password"), locator=job.locator)


# A key naming a list of secrets (``SECRET_NAMES``), not a secret.
_LIST_SUFFIXES = frozenset({"names", "keys", "list", "vars", "variables"})
# Identifiers separated by commas, semicolons or whitespace: ``A_TOKEN,B_TOKEN``.
_IDENTIFIER_LIST_RE = re.compile(r"^\s*[A-Za-z_][\w.-]*(\s*[,;\s]\s*[A-Za-z_][\w.-]*)+\s*$")


def _not_a_credential(key: str, text: str) -> bool:
    """Values that cannot be a credential: prose, lists of names, lists under ``*_NAMES``."""
    segments = name_segments(key)
    if segments and segments[-1] in _LIST_SUFFIXES:
        return True
    if any(c.isspace() for c in text.strip()):
        return True  # prose such as "Token usage summary"; credentials have no spaces
    return bool(_IDENTIFIER_LIST_RE.match(text))


@check("GHA-012.sensitive-literal", target="github.document")
def sensitive_literal(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    wf = build_workflow(target.doc)
    sites = [(p, env, loc) for p, env, loc in env_sites(wf)]
    for step in wf.all_steps():
        if step.with_:
            sites.append(((*step.path, "with"), step.with_, step.locator))
    for job in wf.jobs:
        w = job.data.get("with")
        if isinstance(w, dict):
            sites.append(((*job.path, "with"), w, job.locator))
    names = rule_from_settings(ctx.settings)
    for base, mapping, locator in sites:
        for key, value in mapping.items():
            if not is_sensitive_name(str(key), names):
                continue
            if isinstance(value, bool) or value is None:
                continue
            text = str(value)
            if is_expression(text) or len(text) < 8 or is_placeholder(text, placeholders_of(ctx)):
                continue
            if _not_a_credential(str(key), text):
                continue
            yield Result(path=(*base, key), locator=locator or None, args={"key": key})


# --------------------------------------------------------------------------- GHA-023

PIPE_TO_SHELL_RE = re.compile(r"(curl|wget)[^|]*\|\s*(sudo\s+)?((ba|z)?sh|python3?|node)\b")


def _logical_lines(text: str) -> Iterator[tuple[list[int], str]]:
    """Shell lines with backslash continuations joined, and each character's offset in text."""
    offset = 0
    chars: list[str] = []
    where: list[int] = []
    for line in text.split("\n"):
        body = line.rstrip()
        continued = body.endswith("\\")
        keep = body[:-1] if continued else line
        chars.extend(keep)
        where.extend(range(offset, offset + len(keep)))
        offset += len(line) + 1
        if continued:
            chars.append(" ")
            where.append(offset - 2)
            continue
        yield where, "".join(chars)
        chars, where = [], []
    if chars:
        yield where, "".join(chars)


def _first_line(text: str, start: int, end: int) -> int:
    """``end`` cut at the first newline after ``start``: a command continued over several
    lines is located on the line where it starts."""
    newline = text.find("\n", start, end)
    return end if newline == -1 else newline


@check("GHA-023.pipe-to-shell", target="github.step")
@on_script
def pipe_to_shell(target: Target, rule: Rule, ctx: Context, run: RunScript) -> Iterator[Result]:
    step, text = run
    path = (*step.path, "run")
    for m in PIPE_TO_SHELL_RE.finditer(text):
        end = _first_line(text, m.start(), m.start(1) + len(m.group(1)))
        yield Result(span=locate(step.doc, path, m.start(), end))


_NPM_RE = re.compile(r"\bnpm\s+(install|i|add)\b([^;&|\n#]*)")
_YARN_ADD_RE = re.compile(r"\byarn\s+(?:global\s+)?add\b([^;&|\n#]*)")
_YARN_INSTALL_RE = re.compile(r"\byarn\s+install\b([^;&|\n#]*)")
_PIP_RE = re.compile(r"\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b([^;&|\n#]*)")
_GO_RE = re.compile(r"\bgo\s+install\s+\S+@latest\b")
_PINNED_PKG_RE = re.compile(r"^(@?[^@\s]+)@\d")


def _npm_unpinned(args: str) -> bool:
    pkgs = [a for a in args.split() if not a.startswith("-")]
    if not pkgs:
        return "--frozen-lockfile" not in args  # plain `npm install`: prefer `npm ci`
    return any(not _PINNED_PKG_RE.match(p) for p in pkgs)


def _pip_unpinned(args: str) -> bool:
    tokens = args.split()
    if "--require-hashes" in tokens:
        return False
    skip_next = False
    for tok in tokens:
        if skip_next:
            skip_next = False
            continue
        if tok in (
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "-t",
            "--target",
        ):
            skip_next = True
            continue
        if tok.startswith("-"):
            continue
        t = tok.strip("'\"")
        if t.startswith((".", "/", "$")) or t.endswith((".whl", ".tar.gz", ".zip")) or "://" in t:
            continue
        if "==" not in t:
            return True
    return False


@check("GHA-023.unpinned-install", target="github.step")
@on_script
def unpinned_install(target: Target, rule: Rule, ctx: Context, run: RunScript) -> Iterator[Result]:
    step, text = run
    path = (*step.path, "run")
    hits: list[tuple[int, int]] = []
    for m in _NPM_RE.finditer(text):
        if _npm_unpinned(m.group(2)):
            hits.append((m.start(), m.start() + len(m.group().split()[0]) + 1 + len(m.group(1))))
    for m in _YARN_ADD_RE.finditer(text):
        if _npm_unpinned(m.group(1)) or not m.group(1).split():
            hits.append((m.start(), m.end()))
    for m in _YARN_INSTALL_RE.finditer(text):
        if "--frozen-lockfile" not in m.group(1) and "--immutable" not in m.group(1):
            hits.append((m.start(), m.end()))
    for m in _PIP_RE.finditer(text):
        if _pip_unpinned(m.group(1)):
            hits.append((m.start(), m.end()))
    for m in _GO_RE.finditer(text):
        hits.append((m.start(), m.end()))
    for start, end in sorted(hits):
        piece = " ".join(text[start:end].split())  # the command as one line
        span = locate(step.doc, path, start, _first_line(text, start, end))
        yield Result(span=span, args={"command": piece})


_CURL_RE = re.compile(r"\b(curl|wget)\b")
_URL_RE = re.compile(r"\bhttps?://([^/\s\"'`:?#]+)")
_VAR_RE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _secret_env_names(step: Step) -> set[str]:
    """Env variables visible to the step whose value reads ``secrets.*``."""
    wf = build_workflow(step.doc)
    names: set[str] = set()
    envs = [wf.env]
    if step.job is not None:
        envs.append(step.job.env)
    envs.append(step.env)
    for env in envs:
        for k, v in env.items():
            if isinstance(v, str) and re.search(r"\$\{\{[^}]*\bsecrets\.", v):
                names.add(str(k))
            elif str(k) in names:
                names.discard(str(k))
    return names


@check("GHA-023.curl-secret", target="github.step")
def curl_secret(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    step = step_of(target)
    if step is None or not step.run:
        return
    allowed = [str(h).lower() for h in setting(ctx, "allowed_egress_hosts", [])]
    secret_vars = _secret_env_names(step)
    path = (*step.path, "run")
    for where, line in _logical_lines(step.run):
        m = _CURL_RE.search(line)
        if not m:
            continue
        uses_secret = "secrets." in line and "${{" in line
        if not uses_secret:
            uses_secret = any(v.group(1) in secret_vars for v in _VAR_RE.finditer(line))
        if not uses_secret:
            continue
        hosts = [h.group(1).lower() for h in _URL_RE.finditer(line)]
        pos = where[m.start()]
        span = locate(step.doc, path, pos, pos + len(m.group()))
        if not hosts:
            yield Result(span=span, unresolved=True, args={"host": "an unknown host"})
            continue
        bad = [h for h in hosts if not any(fnmatch.fnmatch(h, a) for a in allowed)]
        if bad:
            yield Result(span=span, args={"host": bad[0]})
