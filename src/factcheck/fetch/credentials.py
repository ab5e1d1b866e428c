"""Secrets in requests: the configuration's per-origin headers and credentials in URLs.

A configuration's headers (a Cookie, a token) go to one origin only: the same scheme, host
and port. A key names it: `www.ft.com` is https://www.ft.com:443 (an https origin's headers
never go over plain http), `www.ft.com:8443` is https on that port, and a full origin
(`http://intranet.example:8080`) names any other. A redirect to another port or scheme of the
same host carries none of them.

`user:password@` in a URL is sent as Basic authorization to that URL only: the address bar
form goes no further than the request for it (a redirect to another origin drops it, as
urljoin does), and a configured Authorization header for the origin wins over it (aiohttp
refuses both at once).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from yarl import URL

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str | URL) -> str | None:
    """`scheme://host:port` of an http(s) URL (the default port spelt out), or None."""
    try:
        parsed = url if isinstance(url, URL) else URL(url)
        scheme, host, port = parsed.scheme, parsed.host, parsed.port
    except (ValueError, UnicodeError):
        return None
    if scheme not in DEFAULT_PORTS or not host or not port:
        return None
    return f"{scheme}://{host}:{port}"


def origin_of_key(key: str) -> str | None:
    """The origin a configuration's headers key names (`host` and `host:port` are https)."""
    return origin_of(key if "://" in key else f"https://{key}")


def origin_headers(host_headers: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The configuration's headers keyed by the origin each key names (keys naming none
    are dropped; the configuration loader refuses them)."""
    found: dict[str, dict[str, str]] = {}
    for key, values in host_headers.items():
        origin = origin_of_key(key)
        if origin is not None:
            found.setdefault(origin, {}).update(values)
    return found


def split_credentials(
    url: str, headers: dict[str, str] | None
) -> tuple[URL | str, dict[str, str] | None]:
    """(the URL to request, the headers to send with it): `user:password@` taken out of the
    URL and sent as Basic authorization, unless `headers` already set an Authorization."""
    if "@" not in url:
        return url, headers
    parsed = URL(url)
    if parsed.user is None and parsed.password is None:
        return url, headers
    bare = parsed.with_user(None)
    if headers and any(name.lower() == "authorization" for name in headers):
        return bare, headers
    pair = f"{parsed.user or ''}:{parsed.password or ''}".encode()
    return bare, {**(headers or {}), "Authorization": f"Basic {base64.b64encode(pair).decode()}"}
