"""The proxies the environment names, as Python's urllib (and curl) read them.

`HTTP_PROXY` / `HTTPS_PROXY` (or their lower-case forms) name the proxy for each scheme,
`NO_PROXY` the hosts reached directly; on macOS and Windows urllib also reads the system's
settings. They are read once per run: aiohttp's own `trust_env` would look them up, and read
~/.netrc, on a thread for every request. Credentials may be written in the proxy URL
(`http://user:password@proxy:3128`). Only http:// proxies are used (for http and https
URLs alike, https through CONNECT), as aiohttp supports them.

The address guard (guard.py) lets the proxies named here through: the environment is set by
whoever runs factcheck, never by a claim file. A URL sent through a proxy is still checked:
its IP literal before any connection, and what its name resolves to here (the proxy
resolves it again; a name that does not resolve here is left to the proxy).
"""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from factcheck.fetch.guard import url_port

SCHEMES = ("http", "https")


class Proxies:
    """The environment's proxy for each scheme, and the hosts reached without one."""

    def __init__(self) -> None:
        found = getproxies()
        self.by_scheme = {
            scheme: found[scheme]
            for scheme in SCHEMES
            if found.get(scheme) and urlsplit(found[scheme]).scheme == "http"
        }
        self._direct: dict[str, bool] = {}

    def for_url(self, url: str) -> str | None:
        """The proxy to send `url` through, or None to connect directly."""
        if not self.by_scheme:  # the common case: no proxy, nothing to parse per request
            return None
        parts = urlsplit(url)
        proxy = self.by_scheme.get(parts.scheme)
        if proxy is None:
            return None
        host = parts.hostname or ""
        if host not in self._direct:
            self._direct[host] = bool(proxy_bypass(host))
        return None if self._direct[host] else proxy

    def addresses(self) -> frozenset[str]:
        """`host:port` of every proxy, for the address guard's allow-list."""
        found = set()
        for proxy in self.by_scheme.values():
            parts = urlsplit(proxy)
            found.add(f"{parts.hostname}:{url_port(parts)}")
        return frozenset(found)


__all__ = ["Proxies"]
