"""The address guard: claim files arrive in pull requests, so CI must not become a way into
the internal network. Loopback, private, link-local (cloud metadata), multicast and every
other non-global address are refused unless the run allows private addresses, and so is an
IPv6 address that carries a refused IPv4 one (NAT64, 6to4, IPv4-compatible, -mapped and
-translated forms).

It judges the address that will really be connected to, not a spelling of it:

1. `Guard.check_url` parses a URL exactly as the HTTP client will (yarl, with its IDNA
   mapping: `１２７.０.０.１` and `127。0。0。1` are 127.0.0.1) and refuses IP literals, the
   legacy IPv4 spellings the C library accepts (`127.1`, `2130706433`, `0x7f.1`) and
   `localhost` names before any connection.
2. `GuardedResolver` refuses a name when any address it resolves to is refused.
3. `GuardedConnector` checks every address a new connection is about to use, and the peer
   it reached, as the last line of defence (it catches what a bypass of 1 and 2 would let
   through, e.g. a literal aiohttp does not send to the resolver).

Two ways through, both chosen on the command line, never by a claim or configuration file:
`--allow-private` opens everything; `--allow-host HOST:PORT` opens one exact host and port
(an intranet wiki, or the test suite's own server on 127.0.0.1, while a redirect from it to
any other loopback port or to 169.254.169.254 is still refused).

Public API for every component that makes requests (the fetcher, the probe, a browser's
proxy): `Guard(allow_private, allow_hosts)` with `check_url(url) -> Target`,
`await allowed_address(host, port) -> str`, `check_peer(host, port, address)`,
`resolver()` and `connector(**kwargs)`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEMES = frozenset(_DEFAULT_PORTS)
_HINT = "(use --allow-private to allow it)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 ranges whose low 32 bits name an IPv4 address that is what is really reached
_CARRY_IPV4 = tuple(
    ipaddress.IPv6Network(net)
    for net in ("64:ff9b::/96", "64:ff9b:1::/48", "::ffff:0:0/96", "::ffff:0:0:0/96", "::/96")
)


class BlockedAddressError(OSError):
    """The host is, or resolves to, an address the guard refuses."""


class InvalidURLError(ValueError):
    """A URL the HTTP client cannot send: no host, a port out of range, a bad name."""


@dataclass(frozen=True)
class Target:
    """Where a URL connects: its scheme, its host as the client spells it, and its port."""

    scheme: str
    host: str
    port: int


def url_port(parts: Any) -> int | None:
    """The port a split http(s) URL connects to, its scheme's default when it names none."""
    return parts.port or _DEFAULT_PORTS.get(parts.scheme)


def parse_target(url: str | URL) -> Target:
    """The scheme, host and port the HTTP client will connect to for `url`.

    Raises InvalidURLError for what it cannot send (not http(s), no host, a port that is
    not a number from 1 to 65535, a name IDNA refuses)."""
    try:
        parsed = url if isinstance(url, URL) else URL(url)
        host, port = parsed.host, parsed.port
    except (ValueError, UnicodeError) as exc:
        raise InvalidURLError(_plain_reason(exc)) from None
    if parsed.scheme not in _SCHEMES:
        raise InvalidURLError(f"unsupported scheme {parsed.scheme!r}")
    if not host:
        raise InvalidURLError("no host")
    if not port:
        raise InvalidURLError("port 0")
    return Target(parsed.scheme, host, port)


def _plain_reason(exc: BaseException) -> str:
    text = str(exc).split("(", 1)[0].strip().removeprefix("Invalid URL: ")
    text = text or type(exc).__name__
    return text[0].lower() + text[1:]


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (6to4, NAT64, mapped, compatible), if any."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if int(ip) > 1 and any(ip in net for net in _CARRY_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip: IPAddress) -> str | None:
    """What kind of refused address `ip` is, or None when it may be contacted."""
    if isinstance(ip, ipaddress.IPv6Address):
        carried = _carried_ipv4(ip)
        if carried is not None:
            return _kind(carried)
    names = ("unspecified", "loopback", "link_local", "private", "multicast", "reserved")
    if ip.is_global and not ip.is_multicast:
        return None
    found = next((name for name in names if getattr(ip, f"is_{name}")), "non-global")
    return found.replace("_", "-")


def parse_address(host: str) -> IPAddress | None:
    """`host` as an IP address, when it is one in any spelling a C library accepts
    (`127.1`, `2130706433`, `0x7f.1` are 127.0.0.1), else None (a name)."""
    bare = host.strip("[]").split("%", 1)[0].rstrip(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not bare or not all(c in "0123456789abcdefxABCDEFX." for c in bare):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def address_refusal(address: str) -> str | None:
    """Why `address` (an IP literal) may not be contacted, or None when it is global or
    not an IP literal (a name is judged by what it resolves to)."""
    ip = parse_address(address)
    if ip is None:
        return None
    kind = _kind(ip)
    if kind is None:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    carried = _carried_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    inside = f" (it carries {carried})" if carried is not None else ""
    return f"{address} is {article} {kind} address{inside} {_HINT}"


def host_allowed(host: str, port: int | None, allow_hosts: Collection[str]) -> bool:
    """True when `host:port` (or the bare host) is on the run's allow-list."""
    if not allow_hosts:
        return False
    host = host.lower()
    bracketed = f"[{host}]" if ":" in host else host
    return any(name in allow_hosts for name in (host, f"{host}:{port}", f"{bracketed}:{port}"))


def host_refusal(host: str) -> str | None:
    """Why `host` (as the client spells it) is refused before any lookup, or None."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is a loopback address {_HINT}"
    return address_refusal(host)


class Guard:
    """Decides every request of a run: which URLs, names and peers may be contacted."""

    def __init__(self, allow_private: bool = False, allow_hosts: Collection[str] = ()) -> None:
        self.allow_private = allow_private
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)

    def allows(self, host: str, port: int | None) -> bool:
        """True when the run lets `host:port` through whatever it resolves to."""
        return self.allow_private or host_allowed(host, port, self.allow_hosts)

    def check_url(self, url: str | URL) -> Target:
        """The target of `url` when it may be fetched. Raises InvalidURLError for a URL the
        client cannot send, BlockedAddressError for a refused host (before any lookup)."""
        target = parse_target(url)
        if not self.allows(target.host, target.port):
            refusal = host_refusal(target.host)
            if refusal:
                raise BlockedAddressError(refusal)
        return target

    def check_peer(self, host: str, port: int | None, address: str) -> None:
        """Raise BlockedAddressError when a connection for `host:port` would reach (or
        reached) `address`, a refused one."""
        if self.allows(host, port):
            return
        refusal = address_refusal(address)
        if refusal:
            shown = "" if parse_address(host) == parse_address(address) else f"{host} resolves to "
            raise BlockedAddressError(f"{shown}{refusal}")

    async def allowed_address(self, host: str, port: int) -> str:
        """The address to connect to for `host:port`: the first one it resolves to, every
        one of them checked. Raises BlockedAddressError (refused) or OSError (no address)."""
        results = await self.resolver().resolve(host, port, socket.AF_UNSPEC)
        return results[0]["host"]

    def resolver(self) -> GuardedResolver:
        """A resolver for aiohttp that refuses names resolving to a refused address."""
        return GuardedResolver(self)

    def connector(self, **kwargs: Any) -> GuardedConnector:
        """An aiohttp connector checking every new connection's address (kwargs as for
        aiohttp.TCPConnector)."""
        return GuardedConnector(self, resolver=self.resolver(), **kwargs)


def refusal_for_url(url: str, allow_private: bool, allow_hosts: Collection[str] = ()) -> str | None:
    """Why `url` may not be fetched before any connection (an invalid URL, a refused
    address or name), or None: `Guard.check_url` as a sentence."""
    try:
        Guard(allow_private, allow_hosts).check_url(url)
    except InvalidURLError as exc:
        return f"invalid URL: {exc}"
    except BlockedAddressError as exc:
        return str(exc)
    return None


class GuardedResolver(AbstractResolver):
    """Resolves names, then refuses the connection if any address is refused.

    Checking the addresses actually connected to (not a separate lookup) closes the DNS
    rebinding gap between a check and the connection.
    """

    def __init__(self, guard: Guard | Collection[str] = ()) -> None:
        self._inner = ThreadedResolver()
        self._guard = guard if isinstance(guard, Guard) else Guard(False, guard)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            self._guard.check_peer(host, port, result["host"])
        return results

    async def close(self) -> None:
        await self._inner.close()

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - passthrough
        return getattr(self._inner, name)


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's connector, checking each address before connecting and the peer after.

    aiohttp sends what it takes for an IP literal straight to the socket, without the
    resolver: this is the one place every connection passes (to a proxy as well, whose
    address the run's allow-list names).
    """

    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._guard = guard

    async def _wrap_create_connection(
        self, *args: Any, addr_infos: list[Any], req: Any, **kwargs: Any
    ) -> tuple[Any, Any]:
        host, port = req.url.host or "", req.url.port
        for info in addr_infos:
            self._guard.check_peer(host, port, info[4][0])
        transport, protocol = await super()._wrap_create_connection(
            *args, addr_infos=addr_infos, req=req, **kwargs
        )
        peer = transport.get_extra_info("peername")
        try:
            self._guard.check_peer(host, port, str(peer[0]) if peer else "")
        except BlockedAddressError:
            transport.close()
            raise
        return transport, protocol


__all__ = [
    "BlockedAddressError",
    "Guard",
    "GuardedConnector",
    "GuardedResolver",
    "InvalidURLError",
    "Target",
    "address_refusal",
    "host_allowed",
    "parse_target",
    "refusal_for_url",
    "url_port",
]
