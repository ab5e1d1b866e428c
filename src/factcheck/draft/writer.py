"""A draft claim file as YAML text: a header saying how it was made, then the claims in the
article's order, every value through `yamltext.scalar` and every comment one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from factcheck.draft.plan import CitationDraft, ClaimDraft
from factcheck.draft.yamltext import one_line, scalar


@dataclass(frozen=True)
class Counts:
    """What a draft holds, for its header and the command's summary line."""

    claims: int
    citations: int
    quotes: int
    missed: int
    unchecked: int
    unanswered: int

    @classmethod
    def of(cls, claims: list[ClaimDraft]) -> Counts:
        citations = [c for claim in claims for c in claim.citations]
        return cls(
            claims=len(claims),
            citations=len(citations),
            quotes=sum(len(c.quotes) for c in citations),
            missed=sum(c.missed for c in citations),
            unchecked=sum(c.unchecked for c in citations),
            unanswered=sum(1 for c in citations if c.accessed is None),
        )

    def summary(self) -> str:
        return (
            f"{_count(self.claims, 'claim')}, {_count(self.citations, 'citation')}: "
            f"{_count(self.quotes, 'quote')} found on their pages, "
            f"{_count(self.missed, 'quoted passage')} not found, "
            + (f"{self.unchecked:,} not checked, " if self.unchecked else "")
            + f"{_count(self.unanswered, 'page')} not answering"
        )


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'' if n == 1 else 's'}"


def render(
    claims: list[ClaimDraft], location: str, title: str | None, source: str | None, today: date
) -> str:
    """The whole draft file."""
    lines = [
        f"# Drafted by factcheck init on {today.isoformat()} from {one_line(location)}",
        f"# {Counts.of(claims).summary()}.",
        "# A draft: review every claim, quote and comment, then run factcheck verify.",
    ]
    if title:
        lines.append(f"title: {scalar(title)}")
    if source:
        lines.append(f"source: {scalar(source)}")
    lines.append("claims:")
    for n, claim in enumerate(claims):
        if n:
            lines.append("")
        lines.extend(claim_lines(claim, "  "))
    return "\n".join(lines) + "\n"


def claim_lines(claim: ClaimDraft, indent: str) -> list[str]:
    """A claim as an item of the `claims` list, at `indent`."""
    inner = indent + "  "
    lines = [
        f"{indent}- id: {scalar(claim.id)}",
        f"{inner}claim: {scalar(claim.claim)}",
        f"{inner}citations:",
    ]
    for citation in claim.citations:
        lines.extend(citation_lines(citation, inner + "  "))
    return lines


def citation_lines(citation: CitationDraft, indent: str) -> list[str]:
    """A citation as an item of a `citations` list, at `indent`."""
    inner = indent + "  "
    lines = [f"{indent}- url: {scalar(citation.url)}"]
    if len(citation.quotes) == 1:
        lines.append(f"{inner}quote: {scalar(citation.quotes[0])}")
    elif citation.quotes:
        lines.append(f"{inner}quotes:")
        lines.extend(f"{inner}  - {scalar(quote)}" for quote in citation.quotes)
    if citation.archive_url:
        lines.append(f"{inner}archive_url: {scalar(citation.archive_url)}")
    if citation.accessed:
        lines.append(f"{inner}accessed: {citation.accessed.isoformat()}")
    lines.extend(f"{inner}# {note}" for note in citation.notes)
    return lines
