"""Which claims `--changed-since` selects: hunk headers, claim spans, and the files that
could hide a change (YAML's own line breaks, flow style, a .gitattributes saying binary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.claims.changes import changed_claims, claim_spans, yaml_lines
from factcheck.claims.files import load_claims, parse_claim_file
from factcheck.claims.gitdiff import FileChanges, GitError, hunks
from factcheck.models import Claim
from tests.claims.gitrepo import git, isolated_git  # noqa: F401 - an autouse fixture


def claim(name: str, text: str = "a claim") -> str:
    return f"  - id: {name}\n    claim: {text}\n    citations:\n      - url: http://x.test/{name}\n"


def committed(tmp_path: Path, text: str, attributes: str | None = None) -> Path:
    """A repository whose one commit holds claims.yaml (`text`); the file's path."""
    git(tmp_path, "init", "-q", "-b", "main")
    path = tmp_path / "claims.yaml"
    path.write_bytes(text.encode())
    if attributes is not None:
        (tmp_path / ".gitattributes").write_text(attributes)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "claims")
    return path


def selected(path: Path) -> list[str]:
    files = load_claims([path])
    return [c.id for f in changed_claims(files, "HEAD", cwd=path.parent).files for c in f.claims]


def test_hunk_headers_give_added_lines_and_where_lines_were_deleted() -> None:
    patch = (
        "diff --git a/c.yaml b/c.yaml\n--- a/c.yaml\n+++ b/c.yaml\n"
        "@@ -3 +3 @@\n-old\n+new\n"
        "@@ -7,2 +6,0 @@\n-gone\n-gone too\n"
        "@@ -12,0 +11,3 @@\n+one\n+two\n+three\n"
        "+@@ -1 +99 @@ a line of the file that looks like a header\n"
    )
    assert hunks(patch) == FileChanges(False, frozenset({3, 11, 12, 13}), frozenset({6}))


def test_spans_run_to_the_next_claim_and_share_a_line_only_in_flow_style() -> None:
    block = load_claims_text("claims:\n" + claim("a") + claim("b"))
    assert claim_spans(block, "claims:\n" + claim("a") + claim("b")) == [
        (2, 5),
        (6, float("inf")),
    ]
    flow = "claims: [{id: a, claim: x, citations: [{url: 'http://x.test/'}]}, {id: b,\n  claim: y, citations: [{url: 'http://x.test/'}]}]\n"  # noqa: E501
    assert claim_spans(load_claims_text(flow), flow) == [(1, 1), (1, float("inf"))]


def load_claims_text(text: str) -> list[Claim]:
    return list(parse_claim_file(text.encode(), "c.yaml").claims)


def test_yaml_line_breaks_inside_a_git_line_are_counted() -> None:
    to_yaml = yaml_lines('a: "x\u2028y"\r\nb: 1\nc: "p\x85q\u2029r"\n')
    assert [to_yaml(line) for line in (1, 2, 3)] == [[1, 2], [3], [4, 5, 6]]


def test_a_change_after_a_yaml_only_line_break_selects_the_right_claim(tmp_path: Path) -> None:
    path = committed(
        tmp_path, "claims:\n" + claim("a", '"x\u2028y\u2028z"') + claim("b") + claim("c")
    )
    path.write_bytes(path.read_bytes().replace(b"http://x.test/c", b"http://x.test/c2"))
    assert selected(path) == ["c"]  # YAML numbers c's lines 2 further down than git


def test_a_flow_style_claim_sharing_a_line_with_the_next_is_selected(tmp_path: Path) -> None:
    path = committed(
        tmp_path,
        "claims: [{id: a, claim: x, citations: [{url: 'http://x.test/a'}]},\n"
        "  {id: b, claim: y, citations: [{url: 'http://x.test/b'}]}, {id: c,\n"
        "  claim: z, citations: [{url: 'http://x.test/c'}]}]\n",
    )
    path.write_text(path.read_text().replace("claim: y", "claim: why"))
    # Line 2 holds b and the start of c; a is taken too (without columns, a's span may reach
    # b's first line): flow style costs an extra check, never a missed change.
    assert selected(path) == ["a", "b", "c"]
    git(tmp_path, "commit", "-q", "-am", "why")
    path.write_text(path.read_text().replace("claim: z", "claim: zed"))
    assert selected(path) == ["c"]


def test_a_yaml_file_marked_binary_still_shows_its_changes(tmp_path: Path) -> None:
    path = committed(tmp_path, "claims:\n" + claim("a") + claim("b"), "*.yaml binary\n")
    path.write_text(path.read_text().replace("/b\n", "/b2\n"))
    assert selected(path) == ["b"]


def test_lines_deleted_at_the_end_select_the_last_claim(tmp_path: Path) -> None:
    path = committed(tmp_path, "claims:\n" + claim("a") + claim("b") + "# the end\n")
    path.write_text(path.read_text().replace("# the end\n", ""))
    assert selected(path) == ["b"]


def test_a_header_change_selects_no_claim(tmp_path: Path) -> None:
    path = committed(tmp_path, "title: one\nclaims:\n" + claim("a"))
    path.write_text(path.read_text().replace("title: one", "title: two"))
    assert selected(path) == []


def test_a_claim_file_outside_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    inside = committed(tmp_path / "repo", "claims:\n" + claim("a"))
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("claims:\n" + claim("b"))
    files = load_claims([inside, outside])
    with pytest.raises(GitError, match="elsewhere.yaml is outside the git repository at "):
        changed_claims(files, "HEAD", cwd=inside.parent)


def test_one_patch_for_many_files_is_split_to_the_right_file(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    names = ["a.yaml", 'b ä "q".yaml', "c.yaml"]  # a name git would quote in a patch
    paths = [tmp_path / name for name in names]
    for index, path in enumerate(paths):
        path.write_text("claims:\n" + claim(f"x{index}") + claim(f"y{index}"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "claims")
    edit = [
        (paths[0], "/y0\n", "/y0b\n"),
        (paths[1], "/x1\n", "/x1b\n"),
        (paths[2], "/y2\n", "/z\n"),
    ]
    for path, old, new in edit:
        path.write_text(path.read_text().replace(old, new))
    files = load_claims(paths)
    kept = changed_claims(files, "HEAD", cwd=tmp_path).files
    assert [c.id for f in kept for c in f.claims] == ["y0", "x1", "y2"]


def test_a_patch_that_does_not_split_one_section_per_file_is_read_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.claims import gitdiff

    real = gitdiff._patch
    calls: list[list[str]] = []

    def patch(base: str, names: list[str], root: Path) -> str:
        calls.append(names)
        text = real(base, names, root)
        return text.split("\ndiff --git ")[0] if len(names) > 1 else text  # one section lost

    monkeypatch.setattr(gitdiff, "_patch", patch)
    test_one_patch_for_many_files_is_split_to_the_right_file(tmp_path)
    assert [len(names) for names in calls] == [3, 1, 1, 1]
