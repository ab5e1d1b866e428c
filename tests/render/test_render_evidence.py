"""What a render leaves in the snapshot store: the DOM, the text checked and a screenshot as
WARC records tied to the original response, the screenshot linked from the reports and
listed by `snapshots list`, and an offline run that re-checks the stored rendered text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Run, run_cli
from tests.render.conftest import needs_chromium
from tests.render.test_render_cli import ARTICLE_QUOTE, only

pytestmark = needs_chromium


def verify(tmp_path: Path, url: str, *args: str) -> Run:
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: c\n    claim: c\n    citations:\n      - url: {url}\n"
        f"        quote: {ARTICLE_QUOTE!r}\n",
        encoding="utf-8",
    )
    return run_cli(
        "verify", "--allow-host", urlsplit(url).netloc, "--timeout", "5", "--retries", "0",
        "--store", str(tmp_path / "store"), *args, str(claims),
    )  # fmt: skip


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, pages: str) -> tuple[Path, str, Run]:
    """One online run of the script-built article with a store: (folder, URL, the run)."""
    folder = tmp_path_factory.mktemp("evidence")
    url = f"{pages}/article-js.html"
    return folder, url, verify(folder, url, "--format", "json")


def screenshot(folder: Path) -> Path:
    """The one screenshot the run kept."""
    (shot,) = (folder / "store" / "screenshots").glob("*.png")
    return shot


def test_the_screenshot_is_kept(rendered: tuple[Path, str, Run]) -> None:
    folder, _, run = rendered
    found = only(run)
    assert (run.code, found["status"]) == (0, "ok")
    shot = screenshot(folder)
    with Image.open(shot) as image:
        assert (image.format, image.size) == ("PNG", (1280, 800))


def records(folder: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(type, content type, headers) of every record of the store's WARC files."""
    found = []
    for path in sorted((folder / "store" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                headers = dict(record.rec_headers.headers)
                found.append((record.rec_type, headers.get("Content-Type", ""), headers))
    return found


def test_dom_text_and_picture_are_warc_records_tied_to_the_response(
    rendered: tuple[Path, str, Run],
) -> None:
    folder, url, _ = rendered
    kept = records(folder)
    response = next(h for t, _, h in kept if t == "response" and h["WARC-Target-URI"] == url)
    tied = [(t, c) for t, c, h in kept if h.get("WARC-Concurrent-To") == response["WARC-Record-ID"]]
    assert tied == [("resource", "text/html; charset=utf-8"), ("resource", "image/png")]
    dom = next(h for t, c, h in kept if t == "resource" and c.startswith("text/html"))
    text = [(t, c) for t, c, h in kept if h.get("WARC-Refers-To") == dom["WARC-Record-ID"]]
    assert text == [("conversion", "text/plain; charset=utf-8")]


def test_snapshots_list_shows_the_render(rendered: tuple[Path, str, Run]) -> None:
    folder, url, run = rendered
    listed = run_cli("snapshots", "list", url, "--store", str(folder / "store"))
    assert listed.code == 0
    lines = [line for line in listed.stdout.splitlines() if "  rendered  " in line]
    assert len(lines) == 1
    assert f"  rendered  200  screenshot {screenshot(folder)}  warc/" in lines[0]


def test_the_markdown_and_html_reports_link_the_screenshot(
    rendered: tuple[Path, str, Run],
) -> None:
    folder, url, _ = rendered
    shot = screenshot(folder)
    markdown = verify(folder, url, "--offline", "--format", "markdown")
    assert f"[screenshot of the rendered page](<{shot}>)" in markdown.stdout
    html = verify(folder, url, "--offline", "--format", "html")
    assert f'<a href="{shot}">screenshot of the rendered page</a>' in html.stdout


def test_offline_re_checks_the_stored_rendering_without_a_browser(
    rendered: tuple[Path, str, Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, url, _ = rendered
    monkeypatch.setenv("FACTCHECK_CHROMIUM", str(folder / "no-such-chromium"))
    offline = verify(folder, url, "--offline", "--format", "json")
    found = only(offline)
    assert (offline.code, found["status"]) == (0, "ok")
    assert found["reason"].startswith("quote found (checked on the rendered page) (offline: ")
    static = verify(folder, url, "--offline", "--render", "never", "--format", "json")
    assert (static.code, only(static)["status"]) == (1, "quote_missing")
