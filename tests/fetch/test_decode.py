"""Text decoding of real pages, served by the fixture site without a charset header."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.fetch.decode import decode_body
from tests.fetch.test_fetch import check, citation, fetch


def test_gbk_page_with_only_a_meta_charset_yields_the_chinese_text(site: str) -> None:
    result = fetch(f"{site}/enc/gbk-meta.html")
    assert (result.media_type, result.charset) == ("text/html", None)
    text = decode_body(result.body, result.charset, sniff_html=True)
    assert "海康威视中标皮山县“皮山社会面防控体系PPP”项目" in text


def test_gbk_quote_is_found_end_to_end(claims_file: Any) -> None:
    run = check(
        claims_file,
        "http://fixtures.test/enc/gbk-meta.html",
        quote="该项目包括在清真寺安装人脸识别摄像头",
    )
    assert (run.code, citation(run)["status"]) == (0, "ok")


def test_undeclared_windows_1252_page(site: str) -> None:
    body = fetch(f"{site}/enc/cp1252.html").body
    text = decode_body(body, None, sniff_html=True)
    assert "\u201cWe will not renegotiate the contract\u201d \u2013 a d\u00e9j\u00e0 vu" in text


def test_undeclared_utf8_page(claims_file: Any) -> None:
    run = check(
        claims_file,
        "http://fixtures.test/enc/utf8.html",
        quote="Die Straße führt über die Brücke nach München",
    )
    assert (run.code, citation(run)["status"]) == (0, "ok")


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("caf\u00e9".encode("cp1252"), "iso-8859-1", "caf\u00e9"),  # latin-1 label reads as cp1252
        (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d"),
        ("\ufeffcaf\u00e9".encode(), "iso-8859-1", "caf\u00e9"),  # a BOM beats the header
        ('<meta charset="gb2312">中文'.encode("gb18030"), None, "中文"),
        ("中文".encode("utf-16"), None, "中文"),
    ],
)
def test_charset_precedence(body: bytes, declared: str | None, expected: str) -> None:
    assert decode_body(body, declared, sniff_html=True).endswith(expected)


def test_unknown_declared_charset_falls_back_to_sniffing() -> None:
    assert decode_body("grüße".encode(), "x-no-such-charset") == "grüße"
