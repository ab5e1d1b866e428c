"""Write N benchmark citations as a factcheck claims file and as a Markdown link list.

Citation `i` points at page `i` on host `i mod H` (round-robin over the server's hosts) and
quotes that page's unique sentence, so a correct checker finds every quote.

    python bench/generate.py --n 2000 --hosts 20 --port 8080 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pages import sentence
from server import host_addresses


def page_urls(n: int, hosts: int, port: int) -> list[str]:
    """The N page URLs, round-robin over the hosts."""
    addresses = host_addresses(hosts)
    return [f"http://{addresses[i % hosts]}:{port}/page/{i}" for i in range(n)]


def claims_yaml(urls: list[str]) -> str:
    """A claims file: one claim per page, citing it with the page's sentence as the quote."""
    lines = ["title: bench", "claims:"]
    for i, url in enumerate(urls):
        # A JSON string is a valid YAML double-quoted scalar.
        lines += [
            f"  - id: page-{i}",
            f"    claim: page {i} says its sentence",
            "    citations:",
            f"      - url: {url}",
            f"        quote: {json.dumps(sentence(i))}",
        ]
    return "\n".join(lines) + "\n"


def links_markdown(urls: list[str]) -> str:
    """The same URLs as a Markdown list, one link per line, for lychee."""
    return "# bench\n\n" + "".join(f"- [page {i}]({url})\n" for i, url in enumerate(urls))


def write(n: int, hosts: int, port: int, out: Path) -> tuple[Path, Path]:
    """Write `claims.yaml` and `links.md` into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    urls = page_urls(n, hosts, port)
    claims, links = out / "claims.yaml", out / "links.md"
    claims.write_text(claims_yaml(urls), encoding="utf-8")
    links.write_text(links_markdown(urls), encoding="utf-8")
    return claims, links


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    for path in write(args.n, args.hosts, args.port, args.out):
        print(path)


if __name__ == "__main__":
    main()
