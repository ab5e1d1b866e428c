"""The benchmark's pages: realistic HTML of a set size, one unique sentence each.

Both the server (which renders pages) and the generator (which writes the quotes) import
this module, so the sentence of page `n` is known to both without any shared state. The
bulk of a page is one of a few pre-rendered templates; only the title and the paragraph
holding the sentence differ per page, so rendering costs a join of a few byte strings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

TEMPLATE_VARIANTS = 8

_WORDS = (
    "council budget harbour survey ministry growth rainfall border census tariff "
    "committee hospital pension railway drought election vaccine subsidy quarry "
    "orchard reservoir school tunnel bridge ferry archive witness auditor report "
    "farmers officials analysts residents engineers inspectors nurses teachers "
    "rose fell doubled stalled widened narrowed recovered collapsed improved "
    "quietly sharply slowly steadily briefly largely mostly nearly roughly "
    "northern southern coastal rural urban regional national annual quarterly"
).split()
_ADJECTIVES = "amber brisk cobalt dusky eager frosty gilded hollow ivory jagged".split()
_NOUNS = "lantern meadow beacon citadel glacier harbour canyon orchard foundry quarry".split()
_VERBS = "recorded counted reported measured catalogued estimated listed tallied".split()
_THINGS = "wells bridges clinics ferries mills schools kilns barges looms sluices".split()


def sentence(page_id: int) -> str:
    """The one sentence that appears on page `page_id` and on no other page."""
    rng = random.Random(page_id)
    return (
        f"In {1900 + rng.randrange(120)} the {rng.choice(_ADJECTIVES)} "
        f"{rng.choice(_NOUNS)} of district {page_id} {rng.choice(_VERBS)} "
        f"{rng.randrange(10, 10_000)} {rng.choice(_THINGS)}, "
        f"ledger entry {rng.randrange(10**6, 10**7)}."
    )


def _filler_sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randrange(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    """A paragraph of filler with the inline markup articles carry (links, emphasis)."""
    parts = [_filler_sentence(rng) for _ in range(rng.randrange(3, 7))]
    i = rng.randrange(len(parts))
    parts[i] = f'<a href="/page/{rng.randrange(10**6)}">{parts[i]}</a>'
    j = rng.randrange(len(parts))
    parts[j] = f"<em>{parts[j]}</em>"
    return "<p>" + " ".join(parts) + "</p>\n"


_HEAD_START = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
"""

_STYLE = """<style>
body { font-family: Georgia, serif; margin: 0 auto; max-width: 42rem; line-height: 1.6; }
nav ul { list-style: none; display: flex; gap: 1rem; } nav a { color: #333; }
article p { margin: 0 0 1rem; } footer { font-size: 0.8rem; color: #666; }
.byline::before { content: "By "; } .lede { font-size: 1.2rem; }
</style>
</head>
<body>
"""

_SCRIPT = """<script>
window.dataLayer = window.dataLayer || [];
function track(event) { window.dataLayer.push({event: event, ts: Date.now()}); }
document.addEventListener("DOMContentLoaded", function () { track("view"); });
</script>
"""


@dataclass(frozen=True)
class Template:
    """A page minus its title and its sentence paragraph, as bytes around the gaps."""

    head: bytes  # up to and including <title>
    body_start: bytes  # from </title> to just before the sentence paragraph
    body_end: bytes  # after the sentence paragraph to </html>


def _nav_and_header(rng: random.Random) -> str:
    links = "".join(
        f'<li><a href="/section/{w}">{w.capitalize()}</a></li>' for w in rng.sample(_WORDS, 8)
    )
    return (
        f"<nav><ul>{links}</ul></nav>\n"
        f"<header><h1>{_filler_sentence(rng)}</h1>"
        f'<p class="byline">{rng.choice(_NOUNS).capitalize()} desk</p></header>\n'
    )


def _footer(rng: random.Random) -> str:
    return (
        f"<footer><p>{_filler_sentence(rng)}</p>"
        '<p><a href="/about">About</a> | <a href="/privacy">Privacy</a></p></footer>\n'
    )


@cache
def template(variant: int, page_bytes: int) -> Template:
    """Pre-rendered markup for one variant, padded with paragraphs to about `page_bytes`."""
    rng = random.Random(f"variant-{variant}")
    top = "</title>\n" + _STYLE + _nav_and_header(rng) + '<article>\n<p class="lede">'
    bottom = "</article>\n" + _footer(rng) + _SCRIPT + "</body>\n</html>\n"
    before: list[str] = [top + _filler_sentence(rng) + "</p>\n"]
    after: list[str] = []
    size = len(_HEAD_START) + len(top) + len(bottom) + 300  # 300: title and sentence paragraph
    while size < page_bytes:
        paragraph = _paragraph(rng)
        (before if len(before) <= len(after) else after).append(paragraph)
        size += len(paragraph)
    return Template(
        head=(_HEAD_START + "<title>").encode(),
        body_start="".join(before).encode(),
        body_end=("".join(after) + bottom).encode(),
    )


def render(page_id: int, page_bytes: int) -> bytes:
    """The HTML of page `page_id`: about `page_bytes` long, holding `sentence(page_id)`."""
    t = template(page_id % TEMPLATE_VARIANTS, page_bytes)
    # Inline markup around (not inside) the sentence, as in a real article.
    paragraph = (
        f"<p>According to the <strong>register</strong>, {sentence(page_id)} "
        f'<a href="/notes/{page_id}">See the notes</a>.</p>\n'
    )
    return b"".join(
        (t.head, f"Field report {page_id}".encode(), t.body_start, paragraph.encode(), t.body_end)
    )
