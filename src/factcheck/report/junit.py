"""JUnit XML, so CI systems show citations natively: one testsuite per claim file, one
testcase per citation; failures (broken links, altered or missing quotes) and errors (the
source could not be read) carry the reason and the fix, blocked sources are skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from factcheck.models import CitationResult, CitationStatus, ClaimResult, Report
from factcheck.report import FileSection, problem_lines, sections
from factcheck.text import safe_block, safe_line

SKIPPED = (CitationStatus.BLOCKED, CitationStatus.NOT_CHECKED, CitationStatus.EXCLUDED)


def render(report: Report) -> str:
    """The report as a JUnit XML document (`<testsuites>` root)."""
    root = ET.Element("testsuites", name="factcheck")
    for section in sections(report):
        root.append(_suite(section))
    if report.errors:
        root.append(_problems(report))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    if report.elapsed_seconds is not None:
        root.set("time", f"{report.elapsed_seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(section: FileSection) -> ET.Element:
    suite = ET.Element("testsuite", name=safe_line(section.path))
    if section.title:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="title", value=safe_line(section.title))
    cases = [_case(claim, result) for claim in section.claims for result in claim.citations]
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(key, str(sum(1 for case in cases if case.find(tag) is not None)))
    return suite


def _problems(report: Report) -> ET.Element:
    """One testsuite with an error testcase per problem that stopped the run."""
    suite = ET.Element("testsuite", name="factcheck", tests=str(len(report.errors)))
    suite.set("errors", str(len(report.errors)))
    for key in ("failures", "skipped"):
        suite.set(key, "0")
    for error, line in zip(report.errors, problem_lines(report), strict=True):
        case = ET.SubElement(suite, "testcase", classname="factcheck", name=line)
        if error.file is not None:
            case.set("file", safe_line(error.file))
        if error.line is not None:
            case.set("line", str(error.line))
        kind = "invalid_input" if error.exit_code == 2 else "cannot_run"
        ET.SubElement(case, "error", type=kind, message=line).text = line
    return suite


def _case(claim: ClaimResult, result: CitationResult) -> ET.Element:
    """One citation's testcase. Every text from a claim file or a page is made inert
    (`safe_line`): a control character would make the document invalid XML, and CI systems
    print these messages in their logs."""
    claim_id, reason = safe_line(claim.claim.id), safe_line(result.reason)
    case = ET.Element(
        "testcase",
        classname=claim_id,
        name=f"{claim_id}: {safe_line(result.citation.url)}",
        file=safe_line(claim.claim.file),
    )
    if result.citation.line:
        case.set("line", str(result.citation.line))
    fix = f"fix: {safe_line(result.suggestion)}" if result.suggestion else ""
    if result.status in SKIPPED:
        ET.SubElement(case, "skipped", message=reason)
    elif result.status.fails():
        kind = "error" if result.status is CitationStatus.ERROR else "failure"
        outcome = ET.SubElement(case, kind, type=result.status.value, message=reason)
        outcome.text = safe_block("\n".join(filter(None, [reason, fix])))
    elif result.suggestion or any(quote.note for quote in result.quotes):
        # a passing citation's reason is worth reading when it says what was forgiven
        ET.SubElement(case, "system-out").text = "\n".join(filter(None, [reason, fix]))
    return case
