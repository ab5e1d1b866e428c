"""One page in the browser: load it, wait for it to settle within a deadline, read it.

"Settled" is: the load event fired, no request in flight for half a second (Playwright's
`networkidle`), then a short quiet time without a new navigation (a JavaScript challenge
reloads the page once its cookie is set). A page that never settles (it polls, streams, or
a resource never finishes) is read as it stands when the deadline comes, and says so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factcheck.fetch.outcomes import CHALLENGE_MARKERS, CHALLENGE_PAGE_MAX

if TYPE_CHECKING:
    from playwright.async_api import Page, Response

SETTLE_SECONDS = 0.5  # quiet time after the network went idle, for scripts still building
CHALLENGE_WAIT = 5.0  # seconds a quiet challenge page gets to navigate on before giving up
READ_TEXT = "document.body ? document.body.innerText : ''"
# The elements of the body the browser does not render (display:none, visibility:hidden, a
# closed <details>), outermost only: what innerText leaves out. Scripts and styles are not
# text; READ_HIDDEN collects the text of the others, in document order, without recursion (a
# page may nest deeper than the script stack), and "" should anything fail.
UNRENDERED = """(() => {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "LINK", "META"]);
  const shown = (element) => element.checkVisibility
    ? element.checkVisibility({visibilityProperty: true})
    : getComputedStyle(element).display !== "none"
      && getComputedStyle(element).visibility !== "hidden";
  const found = [];
  if (!document.body) return found;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, {
    acceptNode: (element) => {
      if (skip.has(element.tagName.toUpperCase())) return NodeFilter.FILTER_REJECT;
      if (shown(element)) return NodeFilter.FILTER_SKIP;  // look inside
      found.push(element);
      return NodeFilter.FILTER_REJECT;  // not inside: its text is taken whole
    },
  });
  walker.nextNode();  // walks the whole body: every node is skipped or rejected
  return found;
})()"""
READ_HIDDEN = f"""(() => {{
  try {{
    const texts = [];
    for (const element of {UNRENDERED}) {{
      const copy = element.cloneNode(true);
      copy.querySelectorAll("script, style, template, noscript").forEach((n) => n.remove());
      const text = copy.textContent.trim();
      if (text) texts.push(text);
    }}
    return texts.join("\\n");
  }} catch (error) {{
    return "";
  }}
}})()"""
CHALLENGE_WINDOW = 16 * 1024  # where a challenge page's markers sit (as fetch/outcomes.py)


class NotLoaded(Exception):
    """The page did not even start to load (no answer before the deadline, refused)."""


@dataclass(frozen=True)
class LoadedPage:
    """What the browser showed: the visible text (`innerText` of the body), the DOM as
    serialized HTML, the address it ended at and the HTTP status of its main document;
    `hidden`, the text of the elements it did not render (a collapsed section)."""

    final_url: str
    http_status: int | None
    text: str
    dom: str
    settled: bool
    challenge: bool = False  # still a bot-challenge page when reading stopped
    hidden: str = ""


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = asyncio.get_running_loop().time() + seconds

    def ms(self) -> float:
        """Milliseconds left (at least 1: Playwright reads 0 as "no timeout")."""
        return max(1.0, (self.end - asyncio.get_running_loop().time()) * 1000)

    def passed(self) -> bool:
        return asyncio.get_running_loop().time() >= self.end


async def load(page: Page, url: str, seconds: float) -> LoadedPage:
    """Load `url` in `page` and read it once it settles or `seconds` have passed.

    Raises NotLoaded when no document arrived at all before the deadline.
    """
    from playwright.async_api import Error

    deadline = _Deadline(seconds)
    navigations = [0]
    page.on("framenavigated", lambda frame: _count(navigations, frame == page.main_frame))
    try:
        response = await page.goto(url, wait_until="commit", timeout=deadline.ms())
    except Error as exc:
        raise NotLoaded(_first_line(str(exc))) from exc
    settled = await _settle(page, deadline, navigations)
    challenge = await _challenge_showing(page)
    text, hidden, dom = await _read(page, deadline)
    status = await _status(page, response)
    return LoadedPage(page.url, status, text, dom, settled, challenge, hidden)


def _count(navigations: list[int], main: bool) -> None:
    if main:
        navigations[0] += 1


async def _settle(page: Page, deadline: _Deadline, navigations: list[int]) -> bool:
    """True once the page is quiet; False when the deadline came first."""
    from playwright.async_api import Error

    while not deadline.passed():
        seen = navigations[0]
        try:
            await page.wait_for_load_state("load", timeout=deadline.ms())
            await page.wait_for_load_state("networkidle", timeout=deadline.ms())
            await asyncio.sleep(min(SETTLE_SECONDS, deadline.ms() / 1000))
            if navigations[0] == seen and not await _challenge_showing(page):
                return True
            if navigations[0] == seen:  # a challenge still working: wait for its navigation
                wait = min(deadline.ms(), CHALLENGE_WAIT * 1000)
                await page.wait_for_event("framenavigated", timeout=wait)
        except Error:
            if await _challenge_showing(page) and navigations[0] == seen:
                return False  # a challenge that does not move on: it is not passing
            continue  # a timeout (the loop ends) or a navigation under our feet (wait again)
    return False


async def _challenge_showing(page: Page) -> bool:
    """True while the page is still a bot-challenge page (its script has not passed)."""
    from playwright.async_api import Error

    try:
        html = str(await page.evaluate("document.documentElement.outerHTML"))
    except Error:
        return True  # navigating: not settled yet
    head = html[:CHALLENGE_WINDOW].lower()  # a challenge page is small and nothing else
    return len(html) < CHALLENGE_PAGE_MAX and any(m.decode() in head for m in CHALLENGE_MARKERS)


async def _read(page: Page, deadline: _Deadline) -> tuple[str, str, str]:
    """(innerText of the body, the text of its unrendered elements, serialized DOM); a
    navigation in between is waited out once."""
    from playwright.async_api import Error

    for _ in range(2):
        try:
            text, hidden = await page.evaluate(f"[{READ_TEXT}, {READ_HIDDEN}]")
            return str(text), str(hidden), await page.content()
        except Error:
            try:
                await page.wait_for_load_state("domcontentloaded", timeout=min(deadline.ms(), 2000))
            except Error:
                pass
    return "", "", ""


async def _status(page: Page, first: Response | None) -> int | None:
    """The HTTP status of the document shown (after any reload), else of the first answer."""
    from playwright.async_api import Error

    try:
        entry = await page.evaluate(
            "(performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0"
        )
    except Error:
        entry = 0
    if isinstance(entry, int) and entry:
        return entry
    return first.status if first is not None else None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "the page did not load"
