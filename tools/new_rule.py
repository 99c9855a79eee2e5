"""Scaffold a rule: its YAML, its check (or a `require:` schema) and its fixture folder.

    python -m tools.new_rule K8S-099.example               # check function in a checks module
    python -m tools.new_rule K8S-099.example --schema      # data-only rule (`require:`)
    python -m tools.new_rule GHA-099.example --module checks_scripts

Run from the repository root. The scaffold writes:

- ``rules/<format>/<ID>.yaml`` — valid against ``schemas/rule.schema.json``; its ``why``,
  ``fix`` and ``references`` are TODO text that ``tests/test_docs.py`` rejects until written;
- a check function appended to ``devops_lint/<format>/<module>.py`` (not with ``--schema``);
- ``fixtures/<format>/<ID>/`` with a failing and a passing file carrying ``# expect:``;

then runs that fixture folder's test. The example condition (a ``name: scaffold-fail``)
is there so the three pieces are proven to be wired together; replace it with the rule's
real condition, and the fixtures with real cases. CONTRIBUTING.md walks through it.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULE_ID_RE = re.compile(r"^((?:[A-Z][A-Z0-9]*-)+[0-9]{3})(?:\.([a-z0-9][a-z0-9-]*))?$")
# The example condition the scaffolded check, schema and fixtures agree on.
FAIL_NAME = "scaffold-fail"
PASS_NAME = "scaffold-pass"
# Names the check stub uses, and where each is imported from in a checks module.
STUB_IMPORTS = {
    "Iterator": "from collections.abc import Iterator",
    "Result": "from ..model import Result",
    "Target": "from ..model import Target",
    "Rule": "from ..rules import Rule",
    "Context": "from ..context import Context",
    "check": "from ..registry import check",
}
NEW_MODULE = '''"""TODO: the concern of this checks module ({rule_id})."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import Context
from ..model import Result, Target
from ..registry import check
from ..rules import Rule
'''


@dataclass(frozen=True)
class FormatSpec:
    """How a scaffolded rule of one format looks: its target and fixture files."""

    folder: str  # rules/<folder>, fixtures/<folder>, devops_lint/<folder>
    target: str  # target kind whose data carries a `name` the example checks
    module: str  # default checks module for the stub
    fixture_dir: str  # where the fixture files sit inside fixtures/<folder>/<ID>/
    suffix: str
    template: str  # fixture text; {name} and {expect} are filled in


KUBERNETES = FormatSpec(
    folder="kubernetes",
    target="kubernetes.container",
    module="checks_workloads",
    fixture_dir="",
    suffix=".yaml",
    template="""\
apiVersion: v1
kind: Pod
metadata:
  name: scaffold
spec:
  containers:
    - name: {name}{expect}
      image: registry.example.com/app:1.0
""",
)
GITHUB = FormatSpec(
    folder="github",
    target="github.step",
    module="checks_scripts",
    fixture_dir=".github/workflows",
    suffix=".yml",
    template="""\
name: scaffold
on: push
permissions: {{}}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - name: {name}{expect}
        run: echo hello
""",
)
# Rule ID prefix -> format. A format missing here needs a FormatSpec (a target kind whose
# data has a `name`, and a fixture file that parses as that format).
FORMATS = {"K8S": KUBERNETES, "GHA": GITHUB}


class ScaffoldError(Exception):
    """A request the scaffold refuses, with the reason."""


@dataclass(frozen=True)
class Plan:
    rule_id: str
    control: str
    spec: FormatSpec
    module: str | None  # None: a data-only rule
    function: str

    @property
    def rule_file(self) -> Path:
        return Path("rules") / self.spec.folder / f"{self.rule_id}.yaml"

    @property
    def module_file(self) -> Path:
        return Path("devops_lint") / self.spec.folder / f"{self.module}.py"

    @property
    def fixture_folder(self) -> Path:
        return Path("fixtures") / self.spec.folder / self.rule_id


def plan(rule_id: str, schema: bool, module: str | None) -> Plan:
    m = RULE_ID_RE.match(rule_id)
    if not m:
        raise ScaffoldError(f"{rule_id!r} is not a rule ID (CONTROL-NNN or CONTROL-NNN.slug)")
    control, slug = m.group(1), m.group(2)
    prefix = control.split("-")[0]
    if prefix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ScaffoldError(f"no scaffold for {prefix} rules yet (known: {known})")
    spec = FORMATS[prefix]
    if module is not None and not re.fullmatch(r"checks_[a-z0-9_]+", module):
        raise ScaffoldError(f"--module {module!r}: a checks module is named checks_<concern>")
    name = (slug or control.lower()).replace("-", "_").replace(".", "_")
    function = name if name[0].isalpha() else f"rule_{name}"
    return Plan(rule_id, control, spec, None if schema else (module or spec.module), function)


def rule_yaml(p: Plan) -> str:
    # A rule with a check is bound to it by its ID (`@check` in the module), so its YAML
    # names no function.
    decide = (
        ""
        if p.module is not None
        else (
            "require:  # TODO: the JSON Schema the target's data must satisfy\n"
            "  properties:\n"
            "    name:\n"
            f"      not: {{const: {FAIL_NAME}}}\n"
        )
    )
    fail = p.spec.template.format(name=FAIL_NAME, expect="")
    good = p.spec.template.format(name=PASS_NAME, expect="")
    # why/fix/references are deliberately too short or empty: tests/test_docs.py rejects the
    # rule until someone writes them, so a scaffold cannot ship with placeholder docs.
    return (
        f"id: {p.rule_id}\n"
        f"controls: [{p.control}]\n"
        'title: "TODO: what the rule finds, in a few words"\n'
        "severity: medium\n"
        f"target: {p.spec.target}\n"
        f"{decide}"
        "message: \"TODO: what is wrong with '{name}'\"\n"
        'why: "TODO: the risk."\n'
        'fix: "TODO: the fix."\n'
        "references: []  # TODO: from the standard's References line\n"
        "examples:\n"
        "  fail: |\n" + _indent(fail) + "  pass: |\n" + _indent(good)
    )


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def check_stub(p: Plan) -> str:
    return f'''

@check("{p.rule_id}", target="{p.spec.target}")
def {p.function}(target: Target, rule: Rule, ctx: Context) -> Iterator[Result]:
    """{p.rule_id}: TODO say what this check proves."""
    # Scaffold example, to be replaced by the rule's condition. A value that cannot be known
    # (an `Unresolved`) gives `Result(..., unresolved=True)`, never a failure.
    data = target.data
    if isinstance(data, dict) and data.get("name") == "{FAIL_NAME}":
        yield Result(path=(*target.path, "name"))
'''


def _imported_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):  # includes `if TYPE_CHECKING:` blocks
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def add_check(root: Path, p: Plan) -> None:
    """Append the stub to the checks module (created when new), importing what it needs."""
    path = root / p.module_file
    if not path.is_file():
        path.write_text(NEW_MODULE.format(rule_id=p.rule_id) + check_stub(p), encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    if p.function in defined:
        raise ScaffoldError(f"{p.module_file} already defines {p.function}()")
    missing = [imp for name, imp in STUB_IMPORTS.items() if name not in _imported_names(tree)]
    if missing:
        # After the last top-level import; ruff's isort (`ruff check --fix`) merges them.
        last = max(
            n.end_lineno or 0 for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)
        )
        lines = text.splitlines(keepends=True)
        lines[last:last] = [imp + "\n" for imp in missing]
        text = "".join(lines)
    path.write_text(text.rstrip("\n") + "\n" + check_stub(p), encoding="utf-8")
    if missing:
        _sort_imports(path)


def _sort_imports(path: Path) -> None:
    """Let ruff's isort place the imports the stub added (only the import block changes)."""
    cmd = [sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "--quiet", str(path)]
    try:
        subprocess.run(cmd, check=False, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        print(f"note: run `ruff check --fix {path}` to sort the imports the stub added")


def add_fixtures(root: Path, p: Plan) -> list[Path]:
    folder = root / p.fixture_folder / p.spec.fixture_dir
    folder.mkdir(parents=True)
    written = []
    for stem, name, expect in (
        ("fail", FAIL_NAME, f"  # expect: {p.rule_id}"),
        ("pass", PASS_NAME, ""),
    ):
        path = folder / f"{stem}{p.spec.suffix}"
        path.write_text(p.spec.template.format(name=name, expect=expect), encoding="utf-8")
        written.append(path)
    return written


def scaffold(root: Path, p: Plan) -> list[Path]:
    """Write the rule's files under ``root``; refuses to overwrite anything."""
    for existing in (root / p.rule_file, root / p.fixture_folder):
        if existing.exists():
            raise ScaffoldError(f"{existing.relative_to(root)} exists already")
    written = [root / p.rule_file]
    if p.module is not None:
        add_check(root, p)
        written.append(root / p.module_file)
    (root / p.rule_file).write_text(rule_yaml(p), encoding="utf-8")
    written += add_fixtures(root, p)
    return written


def fixture_test(root: Path, p: Plan) -> int:
    """Run the scaffolded fixture folder's test (tests/test_fixtures.py); its exit code."""
    node = f"tests/test_fixtures.py::test_fixture_folder[{p.spec.folder}/{p.rule_id}]"
    cmd = [sys.executable, "-m", "pytest", node, "-p", "no:randomly", "-p", "no:cacheprovider"]
    print("$", " ".join(cmd[1:]), flush=True)
    return subprocess.run(cmd, cwd=root, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.new_rule", description=__doc__)
    parser.add_argument("rule_id", help="e.g. K8S-099.example")
    parser.add_argument("--schema", action="store_true", help="a data-only rule (require:)")
    parser.add_argument("--module", help="checks module for the stub, e.g. checks_images")
    parser.add_argument("--no-test", action="store_true", help="do not run the fixture test")
    args = parser.parse_args(argv)
    if args.schema and args.module:
        parser.error("--schema makes a data-only rule: it has no check module")
    try:
        p = plan(args.rule_id, args.schema, args.module)
        written = scaffold(ROOT, p)
    except ScaffoldError as exc:
        print(f"new_rule: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print("wrote", path.relative_to(ROOT))
    print("then: fill in the TODOs, run `python tools/gen_docs.py` (README rule table)")
    return 0 if args.no_test else fixture_test(ROOT, p)


if __name__ == "__main__":
    sys.exit(main())
