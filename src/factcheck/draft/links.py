"""Which links of an article's main text are citations: absolute http(s) links to another
page, not share buttons, not the site's tag, category or author pages, not the article
itself."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from factcheck.claims.files import url_problem
from factcheck.fetch.client import strip_fragment

# Share buttons: the service's "post this" address, never a source.
SHARE = re.compile(
    r"^(?:www\.)?(?:twitter\.com/(?:intent|share)|x\.com/intent|facebook\.com/(?:sharer|dialog)"
    r"|linkedin\.com/(?:sharearticle|shareArticle|cws/share)|reddit\.com/submit"
    r"|(?:api\.)?whatsapp\.com/send|wa\.me/|t\.me/share|telegram\.me/share"
    r"|pinterest\.com/pin/create|news\.ycombinator\.com/submitlink|bsky\.app/intent"
    r"|getpocket\.com/save|tumblr\.com/share|mastodonshare\.com)",
    re.IGNORECASE,
)
# A site's own listing pages: /tag/x, /tags/x, /category/x, /author/x, /topics/x.
LISTING = re.compile(r"/(?:tags?|categor(?:y|ies)|authors?|topics?|labels?)/", re.IGNORECASE)


def citation_url(target: str, base: str | None, article: str | None) -> str | None:
    """The absolute URL a link cites (fragment kept), or None when it is no citation."""
    target = target.strip()
    if target.startswith("#") or not target:
        return None
    url = urljoin(base, target) if base else target
    if url_problem(url) is not None:
        return None
    parts = urlsplit(url)
    if SHARE.match(f"{parts.netloc}{parts.path}"):
        return None
    if article is not None and strip_fragment(url) == strip_fragment(article):
        return None
    if article is not None and parts.netloc.lower() == urlsplit(article).netloc.lower():
        if LISTING.search(parts.path) or parts.path in ("", "/"):
            return None
    return url
