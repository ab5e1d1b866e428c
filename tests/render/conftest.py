"""Rendering tests: the fixture pages of fixtures/render/ served on 127.0.0.1, a secret
internal service that counts its hits, and one browser loop shared by the session.

Skipped only when no chromium is installed; CI installs Debian's, so they run for real there.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from factcheck.demo.server import serve, serve_app
from factcheck.render.browser import find_chromium
from tests.conftest import FIXTURES
from tests.render_site import secret_site

T = TypeVar("T")

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="session")
def pages() -> Iterator[str]:
    """Base URL of fixtures/render/ (with the demo server's special routes)."""
    with serve(FIXTURES / "render") as base:
        yield base


@pytest.fixture(scope="session")
def secret() -> Iterator[tuple[str, Counter[str]]]:
    """(base URL, hits by way in) of an internal service no rendered page may reach."""
    hits: Counter[str] = Counter()
    with serve_app(secret_site(hits)) as base:
        yield base, hits


class Loop:
    """An event loop in a thread, for the browser objects a whole test session shares."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="session")
def browser_loop() -> Iterator[Loop]:
    loop = Loop()
    yield loop
    loop.stop()


@pytest.fixture(scope="session")
def challenge() -> Iterator[str]:
    """Base URL of the JavaScript-challenge site (`/article`)."""
    from tests.render_site import challenge_site

    with serve_app(challenge_site()) as base:
        yield base


Seen = list[tuple[str, str, dict[str, str]]]


@pytest.fixture(scope="session")
def members() -> Iterator[tuple[str, str, Seen]]:
    """(base URL of the members' site, base URL of another origin, the requests both got
    as (host, path, headers)): two `header_site`s, each loading an image from the other."""
    from tests.render_site import header_site

    seen: Seen = []
    first: list[str] = []
    second: list[str] = []
    with serve_app(header_site(seen, second)) as one, serve_app(header_site(seen, first)) as two:
        first.append(one)
        second.append(two)
        yield one, two, seen
