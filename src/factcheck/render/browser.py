"""One headless Chromium per run, driven by Playwright, every request through the guard.

The browser is the system's own Chromium (`--chromium PATH`, `FACTCHECK_CHROMIUM`, else
`chromium` on PATH): nothing is downloaded. It starts on the first render and is reused for
every page (a fresh context each, so no cookie crosses from one page to the next). Its only
way out is factcheck's guarded proxy (`fetch.browser_proxy`): loopback is not bypassed, host
names are resolved by the proxy, UDP (WebRTC, QUIC) is off. A browser that crashes is started
again once; after a second crash `render` raises `BrowserGone` and the run keeps its static
verdicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from factcheck.fetch.browser_proxy import GuardedProxy
from factcheck.models import VerifyOptions

if TYPE_CHECKING:
    from playwright.async_api import Browser as PlaywrightBrowser
    from playwright.async_api import BrowserContext, Playwright

INSTALL_CHROMIUM = "rendering needs chromium: apt-get install chromium"
INSTALL_PLAYWRIGHT = "rendering needs playwright: pip install 'factcheck[render]'"
VIEWPORT = {"width": 1280, "height": 800}
# What the machine's sandbox and a closed network need, and what keeps the browser's only
# way out the proxy: no loopback bypass, no UDP (WebRTC, QUIC), no name resolution of its own.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--dns-prefetch-disable",
    "--proxy-bypass-list=<-loopback>",
    "--force-webrtc-ip-handling-policy",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
)
MAX_RESTARTS = 1
CRASHED_AGAIN = "the browser crashed again after a restart: static verdict kept"


class BrowserGone(Exception):
    """The browser crashed again after its one restart: render no more in this run."""


def find_chromium(given: str | None = None) -> str | None:
    """The Chromium to run: `given`, else $FACTCHECK_CHROMIUM, else chromium on PATH."""
    named = given or os.environ.get("FACTCHECK_CHROMIUM")
    if named:
        return shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_chromium(given: str | None) -> str:
    """Why no Chromium was found: the path named (--chromium, $FACTCHECK_CHROMIUM) when one
    was, else what to install."""
    named = given or os.environ.get("FACTCHECK_CHROMIUM")
    if not named:
        return INSTALL_CHROMIUM
    where = "--chromium" if given else "$FACTCHECK_CHROMIUM"
    return f"{where} {named}: no such program (or not executable); {INSTALL_CHROMIUM}"


def unavailable(options: VerifyOptions) -> str | None:
    """Why this run cannot render (what to install), or None when it can."""
    if find_chromium(options.chromium) is None:
        return missing_chromium(options.chromium)
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return INSTALL_PLAYWRIGHT
    return None


class Browser:
    """The run's Chromium: `async with Browser(options) as browser:` then
    `async with browser.context() as context:` per page. Starts on first use, at most
    `options.render_concurrency` pages at once; closing stops the browser and the proxy."""

    def __init__(self, options: VerifyOptions) -> None:
        self.options = options
        self.proxy = GuardedProxy(options.allow_private, options.allow_hosts)
        self.crashes = 0
        self._slots = asyncio.Semaphore(max(1, options.render_concurrency))
        self._start_lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._proxy_open = False

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def context(self) -> AsyncIterator[BrowserContext]:
        """A fresh browser context (one render slot held). Raises BrowserGone once the
        browser has crashed more often than it may be restarted; Playwright's errors pass."""
        async with self._slots:
            browser = await self._running()
            context = await browser.new_context(
                viewport=VIEWPORT,  # type: ignore[arg-type]
                service_workers="block",
                accept_downloads=False,
                user_agent=self.options.user_agent or None,
                # --header and [headers."*"]: every request, as the fetcher sends them
                extra_http_headers=self.options.headers or None,
            )
            try:
                yield context
            finally:
                with contextlib.suppress(Exception):
                    await context.close()

    async def lost(self) -> bool:
        """After a page failed: True when the browser is gone (the crash is counted once,
        and the next page starts it again while restarts are left)."""
        for _ in range(10):  # the driver reports a dead browser a moment after the error
            if self._browser is None:
                return True
            if not self._browser.is_connected():
                self._count_crash()
                return True
            await asyncio.sleep(0.1)
        return False

    def _count_crash(self) -> None:
        self.crashes += 1
        self._browser = None

    async def _running(self) -> PlaywrightBrowser:
        async with self._start_lock:
            if self._browser is not None and not self._browser.is_connected():
                self._count_crash()
            if self.crashes > MAX_RESTARTS:
                raise BrowserGone(CRASHED_AGAIN)
            if self._browser is None:
                self._browser = await self._launch()
            return self._browser

    async def _launch(self) -> PlaywrightBrowser:
        from playwright.async_api import async_playwright

        if not self._proxy_open:
            await self.proxy.__aenter__()
            self._proxy_open = True
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        executable = find_chromium(self.options.chromium)
        if executable is None:
            raise BrowserGone(missing_chromium(self.options.chromium))
        return await self._playwright.chromium.launch(
            executable_path=executable,
            args=[*FLAGS, f"--proxy-server=http://{self.proxy.address}"],
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )

    def process_ids(self) -> list[int]:
        """The PIDs of the browser's process tree (for the benchmark and the tests): the
        process started with this run's proxy flag and its descendants (Linux /proc)."""
        if not self._proxy_open:
            return []
        return process_tree(f"--proxy-server=http://{self.proxy.address}")

    async def close(self) -> None:
        """Stop the browser, Playwright's driver and the proxy; never raises."""
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 10)
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._playwright.stop(), 10)
            self._playwright = None
        if self._proxy_open:
            await self.proxy.__aexit__(None, None, None)
            self._proxy_open = False


def process_tree(flag: str) -> list[int]:
    """PIDs of the processes whose command line holds `flag`, and of all their descendants."""
    parents: dict[int, int] = {}
    roots = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                parents[int(entry.name)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                if flag.encode() in cmdline.read().split(b"\0"):
                    roots.append(int(entry.name))
    tree = set(roots)
    grown = True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sorted(tree)
