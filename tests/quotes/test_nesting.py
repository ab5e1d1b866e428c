"""A page nested 100,000 <div>s deep (fixtures/make_hostile.py) once held the event loop
19 s in lexbor; capped at the depth browsers keep, its text is read at once and the quote
on it is found."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.quotes.extract import html_text
from factcheck.quotes.nesting import MAX_DEPTH, cap_nesting
from tests.conftest import FIXTURES, run_cli
from tests.hostile_site import hostile_app

sys.path.insert(0, str(FIXTURES))
from make_hostile import SENTENCE, nested_divs  # noqa: E402


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
