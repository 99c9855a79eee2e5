"""The HTML report's text, without a browser: escaping, CSP, redaction, structure."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.report.reader_support import HOSTILE_NAME, lint, make_repo

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3XAMPLEKEY"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    repo = make_repo(tmp_path_factory.mktemp("html"))
    (repo / "k8s" / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: s\n  namespace: shop\nspec:\n"
        "  containers:\n    - name: c\n      image: nginx:1.27\n      env:\n"
        f"        - name: AWS_SECRET_ACCESS_KEY\n          value: {SECRET}\n",
        encoding="utf-8",
    )
    proc = lint(repo, "--select", "K8S-019", "--compliance", "pss-baseline", "--format", "html")
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_markup_from_files_is_escaped(page: str) -> None:
    assert "<img" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;|x.yaml" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_one_script_and_style_carrying_the_csp_nonce(page: str) -> None:
    (raw,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    csp = html.unescape(raw)  # the attribute's quotes are written as entities
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None and csp.startswith("default-src 'none'")
    assert "unsafe-inline" not in csp
    assert re.findall(r"<script[^>]*>", page) == [f'<script nonce="{nonce.group(1)}">']
    assert re.findall(r"<style[^>]*>", page) == [f'<style nonce="{nonce.group(1)}">']
    assert not re.search(r"\son[a-z]+=", page.replace("onerror=alert", ""))


def test_nonce_differs_between_reports(tmp_path: Path) -> None:
    make_repo(tmp_path)
    first, second = (lint(tmp_path, "--format", "html").stdout for _ in range(2))
    nonce = re.compile(r"nonce-([A-Za-z0-9_-]+)")
    assert nonce.search(first).group(1) != nonce.search(second).group(1)  # type: ignore[union-attr]


def test_no_external_resource(page: str) -> None:
    assert not re.search(r'(src|href)="(?!#)', page)


def test_secrets_stay_redacted(page: str) -> None:
    assert SECRET not in page
    assert "K8S-019" in page


def test_suppressed_findings_are_listed_hidden(page: str) -> None:
    rows = re.findall(r'<tr id="f-\d+"[^>]*data-suppressed="1"[^>]*>', page)
    assert rows and all(r.endswith(" hidden>") for r in rows)


def test_compliance_matrix_and_control_anchors(page: str) -> None:
    assert '<table class="matrix" data-framework="pss-baseline">' in page
    assert page.count('<tr class="req"') == 12
    for anchor in set(re.findall(r'href="#(control-[^"]+)"', page)):
        assert f'id="{anchor}"' in page
    for anchor in set(re.findall(r'href="#(f-\d+)"', page)):
        assert f'id="{anchor}"' in page
    assert HOSTILE_NAME.replace("<", "&lt;").replace(">", "&gt;") in page
