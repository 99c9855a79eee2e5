"""The stylesheet and script inlined into the HTML report (``report/html.py``).

The script attaches its listeners itself (no inline event handlers), reads only the
``data-*`` attributes and text of rows the reporter built, and never writes markup: it hides,
shows and reorders rows, sets ``aria-sort`` and a status line (``textContent``).
"""

from __future__ import annotations

CSS = """
:root { --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#fff; --soft:#f6f8fa;
  --critical:#8b0000; --high:#c62828; --medium:#b26a00; --low:#1565c0; --info:#57606a;
  --pass:#1a7f37; --fail:#c62828; --exception:#9a6700; --unresolved:#6e40c9; --na:#6e7781; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 1280px; padding: 0 24px 48px; }
header { border-bottom: 2px solid var(--line); margin-bottom: 8px; }
h1 { font-size: 24px; margin: 20px 0 4px; } h2 { font-size: 19px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.meta, .muted { color: var(--muted); }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; }
a { color: #0969da; } a:focus, button:focus, summary:focus, input:focus, select:focus {
  outline: 3px solid #0969da; outline-offset: 1px; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; padding: 0; margin: 0; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 120px;
  background: var(--soft); }
.tile .n { display: block; font-size: 24px; font-weight: 700; }
.tile.sev-critical .n { color: var(--critical); } .tile.sev-high .n { color: var(--high); }
.tile.sev-medium .n { color: var(--medium); } .tile.sev-low .n { color: var(--low); }
.tile.fw .n { color: var(--pass); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); position: sticky; top: 0; }
thead button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0;
  cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.loc { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px;
  word-break: break-all; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px;
  overflow-x: auto; font-size: 12px; }
.sev, .badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  font-weight: 600; color: #fff; white-space: nowrap; }
.sev-critical.sev { background: var(--critical); } .sev-high.sev { background: var(--high); }
.sev-medium.sev { background: var(--medium); } .sev-low.sev { background: var(--low); }
.sev-info.sev { background: var(--info); }
.o-pass { background: var(--pass); } .o-fail { background: var(--fail); }
.o-exception { background: var(--exception); } .o-unresolved { background: var(--unresolved); }
.o-not_applicable { background: var(--na); }
.o-not_covered { background: #fff; color: var(--muted); border: 1px dashed var(--na); }
.counts { list-style: none; padding: 0; display: flex; gap: 14px; flex-wrap: wrap; }
.fwid { font-weight: 400; color: var(--muted); font-size: 13px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center;
  background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 10px; }
.filters legend { float: left; font-weight: 600; margin-right: 6px; }
.filters select { max-width: 240px; }
.shown { margin: 0; color: var(--muted); }
details.evidence { margin: 2px 0; } details.evidence ul { margin: 4px 0 8px; padding-left: 20px; }
dl.controls dt { font-weight: 600; margin-top: 12px; } dl.controls dd { margin-left: 16px; }
dl.controls p { margin: 2px 0; }
tr:target { background: #fff8c5; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .filters, .skip, thead button::after { display: none; }
  thead th { position: static; }
  a { color: inherit; text-decoration: none; }
  tr, .tile { break-inside: avoid; }
  .sev, .badge { color: #000; border: 1px solid #000; background: none; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!form || !table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("shown");
  var forced = null;

  function apply() {
    var sev = {};
    form.querySelectorAll('input[name="severity"]').forEach(function (box) {
      sev[box.value] = box.checked;
    });
    var fmt = form.elements.format.value;
    var rule = form.elements.rule.value;
    var file = form.elements.file.value;
    var q = form.elements.q.value.toLowerCase();
    var supp = form.elements.suppressed.checked;
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = sev[d.severity] && (!fmt || d.format === fmt) && (!rule || d.rule === rule) &&
        (!file || d.file === file) && (supp || d.suppressed === "0") &&
        (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      if (row === forced) { ok = true; }
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = shown + " of " + rows.length + " findings shown";
  }

  function sortKey(row, key) {
    var d = row.dataset;
    if (key === "severity") { return [-Number(d.rank), d.file, Number(d.line)]; }
    if (key === "rule") { return [d.rule, d.file, Number(d.line)]; }
    if (key === "file") { return [d.file, Number(d.line), d.rule]; }
    return [row.querySelector("summary").textContent.toLowerCase(), d.file, Number(d.line)];
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i += 1) {
      if (a[i] < b[i]) { return -1; }
      if (a[i] > b[i]) { return 1; }
    }
    return 0;
  }

  table.querySelectorAll("thead button").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentNode;
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) {
        h.setAttribute("aria-sort", "none");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var key = button.dataset.key;
      var keyed = rows.map(function (row) { return [sortKey(row, key), row]; });
      keyed.sort(function (x, y) {
        var c = compare(x[0], y[0]);
        return ascending ? c : -c;
      });
      rows = keyed.map(function (pair) { return pair[1]; });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });

  // A finding linked from the compliance matrix is shown and opened even when filtered out.
  function reveal() {
    var id = window.location.hash.slice(1);
    if (!/^f-[0-9]+$/.test(id)) { return; }
    var row = document.getElementById(id);
    if (!row) { return; }
    forced = row;
    apply();
    var details = row.querySelector("details");
    if (details) { details.open = true; }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("hashchange", reveal);
  // Printed reports show every detail: the snippets, fixes and evidence.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  apply();
  reveal();
})();
"""
