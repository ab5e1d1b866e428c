"""Which citations are worth a render, and how the rendered page's results join the static
ones.

`--render auto` renders a page only when the static check cannot be trusted to see what a
reader sees: a quote found only in hidden text or in the page's scripts (the matcher's notes),
a quote missing while its scripts carry it, a quote missing from a page its scripts build
(little visible text, scripts present), or a JavaScript challenge a browser may pass.
`always` renders every HTML page; `never` none.

Joining never lets a script turn a misquote into a match: a quote the served page shows
altered stays altered, and a quote it shows word for word stays found.
"""

from __future__ import annotations

from dataclasses import replace

from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.models import QuoteResult, QuoteStatus
from factcheck.quotes.extract import HTML_TYPES, html_text
from factcheck.quotes.match import HIDDEN_NOTE, SCRIPT_NOTE
from factcheck.quotes.pagecheck import PageCheck, sniff_media_type
from factcheck.render.rendered import RenderedPage

SHELL_TEXT = 400  # visible characters under which a page with scripts may be a shell ("Loading…")


def render_reason(mode: str, fetched: FetchResult, checks: list[PageCheck]) -> str | None:
    """Why the page of `fetched` should be rendered under `mode`, or None."""
    if mode == "never":
        return None
    if js_challenge(fetched):
        return "the answer is a JavaScript challenge"
    if fetched.outcome is not FetchOutcome.OK or not _is_html(fetched):
        return None
    if mode == "always":
        return "--render always"
    quotes = [q for check in checks for q in check.quotes]
    if any(_unshown(q) for q in quotes):
        return "a quote is only in the page's scripts or hidden text"
    missing = [q for q in quotes if q.status is QuoteStatus.MISSING]
    if missing and looks_script_built(fetched.body):
        return "a quote is missing from a page its scripts build"
    return None


def _unshown(quote: QuoteResult) -> bool:
    """A quote found only in text the page hides or shows through its scripts, or missing
    while its scripts carry it: what the page shows once rendered may settle it."""
    note = quote.note or ""
    if quote.status is QuoteStatus.FOUND:
        return note.startswith((HIDDEN_NOTE, SCRIPT_NOTE))
    return quote.status is QuoteStatus.MISSING and "scripts" in note


def js_challenge(fetched: FetchResult) -> bool:
    """A bot-challenge answer that carries a script for a browser to run."""
    return (
        fetched.outcome is FetchOutcome.BLOCKED
        and "bot challenge" in fetched.reason
        and b"<script" in fetched.body.lower()
    )


def _is_html(fetched: FetchResult) -> bool:
    return (fetched.media_type or sniff_media_type(fetched.body)) in HTML_TYPES


def looks_script_built(body: bytes) -> bool:
    """True for a page with scripts and little visible text, or more script than text."""
    if b"<script" not in body.lower():
        return False
    from factcheck.fetch.decode import decode_body

    page = html_text(decode_body(body, None, sniff_html=True))
    return len(page.text) < SHELL_TEXT or len(page.script_text) > len(page.text)


RENDERED = "checked on the rendered page"
SCRIPTED_MATCH = (
    "the rendered page shows the quoted words, written by its scripts; the page as served "
    "says otherwise"
)


def join(
    quotes: tuple[str, ...], static: PageCheck, rendered: RenderedPage
) -> tuple[PageCheck, str]:
    """The citation's check with the rendered page, and a note for its reason: each quote's
    result comes from the rendered page, except where the served page already shows it
    (found, or altered: a script must not fix a misquote)."""
    by_quote = {q.text: q for q in static.quotes}
    results = tuple(_joined(by_quote.get(q), rendered.quotes[q]) for q in quotes)
    notes = [RENDERED] if any(r.rendered for r in results) or not quotes else []
    if any(_scripted_match(by_quote.get(q), rendered.quotes[q]) for q in quotes):
        notes.append(SCRIPTED_MATCH)
    if rendered.note:
        notes.append(rendered.note)
    return PageCheck(_as_rendered(static.fetch, rendered), results), "; ".join(notes)


def _scripted_match(static: QuoteResult | None, rendered: QuoteResult) -> bool:
    return (
        static is not None
        and static.status is QuoteStatus.ALTERED
        and rendered.status is QuoteStatus.FOUND
    )


def _joined(static: QuoteResult | None, rendered: QuoteResult) -> QuoteResult:
    if static is None or static.status is QuoteStatus.MISSING:
        return replace(rendered, rendered=True)
    if static.status is QuoteStatus.FOUND and rendered.status is QuoteStatus.FOUND:
        return replace(rendered, rendered=True)
    return static  # altered as served (a script must not fix a misquote), or found as served


def _as_rendered(fetched: FetchResult, rendered: RenderedPage) -> FetchResult:
    """The fetch the verdict stands on: a challenge passed by the browser becomes the page
    the browser reached."""
    if fetched.outcome is FetchOutcome.OK:
        return fetched
    loaded = rendered.loaded
    return replace(
        fetched,
        outcome=FetchOutcome.OK,
        reason="",
        http_status=loaded.http_status,
        final_url=loaded.final_url,
        body=b"",
    )
