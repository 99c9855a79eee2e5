"""The format plug-ins: one table every layer reads instead of branching on format names.

Each input format is a package ``devops_lint/<package>/`` of the same shape::

    classify → parse → targets → checks → (optional) facts

- the *file kinds* ``classify.file_kind`` gives that this package parses, and its parser;
- the *document formats* its target kinds (``<package>/targets.py``) can apply to, so a run
  imports the package only when such a document was parsed;
- its checks (``<package>/checks*.py``, registered with ``registry.check``);
- its published facts (``<package>/facts.py``): typed data that cross-file checks read
  instead of the package's private modules.

Parsers are named as ``module:function`` of this package: constants of the installed code,
never text from a scanned tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class FormatPlugin:
    package: str
    # Document formats the package's target kinds read (a run skips the package otherwise).
    document_formats: frozenset[str]
    # File kinds (classify.file_kind) this package's own parser reads, and that parser:
    # ``parse_file(path, text) -> Iterable[Document]``.
    file_kinds: frozenset[str] = frozenset()
    parser: str | None = None
    # Parsing is slow enough to pay for a worker process when there are many such files.
    parallel: bool = False
    # When files are given (pre-commit), ``module:function(root, given) -> list[Path]``:
    # what its rules also read beside them (scanned, not reported) ...
    given_context: str | None = None
    # ... and the files whose findings a given file changes (scanned and reported).
    given_dependents: str | None = None


PLUGINS: tuple[FormatPlugin, ...] = (
    FormatPlugin("kubernetes", frozenset({"kubernetes", "terraform"})),
    # Helm templates are rendered in place by parsing.py (their chart decides what they are:
    # YAML, a script, a Terraform template), so the plug-in names no `parse_file` parser.
    FormatPlugin(
        "helm",
        frozenset({"kubernetes", "helm-render"}),
        file_kinds=frozenset({"helm"}),
        parallel=True,
        given_dependents="devops_lint.helm.given:dependents",
    ),
    FormatPlugin(
        "terraform",
        frozenset({"terraform", "tfvars", "terraform-plan"}),
        file_kinds=frozenset({"terraform", "tfvars"}),
        parser="devops_lint.terraform.parser:parse_file",
        parallel=True,
        given_dependents="devops_lint.terraform.given:dependents",
    ),
    FormatPlugin(
        "github",
        frozenset({"workflow", "action"}),
        given_context="devops_lint.github.given:context",
    ),
    FormatPlugin("prometheus", frozenset({"prometheus-config", "prometheus-rules", "kubernetes"})),
    FormatPlugin(
        "crossfile",
        frozenset(
            {
                "kubernetes",
                "terraform",
                "workflow",
                "action",
                "prometheus-config",
                "prometheus-rules",
                "alertmanager",
            }
        ),
    ),
    FormatPlugin("secrets", frozenset({"*"})),
)

BY_PACKAGE: dict[str, FormatPlugin] = {p.package: p for p in PLUGINS}
# Packages whose checks*.py modules hold registered checks.
CHECK_PACKAGES: frozenset[str] = frozenset(BY_PACKAGE)
PACKAGE_FORMATS: dict[str, frozenset[str]] = {p.package: p.document_formats for p in PLUGINS}
PARSER_OF_KIND: dict[str, str] = {
    kind: p.parser for p in PLUGINS if p.parser is not None for kind in p.file_kinds
}
PARALLEL_KINDS: frozenset[str] = frozenset(k for p in PLUGINS if p.parallel for k in p.file_kinds)


def load(name: str) -> Any:
    """The function a ``module:function`` name of this table (or of the package) stands for.

    Names are constants of the installed code, never text from a scanned tree.
    """
    import importlib

    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def given_hooks(which: Literal["context", "dependents"]) -> list[str]:
    """The ``given_context`` or ``given_dependents`` hooks of every plug-in, in table order."""
    hooks = (p.given_context if which == "context" else p.given_dependents for p in PLUGINS)
    return [hook for hook in hooks if hook is not None]
