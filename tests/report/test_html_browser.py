"""The HTML report in a real browser: Debian's headless Chromium driven by Selenium.

One browser session serves the whole module. The driver is the system ``chromedriver``
(``Service('/usr/bin/chromedriver')``), never Selenium Manager, which would download one.
Without Chromium, chromedriver or selenium the tests are skipped and say why; ``.ci/run``
installs them. ``DEVOPS_LINT_SCREENSHOT=1`` also refreshes ``docs/report-screenshot.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"


def _missing() -> str | None:
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    if not Path(CHROMEDRIVER).is_file():
        return f"{CHROMEDRIVER} is missing (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))

HOSTILE_NAME = '"><img src=x onerror=window.__pwned=1>.yaml'
SCRIPT_NAME = "<script>window.__pwned=2;<.yaml"
HOSTILE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: "<script>window.__pwned=3</script>"
  namespace: shop
spec:
  containers:
    - name: '"><img src=x onerror=window.__pwned=4>'
      image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      securityContext:
        privileged: true
      env:
        - name: AWS_SECRET_ACCESS_KEY
          value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3XAMPLEKEY"
"""
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3XAMPLEKEY"


def _lint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devops_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("html")
    report = out / "report.html"
    frameworks = ["--compliance", "pss-restricted", "--compliance", "cis-k8s"]
    proc = _lint(*frameworks, "-o", str(report), "examples/")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(_lint(*frameworks, "--format", "json", "examples/").stdout)
    hostile = out / "hostile"
    hostile.mkdir()
    (hostile / HOSTILE_NAME).write_text(HOSTILE_POD, encoding="utf-8")
    (hostile / SCRIPT_NAME).write_text(HOSTILE_POD, encoding="utf-8")
    hostile_report = out / "hostile.html"
    proc = _lint("--compliance", "pss-baseline", "-o", str(hostile_report), ".", cwd=hostile)
    assert hostile_report.is_file(), proc.stderr
    return {"examples": report, "json": data, "hostile": hostile_report, "dir": out}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1600",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, path: Path) -> None:
    browser.get(path.as_uri())


def _visible_rows(browser: Any) -> int:
    return int(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
            ".filter(r => !r.hidden && r.offsetParent !== null).length"
        )
    )


def test_findings_table_and_compliance_matrix_render(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["examples"])
    data = reports["json"]
    active = [f for f in data["findings"] + data["parse_errors"] if not f["suppressed"]]
    assert _visible_rows(browser) == len(active)
    status = browser.find_element("id", "shown").text
    assert (
        status
        == f"{len(active)} of {len(data['findings']) + len(data['parse_errors'])} findings shown"
    )
    matrices = browser.find_elements("css selector", "table.matrix")
    assert [m.get_attribute("data-framework") for m in matrices] == ["pss-restricted", "cis-k8s"]
    rows = browser.find_elements("css selector", "table[data-framework='cis-k8s'] tbody tr")
    assert len(rows) == 35
    outcomes = {r["id"]: r["outcome"] for r in data["compliance"][1]["requirements"]}
    shown = {
        r.find_element("css selector", "th").text: r.get_attribute("data-outcome") for r in rows
    }
    assert shown == outcomes


def test_severity_filter_hides_rows(browser: Any, reports: dict[str, Any]) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, reports["examples"])
    data = reports["json"]
    active = [f for f in data["findings"] if not f["suppressed"]]
    critical = sum(1 for f in active if f["severity"] == "critical")
    high = sum(1 for f in active if f["severity"] == "high")
    assert critical and high
    browser.find_element("css selector", "input[name=severity][value=critical]").click()
    assert _visible_rows(browser) == len(active) - critical
    # Keyboard works as well as the mouse: space toggles the focused checkbox.
    browser.find_element("css selector", "input[name=severity][value=high]").send_keys(Keys.SPACE)
    assert _visible_rows(browser) == len(active) - critical - high
    browser.find_element("css selector", "input[name=severity][value=critical]").click()
    browser.find_element("css selector", "input[name=severity][value=high]").click()
    assert _visible_rows(browser) == len(active)


def test_rule_format_and_file_filters(browser: Any, reports: dict[str, Any]) -> None:
    from selenium.webdriver.support.ui import Select

    _open(browser, reports["examples"])
    active = [f for f in reports["json"]["findings"] if not f["suppressed"]]
    Select(browser.find_element("name", "rule")).select_by_value("K8S-001")
    assert _visible_rows(browser) == sum(1 for f in active if f["rule"] == "K8S-001")
    Select(browser.find_element("name", "rule")).select_by_value("")
    target = "examples/kubernetes/shop.yaml"
    Select(browser.find_element("name", "file")).select_by_value(target)
    assert _visible_rows(browser) == sum(1 for f in active if f["path"] == target)
    Select(browser.find_element("name", "file")).select_by_value("")
    Select(browser.find_element("name", "format")).select_by_value("terraform")
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.file)"
    )
    assert visible and all(p.endswith(".tf") for p in visible)


def test_sorting_by_keyboard(browser: Any, reports: dict[str, Any]) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, reports["examples"])
    button = browser.find_element("css selector", "button[data-key=file]")
    button.send_keys(Keys.ENTER)
    header = button.find_element("xpath", "..")
    assert header.get_attribute("aria-sort") == "ascending"
    files = browser.execute_script(
        "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => [r.dataset.file, Number(r.dataset.line)])"
    )
    assert files == sorted(files)
    button.send_keys(Keys.ENTER)
    assert header.get_attribute("aria-sort") == "descending"
    ranks = browser.execute_script(
        "document.querySelector('button[data-key=severity]').click();"
        "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
        ".map(r => Number(r.dataset.rank))"
    )
    assert ranks == sorted(ranks, reverse=True)


def test_drill_down_from_requirement_to_evidence(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["examples"])
    browser.find_element("css selector", "input[name=severity][value=critical]").click()
    row = browser.find_element(
        "xpath", "//table[@data-framework='cis-k8s']//tr[th[normalize-space()='5.2.2']]"
    )
    assert row.get_attribute("data-outcome") == "fail"
    row.find_element("css selector", "details.evidence summary").click()
    link = row.find_element("css selector", "details.evidence a[href^='#f-']")
    target = link.get_attribute("href").split("#")[1]
    link.click()
    finding = browser.find_element("id", target)
    # Shown although the critical filter hides its severity, with its details open.
    assert finding.is_displayed()
    assert finding.get_attribute("data-rule") == "K8S-001"
    details = finding.find_element("css selector", "details")
    assert details.get_attribute("open") is not None
    assert "runs privileged" in details.text and "Fix:" in details.text
    assert details.find_element("css selector", "pre").text.strip()


def test_no_network_request(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["examples"])
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0
    csp = browser.find_element(
        "css selector", "meta[http-equiv='Content-Security-Policy']"
    ).get_attribute("content")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    external = browser.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]'))"
        ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
        ".filter(u => !u.startsWith('#'))"
    )
    assert external == []


def test_injected_markup_stays_text(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["hostile"])
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.images.length") == 0
    assert browser.execute_script("return document.scripts.length") == 1
    files = browser.execute_script(
        "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
        ".map(r => r.dataset.file)"
    )
    assert HOSTILE_NAME in files and SCRIPT_NAME in files
    text = browser.find_element("id", "findings-table").get_attribute("textContent")
    assert "onerror=window.__pwned=4" in text  # the container name, shown as text
    source = reports["hostile"].read_text(encoding="utf-8")
    assert SECRET not in source
    # The filters still work on a hostile report; nothing ran while they did.
    browser.find_element("css selector", "input[name=severity][value=critical]").click()
    assert browser.execute_script("return window.__pwned === undefined")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not any("Content Security Policy" in e["message"] for e in errors), errors


def test_prints_without_controls_and_with_details(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["examples"])
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element("id", "filters").is_displayed()
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        assert pdf["data"]
        # Printing opened every drill-down and finding (snippets, fixes, evidence on paper).
        closed = browser.execute_script(
            "return Array.from(document.querySelectorAll('details')).filter(d => !d.open).length"
        )
        assert closed == 0
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_screenshot(browser: Any, reports: dict[str, Any]) -> None:
    _open(browser, reports["examples"])
    # Show a drill-down: the evidence of the first failing requirement.
    row = browser.find_element("css selector", "table.matrix tr.req[data-outcome=fail]")
    row.find_element("css selector", "details.evidence summary").click()
    assert row.find_element("css selector", "details.evidence ul").is_displayed()
    shot = reports["dir"] / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("DEVOPS_LINT_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / "docs" / "report-screenshot.png")
