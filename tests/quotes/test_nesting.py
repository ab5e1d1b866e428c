"""A page nested 100,000 <div>s deep (fixtures/make_hostile.py) once held the event loop
19 s in lexbor; capped at the depth browsers keep, its text is read at once and the quote
on it is found. A page cannot hide its depth from the cap (end tags in comments, attribute
values or scripts, end tags the parser ignores, SVG), and real pages' shapes pass it as
they are."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from factcheck.quotes.extract import html_text
from factcheck.quotes.nesting import MAX_DEPTH, cap_nesting
from tests.conftest import FIXTURES, run_cli
from tests.hostile_site import hostile_app

sys.path.insert(0, str(FIXTURES))
from make_hostile import HIDDEN_DEPTH, SENTENCE, nested_divs  # noqa: E402


def test_a_page_within_the_cap_is_left_as_it_is() -> None:
    page = "<html><body>" + "<div><p>a <b>b</b><br><img src=x></div>" * 2000
    assert cap_nesting(page) is page
    deep = "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    assert cap_nesting(deep) is deep


def test_deeper_elements_are_flattened_keeping_their_text() -> None:
    page = "<div>" * (MAX_DEPTH + 3) + "deep text" + "</div>" * (MAX_DEPTH + 3) + "after"
    capped = cap_nesting(page)
    assert capped.count("<div>") == MAX_DEPTH
    assert capped.count("</div>") == MAX_DEPTH
    assert html_text(capped).text.split("\n") == ["deep text", "after"]


def test_unclosed_paragraphs_and_void_elements_do_not_count_as_depth() -> None:
    page = "<body>" + "<p>para <li>item <br><img src=x><input>" * (MAX_DEPTH * 4)
    assert cap_nesting(page) is page


def parsed_depth(html: str) -> int:
    """How deep lexbor nests `html`'s elements (the document is 1)."""
    tree = LexborHTMLParser(html)
    deepest, todo = 0, [(tree.root, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            if child.tag and not child.tag.startswith("-"):  # elements, not text or comments
                todo.append((child, depth + 1))
            child = child.next
    return deepest


@pytest.mark.parametrize("unit", HIDDEN_DEPTH.values(), ids=HIDDEN_DEPTH.keys())
def test_a_page_cannot_hide_its_depth_from_the_cap(unit: str) -> None:
    page = "<body>" + unit * 3000 + SENTENCE
    assert parsed_depth(page) > 3000
    capped = cap_nesting(page)
    assert parsed_depth(capped) <= 2 * MAX_DEPTH + 4
    assert SENTENCE in capped


def test_a_script_that_may_be_markup_leaves_its_page_read_as_text() -> None:
    # <style> in SVG is markup, not raw text: what follows cannot be read for sure.
    page = "<body><svg><style>a<b</style></svg>" + "<div>" * 3000 + SENTENCE
    capped = cap_nesting(page)
    assert parsed_depth(capped) <= MAX_DEPTH
    assert SENTENCE in html_text(capped).text


def test_real_page_shapes_pass_as_they_are() -> None:
    unit = (
        '<li><a href="/x?a=1&b=2">link</a><svg viewBox="0 0 1 1"><title>icon</title>'
        '<path d="M0 0"/></svg><script>if (a < b) el.innerHTML = "<div><span>" + x;</script>'
        "<p>para<br>more<p>next<table><tr><td>cell<td>cell<tr><td>row</table><!-- <div> -->"
    )
    page = "<html><body><ul>" + unit * 1000 + "</ul>"
    assert cap_nesting(page) is page


TOKENS = [
    *"<div> </div> <span> </span> <p> </p> <li> </li> <ul> <table> </table> <td> <tr>".split(),
    *"<b> </b> <i> <a> </a> <font> <svg> </svg> <math> <path/> <g> </g> <title> </title>".split(),
    *"<desc> <mi> <select> <option> <button> <h1> </h2> <dd> <rt> <form> <frameset>".split(),
    *"<template> </template> <object> <x-y> <div/> <!-- --> <frame> <br> </br> <textarea>".split(),
    *"</textarea> <script> </script> <style> x < <b&#32;id=1> <nobr> <math><mi>".split(),
    "<!-- </div> -->",
    '<div a="></div>">',
    "<div a='</div>'>",
    '<div a=x"y>',
    "<? </p> ?>",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
def test_no_mix_of_tags_nests_past_the_cap(unit: list[str]) -> None:
    page = "<body>" + "".join(unit).replace("&#32;", " ") * 150
    assert parsed_depth(cap_nesting(page, 16)) <= 3 * 16 + 8


@pytest.fixture
def deep_site(tmp_path: Path) -> Iterator[str]:
    from aiohttp import web

    from factcheck.demo.server import serve_app

    app = hostile_app()
    body = nested_divs()

    async def deep(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html")

    app.router.add_get("/deep", deep)
    with serve_app(app) as base:
        yield base


def test_a_100000_deep_page_is_checked_and_its_quote_found(tmp_path: Path, deep_site: str) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: deep\n    claim: x\n    citations:\n"
        f"      - url: {deep_site}/deep\n        quote: {SENTENCE}\n"
    )
    run = run_cli("verify", "--allow-private", "--timeout", "5", "--format", "json", str(path))
    assert (run.code, run.statuses()) == (0, {"deep": ["ok"]})
