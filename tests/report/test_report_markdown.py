"""The markdown report of a real run against the fixture site: sections, tables, links to
found passages, altered quotes beside the page's words, fixes, and escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factcheck.demo.server import PLACEHOLDER
from tests.conftest import FIXTURES, Run, fixture_claims, run_cli

FAST = ("--allow-private", "--timeout", "1", "--retries", "0")


def markup_claims(folder: Path, site: str) -> Path:
    """A copy of fixtures/reports/markup.yaml (markup in every field) citing the site."""
    text = (FIXTURES / "reports" / "markup.yaml").read_text(encoding="utf-8")
    path = folder / "markup.yaml"
    path.write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    folder = tmp_path_factory.mktemp("markdown")
    demo, markup = fixture_claims("demo.yaml", folder, site), markup_claims(folder, site)
    return run_cli("verify", *FAST, "--format", "markdown", str(demo), str(markup))


def lines(run: Run, site: str) -> list[str]:
    return run.stdout.replace(site, PLACEHOLDER).splitlines()


def test_heading_and_summary(run: Run) -> None:
    assert run.stdout.splitlines()[:3] == [
        "# Verification report",
        "",
        "**11 claims, 19 citations: 5 ok, 1 archived, 2 blocked, 4 broken, 3 error, "
        "1 quote altered, 3 quote missing**",
    ]


def test_one_section_per_claim_file(run: Run, site: str) -> None:
    out = lines(run, site)
    sections = [line for line in out if line.startswith("## ")]
    assert sections == [
        "## Hikvision Hired Attorney Admits Its Police Contracts Target Uyghurs (fixture copy)",
        "## Markup \\<b\\>in\\</b\\> a title \\& more",
    ]
    about = out[out.index(sections[0]) + 2]
    assert about.startswith("File: `") and about.endswith(
        "demo.yaml` · article: [http://fixtures.test/article.html]"
        "(<http://fixtures.test/article.html>)"
    )


def test_one_table_per_claim(run: Run, site: str) -> None:
    out = lines(run, site)
    at = out.index("### dead-links: ❌ failed")
    assert out[at : at + 6] == [
        "### dead-links: ❌ failed",
        "",
        "Dead links are reported as broken.",
        "",
        "| status | source | what we found | fix |",
        "|---|---|---|---|",
    ]
    assert out[at + 7] == (
        "| ❌ broken | [http://fixtures.test/status/410](<http://fixtures.test/status/410>) (410)"
        " | HTTP 410 Gone | find the page's new address, or add an archive\\_url to an archived"
        " copy |"
    )
    assert sum(line.startswith("### ") for line in out) == 11


def test_found_quotes_link_to_the_highlighted_passage_and_the_day_it_was_read(
    run: Run, site: str
) -> None:
    row = next(line for line in lines(run, site) if "/notes.txt" in line)
    assert row == (
        "| ✅ ok | [http://fixtures.test/notes.txt](<http://fixtures.test/notes.txt>) (200)"
        "<br>accessed 2023-04-17 | "
        "quote found<br>found: [“Introduction to human rights compliance with Amb Prosper”]"
        "(<http://fixtures.test/notes.txt#:~:text=Introduction%20to%20human%20rights%20"
        "compliance%20with%20Amb%20Prosper>) |  |"
    )


def test_altered_quote_stands_beside_the_pages_words(run: Run, site: str) -> None:
    row = next(line for line in lines(run, site) if line.startswith("| ✏️ quote altered"))
    cells = row.split(" | ")
    found = re.sub(r"\(\d+%\)", "(N%)", cells[2]).split("<br>")
    assert found[1:] == [
        "quote: “stating that Hikvision did “knowingly” commit human rights abuses”",
        "page says (N%): “stating that Hikvision did **not** “knowingly” commit human rights "
        "abuses”",
        '_note: the reporter dropped a "not"; the page says the opposite_',
    ]
    assert cells[3] == "correct the quote to the page's words, or cite a source that says it |"


def test_fixes_are_suggested(run: Run, site: str) -> None:
    out = "\n".join(lines(run, site))
    assert "| update the URL to http://fixtures.test/article.html |" in out
    assert (
        "| link the archived copy: http://fixtures.test/archive/hikvision-human-rights.html |"
        in out
    )


def test_markup_in_claim_files_stays_text(run: Run, site: str) -> None:
    out = lines(run, site)
    assert (
        'A claim with \\<script\\>document.body.dataset.pwned = "claim"\\</script\\> \\| a pipe'
    ) in out
    row = next(line for line in out if line.startswith("| ❌ quote missing") and "img" in line)
    assert row.count(" | ") == 3  # the pipe in the quote did not open a fifth cell
    assert (
        '<br>missing: “\\<script\\>document.body.dataset.pwned = "quote"\\</script\\> \\| '
        "\\<img src=x onerror=\"document.body.dataset.pwned='img'\"\\>”"
    ) in row
    assert "<br>_note: \\*not\\* a link: \\[x\\](javascript:alert(1)) 100% sure, line one_" in row


@pytest.mark.parametrize(
    ("fmt", "ours", "theirs"),
    [
        ("markdown", "合同金额约~~5800~~万美元", "合同金额约**5300**万美元"),
        ("html", "合同金额约<del>5800</del>万美元", "合同金额约<ins>5300</ins>万美元"),
    ],
)
def test_a_changed_number_is_marked_where_it_stands_no_space_added(
    claims_file,  # type: ignore[no-untyped-def]
    fmt: str,
    ours: str,
    theirs: str,
) -> None:
    """Chinese has no spaces between words, and '17, ~~2024~~' is not '17,~~2024~~': the
    struck and the bold words sit where they stand in the text, with its own spacing."""
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        "      - url: http://fixtures.test/zh.html\n"
        "        quote: 海康威视中标皮山县“皮山社会面防控体系PPP”项目，合同金额约5800万美元\n"
        "      - url: http://fixtures.test/article.html\n"
        "        quote: Hikvision Hired Attorney Admits Its Police Contracts Target Uyghurs"
        " Published on Apr 17, 2024\n"
    )
    run = run_cli("verify", *FAST, "--format", fmt, str(path))
    assert run.code == 1
    assert f"{ours}”" in run.stdout and f"{theirs}”" in run.stdout
    struck, bold = (
        ("~~2024~~", "**2023**") if fmt == "markdown" else ("<del>2024</del>", "<ins>2023</ins>")
    )
    assert f"Apr 17, {struck}”" in run.stdout and f"Apr 17, {bold}”" in run.stdout
