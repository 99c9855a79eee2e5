"""Only real comments are suppressions: text quoting the syntax in strings or YAML block
scalars (rule documentation, runbooks) is not one."""

from __future__ import annotations

import textwrap

from devops_lint.suppress import comment_suppressions


def _lines(path: str, text: str) -> list[int]:
    return [s.span.line for s in comment_suppressions(path, textwrap.dedent(text))]


def test_yaml_comments_and_quoted_text() -> None:
    text = """
    a: 1  # devops-lint: ignore[K8S-001] real
    b: "x # devops-lint: ignore[K8S-001] quoted"
    c: 'it''s # devops-lint: ignore[K8S-001] quoted'
    d: https://host/page#devops-lint:ignore[K8S-001]
    e: |
      # devops-lint: ignore[K8S-001] block text
        # devops-lint: ignore[K8S-001] deeper block text
    f: >-
      folded # devops-lint: ignore[K8S-001] text
    # devops-lint: ignore[K8S-001] real again
    - |  # devops-lint: ignore[K8S-001] on the indicator line
      # devops-lint: ignore[K8S-001] block text
    g: it's plain # devops-lint: ignore[K8S-001] real after an apostrophe
    """
    assert _lines("values.yaml", text) == [2, 11, 12, 14]


def test_hcl_and_shell() -> None:
    text = """
    resource "aws_s3_bucket" "b" { # devops-lint: ignore[TF-AWS-001] real
      tags = { note = "# devops-lint: ignore[TF-AWS-001] quoted" }
    }
    // devops-lint: ignore[TF-AWS-001] real
    """
    assert _lines("main.tf", text) == [2, 5]
    assert _lines(
        "run.sh", 'echo "# devops-lint: ignore[X-001] x"\n# devops-lint: ignore[X-001] y\n'
    ) == [2]
