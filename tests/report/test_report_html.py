"""The HTML report of a real run, read as a document: self-contained, filterable, escaped.
(tests/test_html_browser.py opens the same report in headless Chromium.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import Run, fixture_claims, run_cli
from tests.report.test_report_markdown import FAST, markup_claims


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    folder = tmp_path_factory.mktemp("html")
    demo, markup = fixture_claims("demo.yaml", folder, site), markup_claims(folder, site)
    return run_cli("verify", *FAST, "--format", "html", str(demo), str(markup))


@pytest.fixture(scope="module")
def page(run: Run) -> Elements:
    parsed = Elements()
    parsed.feed(run.stdout)
    return parsed


def test_one_self_contained_document(run: Run, page: Elements) -> None:
    assert run.stdout.startswith("<!DOCTYPE html>\n")
    names = [tag for tag, _ in page.tags]
    assert names.count("script") == 1 and names.count("style") == 1
    assert "link" not in names and "img" not in names and "iframe" not in names
    assert not [a for _, a in page.tags if a.get("src")]
    policy = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy is not None and policy.startswith("default-src 'none'; ")


def test_one_row_and_one_filter_per_status(page: Elements) -> None:
    rows = [a["data-status"] for t, a in page.tags if t == "tr" and "data-status" in a]
    assert len(rows) == 19
    boxes = [a["value"] for t, a in page.tags if t == "input" and a.get("name") == "status"]
    assert boxes == [
        "ok",
        "archived",
        "blocked",
        "broken",
        "error",
        "quote_altered",
        "quote_missing",
    ]
    assert {row: rows.count(row) for row in boxes} == {
        "ok": 5,
        "archived": 1,
        "blocked": 2,
        "broken": 4,
        "error": 3,
        "quote_altered": 1,
        "quote_missing": 3,
    }


def test_same_content_as_markdown(run: Run) -> None:
    assert (
        "<h2>Hikvision Hired Attorney Admits Its Police Contracts Target Uyghurs "
        "(fixture copy)</h2>" in run.stdout
    )
    assert re.search(
        r"quote: “stating that Hikvision did “knowingly” commit human rights "
        r"abuses”<br>page says \(\d+%\): “stating that Hikvision did <ins>not</ins> "
        r"“knowingly” commit human rights abuses”",
        run.stdout,
    )
    assert "<td>update the URL to " in run.stdout
    assert 'found: <a href="' in run.stdout and "#:~:text=Introduction%20to%20human" in run.stdout
    # the day the fact-checker read the page, under its link (the only citation that says)
    assert run.stdout.count('<div class="accessed">') == 1
    assert re.search(
        r'notes\.txt</a> \(200\)<div class="accessed">accessed 2023-04-17</div></td>', run.stdout
    )


def test_markup_from_claim_files_is_text(run: Run, page: Elements) -> None:
    text = "".join(page.text)
    assert 'A claim with <script>document.body.dataset.pwned = "claim"</script> | a pipe' in text
    assert "<img src=x onerror=\"document.body.dataset.pwned='img'\">" in text
    assert "<h2>Markup &lt;b&gt;in&lt;/b&gt; a title &amp; more</h2>" in run.stdout
    assert not [a for t, a in page.tags if t == "a" and "javascript" in (a.get("href") or "")]
