"""Extraction gives the text a reader sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.quotes.extract import UnreadableContentError, extract, html_text

PDF = Path(__file__).resolve().parents[2] / "fixtures" / "matcher" / "report.pdf"


def test_inline_elements_do_not_split_words_blocks_and_br_do() -> None:
    page = html_text("<p>a <b>prob</b>lem</p><div>one<br>two</div><ul><li>x</li><li>y</li></ul>")
    assert page.text == "a problem\none\ntwo\nx\ny"


def test_invisible_content_is_dropped_and_scripts_kept_apart() -> None:
    page = html_text(
        "<html><head><title>T &amp; U</title><style>p{}</style></head><body>"
        "<p>seen<!-- did knowingly --></p><script>var q = 'in script';</script>"
        "<template>tpl</template><div hidden>gone</div><span style='display:none'>gone</span>"
        "<input type=hidden value=v><noscript>enable JS</noscript></body></html>"
    )
    assert page.text == "seen"
    assert page.script_text == "var q = 'in script';"
    assert page.title == "T & U"


def test_entities_q_elements_and_footnote_markers() -> None:
    page = html_text('<p>He said <q>yes</q> &ndash; twice<sup><a href="#n1">1</a></sup>.</p>')
    assert page.text == "He said \u201cyes\u201d \u2013 twice."


def test_source_line_breaks_are_spaces_and_uppercase_tags_are_blocks() -> None:
    assert html_text("<P>one\ntwo</P><DIV>three</DIV>").text == "one two\nthree"


def test_pdf_pages_in_order_with_hyphenation_joined() -> None:
    text = extract(PDF.read_bytes(), "application/pdf").text
    assert "implementation of these strategies, and associated policies" in text
    assert 'counter-"extremism"' in text
    assert text.index("wide array of human rights") < text.index("Page two ends here.")


def test_corrupt_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableContentError):
        extract(b"%PDF-1.4 garbage", "application/pdf")


def test_declared_charset_is_used() -> None:
    page = extract("<p>皮山社会面</p>".encode("gb18030"), "text/html", "gbk")
    assert page.text == "皮山社会面"
