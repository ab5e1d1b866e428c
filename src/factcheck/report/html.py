"""The HTML report: one self-contained file (inline style and script, nothing fetched) with
the markdown report's content, filterable by status, for editors who do not use a terminal.

Every piece of text from claim files or pages is escaped; a Content-Security-Policy allows
only the report's own script, so a quote containing markup can never run.
`#status=broken,error` in the address opens the report filtered to those statuses.
"""

from __future__ import annotations

import html

from factcheck.models import CitationResult, ClaimResult, QuoteResult, QuoteStatus, Report
from factcheck.report import (
    SUMMARY_ORDER,
    FileSection,
    problem_lines,
    sections,
    status_label,
    summary_line,
)
from factcheck.report.diff import diff_parts
from factcheck.report.html_assets import SCRIPT, STYLE, script_hash
from factcheck.text import redact, shorten


def escape(text: str, quote: bool = True) -> str:
    """`text` as HTML, the credentials of its URLs redacted (`user:password@` is `***@`)."""
    return html.escape(redact(text), quote)


QUOTE_WIDTH = 300


def render(report: Report) -> str:
    """The report as one HTML document."""
    csp = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}; "
        "form-action 'none'; base-uri 'none'"
    )
    body = [
        "<h1>Verification report</h1>",
        f'<p class="summary">{escape(summary_line(report))}</p>',
        *_problems(report),
        _filters(report),
        *(_section(s) for s in sections(report)),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Verification report</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _problems(report: Report) -> list[str]:
    """The run's errors (why nothing was checked) as a list; none for a finished run."""
    if not report.errors:
        return []
    items = "".join(f"<li>{escape(line)}</li>" for line in problem_lines(report))
    return [f'<h2>Problems</h2><ul class="problems">{items}</ul>']


def _filters(report: Report) -> str:
    counts = report.counts()
    boxes = [
        f'<label><input type="checkbox" name="status" value="{s.value}" checked> '
        f'<span class="status status-{s.value}">{status_label(s)}</span> '
        f"({counts[s]})</label>"
        for s in SUMMARY_ORDER
        if counts[s]
    ]
    total = sum(counts.values())
    return (
        f'<form class="filters" aria-label="Filter by status">Show: {"".join(boxes)}'
        f'<span id="shown">Showing {total} of {total} citations</span></form>'
    )


def _section(section: FileSection) -> str:
    about = f"File: <code>{escape(section.path)}</code>"
    if section.source:
        about += f" · article: {_link(shorten(section.source, 80), section.source)}"
    claims = "\n".join(_claim(c) for c in section.claims)
    return (
        f'<section class="claim-file">\n<h2>{escape(section.title or section.path)}</h2>\n'
        f'<p class="about">{about}</p>\n{claims}\n</section>'
    )


def _claim(claim: ClaimResult) -> str:
    verdict = claim.verdict.value
    rows = "\n".join(_row(r) for r in claim.citations)
    return (
        f'<article class="claim" id="claim-{escape(claim.claim.id)}">\n'
        f'<h3>{escape(claim.claim.id)}: <span class="verdict-{verdict}">{verdict}</span></h3>\n'
        f'<p class="claim-text">{escape(claim.claim.claim)}</p>\n'
        "<table><thead><tr><th>status</th><th>source</th><th>what we found</th>"
        f"<th>fix</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>\n</article>"
    )


def _row(result: CitationResult) -> str:
    status = result.status.value
    source = _link(shorten(result.citation.url, 90), result.citation.url)
    if result.http_status:
        source += f" ({result.http_status})"
    if result.citation.accessed:
        source += f'<div class="accessed">accessed {result.citation.accessed.isoformat()}</div>'
    found = [escape(result.reason)] + [
        f'<div class="quote">{_quote(q)}</div>' for q in result.quotes
    ]
    if result.citation.note:
        found.append(f'<div class="note">note: {escape(result.citation.note)}</div>')
    if result.screenshot:
        found.append(_screenshot(result.screenshot))
    fix = escape(result.suggestion or "")
    return (
        f'<tr data-status="{status}"><td class="status status-{status}">'
        f'{status_label(result.status)}</td><td class="source">{source}</td>'
        f"<td>{''.join(found)}</td><td>{fix}</td></tr>"
    )


def _quote(quote: QuoteResult) -> str:
    text = f"“{escape(shorten(quote.text, QUOTE_WIDTH))}”"
    if quote.status is QuoteStatus.FOUND:
        return f"found: {_link(text, quote.fragment_url, escaped=True)}"
    if quote.status is QuoteStatus.MISSING:
        return f"missing: {text}"
    score = f" ({quote.score:.0f}%)" if quote.score is not None else ""
    if not quote.diff:
        page = escape(shorten(quote.closest or "", QUOTE_WIDTH))
        return f"quote: {text}<br>page says{score}: “{page}”"
    ours = "".join(
        f"<del>{escape(p.text)}</del>" if p.kind == "removed" else escape(p.text)
        for p in diff_parts(quote.diff)
        if p.kind != "added"
    )
    theirs = "".join(
        f"<ins>{escape(p.text)}</ins>" if p.kind == "added" else escape(p.text)
        for p in diff_parts(quote.diff)
        if p.kind != "removed"
    )
    return f"quote: “{_one_line(ours)}”<br>page says{score}: “{_one_line(theirs)}”"


def _one_line(markup: str) -> str:
    return " ".join(markup.split())


def _screenshot(path: str) -> str:
    """A link to the rendered page's screenshot, a file of the snapshot store (its path as
    the run was given it, relative to where the report is read)."""
    href = escape(path.replace("\\", "/"), quote=True)
    return f'<div class="screenshot"><a href="{href}">screenshot of the rendered page</a></div>'


def _link(text: str, url: str | None, escaped: bool = False) -> str:
    """An anchor to an http(s) URL; any other scheme is shown as text, never linked."""
    shown = text if escaped else escape(text)
    if not url or not url.lower().startswith(("http://", "https://")):
        return shown
    return f'<a href="{escape(url, quote=True)}" rel="noreferrer noopener">{shown}</a>'
