"""The address guard holds inside the browser: a rendered page's script, frame, image and
redirect towards another port of 127.0.0.1 never reach it (the internal service counts its
hits), while the page's own host, allowed by --allow-host, is served through the proxy."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote, urlsplit

from factcheck.models import VerifyOptions
from factcheck.render.browser import Browser
from tests.render.conftest import Loop, needs_chromium

pytestmark = needs_chromium


async def visit(options: VerifyOptions, *urls: str) -> Browser:
    """Load each URL in the run's browser and wait for its requests to end."""
    async with Browser(options) as browser, browser.context() as context:
        for url in urls:
            page = await context.new_page()
            await page.goto(url, wait_until="load", timeout=20_000)
            await page.wait_for_load_state("networkidle", timeout=20_000)
    return browser


def spy_urls(pages: str, secret: str) -> tuple[str, str]:
    port = urlsplit(secret).port
    return (
        f"{pages}/spy.html?secret={quote(secret)}",
        f"{pages}/redirect/to/loopback?port={port}&path={quote('secret?via=redirect')}",
    )


def test_a_page_never_reaches_another_loopback_port(
    browser_loop: Loop, pages: str, secret: tuple[str, Counter[str]]
) -> None:
    base, hits = secret
    hits.clear()
    options = VerifyOptions(allow_hosts=frozenset({urlsplit(pages).netloc}))
    browser = browser_loop.run(visit(options, *spy_urls(pages, base)))
    assert sum(hits.values()) == 0, hits
    assert browser.proxy.requests >= 2  # the allowed pages themselves came through it
    port = urlsplit(base).port
    refused = [r for r in browser.proxy.refused if f"127.0.0.1:{port}" in r]
    assert len(refused) >= 4, browser.proxy.refused
    assert "loopback address" in refused[0]


def test_the_same_pages_reach_it_when_it_is_allowed(
    browser_loop: Loop, pages: str, secret: tuple[str, Counter[str]]
) -> None:
    """The control: the counter does count what a page reaches."""
    base, hits = secret
    hits.clear()
    allowed = frozenset({urlsplit(pages).netloc, urlsplit(base).netloc})
    browser_loop.run(visit(VerifyOptions(allow_hosts=allowed), *spy_urls(pages, base)))
    assert {way: hits[way] > 0 for way in ("fetch", "iframe", "img", "redirect")} == {
        "fetch": True,
        "iframe": True,
        "img": True,
        "redirect": True,
    }
