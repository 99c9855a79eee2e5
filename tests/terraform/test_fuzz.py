"""Mutated and random HCL never lets an exception other than ParseError escape."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_lint.context import Context
from devops_lint.defaults import DEFAULT_SETTINGS
from devops_lint.model import ParseError
from devops_lint.project import Project
from devops_lint.rules import load_rules
from devops_lint.targets import resolve_kind
from devops_lint.terraform.module import modules_of
from devops_lint.terraform.parser import parse_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.tf"))]
TOKENS = [
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    '"',
    "${",
    "%{",
    "<<EOT\n",
    "\nEOT\n",
    "=",
    ",",
    "\n",
    "#",
    "/*",
    "var.x",
    "local.y",
    "...",
]


RULES = [r for r in load_rules() if r.id.startswith("TF-GEN")]


def _lint(path: str, text: str) -> None:
    """Parse, build the module view and run every TF rule: only ParseError may escape."""
    try:
        docs = parse_file(path, text)
    except ParseError:
        return
    project = Project(root=Path("/nonexistent"), documents=docs)
    ctx = Context(settings=dict(DEFAULT_SETTINGS), project=project)
    for m in modules_of(project, ctx).values():
        for name in m.locals:
            m.resolve_local(name)
    for rule in RULES:
        for target in resolve_kind(rule.target).project_targets(project, ctx):
            if rule.applies(target):  # the engine's prefilter
                list(rule.check_fn(target, rule, ctx))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=5000),
    insert=st.sampled_from(TOKENS),
    drop=st.integers(min_value=0, max_value=5),
)
def test_mutated_fixtures(seed: str, cut: int, insert: str, drop: int) -> None:
    pos = cut % (len(seed) + 1)
    _lint("main.tf", seed[:pos] + insert + seed[pos + drop :])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "a", "b", " ", "1", "true"]), max_size=40))
def test_random_token_soup(tokens: list[str]) -> None:
    text = "".join(tokens)
    _lint("main.tf", "locals {\n  v = " + text + "\n}\n")
    _lint("soup.tf", text)


@settings(max_examples=80, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=20,
    )
)
def test_random_json(value: object) -> None:
    import json

    text = json.dumps({"resource": {"aws_s3_bucket": {"b": {"tags": value, "x": value}}}})
    _lint("main.tf.json", text)
    _lint("terraform.tfvars.json", json.dumps({"v": value}))
