"""The JUnit report of a real run: one testsuite per claim file, one testcase per citation,
failures, errors and skips carrying the reason and the fix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from factcheck.demo.server import PLACEHOLDER
from tests.conftest import DEMO, Run, fixture_claims, run_cli
from tests.report.test_report_markdown import FAST, markup_claims


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    folder = tmp_path_factory.mktemp("junit")
    demo, markup = fixture_claims("demo.yaml", folder, site), markup_claims(folder, site)
    return run_cli("verify", *FAST, "--format", "junit", str(demo), str(markup))


@pytest.fixture(scope="module")
def root(run: Run, site: str) -> ET.Element:
    return ET.fromstring(run.stdout.replace(site, PLACEHOLDER).encode("utf-8"))


def case(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//testcase[@name='{name}']")
    assert found is not None, name
    return found


def line_of(needle: str) -> str:
    text = (DEMO / "claims" / "demo.yaml").read_text(encoding="utf-8").splitlines()
    return str(next(i for i, line in enumerate(text, 1) if needle in line))


def test_one_suite_per_claim_file(root: ET.Element) -> None:
    suites = root.findall("testsuite")
    assert [s.get("name", "").rsplit("/", 1)[-1] for s in suites] == ["demo.yaml", "markup.yaml"]
    assert [
        (s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) for s in suites
    ] == [("17", "6", "3", "2"), ("2", "2", "0", "0")]
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "19",
        "8",
        "3",
        "2",
    )
    assert len(root.findall(".//testcase")) == 19


def test_broken_link_is_a_failure_with_reason_and_fix(root: ET.Element) -> None:
    dead = case(root, "dead-links: http://fixtures.test/status/410")
    assert dead.get("classname") == "dead-links"
    assert dead.get("line") == line_of("fixtures.test/status/410")
    failure = dead.find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == ("broken", "HTTP 410 Gone")
    assert failure.text == (
        "HTTP 410 Gone\nfix: find the page's new address, or add an archive_url to an archived copy"
    )


def test_unreadable_source_is_an_error(root: ET.Element) -> None:
    error = case(root, "server-trouble: http://fixtures.test/status/500").find("error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == ("error", "HTTP 500 Internal Server Error")


def test_blocked_source_is_skipped_with_the_reason(root: ET.Element) -> None:
    blocked = case(root, "bot-walls: http://fixtures.test/status/403")
    skipped = blocked.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "HTTP 403 Forbidden: the site refused the request"
    assert blocked.find("failure") is None


def test_passing_citations_have_no_outcome(root: ET.Element) -> None:
    ok = case(root, "esg-conference: http://fixtures.test/notes.txt")
    assert list(ok) == []
    moved = case(root, "moved-report: http://fixtures.test/redirect/permanent/article.html")
    out = moved.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.endswith("\nfix: update the URL to http://fixtures.test/article.html")
