"""Optional real rendering: ``helm template`` output linted at template positions.

Each rendered document follows a ``# Source: <chart>/templates/<file>`` comment, which
names the template file. Lines inside it are mapped to the template's lines by aligning
the two texts (what a line says before its first action must match), so findings point
at the template line that wrote the offending value; an unmatched line takes the nearest
matched line above it.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .. import safeio
from ..model import Document, ParseError, Span
from ..yamlload import load_documents

SOURCE_PREFIX = "# Source: "
HELM_TIMEOUT_SECONDS = 300


class HelmNotFoundError(Exception):
    """``--helm-render`` was asked for but no ``helm`` executable is on PATH."""

    def __init__(self) -> None:
        super().__init__(
            "--helm-render needs the helm executable (Helm 3) on PATH; install helm or "
            "drop --helm-render to lint the templates in place"
        )


class HelmRenderError(ParseError):
    """``helm template`` refused the chart; reported as a parse error of its Chart.yaml."""


def _key(line: str) -> str:
    """What a line says before its first action (values differ between the two texts)."""
    head = line.split("{{", 1)[0].strip()
    if ":" in head:
        return head.split(":", 1)[0] + ":"
    return head


def align(template: str, rendered: str) -> list[int]:
    """Template line (1-based) of every rendered line."""
    t_lines = [_key(x) for x in template.split("\n")]
    r_lines = [_key(x) for x in rendered.split("\n")]
    mapping = [0] * len(r_lines)
    matcher = difflib.SequenceMatcher(None, t_lines, r_lines, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[block.b + k] = block.a + k + 1
    last = 1
    for i, m in enumerate(mapping):
        if m:
            last = m
        else:
            mapping[i] = last
    return mapping


def _chunks(output: str) -> list[tuple[str, str]]:
    """(source path inside the chart, document text) for each rendered document."""
    chunks: list[tuple[str, str]] = []
    source: str | None = None
    body: list[str] = []
    for line in output.split("\n"):
        if line.startswith("---"):
            if source is not None:
                chunks.append((source, "\n".join(body)))
            source, body = None, []
            continue
        if source is None and line.startswith(SOURCE_PREFIX):
            source = line[len(SOURCE_PREFIX) :].strip()
            body = [""]  # keep the comment's line so document lines count from it
            continue
        body.append(line)
    if source is not None:
        chunks.append((source, "\n".join(body)))
    return chunks


def _remap(doc: Document, mapping: list[int]) -> None:
    def line(n: int) -> int:
        return mapping[min(max(n, 1), len(mapping)) - 1] if mapping else 1

    def fix(s: Span) -> Span:
        start = line(s.line)
        end = max(start, line(s.end_line))
        return Span(start, s.column, end, s.end_column)

    doc.spans = {p: fix(s) for p, s in doc.spans.items()}
    doc.key_spans = {p: fix(s) for p, s in doc.key_spans.items()}
    if "start_line" in doc.meta:
        doc.meta["start_line"] = line(doc.meta["start_line"])


def render_chart(
    chart_dir: str, values_files: Sequence[str] = (), root: str | None = None
) -> list[Document]:
    """Kubernetes documents of ``helm template chart_dir -f …``, at template positions.

    ``chart_dir`` is relative to ``root`` (the scan root; default: the working directory)
    and is the prefix of the returned documents' paths; values files are relative to the
    working directory, like ``helm -f``. Raises ``HelmNotFoundError`` without helm and
    ``HelmRenderError`` (a ``ParseError``) when helm refuses the chart.
    """
    helm = shutil.which("helm")
    if helm is None:
        raise HelmNotFoundError()
    chart_path = os.path.join(root, chart_dir) if root is not None else chart_dir
    cmd = [helm, "template", chart_path]
    for f in values_files:
        cmd += ["-f", os.path.abspath(f)]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=HELM_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HelmRenderError(f"helm template failed to run: {exc}") from None
    prefix = chart_dir.replace(os.sep, "/").rstrip("/")
    if proc.returncode != 0:
        reason = (proc.stderr or proc.stdout).strip().splitlines()
        raise HelmRenderError(f"helm template failed: {reason[-1] if reason else 'no output'}")
    docs: list[Document] = []
    templates: dict[str, str] = {}
    for source, text in _chunks(proc.stdout):
        inner = source.split("/", 1)[1] if "/" in source else source
        path = posixpath.join(prefix, inner) if prefix not in ("", ".") else inner
        if path not in templates:
            try:
                templates[path] = safeio.read_text(Path(chart_path, inner))
            except OSError:
                templates[path] = ""
        try:
            found, _ = load_documents(text, path, "kubernetes")
        except ParseError as exc:
            raise HelmRenderError(f"{source}: rendered output is not YAML: {exc.message}") from None
        mapping = align(templates[path], text) if templates[path] else []
        for doc in found:
            if not isinstance(doc.data, dict):
                continue
            if mapping:
                _remap(doc, mapping)
            doc.text = templates[path] or text
            doc.meta.update({"helm": True, "rendered": True, "chart_root": prefix or "."})
            docs.append(doc)
    return docs
