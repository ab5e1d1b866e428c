"""Rendering within a run: which citations' pages are rendered, their results joined with
the static ones, and what the render leaves in the snapshot store.

`checking` calls `Renders.checked` for each URL once its static check is done. Online, a page
worth a render (render/when.py) is rendered in the run's browser, holding one of its host's
request slots, and its DOM, text and screenshot are kept (evidence/renders.py); offline, the
latest stored render's text is checked again instead. Imports render, evidence and fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from factcheck.evidence.renders import StoredRender, keep_render, latest_render, stored_texts
from factcheck.evidence.snapshots import Evidence
from factcheck.fetch.client import Fetcher, FetchResult
from factcheck.models import Citation, CitationResult, VerifyOptions
from factcheck.quotes.pagecheck import PageCheck
from factcheck.render.browser import Browser, unavailable
from factcheck.render.page import LoadedPage
from factcheck.render.rendered import RenderedPage, RenderFailure, match_rendered, render
from factcheck.render.when import join, render_reason

Checked = tuple[list[PageCheck], str | None, list[str | None]]


@dataclass
class Renders:
    """The run's renders: which pages are worth one (render/when.py), the browser (started
    on first use), the store, and why none can happen when Chromium or Playwright is
    missing."""

    options: VerifyOptions
    browser: Browser
    fetcher: Fetcher
    evidence: Evidence
    _cannot: str | None = None
    _asked: bool = False

    def cannot(self) -> str | None:
        if not self._asked:
            self._cannot, self._asked = unavailable(self.options), True
        return self._cannot

    async def checked(
        self, url: str, fetched: FetchResult, citations: list[Citation], checks: list[PageCheck]
    ) -> Checked:
        """`checks` joined with the rendered page of `url` when it is worth a render:
        (checks, the screenshot's path or None, a note for each citation's reason or None)."""
        none: list[str | None] = [None] * len(checks)
        if self.options.offline:
            return self._stored(url, citations, checks)
        if render_reason(self.options.render, fetched, checks) is None:
            return checks, None, none
        cannot = self.cannot()
        if cannot:
            return checks, None, [cannot] * len(checks)
        try:
            async with self.fetcher.host_slot(url):
                page = await render(self.browser, url, _quotes(citations))
        except RenderFailure as exc:
            return checks, None, [f"not rendered: {exc}"] * len(checks)
        joined, notes = _joined(citations, checks, page)
        return joined, self._keep(url, page), notes

    def _keep(self, url: str, page: RenderedPage) -> str | None:
        """Keep the render in the store; the screenshot's path (None without a store)."""
        store = self.evidence.store
        if store is None:
            return None
        snapshots = self.evidence.snapshots
        snapshot = snapshots.used.get(url) if snapshots is not None else None
        return str(store.root / keep_render(store, url, snapshot, page).screenshot)

    def _stored(self, url: str, citations: list[Citation], checks: list[PageCheck]) -> Checked:
        """Offline: the latest stored render of `url` checked again (no browser)."""
        store = self.evidence.store
        kept = latest_render(store, url) if store and self.options.render != "never" else None
        if store is None or kept is None:
            return checks, None, [None] * len(checks)
        page = _from_store(kept, *stored_texts(store, kept), _quotes(citations), self.options)
        joined, notes = _joined(citations, checks, page)
        return joined, str(store.root / kept.screenshot), notes


def _quotes(citations: list[Citation]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(q for c in citations for q in c.quotes))


def _joined(
    citations: list[Citation], checks: list[PageCheck], page: RenderedPage
) -> tuple[list[PageCheck], list[str | None]]:
    joined = [join(c.quotes, check, page) for c, check in zip(citations, checks, strict=True)]
    return [check for check, _ in joined], [note for _, note in joined]


def _from_store(
    kept: StoredRender, text: str, hidden: str, quotes: tuple[str, ...], options: VerifyOptions
) -> RenderedPage:
    """A stored render as a RenderedPage: its texts matched again (no DOM, no picture)."""
    final_url = kept.final_url or kept.url
    loaded = LoadedPage(final_url, kept.http_status, text, "", kept.settled, hidden=hidden)
    return RenderedPage(
        kept.url, loaded, match_rendered(loaded, quotes), b"", 0, options.render_timeout
    )


def with_note(result: CitationResult, note: str | None) -> CitationResult:
    """`result` with `note` in brackets after its reason."""
    return replace(result, reason=f"{result.reason} ({note})") if note else result
