"""Bytes to text the way a browser would: header charset, BOM, <meta>, then detection."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)


def decode_body(body: bytes, declared: str | None, sniff_html: bool = False) -> str:
    """Decode `body`: a BOM, the declared (header) charset, a <meta> charset, then detection.

    A BOM comes first, as in browsers (WHATWG Encoding Standard): it cannot be there by
    accident, while a server's default charset header often is wrong. Never raises: bytes
    the chosen charset cannot read become U+FFFD.
    """
    for candidate in (_bom_charset(body), declared, _meta_charset(body) if sniff_html else None):
        if candidate and _known(candidate):
            return body.decode(_browser_alias(candidate), errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return _detect(body)


def _detect(body: bytes) -> str:
    """charset-normalizer's reading, preferring windows-1252 when it reads almost as well:
    detectors confuse it with its Latin neighbours (cp1250, cp1257), and it is what an
    undeclared Western page almost always is (and the browsers' default)."""
    from charset_normalizer import from_bytes

    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return body.decode("utf-8", errors="replace")
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if (
        western is not None
        and western.chaos <= best.chaos + 0.05
        and western.coherence >= best.coherence - 0.05
    ):
        return str(western)
    return str(best)


def _bom_charset(body: bytes) -> str | None:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii") if found else None


def _browser_alias(charset: str) -> str:
    """Browsers read these labels as their supersets (WHATWG Encoding Standard)."""
    name = codecs.lookup(charset).name
    return {
        "gb2312": "gb18030",
        "gbk": "gb18030",
        "latin-1": "cp1252",
        "iso8859-1": "cp1252",
        "ascii": "cp1252",
    }.get(name, name)


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True
