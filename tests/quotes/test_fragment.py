"""Text-fragment links follow the WICG rules."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from factcheck.quotes.fragment import _encode, fragment_url


def test_short_passage_is_one_term_with_reserved_characters_encoded() -> None:
    url = fragment_url("https://x.org/a", ["Richard-Pierre, a lawyer & more"])
    assert url == "https://x.org/a#:~:text=Richard%2DPierre%2C%20a%20lawyer%20%26%20more"


def test_long_passage_uses_start_and_end_within_blocks() -> None:
    url = fragment_url("https://x.org/a#top", ["one two three four five\nsix seven eight nine ten"])
    assert url == "https://x.org/a#top:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"


def test_existing_text_directive_is_replaced() -> None:
    url = fragment_url("https://x.org/a#:~:text=old", ["new words"])
    assert url == "https://x.org/a#:~:text=new%20words"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_terms_are_percent_encoded_as_urllib_does_with_hyphens_too(term: str) -> None:
    assume(not any("\ud800" <= char <= "\udfff" for char in term))  # not encodable
    assert _encode(term) == quote(term, safe="").replace("-", "%2D")
