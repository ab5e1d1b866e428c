"""Claim files: valid ones load in file order; every invalid one is one `path:line` line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.claims.files import load_claims
from factcheck.errors import ClaimFilesError
from tests.conftest import DEMO, FIXTURES, ROOT, run_cli

INVALID = FIXTURES / "invalid"

# file -> (line or line:column, the words the message must contain)
EXPECTED_ERRORS = {
    "alias-bomb.yaml": (2, "YAML aliases (*name) are not allowed"),
    "binary.yaml": (None, "binary file, not a YAML claim file"),
    "both-quote-keys.yaml": (7, "use either 'quote' or 'quotes', not both"),
    "claims-not-list.yaml": (3, "'claims' must be a list"),
    "duplicate-id.yaml": (6, "duplicate claim id 'same' (first used at"),
    "empty-quote.yaml": (6, "'quote' must not be empty"),
    "file-scheme.yaml": (5, "'url' must be an http or https URL, not 'file:'"),
    "javascript-scheme.yaml": (5, "'url' must be an http or https URL, not 'javascript:'"),
    "missing-url.yaml": (5, "citation has no 'url'"),
    "no-citations.yaml": (2, "claim has no 'citations'"),
    "not-utf8.yaml": (3, "not UTF-8 text"),
    "port-not-a-number.yaml": (5, "'url' has an invalid port (Port could not be cast"),
    "port-out-of-range.yaml": (5, "'url' has an invalid port (Port out of range 0-65535)"),
    "null-values.yaml": (2, "'id' must be text"),
    "two-documents.yaml": (6, "expected one YAML document, found another (---)"),
    "top-level-list.yaml": (1, "each claim file must be a mapping"),
    "unknown-key.yaml": (6, "unknown key 'qoute' in citation (did you mean 'quote'?)"),
    "yaml-syntax.yaml": ("3:12", "a quote opened at line 3, column 12 is never closed"),
}


def test_every_invalid_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED_ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
@pytest.mark.parametrize("command", ["lint", "verify"])
def test_invalid_file_is_one_clear_line_and_exit_2(name: str, command: str) -> None:
    line, words = EXPECTED_ERRORS[name]
    path = INVALID / name
    run = run_cli(command, str(path))
    assert run.code == 2
    where = f"{path}:{line}: " if line else f"{path}: "
    assert run.stderr.startswith(where), run.stderr
    assert words in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_no_request_is_sent_when_any_file_is_invalid(tmp_path: Path, site: str) -> None:
    import httpx

    (tmp_path / "good.yaml").write_text(
        "claims:\n  - id: good\n    claim: fine\n    citations:\n"
        f"      - url: {site}/counted/no-request-probe.html\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.yaml").write_text((INVALID / "unknown-key.yaml").read_text())
    run = run_cli("verify", "--allow-private", str(tmp_path))
    assert run.code == 2
    assert "bad.yaml:6: unknown key 'qoute'" in run.stderr
    hits = httpx.get(f"{site}/_hits").json()
    assert "/counted/no-request-probe.html" not in hits


def test_errors_of_several_files_are_all_listed(tmp_path: Path) -> None:
    for name in ("unknown-key.yaml", "file-scheme.yaml"):
        (tmp_path / name).write_bytes((INVALID / name).read_bytes())
    run = run_cli("lint", str(tmp_path))
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"{tmp_path / 'file-scheme.yaml'}:5: 'url' must be an http or https URL, not 'file:': "
        "file:///etc/passwd",
        f"{tmp_path / 'unknown-key.yaml'}:6: unknown key 'qoute' in citation (did you mean "
        "'quote'?); allowed: url, quote, quotes, archive_url, note, accessed",
    ]


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    claim = "claims:\n  - id: shared\n    claim: x\n    citations:\n      - url: https://a.org/\n"
    (tmp_path / "one.yaml").write_text(claim)
    (tmp_path / "two.yaml").write_text(claim)
    with pytest.raises(ClaimFilesError) as caught:
        load_claims([tmp_path])
    assert [str(e) for e in caught.value.errors] == [
        f"{tmp_path / 'two.yaml'}:2: duplicate claim id 'shared' "
        f"(first used at {tmp_path / 'one.yaml'}:2)"
    ]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    run = run_cli("lint", str(tmp_path / "nowhere"))
    assert (run.code, run.stderr) == (2, f"{tmp_path / 'nowhere'}: no such file or folder\n")
    run = run_cli("lint", str(tmp_path))
    assert run.code == 2
    assert run.stderr == f"{tmp_path}: no claim files (*.yaml, *.yml) in folder\n"


def test_seed_claims_are_valid_and_complete() -> None:
    files = load_claims([ROOT / "claims"])
    claims = [c for f in files for c in f.claims]
    assert len(claims) >= 8
    assert all(c.citations for c in claims)
    quotes = [q for c in claims for cit in c.citations for q in cit.quotes]
    seed = ROOT.parent / "shared" / "seed" / "citations.md"
    if seed.exists():  # every quote must be one of the passages seen on the real pages
        text = " ".join(seed.read_text(encoding="utf-8").split())
        for quote in quotes:
            assert _loose(quote) in _loose(text), quote


def _loose(text: str) -> str:
    table = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")
    return " ".join(text.translate(table).split())


def test_valid_file_loads_in_file_order() -> None:
    (demo,) = load_claims([DEMO / "claims" / "demo.yaml"])
    assert demo.title and demo.title.startswith("Hikvision Hired Attorney")
    assert [c.id for c in demo.claims][:3] == ["esg-conference", "un-assessment", "pishan-contract"]
    first = demo.claims[0].citations[0]
    assert first.quotes == (
        "glean more insight into the legal landscape that Hikvision operates in",
    )
    assert first.line == 9


def test_every_problem_of_a_file_is_listed_in_line_order(tmp_path: Path) -> None:
    # The claims are read while the file is parsed, the file's own keys after: the list of
    # problems still reads top to bottom.
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n"
        "  - id: a\n"
        "    claim: x\n"
        "    citations:\n"
        "      - url: ftp://example.org/\n"
        "  - just a line\n"
        "titel: misspelt\n",
        encoding="utf-8",
    )
    with pytest.raises(ClaimFilesError) as caught:
        load_claims([path])
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (5, "'url' must be an http or https URL, not 'ftp:': ftp://example.org/"),
        (6, "each claim must be a mapping of keys to values"),
        (
            7,
            "unknown key 'titel' in claim file (did you mean 'title'?); "
            "allowed: title, source, claims",
        ),
    ]


def test_each_claim_is_read_as_soon_as_the_parser_has_it() -> None:
    from factcheck.claims.yamltree import Folded, Mapping, Sequence, parse_tree

    seen: list[int] = []

    def read(node: object) -> str:
        assert isinstance(node, Mapping)
        seen.append(node.line)
        return f"claim at {node.line}"

    text = "title: t\nclaims:\n  - id: a\n  - id: b\n    claim: c\nother:\n  - id: z\n"
    root = parse_tree(text, fold=("claims", read))
    assert seen == [3, 4]
    assert isinstance(root, Mapping)
    claims, other = root.pairs[1][1], root.pairs[2][1]
    assert isinstance(claims, Sequence) and isinstance(other, Sequence)
    assert claims.items == [Folded(3, "claim at 3"), Folded(4, "claim at 4")]
    assert isinstance(other.items[0], Mapping)  # only the list under "claims" is folded


def test_accessed_is_a_day_written_yyyy_mm_dd_and_not_after_today(tmp_path: Path) -> None:
    from datetime import date, timedelta

    def citation_with(accessed: str) -> Path:
        path = tmp_path / "claims.yaml"
        path.write_text(
            "claims:\n  - id: a\n    claim: x\n    citations:\n"
            f"      - url: https://example.org/\n        accessed: {accessed}\n",
            encoding="utf-8",
        )
        return path

    (loaded,) = load_claims([citation_with("2023-04-17")])
    assert loaded.claims[0].citations[0].accessed == date(2023, 4, 17)

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for value, message in [
        ("17/04/2023", "'accessed' must be a date written YYYY-MM-DD, not '17/04/2023'"),
        ("2023-02-30", "'accessed' must be a date written YYYY-MM-DD, not '2023-02-30'"),
        ("20230417", "'accessed' must be a date written YYYY-MM-DD, not '20230417'"),
        (tomorrow, f"'accessed' {tomorrow} is after today"),
    ]:
        with pytest.raises(ClaimFilesError) as caught:
            load_claims([citation_with(value)])
        assert [(e.line, e.message) for e in caught.value.errors] == [(6, message)]
