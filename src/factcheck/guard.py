"""The address guard: claim files arrive in pull requests, so CI must not become a way into
the internal network. Loopback, private, link-local (cloud metadata) and every other
non-global address are refused unless the run allows private addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver


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
        (name for name in ("loopback", "link_local", "private", "multicast", "reserved")
         if getattr(ip, f"is_{name}")),
        "non-global",
    )
    return f"{address} is a {kind.replace('_', '-')} address (use --allow-private to allow it)"


class GuardedResolver(AbstractResolver):
    """Resolves names, then refuses the connection if any address is not global.

    Checking the addresses actually connected to (not a separate lookup) closes the DNS
    rebinding gap between a check and the connection.
    """

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            refusal = address_refusal(result["host"])
            if refusal:
                raise BlockedAddressError(f"{host} resolves to {refusal}")
        return results

    async def close(self) -> None:
        await self._inner.close()

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - passthrough
        return getattr(self._inner, name)
