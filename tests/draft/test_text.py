"""The pieces of a draft one function at a time: sentences, quoted passages, which links are
citations, and untrusted text written into YAML."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from factcheck.draft.links import citation_url
from factcheck.draft.maintext import Block, Link
from factcheck.draft.plan import slug, unique_id
from factcheck.draft.sentences import quoted_passages, sentences
from factcheck.draft.yamltext import comment_text, one_line, scalar

ARTICLE = "https://news.test/2026/dam"


def texts(block: Block) -> list[str]:
    return [s.text for s in sentences(block)]


def test_a_paragraph_is_cut_after_full_stops_not_inside_quotes_or_after_abbreviations() -> None:
    block = Block(
        'Mr. Smith of the U.S. agency spoke. He said "It failed. We knew." Then 3 left. Done!'
        " 堤防が決壊した。住民は避難した。",
        (),
    )
    assert texts(block) == [
        "Mr. Smith of the U.S. agency spoke.",
        'He said "It failed. We knew."',
        "Then 3 left.",
        "Done!",
        "堤防が決壊した。",
        "住民は避難した。",
    ]


def test_links_follow_their_sentence_and_a_list_item_stays_whole() -> None:
    text = "One cites a source. Two cites another."
    block = Block(text, (Link(10, 18, "https://a.test/"), Link(30, 37, "https://b.test/")))
    first, second = sentences(block)
    assert [(link.target, second.text[link.start : link.end]) for link in second.links] == [
        ("https://b.test/", "another")
    ]
    assert first.text[first.links[0].start : first.links[0].end] == "a source"
    assert texts(Block(text, (), whole=True)) == [text]


def test_quoted_passages_in_every_style_trimmed_each_once() -> None:
    text = (
        'He said "wide cracks," then “no money”, «pas de budget», 「予算がない」, '
        "『前から知っていた』 and “no money” again; “a” is too short."
    )
    assert quoted_passages(text) == (
        "wide cracks",
        "no money",
        "pas de budget",
        "予算がない",
        "前から知っていた",
    )


def test_citations_leave_out_share_buttons_listings_anchors_and_the_article() -> None:
    def cited(target: str) -> str | None:
        return citation_url(target, ARTICLE, ARTICLE)

    assert cited("/reports/8474#part-2") == "https://news.test/reports/8474#part-2"
    assert cited("https://other.test/page") == "https://other.test/page"
    for left_out in (
        "#top",
        "mailto:desk@news.test",
        "javascript:void(0)",
        "https://twitter.com/intent/tweet?url=x",
        "https://www.facebook.com/sharer/sharer.php?u=x",
        "https://www.linkedin.com/shareArticle?url=x",
        "/tags/water",
        "/category/news/",
        "/",
        "https://news.test/2026/dam#comments",
    ):
        assert cited(left_out) is None, left_out
    assert citation_url("relative/page", None, None) is None


def test_ids_are_short_slugs_made_unique() -> None:
    taken: set[str] = set()
    said = "Élan: the dam’s 4 walls cracked, said Mr. Smith"
    assert unique_id(slug(said), taken) == "elan-the-dams-4-walls-cracked"
    assert unique_id(slug(said.upper()), taken) == "elan-the-dams-4-walls-cracked-2"
    assert slug("堤防が決壊した") == "claim"


HOSTILE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=60
) | st.sampled_from(
    ["yes", "null", "~", "1e3", "- item", "key: value", "a #b", "'", '"', "\u2028x", "x\x85y"]
    + ["2024-01-01", "0x1F", ".inf", "On", "True", "+1", "1_000", "12:30:00", "\u00a0x", "x:"]
)


@given(HOSTILE)
def test_any_text_is_read_back_exactly_from_its_scalar(text: str) -> None:
    written = scalar(text)
    assert "\n" not in written and "\r" not in written
    assert yaml.safe_load(f"claim: {written}\n") == {"claim": text}


@given(HOSTILE)
def test_no_text_leaves_its_comment_line(text: str) -> None:
    document = f"a: 1\n# quote: {comment_text(text)}\nb: 2\n"
    assert yaml.safe_load(document) == {"a": 1, "b": 2}
    assert one_line(text).isprintable()


def test_the_command_line_loads_no_article_reader_until_init_runs() -> None:
    """trafilatura takes ~0.3 s to import: `factcheck --help` must not pay it."""
    import subprocess
    import sys

    code = (
        "import sys, factcheck.cli; print(sorted(m for m in sys.modules if 'trafilatura' in m"
        " or 'markdown_it' in m or m.startswith('factcheck.draft')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_the_drafting_benchmark_runs_and_drafts_every_link() -> None:
    """bench/bench_draft.py as its docstring says, small: it works, not how fast."""
    import subprocess
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[2] / "bench" / "bench_draft.py"
    args = ["--rounds", "1", "--links", "8", "--words", "400", "--latency-ms", "0"]
    out = subprocess.run(
        [sys.executable, str(bench), *args], capture_output=True, text=True, check=True
    )
    assert (
        "8 claims, 8 citations: 6 quotes found on their pages, 1 quoted passage not found, "
        "1 not checked" in (out.stdout)
    )
