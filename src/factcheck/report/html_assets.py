"""The style sheet and script inlined into the HTML report (no network needed to open it)."""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  --muted: #6e7781; --line: #d0d7de; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
  max-width: 72rem; padding: 0 1rem; }
h1 { margin-bottom: .2rem; }
.summary { font-weight: 600; }
.filters { position: sticky; top: 0; padding: .5rem 0; background: Canvas;
  border-bottom: 1px solid var(--line); z-index: 1; }
.filters label { margin-right: 1rem; white-space: nowrap; }
.about { color: var(--muted); }
.claim-text { margin: .2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; table-layout: fixed; }
th:nth-child(1) { width: 8.5rem; } th:nth-child(2), th:nth-child(4) { width: 22%; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
td { overflow-wrap: anywhere; }
.status { font-weight: 600; white-space: nowrap; }
.status-ok, .status-archived, .verdict-verified { color: var(--ok); }
.status-blocked, .status-not_checked, .status-excluded, .verdict-not_checked,
.verdict-unverifiable { color: var(--warn); }
.status-broken, .status-error, .status-quote_altered, .status-quote_missing,
.verdict-failed { color: var(--bad); }
.quote { margin-top: .3rem; }
del { background: #ffebe9; color: #82071e; }
ins { background: #dafbe1; color: #116329; text-decoration: none; font-weight: 600; }
.note { font-style: italic; color: var(--muted); }
.accessed { color: var(--muted); font-size: 0.9em; }
[hidden] { display: none !important; }
"""

SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=status]'));
  function chosen() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }
  function apply() {
    var keep = chosen(), shown = 0, rows = document.querySelectorAll('tr[data-status]');
    Array.prototype.forEach.call(rows, function (row) {
      var on = keep.indexOf(row.getAttribute('data-status')) >= 0;
      row.hidden = !on;
      if (on) { shown += 1; }
    });
    Array.prototype.forEach.call(document.querySelectorAll('.claim'), function (claim) {
      claim.hidden = !claim.querySelector('tr[data-status]:not([hidden])');
    });
    Array.prototype.forEach.call(document.querySelectorAll('.claim-file'), function (file) {
      file.hidden = !file.querySelector('.claim:not([hidden])');
    });
    document.getElementById('shown').textContent =
      'Showing ' + shown + ' of ' + rows.length + ' citations';
  }
  function fromHash() {
    var match = /(?:^|[#&])status=([a-z_,]*)/.exec(window.location.hash);
    if (!match) { return; }
    var wanted = match[1].split(',');
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  }
  boxes.forEach(function (b) {
    b.addEventListener('change', function () {
      history.replaceState(null, '', '#status=' + chosen().join(','));
      apply();
    });
  });
  window.addEventListener('hashchange', function () { fromHash(); apply(); });
  fromHash();
  apply();
})();
"""


def script_hash() -> str:
    """The CSP source ('sha256-...') that allows exactly the inlined script and no other."""
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
