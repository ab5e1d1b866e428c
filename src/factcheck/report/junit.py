"""JUnit XML, so CI systems show citations natively: one testsuite per claim file, one
testcase per citation; failures (broken links, altered or missing quotes) and errors (the
source could not be read) carry the reason and the fix, blocked sources are skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from factcheck.models import CitationResult, CitationStatus, ClaimResult, Report
from factcheck.report import FileSection, sections

SKIPPED = (CitationStatus.BLOCKED, CitationStatus.NOT_CHECKED)


def render(report: Report) -> str:
    """The report as a JUnit XML document (`<testsuites>` root)."""
    root = ET.Element("testsuites", name="factcheck")
    for section in sections(report):
        root.append(_suite(section))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    if report.elapsed_seconds is not None:
        root.set("time", f"{report.elapsed_seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(section: FileSection) -> ET.Element:
    suite = ET.Element("testsuite", name=section.path)
    if section.title:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="title", value=section.title)
    cases = [_case(claim, result) for claim in section.claims for result in claim.citations]
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(key, str(sum(1 for case in cases if case.find(tag) is not None)))
    return suite


def _case(claim: ClaimResult, result: CitationResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=claim.claim.id,
        name=f"{claim.claim.id}: {result.citation.url}",
        file=claim.claim.file,
    )
    if result.citation.line:
        case.set("line", str(result.citation.line))
    if result.status in SKIPPED:
        ET.SubElement(case, "skipped", message=result.reason)
    elif result.status.fails():
        kind = "error" if result.status is CitationStatus.ERROR else "failure"
        outcome = ET.SubElement(case, kind, type=result.status.value, message=result.reason)
        outcome.text = "\n".join(
            filter(None, [result.reason, result.suggestion and f"fix: {result.suggestion}"])
        )
    elif result.suggestion:
        ET.SubElement(case, "system-out").text = f"{result.reason}\nfix: {result.suggestion}"
    return case
