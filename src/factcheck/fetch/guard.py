"""The address guard: claim files arrive in pull requests, so CI must not become a way into
the internal network. Loopback, private, link-local (cloud metadata) and every other
non-global address are refused unless the run allows private addresses.

Two ways through, both chosen on the command line, never by a claim file: `--allow-private`
opens everything; `--allow-host HOST:PORT` opens one exact host and port (an intranet wiki,
or the test suite's own server on 127.0.0.1, while a redirect from it to any other loopback
port or to 169.254.169.254 is still refused).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from typing import Any
from urllib.parse import SplitResult, urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_port(parts: SplitResult) -> int | None:
    """The port a split http(s) URL connects to, its scheme's default when it names none."""
    return parts.port or _DEFAULT_PORTS.get(parts.scheme)


class BlockedAddressError(OSError):
    """The host is, or resolves to, an address the guard refuses."""


def address_refusal(address: str) -> str | None:
    """Why `address` (an IP literal) may not be contacted, or None when it is global."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None  # not an IP literal: the resolver checks what the name resolves to
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_global:
        return None
    kind = next(
        (
            name
            for name in (
                "unspecified",
                "loopback",
                "link_local",
                "private",
                "multicast",
                "reserved",
            )
            if getattr(ip, f"is_{name}")
        ),
        "non-global",
    )
    article = "an" if kind.startswith("u") else "a"
    return (
        f"{address} is {article} {kind.replace('_', '-')} address (use --allow-private to allow it)"
    )


def host_allowed(host: str, port: int | None, allow_hosts: Collection[str]) -> bool:
    """True when `host:port` (or the bare host) is on the run's allow-list."""
    return bool(allow_hosts) and (host in allow_hosts or f"{host}:{port}" in allow_hosts)


def refusal_for_url(url: str, allow_private: bool, allow_hosts: Collection[str] = ()) -> str | None:
    """Why the guard refuses `url` before any connection (loopback names, IP literals)."""
    if allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host_allowed(host, url_port(parts), allow_hosts):
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback address (use --allow-private to allow it)"
    return address_refusal(host)


class GuardedResolver(AbstractResolver):
    """Resolves names, then refuses the connection if any address is not global.

    Checking the addresses actually connected to (not a separate lookup) closes the DNS
    rebinding gap between a check and the connection.
    """

    def __init__(self, allow_hosts: Collection[str] = ()) -> None:
        self._inner = ThreadedResolver()
        self._allow_hosts = allow_hosts

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host_allowed(host, port, self._allow_hosts):
            return results
        for result in results:
            refusal = address_refusal(result["host"])
            if refusal:
                raise BlockedAddressError(f"{host} resolves to {refusal}")
        return results

    async def close(self) -> None:
        await self._inner.close()

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - passthrough
        return getattr(self._inner, name)
