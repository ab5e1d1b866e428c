"""JUnit XML: one testsuite per claim file, one testcase per citation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from factcheck.models import CitationStatus, Report


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="factcheck")
    suites: dict[str, ET.Element] = {}
    for claim in report.claims:
        suite = suites.get(claim.claim.file)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=claim.claim.file)
            suites[claim.claim.file] = suite
        for result in claim.citations:
            case = ET.SubElement(suite, "testcase", classname=claim.claim.id,
                                 name=result.citation.url,
                                 file=claim.claim.file, line=str(result.citation.line or ""))
            if result.status is CitationStatus.BLOCKED or \
                    result.status is CitationStatus.NOT_CHECKED:
                ET.SubElement(case, "skipped", message=result.reason)
            elif result.status.fails():
                failure = ET.SubElement(case, "failure", type=result.status.value,
                                        message=result.reason)
                failure.text = result.suggestion or result.reason
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
