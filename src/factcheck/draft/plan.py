"""From an article's sentences to draft claims, and from the cited pages to their quotes.

One claim per sentence (list item, table row) with at least one citation link; one citation
per distinct link. The passages quoted in the sentence, or in a sentence next to it that has
no link of its own, are looked for on every page the sentence cites: a passage found on a page
becomes a quote of that citation; one found nowhere becomes a comment under the citation whose
page came closest, so nothing is invented and nothing dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from factcheck.draft.article import Article
from factcheck.draft.links import citation_url
from factcheck.draft.pages import CitedPages
from factcheck.draft.sentences import Sentence, sentences
from factcheck.draft.yamltext import comment_text
from factcheck.models import QuoteResult, QuoteStatus

SLUG_WORDS = 6
SLUG_CHARS = 48
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class CitationDraft:
    """A citation being drafted: the quotes found on its page and the comments under it
    (each one line, already made safe)."""

    url: str
    quotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    accessed: date | None = None
    archive_url: str | None = None
    missed: int = 0  # quoted passages not found on this page (commented)
    unchecked: int = 0  # quoted passages no page could be checked for (none answered)


@dataclass
class ClaimDraft:
    """A claim being drafted: the sentence, its citations and the passages to look for."""

    id: str
    claim: str
    citations: list[CitationDraft]
    passages: tuple[str, ...]


def draft_claims(article: Article) -> list[ClaimDraft]:
    """One draft claim per sentence with a citation link, in the article's order."""
    found = [s for block in article.blocks for s in sentences(block)]
    drafts: list[ClaimDraft] = []
    taken: set[str] = set()
    for index, sentence in enumerate(found):
        urls = _citations(sentence, article)
        if not urls:
            continue
        nearby = [found[i] for i in (index - 1, index + 1) if 0 <= i < len(found)]
        orphans = [q for s in nearby if not _citations(s, article) for q in s.quotes]
        passages = tuple(dict.fromkeys((*sentence.quotes, *orphans)))
        claim_id = unique_id(slug(sentence.text), taken)
        citations = [CitationDraft(url) for url in urls]
        drafts.append(ClaimDraft(claim_id, sentence.text, citations, passages))
    return drafts


def _citations(sentence: Sentence, article: Article) -> list[str]:
    urls = (citation_url(link.target, article.base, article.url) for link in sentence.links)
    return list(dict.fromkeys(url for url in urls if url is not None))


def slug(text: str) -> str:
    """A short id from a sentence's first words: ASCII letters and digits joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _SLUG_WORD.findall(ascii_text.lower())[:SLUG_WORDS]
    return "-".join(words)[:SLUG_CHARS].strip("-") or "claim"


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... the first not in `taken` (which it joins)."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    taken.add(candidate)
    return candidate


def check_claim(claim: ClaimDraft, pages: CitedPages, today: date) -> None:
    """Fill the claim's citations from their pages: quotes found, comments for the rest,
    `accessed` where the page answered, a starting point where no quote was found."""
    results = {c.url: pages.check(c.url, claim.passages) for c in claim.citations}
    for n, passage in enumerate(claim.passages):
        _place(passage, [(c, results[c.url][n]) for c in claim.citations if results[c.url]], claim)
    for citation in claim.citations:
        _conclude(citation, claim.claim, pages, today)


def _place(
    passage: str, checked: list[tuple[CitationDraft, QuoteResult]], claim: ClaimDraft
) -> None:
    found = [c for c, result in checked if result.status is QuoteStatus.FOUND]
    for citation in found:
        citation.quotes.append(passage)
    if found:
        return
    if not checked:
        first = claim.citations[0]
        first.notes.append("quoted in the article, not checked (the page did not answer):")
        first.notes.append(f"quote: {comment_text(passage)}")
        first.unchecked += 1
        return
    citation, result = max(checked, key=lambda pair: pair[1].score or 0.0)
    citation.notes.append(f"quoted in the article, not found on this page ({_closest(result)})")
    citation.notes.append(f"quote: {comment_text(passage)}")
    citation.missed += 1


def _closest(result: QuoteResult) -> str:
    if result.closest is None or result.score is None:
        return "nothing close"
    return f"closest {result.score:.0f}%: {comment_text(result.closest)}"


def _conclude(citation: CitationDraft, claim: str, pages: CitedPages, today: date) -> None:
    if not pages.answered(citation.url):
        reason = pages.answer(citation.url).reason or "no answer"
        citation.notes.insert(0, f"the page did not answer: {comment_text(reason)}")
        return
    citation.accessed = today
    if citation.quotes:
        return
    closest = pages.closest_sentence(citation.url, claim)
    if closest is not None:
        citation.notes.append(
            f"no quote found here; the page's sentence closest to the claim "
            f"({closest.score:.0f}%): {comment_text(closest.text)}"
        )
