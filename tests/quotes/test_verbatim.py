"""The cheap path: a quote found word for word in the page source.

It may only ever say "found", and only where the full path (parse, extract, normalise) says
found too, with the same passage and link: these tests hold it to that on the matcher corpus,
on hand-made traps (comments, scripts, hidden elements, attributes, words cut by a tag) and on
generated pages.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.models import QuoteResult, QuoteStatus
from factcheck.quotes.extract import extract
from factcheck.quotes.match import found_verbatim, match_quote, prepare_extracted
from factcheck.quotes.normalise import normalise
from factcheck.quotes.verbatim import Source, find_verbatim

URL = "https://example.org/a"
CORPUS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "fixtures" / "matcher" / "corpus.yaml").read_text(
        encoding="utf-8"
    )
)


def full_path(page: str, quote: str, html: bool = True) -> QuoteResult:
    text = extract(page.encode(), "text/html" if html else "text/plain", "utf-8")
    return match_quote(quote, prepare_extracted(text), URL)


def cheap_path(page: str, quote: str, html: bool = True) -> QuoteResult | None:
    source = Source(page, html=html)
    spans = find_verbatim(source, quote)
    return found_verbatim(quote, source, spans, URL) if spans else None


def test_agrees_with_the_full_path_on_every_corpus_case_it_answers() -> None:
    answered = []
    for case in CORPUS["cases"]:
        page = CORPUS["pages"][case["page"]]
        if page.endswith(".pdf"):
            continue
        html = page.lstrip().startswith("<")
        cheap = cheap_path(page, case["quote"], html)
        if cheap is not None:
            assert case["expect"] == "found", case
            assert cheap == full_path(page, case["quote"], html), case
            answered.append(case["quote"])
    # The corpus is made of hard cases (entities, tags and marks inside quotes): most go to
    # the full path, but plain copies do not.
    assert len(answered) >= 8, answered


BODY = "<html><head><title>T</title></head><body>{}</body></html>"
QUOTE = "the budget was cut"
NOT_VISIBLE = {
    "comment": "<p>Intro.</p><!-- the budget was cut -->",
    "unclosed comment": "<p>Intro.</p><!-- the budget was cut",
    "script": '<script>var s = "the budget was cut";</script>',
    "style": "<style>/* the budget was cut */</style>",
    "textarea": "<textarea>the budget was cut</textarea>",
    "template": "<template><p>the budget was cut</p></template>",
    "nested template": "<template><template></template><p>the budget was cut</p></template>",
    "noscript": "<noscript><p>the budget was cut</p></noscript>",
    "svg": "<svg><text>the budget was cut</text></svg>",
    "attribute": '<img alt="the budget was cut" src="x.png">',
    "attribute with markup": (
        '<span data-content="<b>Note</b> the budget was cut <i>today</i>">Info</span>'
    ),
    "footnote marker": '<p>Cuts<sup><a href="#n1">the budget was cut</a></sup></p>',
}


@pytest.mark.parametrize("markup", NOT_VISIBLE.values(), ids=NOT_VISIBLE.keys())
def test_a_copy_a_reader_does_not_see_is_never_answered(markup: str) -> None:
    page = BODY.format(markup)
    assert QUOTE in page
    assert cheap_path(page, QUOTE) is None
    assert full_path(page, QUOTE).status is not QuoteStatus.FOUND


HIDDEN_UNTIL_SHOWN = {
    "hidden attribute": "<div hidden><p>the budget was cut</p></div>",
    "display none": '<div style="display: none"><p>the budget was cut</p></div>',
    "hidden nested": '<div style="display:none"><div>a</div><p>the budget was cut</p></div>',
}


@pytest.mark.parametrize("markup", HIDDEN_UNTIL_SHOWN.values(), ids=HIDDEN_UNTIL_SHOWN.keys())
def test_a_copy_hidden_until_shown_is_found_by_the_full_path_only_with_a_note(markup: str) -> None:
    page = BODY.format(markup)
    assert cheap_path(page, QUOTE) is None
    result = full_path(page, QUOTE)
    assert (result.status, result.note) == (QuoteStatus.FOUND, "found in text hidden until shown")
    assert result.fragment_url is None  # a browser cannot highlight what it does not show


NOT_SURE = {
    "word cut by an inline tag": ("<p>un<b>known the budget</b> was cut</p>", "known the budget"),
    "word cut by an entity": ("<p>caf&eacute;s the budget was cut</p>", "s the budget"),
    "a <q> adds quote marks": ("<p>He said <q>the budget was cut</q>.</p>", QUOTE),
    "an entity inside the quote": ("<p>AT&amp;T said the budget was cut</p>", "AT&T said"),
    "a tag inside the quote": ("<p>the <b>budget</b> was cut</p>", QUOTE),
    "an ellipsis": ("<p>the budget was cut</p>", "the budget ... cut"),
    "a bracketed insertion": ("<p>the budget was cut</p>", "[the] budget was cut"),
    "after <plaintext> tags are text": ("<plaintext><p>the budget was cut</p>", QUOTE),
}


@pytest.mark.parametrize(("markup", "quote"), NOT_SURE.values(), ids=NOT_SURE.keys())
def test_what_it_cannot_be_sure_of_goes_to_the_full_path(markup: str, quote: str) -> None:
    assert cheap_path(BODY.format(markup), quote) is None


def test_a_page_without_body_goes_to_the_full_path() -> None:
    page = "<p>the budget was cut</p>"
    assert cheap_path(page, QUOTE) is None
    assert full_path(page, QUOTE).status is QuoteStatus.FOUND


def test_a_word_cut_by_a_tag_is_not_a_word_boundary_on_either_path() -> None:
    page = BODY.format("<p>un<b>known the budget</b> was cut</p>")
    assert full_path(page, "known the budget").status is not QuoteStatus.FOUND


FOUND_VERBATIM = {
    "paragraph": ("<p>the budget was cut</p>", QUOTE),
    "after an inline tag": ("<p>He said <em>the budget was cut</em> today.</p>", QUOTE),
    "between entities": ("<p>&ldquo;the budget was cut&rdquo;</p>", QUOTE),
    "after a numeric entity": ("<p>&#8220;the budget was cut&#8221;.</p>", QUOTE),
    "source line breaks": ("<p>the budget\n    was\r\ncut</p>", QUOTE),
    "other case": ("<p>The Budget was CUT.</p>", QUOTE),
    "twice": ("<p>the budget was cut</p><p>Yes, the budget was cut.</p>", QUOTE),
    "after a line break tag": ("<p>Monday<br>the budget was cut</p>", QUOTE),
    "Chinese": (
        "<p>据报道，海康威视中标皮山县社会面防控体系PPP项目。</p>",
        "皮山县社会面防控体系PPP项目",
    ),
    "after a block in a link": ('<li><a href="/x">the budget was cut</a></li>', QUOTE),
}


@pytest.mark.parametrize(("markup", "quote"), FOUND_VERBATIM.values(), ids=FOUND_VERBATIM.keys())
def test_a_plain_copy_is_found_exactly_as_the_full_path_finds_it(markup: str, quote: str) -> None:
    page = BODY.format(markup)
    cheap = cheap_path(page, quote)
    assert cheap is not None
    assert cheap.status is QuoteStatus.FOUND
    assert cheap == full_path(page, quote)


def test_the_passage_is_the_readers_text_and_every_copy_counts() -> None:
    page = BODY.format("<p>the budget\n was cut</p><p>Yes, the budget was cut.</p>")
    cheap = cheap_path(page, QUOTE)
    assert cheap is not None
    assert cheap.closest == "the budget  was cut"
    assert cheap.occurrences == 2
    assert cheap.fragment_url == f"{URL}#:~:text=the%20budget%20was%20cut"


def test_plain_text_pages_are_searched_as_they_are() -> None:
    page = "Minutes.\nAT&T said the budget was cut <sharply>.\n"
    cheap = cheap_path(page, "AT&T said the budget was cut <sharply>", html=False)
    assert cheap is not None
    assert cheap == full_path(page, "AT&T said the budget was cut <sharply>", html=False)
    assert cheap_path("unknown the budget", "known the budget", html=False) is None


# Generated pages: words, markup that hides or splits text, entities and line breaks, in any
# order (unclosed comments and hidden elements included). Whatever the cheap path answers, the
# full path must answer the same.
WORDS = ["budget", "was", "cut", "the", "un", "known", "café", "Budget"]
MARKUP = [
    " ",
    " ",
    " ",
    "\n",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<em>",
    "</em>",
    "<q>",
    "</q>",
    "<br>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<div hidden>",
    "<div>",
    "</div>",
    "<sup>",
    "</sup>",
    "&amp;",
    "&ldquo;",
    "&rdquo;",
    "&eacute;",
    ";",
    '<a href="#n">',
    "</a>",
    "<template>",
    "</template>",
    '<span title="',
    '">',
    # issue 15: element boundaries, ruby readings, <noscript> as raw text, marks in words
    "</span><span>",
    "<ruby>",
    "<rt>",
    "</rt>",
    "</ruby>",
    "<noscript>",
    "</noscript>",
    ",",
    ".",
    "1,5",
    "'",
    "n't",
]


def generated_page(pieces: list[str], quote: str, at: int) -> str:
    """A page of `pieces` with a copy of the quote put in at piece `at`."""
    at = at % (len(pieces) + 1)
    return "<html><body>" + "".join(pieces[:at] + [quote] + pieces[at:]) + "</body></html>"


def check_generated(page: str, quote: str) -> bool:
    """The property: whatever the cheap path answers, the full path answers too."""
    cheap = cheap_path(page, quote)
    if cheap is None:
        return False
    full = full_path(page, quote)
    assert full.status is QuoteStatus.FOUND, (page, quote, full)
    assert 1 <= cheap.occurrences <= full.occurrences, (page, quote, full)
    if cheap.occurrences == full.occurrences:
        assert cheap == full, (page, quote, full)
    else:
        # A copy with a tag or an entity inside is one the cheap path does not see. It still
        # answers found, with the passage of a copy it did see: the quote itself.
        assert cheap.closest is not None and full.closest is not None
        assert normalise(cheap.closest) == normalise(full.closest), (page, quote, full)
    return True


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(WORDS + MARKUP), max_size=30),
    start=st.integers(0, 6),
    length=st.integers(1, 4),
    at=st.integers(0, 30),
)
def test_generated_pages_never_disagree(
    pieces: list[str], start: int, length: int, at: int
) -> None:
    quote = " ".join(WORDS[start : start + length])
    check_generated(generated_page(pieces, quote, at), quote)


def test_generated_pages_exercise_the_cheap_path() -> None:
    """The property on 3,000 seeded pages: it must hold on each, and the cheap path must
    answer on a fair share of them, or the property says nothing."""
    rng = random.Random(6)
    answered = 0
    for _ in range(3000):
        pieces = rng.choices(WORDS + MARKUP, k=rng.randrange(30))
        quote = " ".join(WORDS[rng.randrange(7) :][: rng.randrange(1, 5)])
        answered += check_generated(generated_page(pieces, quote, rng.randrange(31)), quote)
    assert answered >= 300, answered


SENTENCE_WORDS = ["budget", "was", "cut", "the", "council", "said", "new", "bridge", "opens"]
AROUND = ["<p>Intro.</p>", "<div>Menu</div>", "<ul><li>One</li></ul>", "<h2>Title</h2>", "\n"]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(SENTENCE_WORDS), min_size=3, max_size=12),
    start=st.integers(0, 11),
    length=st.integers(1, 6),
    before=st.lists(st.sampled_from(AROUND), max_size=4),
    after=st.lists(st.sampled_from(AROUND), max_size=4),
    end=st.sampled_from([".", ",", "", "!"]),
)
def test_a_quote_certainly_visible_is_found_by_both_paths_alike(
    words: list[str], start: int, length: int, before: list[str], after: list[str], end: str
) -> None:
    """The other way round: words cut from a plain paragraph, with block markup around it,
    are certainly visible; the cheap path answers, and exactly as the full path does."""
    start = start % len(words)
    quote = " ".join(words[start : start + length])
    paragraph = f"<p>{' '.join(words)}{end}</p>"
    page = "<html><body>" + "".join(before) + paragraph + "".join(after) + "</body></html>"
    cheap, full = cheap_path(page, quote), full_path(page, quote)
    assert full.status is QuoteStatus.FOUND, (page, quote, full)
    assert cheap is not None, (page, quote)
    assert cheap == full, (page, quote, full)
