"""The domain: claims as read from YAML, and the outcomes of checking them.

Everything here is a frozen dataclass or an enum, with no I/O, so the core can be used
from a notebook and every report format renders the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# --- input: what the claim files say ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Citation:
    """One source behind a claim: a URL and the passages quoted from it."""

    url: str
    quotes: tuple[str, ...] = ()
    archive_url: str | None = None
    note: str | None = None
    line: int | None = None  # line of the citation in its file (1-based)
    accessed: date | None = None  # the day the fact-checker read the page


@dataclass(frozen=True, slots=True)
class Claim:
    """One assertion of an article with the citations that back it."""

    id: str
    claim: str
    citations: tuple[Citation, ...]
    file: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimFile:
    """A parsed claim file."""

    path: str
    claims: tuple[Claim, ...]
    title: str | None = None
    source: str | None = None


# --- output: what checking found ----------------------------------------------------------


class CitationStatus(StrEnum):
    """The outcome of one citation; the JSON report uses these exact strings."""

    OK = "ok"
    QUOTE_ALTERED = "quote_altered"
    QUOTE_MISSING = "quote_missing"
    ARCHIVED = "archived"
    BLOCKED = "blocked"
    BROKEN = "broken"
    ERROR = "error"
    NOT_CHECKED = "not_checked"  # the run was interrupted before this citation finished
    EXCLUDED = "excluded"  # its URL matches --exclude (and no --include): never fetched

    def fails(self, strict: bool = False) -> bool:
        """True when this status makes the run fail (exit 1)."""
        if self is CitationStatus.BLOCKED:
            return strict
        return self not in (CitationStatus.OK, CitationStatus.ARCHIVED, CitationStatus.EXCLUDED)


class QuoteStatus(StrEnum):
    FOUND = "found"
    ALTERED = "altered"
    MISSING = "missing"


class Verdict(StrEnum):
    VERIFIED = "verified"  # every citation ok or archived
    FAILED = "failed"  # some citation broken, quote_missing, quote_altered or error
    UNVERIFIABLE = "unverifiable"  # otherwise: only blocked (or excluded) sources
    NOT_CHECKED = "not_checked"  # interrupted before a citation was checked, none failed


@dataclass(frozen=True, slots=True)
class QuoteResult:
    """Where (and whether) one quote stands on a page.

    `closest` is the page's own passage nearest to the quote (for altered and missing
    quotes), `score` its similarity 0-100; `occurrences` counts exact matches (a quote
    found word for word in the source counts its word-for-word copies: at least 1);
    `fragment_url` opens the page with the passage highlighted (found quotes only).
    """

    text: str
    status: QuoteStatus
    score: float | None = None
    closest: str | None = None
    occurrences: int = 0
    fragment_url: str | None = None
    diff: str | None = None  # word diff quote -> page, for altered quotes
    note: str | None = None  # e.g. "the page is rendered by JavaScript"
    rendered: bool = False  # checked on the page as headless Chromium showed it


@dataclass(frozen=True, slots=True)
class CitationResult:
    """The verdict on one citation, with the reason a person can act on."""

    citation: Citation
    status: CitationStatus
    reason: str
    http_status: int | None = None
    final_url: str | None = None
    quotes: tuple[QuoteResult, ...] = ()
    checked_url: str | None = None  # the URL whose content was judged (live or archive)
    suggestion: str | None = None  # what to do about it, when there is something to do
    snapshot_date: str | None = None
    screenshot: str | None = None  # the rendered page's picture in the snapshot store (--render)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    citations: tuple[CitationResult, ...]
    # Worked out once from the citations: every report asks for it two or three times.
    verdict: Verdict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", _verdict(self.citations))


def _verdict(citations: tuple[CitationResult, ...]) -> Verdict:
    statuses = [c.status for c in citations if c.status is not CitationStatus.EXCLUDED]
    if not statuses:  # every citation excluded: nothing says the claim holds
        return Verdict.UNVERIFIABLE
    if any(s.fails() and s is not CitationStatus.NOT_CHECKED for s in statuses):
        return Verdict.FAILED
    if CitationStatus.NOT_CHECKED in statuses:  # an unfinished check says nothing either way
        return Verdict.NOT_CHECKED
    if all(s in (CitationStatus.OK, CitationStatus.ARCHIVED) for s in statuses):
        return Verdict.VERIFIED
    return Verdict.UNVERIFIABLE


@dataclass(frozen=True, slots=True)
class RunError:
    """Why a run checked nothing: an invalid claim file, configuration, store or option
    (exit 2), or a run that could not go on, the network down (exit 3). Every report format
    lists them, so CI publishes what went wrong."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    exit_code: int = 2

    def __str__(self) -> str:
        where = [str(part) for part in (self.file, self.line, self.column) if part is not None]
        return ":".join([*where, f" {self.message}"]) if where else self.message


@dataclass(frozen=True, slots=True, repr=False)
class Report:
    """Everything one run found, claims and citations in file order."""

    claims: tuple[ClaimResult, ...]
    files: tuple[ClaimFile, ...] = ()
    interrupted: bool = False
    elapsed_seconds: float | None = None
    strict: bool = False  # the run's --strict: blocked citations fail too
    errors: tuple[RunError, ...] = ()  # why nothing was checked (exit 2 or 3)
    changed_since: str | None = None  # --changed-since REF: only claims changed since REF
    unchanged: int = 0  # claims left out by --changed-since, never fetched

    def __repr__(self) -> str:
        # Short on purpose: asyncio formats the finished task (and so its result) when
        # asyncio.run restores the Ctrl-C handler; a full repr of 20,000 citations cost
        # 60 MB and seconds at the end of every large run.
        counts = ", ".join(f"{status.value}={n}" for status, n in self.counts().items() if n)
        return f"Report({len(self.claims)} claims: {counts or 'no citations'})"

    def citation_results(self) -> list[CitationResult]:
        return [c for claim in self.claims for c in claim.citations]

    def counts(self) -> dict[CitationStatus, int]:
        """Number of citations per status, every status present (zeros included)."""
        counts = dict.fromkeys(CitationStatus, 0)
        for result in self.citation_results():
            counts[result.status] += 1
        return counts

    def failed(self, strict: bool = False) -> bool:
        return any(r.status.fails(strict) for r in self.citation_results())


RENDER_MODES = ("auto", "always", "never")  # --render: when a page is looked at in Chromium


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Knobs of one run; the CLI fills these from its options and the config file."""

    timeout: float = 20.0  # per request: connect, read, and the total deadline
    concurrency: int = 32
    per_host: int = 4
    workers: int = 1  # processes splitting the hosts between them (workers.py)
    retries: int = 2
    max_retry_after: float = 60.0
    max_bytes: int = 50 * 1024 * 1024
    # seconds one page may take to read (PDFs and large pages, in a reading process: reading.py)
    read_timeout: float = 60.0
    allow_private: bool = False
    allow_hosts: frozenset[str] = frozenset()  # exact HOST or HOST:PORT let past the guard
    strict: bool = False
    user_agent: str | None = None
    host_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # sent to every host (--header)
    accept: frozenset[int] = frozenset()  # statuses read as reachable pages beside 2xx
    exclude: tuple[str, ...] = ()  # regular expressions: matching URLs are not checked
    include: tuple[str, ...] = ()  # regular expressions: matching URLs are checked anyway
    probe_url: str = "https://www.example.com/"
    # --probe-url given on the command line: the user's own URL, past the guard. One from a
    # configuration file (which may come with the claims) passes the guard like any request.
    probe_allowed: bool = False
    check_connectivity: bool = True
    store: str | None = None  # snapshot store folder; None keeps no evidence
    offline: bool = False  # judge the latest stored snapshots, no network
    find_archive: bool = False  # look up the Internet Archive for failing citations
    # seconds: a citation verified ok this recently is reported from the store, not fetched
    max_age: float | None = None
    archive_endpoint: str = "https://web.archive.org"
    render: str = "auto"  # "auto", "always" or "never": when to look at a page in Chromium
    render_timeout: float = 15.0  # seconds for one page to load and settle in the browser
    render_concurrency: int = 2  # pages rendered at once (one browser per run)
    chromium: str | None = None  # the browser to run; None: $FACTCHECK_CHROMIUM or PATH
