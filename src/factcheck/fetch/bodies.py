"""Reading a response body with a cap counted after decompression.

A 16 KiB brotli chunk can expand to gigabytes, so the body is read raw (aiohttp's own
decompression is off) and decompressed here with an output limit on every call: memory stays
within the cap (plus one chunk) whatever the server sends.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli

from factcheck.fetch.outcomes import Answer


class BodyTooLarge(Exception):
    """The body, decompressed, is larger than the cap."""


class BadEncoding(Exception):
    """The body cannot be decoded with its Content-Encoding (or the encoding is unknown)."""


class _Decoder(Protocol):
    def decode(self, data: bytes, room: int) -> bytes:
        """Decompress `data`, returning at most about `room` bytes."""


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data


class _Zlib:
    """gzip, and deflate with or without its zlib wrapper (both are sent as "deflate")."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inner = zlib.decompressobj(wbits)
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        try:
            out = self._inner.decompress(data, room)
        except zlib.error:
            if self._started or self._wbits != zlib.MAX_WBITS:
                raise
            self._wbits = -zlib.MAX_WBITS  # raw deflate, as some servers send it
            self._inner = zlib.decompressobj(self._wbits)
            out = self._inner.decompress(data, room)
        self._started = True
        return out


class _Brotli:
    def __init__(self) -> None:
        self._inner = brotli.Decompressor()

    def decode(self, data: bytes, room: int) -> bytes:
        out: bytes = self._inner.process(data, output_buffer_limit=room)
        return out


def _decoder(content_encoding: str | None) -> _Decoder:
    name = (content_encoding or "identity").strip().lower()
    if name in ("identity", ""):
        return _Identity()
    if name in ("gzip", "x-gzip"):
        return _Zlib(zlib.MAX_WBITS | 16)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    if name == "br":
        return _Brotli()
    raise BadEncoding(f"unsupported content encoding {content_encoding!r}")


async def read_body(answer: Answer, max_bytes: int) -> bytes:
    """The decompressed body of `answer`.

    Raises BodyTooLarge as soon as more than `max_bytes` would be held, and BadEncoding for an
    unknown or corrupt Content-Encoding; never holds more than `max_bytes` plus one chunk.
    """
    encoding = answer.headers.get("content-encoding")
    decoder = _decoder(encoding)
    declared = answer.headers.get("content-length", "")
    if encoding is None and declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in answer.body:
            piece = decoder.decode(chunk, max_bytes - size + 1)
            size += len(piece)
            if size > max_bytes:
                raise BodyTooLarge
            chunks.append(piece)
    except (zlib.error, brotli.error) as exc:
        raise BadEncoding(f"the {encoding} body cannot be decompressed ({exc})") from None
    return b"".join(chunks)
