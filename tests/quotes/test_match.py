"""Matcher behaviour a fact-checker relies on, one rule per test."""

from __future__ import annotations

from factcheck.models import QuoteStatus
from factcheck.quotes.closest import semi_global, word_diff
from factcheck.quotes.extract import extract
from factcheck.quotes.match import match_quote, prepare_extracted, prepare_page
from factcheck.quotes.pagecheck import check_text

PAGE = prepare_page(
    "Intro.\nA law firm concluded it did not \u201cknowingly or intentionally\u201d abuse "
    "human rights. The \ufb01gures were \ufb01nal. A mountain ranger spoke.\n"
    + "filler " * 3000
    + "\nMany years later, it won a $53m contract. It won a $53m contract."
)


def test_closest_is_the_pages_own_text_even_after_ligatures() -> None:
    result = match_quote("the figures were final", PAGE)
    assert result.status is QuoteStatus.FOUND
    assert result.closest == "The \ufb01gures were \ufb01nal"


def test_repeated_passage_counts_occurrences() -> None:
    assert match_quote("won a $53m contract", PAGE).occurrences == 2


def test_word_boundaries() -> None:
    result = match_quote("a mountain range", PAGE)
    assert result.status is QuoteStatus.ALTERED
    assert result.closest == "A mountain ranger"


def test_removed_negation_is_altered_with_a_diff() -> None:
    result = match_quote('it did "knowingly or intentionally" abuse', PAGE)
    assert result.status is QuoteStatus.ALTERED
    assert result.closest == "it did not \u201cknowingly or intentionally\u201d abuse"
    assert result.diff == "it did {+not+} \u201cknowingly or intentionally\u201d abuse"


def test_changed_number_is_altered() -> None:
    result = match_quote("it won a $35m contract", PAGE)
    assert result.status is QuoteStatus.ALTERED
    assert result.closest == "it won a $53m contract"


def test_some_years_is_not_many_years() -> None:
    result = match_quote("some years later", PAGE)
    assert result.status is QuoteStatus.ALTERED
    assert result.closest == "Many years later"


def test_fragment_url_for_found_quotes() -> None:
    result = match_quote("it won a $53m contract", PAGE, url="https://x.org/p")
    assert result.fragment_url == "https://x.org/p#:~:text=it%20won%20a%20%2453m%20contract"


def test_js_rendered_page_is_missing_with_a_note() -> None:
    page = prepare_page("Loading", '{"body": "He said \\u201cno\\u201d to the deal."}')
    result = match_quote('He said "no" to the deal.', page)
    assert result.status is QuoteStatus.MISSING
    assert result.note is not None and "rendered by JavaScript" in result.note


def test_semi_global_alignment_ignores_stray_words_before_the_passage() -> None:
    page = "the x x x x the cat sat x x".split()
    assert semi_global("the cat sat".split(), page) == (5, 8)


def test_word_diff_shows_both_sides() -> None:
    assert word_diff("a $35m deal", "a $53m deal") == "a $[-35m-] {+53m+} deal"


def test_a_word_one_element_ends_inside_is_one_word_and_two_elements_risk_a_boundary() -> None:
    """README, known limits: `<b>range</b>r` is "ranger" (never "range"), while two elements
    meeting with no space (`<b>range</b><i>r</i>`) may be set apart by a style sheet, so their
    meeting point counts as a word boundary at the quote's ends: the accepted risk."""
    one = extract(b"<html><body><p>the <b>range</b>r said</p></body></html>", "text/html")
    two = extract(b"<html><body><p>the <b>range</b><i>r</i> said</p></body></html>", "text/html")
    assert match_quote("the range", prepare_extracted(one)).status is not QuoteStatus.FOUND
    assert match_quote("the range", prepare_extracted(two)).status is QuoteStatus.FOUND


def test_check_text_matches_quotes_against_a_given_visible_text() -> None:
    """The entry a browser stage uses: innerText in, the same verdicts and notes out."""
    found, altered, hidden = check_text(
        "The plant will close in June, with the loss of 300 jobs.",
        ("close in June with the loss of 300 jobs", "close in June with the loss of 30 jobs",
         "a slide seen after a click"),
        url="https://example.org/p",
        hidden="A slide seen after a click.",
    )  # fmt: skip
    assert (found.status, found.note) == (
        QuoteStatus.FOUND,
        "punctuation differs: ',' on the page, not in the quote",
    )
    assert found.fragment_url is not None and found.fragment_url.startswith(
        "https://example.org/p#"
    )
    assert altered.status is QuoteStatus.ALTERED
    assert (hidden.status, hidden.note) == (QuoteStatus.FOUND, "found in text hidden until shown")


def test_a_quote_all_one_bracketed_passage_is_the_page_own_bracketed_text() -> None:
    page = prepare_page("See [figure 5: the harbour at dawn, 1901] below.")
    assert match_quote("[figure 5: the harbour at dawn, 1901]", page).status is QuoteStatus.FOUND
    other = prepare_page("See figure 5: the harbour at dusk, 1901 below.")
    assert match_quote("[figure 5: the harbour at dawn, 1901]", other).status is not (
        QuoteStatus.FOUND
    )
