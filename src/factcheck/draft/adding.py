"""`factcheck add`'s core: check a citation's quotes on its page, then add it to a claim file
as text (`edit`), the rest of the file untouched. Never prints, never exits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factcheck.claims.files import parse_claim_file, url_problem
from factcheck.draft.edit import add_citation, add_claim
from factcheck.draft.pages import CitedPages, fetch_pages
from factcheck.draft.plan import CitationDraft, ClaimDraft, slug, unique_id
from factcheck.draft.yamltext import comment_text, one_line
from factcheck.errors import ClaimFileError, ClaimFilesError, FactcheckError
from factcheck.evidence.save_page import save_page
from factcheck.fetch.client import Fetcher
from factcheck.models import ClaimFile, QuoteResult, QuoteStatus, VerifyOptions


class AddRefusedError(FactcheckError):
    """The page did not answer or a quote is not on it, and --force was not given: exit 1."""


@dataclass(frozen=True)
class Addition:
    """What to add: a URL and its quotes, to claim `claim_id` or to a new claim `new_claim`."""

    url: str
    quotes: tuple[str, ...]
    claim_id: str | None = None
    new_claim: str | None = None
    new_id: str | None = None
    force: bool = False


@dataclass(frozen=True)
class Added:
    """The claim file's new text and a line saying what was added where."""

    text: str
    summary: str


async def add_to_file(
    path: Path, addition: Addition, options: VerifyOptions, today: date, endpoint: str | None
) -> Added:
    """The file at `path` with the citation added. Raises ClaimFileError(s) for an invalid
    file, a bad URL or an unknown claim (before any request), AddRefusedError for a page
    that does not back the quotes."""
    text, parsed = _read(path)
    claim_id = _target_id(addition, parsed, str(path))
    async with Fetcher(options) as fetcher:
        pages = await fetch_pages(fetcher, [addition.url])
        citation = _citation(addition, pages, today)
        if endpoint and not citation.notes and pages.answered(addition.url):
            saved = await save_page(fetcher, endpoint, addition.url)
            citation.archive_url = saved.archive_url
            if saved.archive_url is None:
                citation.notes.append(f"archive: {one_line(saved.reason)}")
    if addition.claim_id is not None:
        new_text = add_citation(text, str(path), claim_id, citation)
    else:
        claim = ClaimDraft(claim_id, addition.new_claim or "", [citation], ())
        new_text = add_claim(text, str(path), claim)
    _still_valid(new_text, str(path))
    where = "new claim" if addition.claim_id is None else "claim"
    return Added(new_text, f"added {one_line(addition.url)} to {where} '{claim_id}' in {path}")


def _read(path: Path) -> tuple[str, ClaimFile]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClaimFileError(str(path), None, exc.strerror or str(exc)) from exc
    parsed = parse_claim_file(data, str(path))
    return data.decode("utf-8"), parsed


def _target_id(addition: Addition, parsed: ClaimFile, path: str) -> str:
    """The claim's id (checked to exist), or the new claim's (checked to be free)."""
    problem = url_problem(addition.url)
    if problem:
        raise ClaimFileError(path, None, f"the URL to add {problem}")
    ids = {claim.id for claim in parsed.claims}
    if addition.claim_id is not None:
        if addition.claim_id not in ids:
            raise ClaimFileError(path, None, f"no claim with id '{one_line(addition.claim_id)}'")
        return addition.claim_id
    if addition.new_id is not None:
        if addition.new_id in ids:
            raise ClaimFileError(path, None, f"claim id '{one_line(addition.new_id)}' is taken")
        return addition.new_id
    return unique_id(slug(addition.new_claim or ""), ids)


def _citation(addition: Addition, pages: CitedPages, today: date) -> CitationDraft:
    """The citation to write, or AddRefusedError saying why the page does not back it."""
    url = addition.url
    citation = CitationDraft(url, list(addition.quotes))
    if not pages.answered(url):
        problems = [f"the page did not answer ({one_line(pages.answer(url).reason)})"]
    else:
        citation.accessed = today
        results = pages.check(url, addition.quotes)
        problems = [_not_found(r) for r in results if r.status is not QuoteStatus.FOUND]
    if problems and not addition.force:
        listed = "; ".join(problems)
        raise AddRefusedError(f"{one_line(url)}: {listed}; nothing added (--force adds it)")
    citation.notes.extend(f"added with --force: {problem}" for problem in problems)
    return citation


def _not_found(result: QuoteResult) -> str:
    closest = (
        f" (closest {result.score:.0f}%: {comment_text(result.closest)})"
        if result.closest is not None and result.score is not None
        else ""
    )
    return f"quote not on the page{closest}: {comment_text(result.text)}"


def _still_valid(text: str, path: str) -> None:
    """Refuse to write a file that would not load (a bug of `edit`, or a file it misread)."""
    try:
        parse_claim_file(text.encode("utf-8"), path)
    except (ClaimFileError, ClaimFilesError) as exc:
        raise ClaimFileError(path, None, f"the citation could not be added here: {exc}") from exc
