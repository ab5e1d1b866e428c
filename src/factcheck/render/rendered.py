"""A citation's page as the browser showed it: quotes matched on its visible text with the
check a fetched page's text goes through, the first passage found highlighted and
photographed.

The evidence is taken in this order: the DOM as the page built it, then the highlight (a
`<mark>` around the passage, scrolled to the middle of the viewport), then the screenshot of
the viewport. A page that cannot be rendered gives the reason instead (`RenderFailure`), and
the citation keeps its static verdict.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factcheck.models import QuoteResult, QuoteStatus, VerifyOptions
from factcheck.quotes.pagecheck import check_text
from factcheck.render.browser import CRASHED_AGAIN, MAX_RESTARTS, Browser, BrowserGone
from factcheck.render.headers import origin_rules, send_headers
from factcheck.render.page import LoadedPage, NotLoaded, load

if TYPE_CHECKING:
    from playwright.async_api import Page

GRACE_SECONDS = 15.0  # beyond --render-timeout, for matching, the highlight and the picture
HIGHLIGHT_COLOUR = (255, 221, 0)  # the <mark> behind a found passage, in the screenshot
# Finds `needle` in the page's text nodes, whitespace, case and curly quotes aside (the
# passage comes from innerText, whose line breaks and text-transform the nodes lack), wraps
# each piece in a <mark data-factcheck>, and scrolls the first to the middle. Returns the
# number of marks.
HIGHLIGHT_JS = """([needle, colour]) => {
  const squash = s => s.replace(/[\\s\\u00a0]+/g, "").replace(/[\\u2018\\u2019]/g, "'")
    .replace(/[\\u201c\\u201d]/g, '"').toLowerCase();
  const want = squash(needle);
  if (!want || !document.body) return 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let flat = ""; const owner = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && parent.closest("script,style,noscript,template")) continue;
    for (let i = 0; i < node.data.length; i++) {
      for (const ch of squash(node.data[i])) { flat += ch; owner.push([node, i]); }
    }
  }
  const at = flat.indexOf(want);
  if (at < 0) return 0;
  const pieces = new Map();
  for (let k = at; k < at + want.length; k++) {
    const [node, i] = owner[k];
    const span = pieces.get(node) || [i, i];
    pieces.set(node, [Math.min(span[0], i), Math.max(span[1], i)]);
  }
  const marks = [];
  for (const [node, [start, end]] of pieces) {
    const middle = node.splitText(start);
    middle.splitText(end - start + 1);
    const mark = document.createElement("mark");
    mark.dataset.factcheck = "passage";
    mark.style.cssText = `background: rgb(${colour}) !important; color: #000 !important;` +
      `outline: 4px solid rgb(${colour}) !important;`;
    middle.replaceWith(mark);
    mark.appendChild(middle);
    marks.push(mark);
  }
  marks[0].scrollIntoView({block: "center", inline: "nearest"});
  return marks.length;
}"""


class RenderFailure(Exception):
    """The page could not be rendered; the message says why (the static verdict stands)."""


@dataclass(frozen=True)
class RenderedPage:
    """A page as the browser showed it, with a result for each quote asked of it."""

    url: str
    loaded: LoadedPage
    quotes: dict[str, QuoteResult]
    screenshot: bytes
    highlighted: int  # how many <mark> pieces cover the first passage found (0: none)
    timeout: float

    @property
    def note(self) -> str | None:
        """What to know about the rendering (a page that never settled)."""
        if self.loaded.settled:
            return None
        return (
            f"the page did not settle within {self.timeout:g} s: "
            "the text it showed by then was checked"
        )


async def render(browser: Browser, url: str, quotes: tuple[str, ...]) -> RenderedPage:
    """Render `url` and match `quotes` on it; the browser is restarted once if it crashes.

    Raises RenderFailure with the reason when the page cannot be rendered.
    """
    options = browser.options
    for _ in range(MAX_RESTARTS + 2):
        try:
            return await _render_once(browser, url, quotes, options)
        except RenderFailure:
            raise
        except (BrowserGone, NotLoaded, TimeoutError) as exc:
            raise RenderFailure(_failure(exc, options)) from exc
        except Exception as exc:  # Playwright's errors: a crash, or a page it gave up on
            if not await browser.lost():
                raise RenderFailure(f"rendering failed: {_first_line(exc)}") from exc
    raise RenderFailure(CRASHED_AGAIN)


async def _render_once(
    browser: Browser, url: str, quotes: tuple[str, ...], options: VerifyOptions
) -> RenderedPage:
    # The deadline starts once the page has its slot: a render waiting for one of the
    # --render-concurrency slots is not late.
    async with (
        browser.context() as context,
        asyncio.timeout(options.render_timeout + GRACE_SECONDS),
    ):
        page = await context.new_page()
        address, rules = origin_rules(options, url)
        await send_headers(context, page, rules)
        loaded = await load(page, address, options.render_timeout)
        _refuse_unread(loaded)
        results = match_rendered(loaded, quotes)
        passage = next((r.closest for r in results.values() if r.closest and _found(r)), None)
        marks = await _highlight(page, passage) if passage else 0
        shot = await page.screenshot(type="png", timeout=GRACE_SECONDS * 1000 / 2)
    return RenderedPage(url, loaded, results, shot, marks, options.render_timeout)


def _refuse_unread(loaded: LoadedPage) -> None:
    """Raise RenderFailure for a page the browser did not get to read: still a challenge,
    or an HTTP error."""
    if loaded.challenge:
        raise RenderFailure("the browser did not pass the challenge either")
    if loaded.http_status is not None and loaded.http_status >= 400:
        raise RenderFailure(f"the rendered page answered HTTP {loaded.http_status}")


def _found(result: QuoteResult) -> bool:
    return result.status is QuoteStatus.FOUND


def match_rendered(loaded: LoadedPage, quotes: tuple[str, ...]) -> dict[str, QuoteResult]:
    """Each distinct quote matched on the rendered text with the check a fetched page's
    text goes through (`pagecheck.check_text`): punctuation forgiven with a note, a quote
    only in what the browser did not render found with the hidden-text note, never over an
    altered passage in sight."""
    distinct = tuple(dict.fromkeys(quotes))
    results = check_text(loaded.text, distinct, loaded.final_url, loaded.hidden)
    return dict(zip(distinct, results, strict=True))


async def _highlight(page: Page, passage: str) -> int:
    from playwright.async_api import Error

    try:
        marks = await page.evaluate(HIGHLIGHT_JS, [passage, ", ".join(map(str, HIGHLIGHT_COLOUR))])
    except Error:
        return 0
    return int(marks) if isinstance(marks, int | float) else 0


def _failure(exc: BaseException, options: VerifyOptions) -> str:
    if isinstance(exc, TimeoutError):
        return f"rendering took longer than {options.render_timeout + GRACE_SECONDS:g} s"
    if isinstance(exc, NotLoaded):
        return f"the browser could not load the page: {exc}"
    return str(exc)  # BrowserGone says it all


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
