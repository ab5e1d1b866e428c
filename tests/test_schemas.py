"""The published JSON Schemas: real JSON reports validate against schemas/report.schema.json,
and schemas/claims.schema.json agrees with `factcheck lint` on good and bad claim files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from factcheck.models import CitationStatus, QuoteStatus, Verdict
from tests.conftest import DEMO, FIXTURES, ROOT, Run, fixture_claims, run_cli
from tests.report.test_report_markdown import FAST, markup_claims

SCHEMAS = ROOT / "schemas"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, document: Any) -> list[str]:
    return [error.message for error in validator(name).iter_errors(document)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    folder = tmp_path_factory.mktemp("schema")
    demo, markup = fixture_claims("demo.yaml", folder, site), markup_claims(folder, site)
    # one of the demo's two broken links excluded, so every status but not_checked is shown
    exclude = ("--exclude", "/status/410$")
    # every status must show: a 3 s timeout keeps a loaded machine from turning a page into
    # an `error` (the fixture site answers from a thread of this process; only /slow waits)
    patient = (*FAST, "--timeout", "3")
    return run_cli("verify", *patient, *exclude, "--format", "json", str(demo), str(markup))


def test_real_json_report_validates(report: Run) -> None:
    document = report.json()
    assert document["version"] == 1
    assert errors("report.schema.json", document) == []
    statuses = {c["status"] for claim in document["claims"] for c in claim["citations"]}
    assert statuses == {s.value for s in CitationStatus} - {"not_checked"}


def test_schema_rejects_a_changed_report(report: Run) -> None:
    document = report.json()
    document["claims"][0]["citations"][0]["status"] = "fine"
    document["claims"][0]["verdict_text"] = "extra key"
    assert errors("report.schema.json", document) == [
        "Additional properties are not allowed ('verdict_text' was unexpected)",
        "'fine' is not one of ['ok', 'quote_altered', 'quote_missing', 'archived', 'blocked', "
        "'broken', 'error', 'not_checked', 'excluded']",
    ]


def test_report_schema_lists_the_models_enums() -> None:
    defs = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert defs["citation"]["properties"]["status"]["enum"] == [s.value for s in CitationStatus]
    assert defs["quote"]["properties"]["status"]["enum"] == [s.value for s in QuoteStatus]
    assert defs["verdict"]["enum"] == [v.value for v in Verdict]


@pytest.mark.parametrize(
    "path",
    [
        DEMO / "claims" / "demo.yaml",
        FIXTURES / "reports" / "markup.yaml",
        *sorted((ROOT / "claims").glob("*.yaml")),
    ],
    ids=lambda p: p.name,
)
def test_claim_files_in_the_repository_validate(path: Path) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    assert errors("claims.schema.json", document) == []


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1's timestamps: `accessed: 2023-04-17` is the
    string an editor's YAML 1.2 language server validates against the schema (and the
    string factcheck reads), not a date object."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


CITATION = "      - url: https://example.org/a\n"
HEAD = "claims:\n  - id: one\n    claim: A claim.\n    citations:\n"
BAD = {
    "unknown key": HEAD + CITATION + "        quotee: typo\n",
    "quote and quotes": HEAD + CITATION + "        quote: a\n        quotes: [b]\n",
    "file scheme": HEAD + "      - url: file:///etc/passwd\n",
    "javascript scheme": HEAD + "      - url: javascript:alert(1)\n",
    "no url": HEAD + "      - quote: a passage\n",
    "empty quote": HEAD + CITATION + "        quote: '  '\n",
    "no citations": "claims:\n  - id: one\n    claim: A claim.\n    citations: []\n",
    "claims not a list": "claims: {id: one}\n",
    "unknown top key": "titel: typo\n" + HEAD + CITATION,
}


@pytest.mark.parametrize("name", BAD)
def test_schema_and_lint_refuse_the_same_mistakes(name: str, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(BAD[name], encoding="utf-8")
    assert errors("claims.schema.json", yaml.safe_load(BAD[name])) != []
    assert run_cli("lint", str(path)).code == 2
