"""One page rendered: the screenshot is a PNG of the viewport scrolled to the first passage
found, which is highlighted; a crashed browser is started again once, then given up."""

from __future__ import annotations

import contextlib
import io
import os
import signal
from urllib.parse import urlsplit

import pytest
from PIL import Image

from factcheck.models import VerifyOptions
from factcheck.render.browser import VIEWPORT, Browser
from factcheck.render.rendered import HIGHLIGHT_COLOUR, RenderedPage, RenderFailure, render
from tests.render.conftest import Loop, needs_chromium

pytestmark = needs_chromium

LOCKS = "every lock on the canal had been repaired by June"


def options(pages: str) -> VerifyOptions:
    return VerifyOptions(allow_hosts=frozenset({urlsplit(pages).netloc}), render_timeout=10)


async def render_with(options: VerifyOptions, url: str, *quotes: str) -> RenderedPage:
    async with Browser(options) as browser:
        return await render(browser, url, quotes)


def highlighted_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(count for count, colour in colours if colour == HIGHLIGHT_COLOUR)


def test_the_screenshot_shows_the_passage_highlighted(browser_loop: Loop, pages: str) -> None:
    page = browser_loop.run(render_with(options(pages), f"{pages}/long.html", LOCKS))
    assert page.quotes[LOCKS].status.value == "found"
    image = Image.open(io.BytesIO(page.screenshot))
    assert (image.format, image.size) == ("PNG", (VIEWPORT["width"], VIEWPORT["height"]))
    assert page.highlighted == 1
    # The passage is 50 paragraphs down: its yellow is in the picture only if it scrolled.
    assert highlighted_pixels(page.screenshot) > 2000
    assert "<mark" not in page.loaded.dom  # the DOM kept is the page's own, before marking


def test_nothing_is_highlighted_when_no_quote_is_found(browser_loop: Loop, pages: str) -> None:
    page = browser_loop.run(render_with(options(pages), f"{pages}/long.html", "not on it"))
    assert page.highlighted == 0
    assert highlighted_pixels(page.screenshot) == 0


async def render_through_crashes(options: VerifyOptions, url: str) -> list[str]:
    """Render `url` three times, killing the browser before the second and third."""
    outcomes = []
    async with Browser(options) as browser:
        for attempt in range(3):
            if attempt:
                for pid in browser.process_ids():
                    with contextlib.suppress(ProcessLookupError):  # gone with its parent
                        os.kill(pid, signal.SIGKILL)
            try:
                page = await render(browser, url, (LOCKS,))
                outcomes.append(page.quotes[LOCKS].status.value)
            except RenderFailure as exc:
                outcomes.append(str(exc))
    return outcomes


def test_a_crashed_browser_is_started_again_once(browser_loop: Loop, pages: str) -> None:
    outcomes = browser_loop.run(render_through_crashes(options(pages), f"{pages}/long.html"))
    assert outcomes[:2] == ["found", "found"]
    assert outcomes[2] == "the browser crashed again after a restart: static verdict kept"


@pytest.mark.parametrize("name", ["article-js.html"])
def test_text_built_by_scripts_is_read(browser_loop: Loop, pages: str, name: str) -> None:
    page = browser_loop.run(render_with(options(pages), f"{pages}/{name}", "twelve sites"))
    assert page.loaded.settled and page.loaded.http_status == 200
    assert page.loaded.text.startswith("Harbour authority publishes its annual water report\n")
