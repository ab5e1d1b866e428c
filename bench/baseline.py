"""A floor for Python: fetch every link with bare aiohttp and look for the page's sentence.

No claim file, no report, no evidence: the least a Python checker of quotes must do
(download every page in full). Reads the runner's `links.md`; exits 0 when every page
answered 200 and held its sentence, 1 otherwise, and prints `<ok> <total>` on stdout.

    python bench/baseline.py links.md --concurrency 128 --per-host 10

`--quotes` looks for the sentence with factcheck's own quote check
(`pagecheck.check_page`: the decoded source searched word for word, the markup read up to
the copy) instead of a search of the raw bytes. `--processes N` splits the links by host
between N forked processes (factcheck's workers do the same), each with 1/N of the global
limit. With both, it is the floor of factcheck's design: a run without the claim file, the
evidence, the bookkeeping and the report.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from pages import sentence

_LINK = re.compile(r"\((http://[^)]+/page/(\d+))\)")

Check = Callable[[str, int, bytes, str], bool]


def raw_bytes(url: str, page_id: int, body: bytes, content_type: str) -> bool:
    return sentence(page_id).encode() in body


def quote_check() -> Check:
    """factcheck's quote check of one page (imported here: only `--quotes` pays for it)."""
    from factcheck.fetch.client import FetchOutcome, FetchResult
    from factcheck.models import QuoteStatus
    from factcheck.quotes.pagecheck import check_page

    def check(url: str, page_id: int, body: bytes, content_type: str) -> bool:
        media_type, _, params = content_type.partition(";")
        charset = params.partition("charset=")[2].strip() or None
        fetched = FetchResult(
            url, FetchOutcome.OK, "ok", http_status=200, final_url=url, body=body,
            media_type=media_type.strip(), charset=charset,
        )  # fmt: skip
        (page,) = check_page(fetched, [(sentence(page_id),)])
        return [q.status for q in page.quotes] == [QuoteStatus.FOUND]

    return check


async def check_all(
    links: list[tuple[str, int]], concurrency: int, per_host: int, check: Check
) -> int:
    """The number of links that answered 200 with their sentence on the page.

    The limits are semaphores held before asking the connector: left to queue 2,000
    requests itself, aiohttp's connector spends ~0.6 s of CPU on its waiters (1.8 s vs 1.15 s).
    """
    in_flight = asyncio.Semaphore(concurrency)
    per_host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(per_host)
    )
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=per_host)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def limited(url: str, page_id: int) -> bool:
            async with per_host_slots[urlsplit(url).netloc], in_flight:
                async with session.get(url) as response:
                    body = await response.read()
                return response.status == 200 and check(
                    url, page_id, body, response.headers.get("content-type", "")
                )

        results = await asyncio.gather(*(limited(url, i) for url, i in links))
    return sum(results)


def split_by_host(links: list[tuple[str, int]], parts: int) -> list[list[tuple[str, int]]]:
    """The links in `parts` shares, each host's links all in one share (hosts dealt in turn)."""
    hosts = sorted({urlsplit(url).netloc for url, _ in links})
    share = {host: n % parts for n, host in enumerate(hosts)}
    shares: list[list[tuple[str, int]]] = [[] for _ in range(parts)]
    for url, page_id in links:
        shares[share[urlsplit(url).netloc]].append((url, page_id))
    return shares


def in_processes(
    links: list[tuple[str, int]], processes: int, concurrency: int, per_host: int, check: Check
) -> int:
    """check_all over `processes` forked processes, one share of the hosts each."""
    shares = split_by_host(links, processes)
    limit = max(1, concurrency // processes)
    children = []
    for share in shares[1:]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its share, then its count on the pipe
            os.close(read)
            ok = asyncio.run(check_all(share, limit, per_host, check))
            os.write(write, str(ok).encode())
            os._exit(0)
        os.close(write)
        children.append((pid, read))
    ok = asyncio.run(check_all(shares[0], limit, per_host, check))
    for pid, read in children:
        with os.fdopen(read, "rb") as pipe:
            ok += int(pipe.read() or 0)
        os.waitpid(pid, 0)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("links", type=Path)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument("--quotes", action="store_true", help="factcheck's quote check")
    parser.add_argument("--processes", type=int, default=1, help="split by host (fork)")
    args = parser.parse_args(argv)
    text = args.links.read_text(encoding="utf-8")
    links = [(url, int(page_id)) for url, page_id in _LINK.findall(text)]
    check = quote_check() if args.quotes else raw_bytes
    if args.processes > 1:
        ok = in_processes(links, args.processes, args.concurrency, args.per_host, check)
    else:
        ok = asyncio.run(check_all(links, args.concurrency, args.per_host, check))
    print(ok, len(links))
    return 0 if ok == len(links) else 1


if __name__ == "__main__":
    sys.exit(main())
