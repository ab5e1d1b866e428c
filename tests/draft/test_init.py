"""`factcheck init`: fixture articles on a real loopback site, the exact draft asserted, the
draft linted and verified as a user would."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from factcheck.demo.server import PLACEHOLDER, serve_app
from tests.conftest import FIXTURES, Run, run_cli
from tests.draft.site import CAPTURE_TIME, news_site

ARTICLES = FIXTURES / "articles"


@pytest.fixture
def saves() -> Counter[str]:
    return Counter()


@pytest.fixture
def news(saves: Counter[str]) -> Iterator[str]:
    with serve_app(news_site(ARTICLES, saves)) as base:
        yield base


def expected(name: str, base: str, article: str) -> str:
    """A fixture draft with the site's address, today's date and the article's name put in."""
    text = (ARTICLES / name).read_text(encoding="utf-8")
    text = text.replace(PLACEHOLDER, base).replace("TODAY", date.today().isoformat())
    return text.replace("from ARTICLE", f"from {article}")


def init(*args: str) -> Run:
    return run_cli("init", *args, "--allow-private")


def local_copy(tmp_path: Path, name: str, base: str) -> Path:
    """The fixture article `name` in tmp_path, its links to the running site."""
    path = tmp_path / name
    path.write_text((ARTICLES / name).read_text("utf-8").replace(PLACEHOLDER, base), "utf-8")
    return path


def verify_statuses(path: Path) -> dict[str, list[str]]:
    run = run_cli("verify", str(path), "--allow-private", "--no-store", "--format", "json")
    assert run.code in (0, 1), run.stderr
    return run.statuses()


def test_a_web_article_becomes_a_draft_that_lints_and_verifies(news: str, tmp_path: Path) -> None:
    out = tmp_path / "claims" / "dam.yaml"
    run = init(f"{news}/dam.html", "-o", str(out))
    assert run.code == 0, run.stderr
    assert out.read_text("utf-8") == expected("dam.draft.yaml", news, f"{news}/dam.html")
    assert run.stderr == (
        f"factcheck: wrote {out}: 9 claims, 10 citations: 4 quotes found on their pages, "
        "1 quoted passage not found, 1 not checked, 1 page not answering\n"
    )
    assert run_cli("lint", str(out)).code == 0
    assert verify_statuses(out) == {
        "the-inspection-report-of-2019-said": ["ok"],
        "mayor-j-smith-told-a-radio": ["ok"],  # the altered quote is a comment, not a quote
        "the-night-of-the-collapse-the": ["ok"],
        "police-said-the-evacuation-went-as": ["broken"],
        "both-the-council-s-minutes-and": ["ok", "ok"],  # the quote under the state's page
        "repairs-were-costed-at-4-million": ["ok"],
        "the-state-said-it-had-no": ["ok"],
        "2019-inspection-finds-cracks-report": ["ok"],
        "japanese-engineers-who-studied-the-site": ["ok"],
    }


def test_navigation_share_and_tag_links_are_left_out(news: str, tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    assert init(f"{news}/dam.html", "-o", str(out)).code == 0
    text = out.read_text("utf-8")
    for left_out in ("twitter", "facebook", "linkedin", "mailto", "/tags/", "/about", "#top"):
        assert left_out not in text


def test_a_markdown_article_becomes_a_draft(news: str, tmp_path: Path) -> None:
    article = local_copy(tmp_path, "dam.md", news)
    out = tmp_path / "md.yaml"
    run = init(str(article), "-o", str(out))
    assert run.code == 0, run.stderr
    assert out.read_text("utf-8") == expected("dam-md.draft.yaml", news, str(article))
    assert run_cli("lint", str(out)).code == 0
    assert set(verify_statuses(out)["police-said-the-evacuation-went-as"]) == {"broken"}


def test_an_html_file_reads_its_links_like_the_page(news: str, tmp_path: Path) -> None:
    article = local_copy(tmp_path, "dam.html", news)
    out = tmp_path / "from-file.yaml"
    assert init(str(article), "-o", str(out)).code == 0
    served = expected("dam.draft.yaml", news, f"{news}/dam.html")
    assert out.read_text("utf-8") == served.replace(f"{news}/dam.html", str(article), 1)


def test_archive_writes_the_captures_of_pages_whose_quotes_were_found(
    news: str, tmp_path: Path, saves: Counter[str]
) -> None:
    out = tmp_path / "a.yaml"
    run = init(f"{news}/dam.html", "-o", str(out), "--archive", "--archive-endpoint", news)
    assert run.code == 0, run.stderr
    assert sorted(saves) == [f"{news}/pages/{p}.html" for p in ("jp", "report", "state")]
    capture = f"{news}/web/{CAPTURE_TIME}/{news}/pages/report.html"
    assert (
        f"        quote: visible cracks along the north face\n        archive_url: {capture}\n"
        in (out.read_text("utf-8"))
    )
    assert verify_statuses(out)["the-state-said-it-had-no"] == ["ok"]


def test_a_failed_capture_is_a_comment_not_an_error(news: str, tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    endpoint = f"{news}/no-archive-here"
    run = init(f"{news}/dam.html", "-o", str(out), "--archive", "--archive-endpoint", endpoint)
    assert run.code == 0, run.stderr
    text = out.read_text("utf-8")
    assert "archive_url" not in text
    assert text.count("        # archive: Save Page Now failed: HTTP 404 Not Found\n") == 4
    assert run_cli("lint", str(out)).code == 0


def test_an_existing_output_is_kept_without_force(news: str, tmp_path: Path) -> None:
    out = tmp_path / "kept.yaml"
    out.write_text("mine\n")
    run = init(f"{news}/dam.html", "-o", str(out))
    assert (run.code, run.stderr) == (2, f"factcheck: {out} exists; pass --force to replace it\n")
    assert out.read_text() == "mine\n"
    assert init(f"{news}/dam.html", "-o", str(out), "--force").code == 0
    assert out.read_text("utf-8").startswith("# Drafted by factcheck init")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("links.md", "# T\n\nSee [this](#x) and [that](/relative).\n", "no outbound links"),
        ("scan.pdf", "%PDF-1.4 not an article", "not an HTML or Markdown article"),
        ("image.html", "\x00\x01binary", "not an HTML or Markdown article"),
    ],
)
def test_an_article_that_cannot_be_drafted_is_one_line_and_exit_2(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    article = tmp_path / name
    article.write_text(content)
    run = init(str(article), "-o", str(tmp_path / "out.yaml"))
    assert (run.code, run.stderr) == (
        2,
        f"factcheck: {article}: {message}"
        + (" in the article's main text\n" if message == "no outbound links" else "\n"),
    )
    assert not (tmp_path / "out.yaml").exists()


def test_an_article_url_that_fails_says_so_in_one_line(news: str, tmp_path: Path) -> None:
    out = str(tmp_path / "o.yaml")
    missing = init(f"{news}/gone.html", "-o", out)
    assert (missing.code, missing.stderr) == (
        2,
        f"factcheck: {news}/gone.html: HTTP 404 Not Found\n",
    )
    unreachable = init("http://127.0.0.1:9/article", "-o", out, "--timeout", "2")
    assert unreachable.code == 3
    assert unreachable.stderr.startswith("factcheck: cannot read the article: http://127.0.0.1:9/")
    assert unreachable.stderr.count("\n") == 1


def test_hostile_text_stays_inside_its_values_and_comments(news: str, tmp_path: Path) -> None:
    """Line separators, escape sequences and YAML syntax in the article and the page never
    start a YAML line of their own, nor reach the file raw."""
    out = tmp_path / "h.yaml"
    run = init(f"{news}/hostile.html", "-o", str(out))
    assert run.code == 0, run.stderr
    text = out.read_text("utf-8")
    assert "\x1b" not in text and "\u2028" not in text and "\x85" not in text
    keys = ("#", "title:", "source:", "claims:", "- id:", "claim:", "citations:", "- url:")
    assert all(line.strip().startswith((*keys, "accessed:")) for line in text.split("\n")[:-1])
    assert run_cli("lint", str(out)).code == 0
    [claim] = yaml.safe_load(text)["claims"]
    assert claim["claim"].startswith("The page said \u201cthe wall claims: [] # held\u201d")
    assert claim["citations"] == [{"url": f"{news}/pages/hostile.html", "accessed": date.today()}]


def test_without_a_name_the_draft_goes_to_claims_named_after_the_article(
    news: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = init(f"{news}/dam.html")
    assert run.code == 0, run.stderr
    assert run.stderr.startswith("factcheck: wrote claims/dam.yaml: 9 claims")
    assert run_cli("lint").code == 0  # claims/ is lint's and verify's default


def test_without_the_draft_extra_init_says_how_to_get_it(tmp_path: Path) -> None:
    """The default install has no trafilatura: one line naming the extra, exit 3."""
    article = tmp_path / "a.html"
    article.write_text('<html><body><p>See <a href="https://a.test/">this</a>.</p></body></html>')
    code = (
        "import sys; sys.modules['trafilatura'] = None; from factcheck.cli import main; "
        f"main(['init', {str(article)!r}, '-o', {str(tmp_path / 'o.yaml')!r}])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (run.returncode, run.stderr) == (
        3,
        "factcheck: reading articles needs the 'draft' extra (trafilatura is not installed): "
        "pip install 'factcheck[draft]'\n",
    )


def test_the_configuration_file_is_read_as_verify_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agents: Counter[str] = Counter()
    (tmp_path / "factcheck.toml").write_text('user_agent = "desk-bot/1"\n')
    monkeypatch.chdir(tmp_path)
    with serve_app(news_site(ARTICLES, Counter(), agents)) as base:
        assert init(f"{base}/dam.html", "-o", "d.yaml").code == 0
        assert set(agents) == {"desk-bot/1"}
        (tmp_path / "factcheck.toml").write_text("per_host = 0\n")
        bad = init(f"{base}/dam.html", "-o", "e.yaml")
    assert (bad.code, bad.stderr) == (
        2,
        f"{tmp_path / 'factcheck.toml'}:1: per_host must be at least 1, not 0\n",
    )
