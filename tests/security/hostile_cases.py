"""Hostile inputs: files built to crash, hang or exhaust a linter, and what each must give.

Each case writes a small repository and names the findings the run must report
(``(path, line, rule)``; a column too where the position inside the line matters). The
cases run end-to-end through the CLI in a subprocess with a timeout, so a segfault or a hang
fails the case instead of killing the test process; ``bench/hostile.py`` runs the same set
and prints the worst time and peak memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# A case must finish within this (the bar is "a few seconds"; the margin absorbs a loaded
# machine and interpreter start-up).
TIMEOUT = 60.0

Expected = tuple[str, int, str] | tuple[str, int, int, str]
GNU_TIME = "/usr/bin/time"
PEAK_MARK = "devops-lint-peak-kib="


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    expected: tuple[Expected, ...]
    # Findings the run must not report (e.g. a file that must not be parsed at all).
    absent_rules: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    # Undoes what shutil.rmtree cannot (it recurses once per folder level).
    teardown: Callable[[Path], None] | None = None


@dataclass
class Outcome:
    code: int
    seconds: float
    peak_kib: int
    findings: list[dict[str, object]] = field(default_factory=list)
    stderr: str = ""

    def located(self) -> set[tuple[str, int, str]]:
        return {(str(f["path"]), int(str(f["line"])), str(f["rule"])) for f in self.findings}

    def located_with_column(self) -> set[tuple[str, int, int, str]]:
        return {
            (str(f["path"]), int(str(f["line"])), int(str(f["column"])), str(f["rule"]))
            for f in self.findings
        }


def run(case: Case, root: Path, cache: Path | None = None) -> Outcome:
    """Build the case under ``root`` and lint it through the CLI in a subprocess, with the
    cache folder ``cache`` (default: an empty one beside ``root``)."""
    case.build(root)
    try:
        return _lint(case, root, cache)
    finally:
        if case.teardown is not None:
            case.teardown(root)


def _lint(case: Case, root: Path, cache: Path | None) -> Outcome:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVOPS_LINT_")}
    env["DEVOPS_LINT_CACHE_DIR"] = str(cache or root.parent / f"{root.name}-cache")
    env["NO_COLOR"] = "1"
    command = [sys.executable, "-m", "devops_lint", "check", "--format", "json", *case.args, "."]
    # A child's peak RSS starts at its parent's size when it forks: GNU time, a small
    # process, reports the linter's own peak. Without it, wait4's figure is an upper bound.
    if os.access(GNU_TIME, os.X_OK):
        command = [GNU_TIME, "-f", f"{PEAK_MARK}%M", *command]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN is a maximum over all).
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > TIMEOUT:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise subprocess.TimeoutExpired(command, TIMEOUT)
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss
    if PEAK_MARK in stderr:
        stderr, _, measured = stderr.rpartition(PEAK_MARK)
        peak = int(measured.split()[0])
    findings: list[dict[str, object]] = []
    if stdout.strip():
        report = json.loads(stdout)
        findings = [*report["findings"], *report.get("parse_errors", [])]
    return Outcome(proc.returncode, seconds, peak, findings, stderr)


# --------------------------------------------------------------------------- builders


def _write(root: Path, name: str, text: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _files(
    tree: dict[str, str | bytes] | None = None, **files: str | bytes
) -> Callable[[Path], None]:
    """Files by path (``tree``) or by keyword: ``__`` for ``/`` and ``_DOT_`` for ``.``."""

    def build(root: Path) -> None:
        for name, text in (tree or {}).items():
            _write(root, name, text)
        for name, text in files.items():
            _write(root, name.replace("__", "/").replace("_DOT_", "."), text)

    return build


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: prod\ndata:\n"
PRIVILEGED_POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: c
      image: registry.example.com/app@sha256:{digest}
      securityContext:
        privileged: true
""".replace("{digest}", "a" * 64)


def _bomb(indent: str, levels: int = 9) -> str:
    lines = [f"{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"{indent}a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


WORKFLOW_HEAD = """on: issues
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
"""


def _rules(expr: str) -> str:
    return f"groups:\n  - name: g\n    rules:\n      - record: job:x:sum\n        expr: '{expr}'\n"


def _deep_yaml_block(root: Path) -> None:
    _write(root, "deep.yaml", CONFIGMAP + "".join(" " * (i + 2) + "a:\n" for i in range(2_000)))


def _symlink_loop(root: Path) -> None:
    _write(root, "pod.yaml", PRIVILEGED_POD)
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "up")
    os.symlink("self", root / "self")


def _fifo(root: Path) -> None:
    _write(root, "pod.yaml", PRIVILEGED_POD)
    os.mkfifo(root / "pipe.yaml")


WORKFLOW = """on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""
TERRAFORM = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
CHART = "apiVersion: v2\nname: c\nversion: 0.1.0\n"


def _fifos_where_context_is_read(root: Path) -> None:
    """Named pipes at every name a check, the discovery or the cache reads beside the
    parsed files: a read of any of them used to wait for a writer for ever."""
    _write(root, "pod.yaml", PRIVILEGED_POD)
    _write(root, ".github/workflows/ci.yml", WORKFLOW)
    _write(root, "tf/main.tf", TERRAFORM)
    _write(root, "chart/Chart.yaml", CHART)
    _write(root, "chart/values.yaml", "image: nginx\n")
    _write(root, "chart/templates/pod.yaml", PRIVILEGED_POD)
    for name in (
        ".git/config",
        ".git/index",
        ".git/info/exclude",
        ".gitignore",
        "renovate.json",
        ".github/renovate.json",
        "tf/.gitignore",
        "tf/.terraform/modules/modules.json",
        "tf/plan.out",  # a name a committed plan (a zip) may have: TF-GEN-004 opens it
        "chart/values.schema.json",
        "chart/templates/_helpers.tpl",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / name)


HUGE_NUMBERS_TF = """resource "aws_s3_bucket" "inf" {
  count  = 1e400
  bucket = "b"
}

locals {
  overflow = 1e300 * 1e300
}

resource "aws_s3_bucket" "computed_inf" {
  count  = local.overflow
  bucket = "c"
}

resource "aws_s3_bucket" "digits" {
  count  = %s
  bucket = "d"
}
""" % ("9" * 5_000)
HUGE_NUMBERS_JSON = '{"resource": {"aws_s3_bucket": {"j": {"bucket": "j", "count": 1e400}}}}\n'

NON_FINITE_POD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: shop
spec:
  replicas: .inf
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
      securityContext:
        runAsUser: .inf
      containers:
        - name: c
          image: nginx:1.25
          securityContext:
            privileged: true
          ports:
            - containerPort: .nan
          resources:
            requests: {cpu: .inf, memory: 1e99999999}
            limits: {cpu: .nan, memory: -1e400}
"""

DEEP_FOLDERS = 1_200


def remove_chain(top: Path, name: str) -> None:
    """Remove a chain of folders ``top/name/name/...`` bottom up, one level at a time and by
    relative paths: shutil.rmtree recurses per level (pytest's clean-up of old temporary
    folders and TemporaryDirectory would fail on it), and the deepest paths may be past
    PATH_MAX."""
    here = os.getcwd()
    os.chdir(top)
    depth = 0
    try:
        while os.path.isdir(name):
            os.chdir(name)
            depth += 1
        for entry in os.listdir("."):
            os.unlink(entry)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir(name)
    finally:
        os.chdir(here)


def _deep_folders(root: Path) -> None:
    _write(root, "pod.yaml", PRIVILEGED_POD)
    folder = root
    for _ in range(DEEP_FOLDERS):  # one by one: mkdir(parents=True) recurses per level too
        folder = folder / "d"
        folder.mkdir()
    (folder / "pod.yaml").write_text(PRIVILEGED_POD, encoding="utf-8")


def _huge(root: Path, size: int, config: str = "") -> None:
    _write(root, "pod.yaml", PRIVILEGED_POD)
    line = b"# " + b"x" * 1021 + b"\n"
    with (root / "big.yaml").open("wb") as handle:
        for _ in range(size // len(line) + 1):
            handle.write(line)
    if config:
        _write(root, ".devops-lint.yaml", config)


def _million_lines(root: Path) -> None:
    # A million-item list (4 MB, under the size cap), then the manifest to lint.
    _write(root, "pod.yaml", "- x\n" * 1_000_000 + "---\n" + PRIVILEGED_POD)


def _recursive_include(root: Path) -> None:
    _write(root, "chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
    _write(root, "chart/values.yaml", "image: nginx\n")
    _write(
        root,
        "chart/templates/_helpers.tpl",
        '{{- define "a" -}}{{ include "b" . }}{{- end -}}\n'
        '{{- define "b" -}}{{ include "a" . }}{{- end -}}\n'
        '{{- define "self" -}}{{ include "self" . }}{{- end -}}\n',
    )
    _write(
        root,
        "chart/templates/pod.yaml",
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ include "a" . }}\n'
        '  labels:\n    x: {{ include "self" . }}\nspec:\n  containers:\n'
        "    - name: c\n      image: {{ .Values.image }}\n      securityContext:\n"
        "        privileged: true\n",
    )


N = 50_000

CASES: tuple[Case, ...] = (
    # --- nesting: C composer, json, HCL/Lark, promql-parser ---------------------------
    Case(
        "yaml-flow-sequence-50k",
        _files(deep_DOT_yaml=CONFIGMAP + "  k: " + "[" * N + "]" * N + "\n"),
        (("deep.yaml", 7, 404, "X-000.parse-error"),),
    ),
    Case(
        "yaml-flow-mapping-50k",
        _files(deep_DOT_yaml=CONFIGMAP + "  k: " + "{a: " * N + "1" + "}" * N + "\n"),
        (("deep.yaml", 7, 1598, "X-000.parse-error"),),
    ),
    Case("yaml-block-2000-levels", _deep_yaml_block, (("deep.yaml", 406, "X-000.parse-error"),)),
    Case(
        "yaml-sequence-indicators-50k",
        _files(deep_DOT_yaml="- " * N + "x\n"),
        (("deep.yaml", 1, 801, "X-000.parse-error"),),
    ),
    Case(
        "tf-json-100k",
        _files(main_DOT_tf_DOT_json='{"locals": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}\n"),
        (("main.tf.json", 1, 416, "X-000.parse-error"),),
    ),
    Case(
        "kubernetes-json-100k",
        _files(
            pod_DOT_json='{"apiVersion": "v1", "kind": "ConfigMap", "data": '
            + "[" * 100_000
            + "]" * 100_000
            + "}\n"
        ),
        (("pod.json", 1, 450, "X-000.parse-error"),),
    ),
    Case(
        "hcl-brackets-100k",
        _files(main_DOT_tf="locals {\n  x = " + "[" * 100_000 + "]" * 100_000 + "\n}\n"),
        (("main.tf", 2, 406, "X-000.parse-error"),),
    ),
    Case(
        "hcl-parentheses-100k",
        _files(main_DOT_tf="locals {\n  x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n}\n"),
        (("main.tf", 2, 406, "X-000.parse-error"),),
    ),
    Case(
        "hcl-calls-50k",
        _files(main_DOT_tf="locals {\n  x = " + "max(" * N + "1" + ")" * N + "\n}\n"),
        (("main.tf", 2, 1606, "X-000.parse-error"),),
    ),
    Case(
        "hcl-objects-50k",
        _files(main_DOT_tf="locals {\n  x = " + "{a = " * N + "1" + "}" * N + "\n}\n"),
        (("main.tf", 2, 2002, "X-000.parse-error"),),
    ),
    Case(
        # Not nesting for the pre-scan: Lark parses it (slowly) and later walks are bounded.
        "hcl-operators-20k",
        _files(main_DOT_tf="locals {\n  x = 1" + " + 1" * 20_000 + "\n}\n"),
        (),
    ),
    Case(
        "hcl-conditionals-20k",
        _files(main_DOT_tf="locals {\n  x = " + "true ? 1 : " * 20_000 + "1\n}\n"),
        (),
    ),
    Case(
        "hcl-nested-blocks-20k",
        _files(main_DOT_tf='resource "aws_s3_bucket" "b" {\n' + "a {\n" * 20_000 + "}\n" * 20_001),
        (("main.tf", 401, 3, "X-000.parse-error"),),
    ),
    Case(
        "hcl-templates-20k",
        _files(main_DOT_tf="locals {\n  x = " + '"${' * 20_000 + "1" + '}"' * 20_000 + "\n}\n"),
        (("main.tf", 2, 1206, "X-000.parse-error"),),
    ),
    Case(
        # tree-sitter nests one node per operator: its walk declines at the depth bound and
        # python-hcl2 reports the syntax error (it takes no unary operator after another).
        "hcl-unary-chain-50k",
        _files(main_DOT_tf="locals {\n  x = " + "!" * N + "true\n}\n"),
        (("main.tf", 2, 8, "X-000.parse-error"),),
    ),
    Case(
        # A flat traversal for tree-sitter, 50,000 nested nodes for python-hcl2: bounded walks.
        "hcl-traversal-50k",
        _files(main_DOT_tf="locals {\n  x = a" + ".b" * N + "\n}\n"),
        (),
    ),
    Case(
        "hcl-unterminated-heredoc",
        _files(main_DOT_tf='locals {\n  x = <<EOT\nhello\n  y = "z"\n}\n'),
        (("main.tf", 2, "X-000.parse-error"),),
    ),
    Case(
        "promql-parentheses-50k",
        _files(rules_DOT_yml=_rules("(" * N + "up" + ")" * N)),
        (("rules.yml", 5, "PROM-007.promql"),),
    ),
    Case(
        "promql-calls-20k",
        _files(rules_DOT_yml=_rules("abs(" * 20_000 + "up" + ")" * 20_000)),
        (("rules.yml", 5, "PROM-007.promql"),),
    ),
    Case(
        "promql-additions-20k",
        _files(rules_DOT_yml=_rules(" + ".join(["up"] * 20_000))),
        (("rules.yml", 5, "PROM-007.promql"),),
    ),
    Case(
        "promql-unary-50k",
        _files(rules_DOT_yml=_rules("-" * N + "up")),
        (("rules.yml", 5, "PROM-007.promql"),),
    ),
    # --- alias bombs ----------------------------------------------------------------------
    Case(
        "alias-bomb-workflow-with",
        _files(
            _DOT_github__workflows__ci_DOT_yml=WORKFLOW_HEAD
            + "      - uses: actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8\n"
            + "        with:\n"
            + _bomb("          ")
        ),
        ((".github/workflows/ci.yml", 13, "X-000.parse-error"),),
    ),
    Case(
        "alias-bomb-helm-values-toYaml",
        _files(
            chart__Chart_DOT_yaml="apiVersion: v2\nname: c\nversion: 0.1.0\n",
            chart__values_DOT_yaml=_bomb(""),
            chart__templates__cm_DOT_yaml="apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
            "  name: x\ndata:\n  v: |\n{{ toYaml .Values | indent 4 }}\n",
        ),
        (("chart/values.yaml", 5, "X-000.parse-error"),),
    ),
    Case(
        "helm-values-25mb",
        _files(
            chart__Chart_DOT_yaml="apiVersion: v2\nname: c\nversion: 0.1.0\n",
            chart__values_DOT_yaml="".join(f"k{i}: value{i}\n" for i in range(1_200_000)),
            chart__templates__cm_DOT_yaml="apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
            "  name: x\ndata:\n  v: {{ .Values.k1 | quote }}\n",
        ),
        (("chart/values.yaml", 1, "X-000.unreadable"),),
    ),
    Case(
        "alias-bomb-manifest",
        _files(bomb_DOT_yaml=CONFIGMAP + _bomb("  ")),
        (("bomb.yaml", 11, "X-000.parse-error"),),
    ),
    Case(
        "alias-chain-1000-deep",
        _files(
            chain_DOT_yaml=CONFIGMAP
            + "  a0: &a0 [x]\n"
            + "".join(f"  a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 1000))
        ),
        (("chain.yaml", 405, "X-000.parse-error"),),
    ),
    # --- regexes from config and scanned files -------------------------------------------
    Case(
        "catastrophic-prod-namespace-regex",
        _files(
            {".devops-lint.yaml": 'prod_namespace_regex: "^(a+)+$"\n'},
            pod_DOT_yaml=PRIVILEGED_POD.replace("sha256:" + "a" * 64, "sha256:" + "a" * 64)
            .replace("namespace: apps", "namespace: " + "a" * 100_000 + "b")
            .replace("@sha256:" + "a" * 64, ":1.0"),
        ),
        (("pod.yaml", 11, "K8S-001"),),
    ),
    Case(
        "catastrophic-prod-environment-regex",
        _files(
            {
                ".devops-lint.yaml": 'prod_environment_regex: "^(a|a)*b$"\n',
                ".github/workflows/ci.yml": WORKFLOW_HEAD.replace(
                    "    runs-on:", "    environment: " + "a" * 40 + "\n    runs-on:"
                )
                + "      - run: kubectl apply -f deploy/\n",
            }
        ),
        ((".github/workflows/ci.yml", 4, "GHA-015"),),
    ),
    Case(
        "catastrophic-relabel-regex",
        _files(
            prometheus_DOT_yml="scrape_configs:\n  - job_name: j\n    static_configs:\n"
            "      - targets: ['" + "a" * 50_000 + "b:9090']\n    relabel_configs:\n"
            "      - source_labels: [__address__]\n        regex: '(a+)+$'\n"
            "        action: keep\n"
        ),
        (),
    ),
    # --- expressions -------------------------------------------------------------------------
    Case(
        "workflow-100k-expressions",
        _files(
            _DOT_github__workflows__ci_DOT_yml=WORKFLOW_HEAD
            + "      - run: echo "
            + " ".join(["${{ github.event.issue.title }}"] * 100_000)
            + "\n"
        ),
        (
            (".github/workflows/ci.yml", 7, "GHA-009.untrusted-context"),
            (".github/workflows/ci.yml", 7, "X-000.invalid-expression"),
        ),
    ),
    Case(
        "workflow-expression-5000-property-chain",
        _files(
            _DOT_github__workflows__ci_DOT_yml=WORKFLOW_HEAD
            + "      - run: echo ${{ github"
            + ".a" * 5_000
            + " }}\n"
        ),
        ((".github/workflows/ci.yml", 7, "X-000.invalid-expression"),),
    ),
    # --- size, encoding, file kinds ------------------------------------------------------------
    Case(
        "file-over-the-size-cap-20mb",
        lambda root: _huge(root, 20 * 1024 * 1024),
        (("big.yaml", 1, "X-000.unreadable"), ("pod.yaml", 11, "K8S-001")),
    ),
    Case(
        "config-cannot-lift-the-ceiling",
        lambda root: _huge(root, 33 * 1024 * 1024, "max_file_size: 33554432\n"),
        (("big.yaml", 1, "X-000.unreadable"), ("pod.yaml", 11, "K8S-001")),
    ),
    Case(
        "binary-named-yaml-and-tf",
        _files(
            blob_DOT_yaml=bytes(range(256)) * 64,
            blob_DOT_tf=b"\x7fELF\x02\x01\x01\x00" + bytes(4096),
            pod_DOT_yaml=PRIVILEGED_POD,
        ),
        (
            ("blob.yaml", 1, "X-000.unreadable"),
            ("blob.tf", 1, "X-000.unreadable"),
            ("pod.yaml", 11, "K8S-001"),
        ),
    ),
    Case(
        "invalid-utf8",
        _files(bad_DOT_yaml=CONFIGMAP.encode() + b"  k: caf\xe9\n", pod_DOT_yaml=PRIVILEGED_POD),
        (("bad.yaml", 7, 9, "X-000.unreadable"), ("pod.yaml", 11, "K8S-001")),
    ),
    Case(
        "utf16-with-bom-is-decoded-and-linted",
        _files(pod_DOT_yaml=PRIVILEGED_POD.encode("utf-16")),
        (("pod.yaml", 11, "K8S-001"),),
    ),
    Case("one-million-lines", _million_lines, (("pod.yaml", 1_000_012, "K8S-001"),)),
    Case("symlink-loop", _symlink_loop, (("pod.yaml", 11, "K8S-001"),)),
    Case(
        "fifo-named-yaml",
        _fifo,
        (("pipe.yaml", 1, "X-000.unreadable"), ("pod.yaml", 11, "K8S-001")),
    ),
    Case(
        "fifos-where-context-is-read",
        _fifos_where_context_is_read,
        (
            ("pod.yaml", 11, "K8S-001"),
            ("chart/templates/pod.yaml", 11, "K8S-001"),
            ("tf/main.tf", 1, "TF-AWS-013"),
            (".github/workflows/ci.yml", 7, "GHA-003.action-ref"),
        ),
    ),
    Case(
        "terraform-numbers-python-cannot-hold",
        _files({"main.tf": HUGE_NUMBERS_TF, "x.tf.json": HUGE_NUMBERS_JSON}),
        (
            ("main.tf", 1, "TF-AWS-013"),
            ("main.tf", 10, "TF-AWS-013"),
            ("main.tf", 15, "TF-AWS-013"),
            ("x.tf.json", 1, "TF-AWS-013"),
        ),
        absent_rules=("X-000.internal-error",),
    ),
    Case(
        "kubernetes-infinite-and-huge-numbers",
        _files({"d.yaml": NON_FINITE_POD}),
        (("d.yaml", 20, "K8S-001"),),
        absent_rules=("X-000.internal-error",),
    ),
    Case(
        "folders-1200-deep",
        _deep_folders,
        (("pod.yaml", 11, "K8S-001"), ("d/" * DEEP_FOLDERS + "pod.yaml", 11, "K8S-001")),
        teardown=lambda root: remove_chain(root, "d"),
    ),
    Case(
        "recursive-helm-include",
        _recursive_include,
        (("chart/templates/pod.yaml", 4, "X-000.render-error"),),
    ),
)
