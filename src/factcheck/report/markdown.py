"""The markdown report, for editors and pull-request comments.

One section per claim file, one table per claim. Found quotes link to the page with the
passage highlighted (a text fragment); altered quotes stand beside the page's own passage
with the differing words marked; every failing row says what to fix.
"""

from __future__ import annotations

import re

from factcheck.models import (
    CitationResult,
    CitationStatus,
    ClaimResult,
    QuoteResult,
    QuoteStatus,
    Report,
    Verdict,
)
from factcheck.report import FileSection, problem_lines, sections, status_label, summary_line
from factcheck.report.diff import diff_parts
from factcheck.text import redact, safe_line, shorten

ICONS = {
    CitationStatus.OK: "✅",
    CitationStatus.ARCHIVED: "🗄️",
    CitationStatus.BLOCKED: "⚠️",
    CitationStatus.BROKEN: "❌",
    CitationStatus.ERROR: "❌",
    CitationStatus.QUOTE_ALTERED: "✏️",
    CitationStatus.QUOTE_MISSING: "❌",
    CitationStatus.NOT_CHECKED: "⏸️",
    CitationStatus.EXCLUDED: "⏭️",
}
VERDICT_ICONS = {
    Verdict.VERIFIED: "✅",
    Verdict.FAILED: "❌",
    Verdict.UNVERIFIABLE: "⚠️",
    Verdict.NOT_CHECKED: "⏸️",
}
QUOTE_WIDTH = 160
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~#&])")
_SPACE = re.compile(r"\s+")


def render(report: Report) -> str:
    """The whole report as GitHub-flavoured markdown."""
    lines = ["# Verification report", "", f"**{summary_line(report)}**", ""]
    if report.errors:
        lines += ["## Problems", "", *(f"- {escape(line)}" for line in problem_lines(report))]
    for section in sections(report):
        lines += _section(section)
    return "\n".join(lines).rstrip("\n") + "\n"


def _section(section: FileSection) -> list[str]:
    lines = [f"## {escape(section.title or section.path)}", ""]
    about = [f"File: `{section.path.replace('`', '')}`"]
    if section.source:
        about.append(f"article: {link(shorten(section.source, 80), section.source)}")
    lines += [" · ".join(about), ""]
    for claim in section.claims:
        lines += _claim(claim)
    return lines


def _claim(claim: ClaimResult) -> list[str]:
    verdict = claim.verdict
    lines = [
        f"### {escape(claim.claim.id)}: {VERDICT_ICONS[verdict]} {verdict.value}",
        "",
        escape(claim.claim.claim),
        "",
        "| status | source | what we found | fix |",
        "|---|---|---|---|",
    ]
    lines += [_row(result) for result in claim.citations]
    return lines + [""]


def _row(result: CitationResult) -> str:
    status = f"{ICONS[result.status]} {status_label(result.status)}"
    source = link(shorten(result.citation.url, 60), result.citation.url)
    if result.http_status:
        source += f" ({result.http_status})"
    if result.citation.accessed:
        source += f"<br>accessed {result.citation.accessed.isoformat()}"
    found = [escape(result.reason)] + [_quote(q) for q in result.quotes]
    if result.citation.note:
        found.append(f"_note: {escape(result.citation.note)}_")
    if result.screenshot:
        found.append(link("screenshot of the rendered page", result.screenshot))
    fix = escape(result.suggestion) if result.suggestion else ""
    return f"| {status} | {source} | {'<br>'.join(found)} | {fix} |"


def _quote(quote: QuoteResult) -> str:
    """One quote in a cell: linked when found, beside the page's passage when altered."""
    text = shorten(quote.text, QUOTE_WIDTH)
    if quote.status is QuoteStatus.FOUND:
        shown = f"“{escape(text)}”"
        return (
            f"found: {link(shown, quote.fragment_url, escaped=True)}"
            if quote.fragment_url
            else f"found: {shown}"
        )
    if quote.status is QuoteStatus.ALTERED:
        return altered_pair(quote)
    return f"missing: “{escape(text)}”"


def altered_pair(quote: QuoteResult) -> str:
    """'quote: “… ~~x~~ …”<br>page says (97%): “… **y** …”': the quote's words that the page
    lacks struck out, the page's words that the quote lacks in bold."""
    score = f" ({quote.score:.0f}%)" if quote.score is not None else ""
    if not quote.diff:
        return (
            f"quote: “{escape(shorten(quote.text, QUOTE_WIDTH))}”<br>"
            f"page says{score}: “{escape(shorten(quote.closest or '', QUOTE_WIDTH))}”"
        )
    ours, theirs = [], []
    for part in diff_parts(quote.diff):
        if part.kind != "added":
            ours.append(f"~~{escape(part.text)}~~" if part.kind == "removed" else escape(part.text))
        if part.kind != "removed":
            theirs.append(f"**{escape(part.text)}**" if part.kind == "added" else escape(part.text))
    return (
        f"quote: “{_SPACE.sub(' ', ''.join(ours)).strip()}”<br>"
        f"page says{score}: “{_SPACE.sub(' ', ''.join(theirs)).strip()}”"
    )


def escape(text: str) -> str:
    """Plain text made safe for a markdown table cell: markup characters escaped, one line."""
    return _SPECIAL.sub(r"\\\1", safe_line(_SPACE.sub(" ", text)))


def link(text: str, url: str | None, escaped: bool = False) -> str:
    """A markdown link; the URL in <...> with the characters that would end it encoded."""
    shown = text if escaped else escape(text)
    if not url:
        return shown
    target = (
        redact(url).replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    )
    return f"[{shown}](<{target}>)"
