"""The tags of an HTML page as the HTML tokenizer reads them, at the speed of one regex pass.

What looks like a tag inside a comment, a bogus comment (`<!x ...>`, `<?...>`, `</ ...>`),
an attribute value (`<a title="</div>">`) or a raw-text element (`<script>`, `<style>`,
`<title>`, `<textarea>`...) is no tag to the parser, and a page that hides end tags there
must not pass for shallow (quotes/nesting.py). Attribute values are read as the tokenizer
reads them (quoted or not, `=` or `"` inside a name); a comment, tag or raw text left open
runs to the end of the page, as in the parser; a `<script>`'s text is passed over to its
first `</script` (the parser may read on further, never less far).

A raw-text element's text is markup, though, in SVG or MathML (`<svg><title>`) and is never
reached after a `<frameset>`: which one holds is for the caller to tell, so where such an
element's text holds a "<", the stream has a RAW_MARK after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_WS = "\\t\\n\\f\\r "  # the tokenizer's white space (not \v, not Unicode spaces)
_VALUE = f"\"[^\"]*+\"|'[^']*+'|[^{_WS}>\"'][^{_WS}>]*+"
# A name may start with "=" and hold quote marks; possessive, so read one way only.
_ATTRIBUTE = f"[^{_WS}/>][^{_WS}/>=]*+(?:[{_WS}]*+=[{_WS}]*+(?:{_VALUE})?)?"
_ATTRIBUTES = f"(?:[{_WS}]++|/(?!>)|{_ATTRIBUTE})*+"
_CLOSE = "(?:>|\\Z)"  # left open: to the end of the page (and one pass, not one per "<")
_NOT_TAGS = (
    "!--(?:-?>|(?:[^-]++|-(?!-!?>))*+(?:--!?>|\\Z))"  # a comment, ended as the tokenizer ends one
    f"|[!?][^>]*+{_CLOSE}"  # doctype, CDATA in HTML, bogus comment: to the first ">"
    f"|/(?:>|[^A-Za-z>][^>]*+{_CLOSE})"  # "</>" (dropped) or a bogus comment
)
_RAW_NAMES = "script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext"
_SC = f"script(?=[{_WS}/>])"
# A script's text, as the tokenizer's script states read it: "<!--" escapes it, and in
# escaped text "<script" escapes it twice, so that a "</script>" there does not end it.
_DATA = f"(?:[^<]++|<(?!!--|/{_SC}))*+"
_ESCAPED = f"(?:[^<-]++|-(?!->)|<(?!/?{_SC}))*+"
_TWICE = f"(?:[^<-]++|-(?!->)|<(?!/{_SC}))*+"
_SCRIPT_TEXT = (
    f"{_DATA}(?:<!--(?:-*+>|{_ESCAPED}(?:<{_SC}{_TWICE}(?:</{_SC}{_ESCAPED}|(?=-->)))*+"
    f"(?:-->|(?=</{_SC})|\\Z)){_DATA})*+"
)
# A raw-text element whole, to its end tag (or the end of the page: <plaintext> has none);
# its ">" is captured when its text holds a "<" (RAW_MARK).
_RAW_END = f"</(?(script)script|(?P=raw))[{_WS}/>]"
_RAW = (
    f"(?:(?P<script>script)|(?P<raw>{_RAW_NAMES}))(?=[{_WS}/>]){_ATTRIBUTES}/?"
    f"(?:(?=>[^<]*+(?!{_RAW_END})<)(>)|>)(?(script){_SCRIPT_TEXT}|(?:[^<]++|(?!{_RAW_END})<)*+)"
    f"(?:{_RAW_END[: -len(f'[{_WS}/>]')]}(?=[{_WS}/>]){_ATTRIBUTES}/?{_CLOSE}|\\Z)"
)
# The last two groups: "/" for an end tag and the name; "/" when written self-closing.
_TAG = f"(/?[A-Za-z][^{_WS}/>]*+){_ATTRIBUTES}(/?){_CLOSE}"
_TAGS = re.compile(f"<(?:{_NOT_TAGS}|{_RAW}|{_TAG})", re.ASCII | re.IGNORECASE | re.DOTALL)
_RAW_NAME = re.compile(f">(?:{_RAW_NAMES})(?=>|\\Z)")
RAW_MARK = "<"  # no tag's token is "<": names start with a letter, end tags with "/"
_EMPTY_TOKEN = re.compile(">(?=>|\\Z)")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def tag_stream(html: str) -> str:
    """The page's tags as one string, each after a ">": ">div>p>/p>path/>/div" (a start tag,
    an end tag, a self-closing one), names in ASCII lower case as the parser has them (">" is
    in no name), raw-text elements left out but for a RAW_MARK where their text holds "<"."""
    tokens = ">".join(filter(None, map("".join, _TAGS.findall(html))))
    if not tokens:
        return ""
    # A raw-text element is its name, then an empty token where its text holds a "<".
    marked = _EMPTY_TOKEN.sub(">" + RAW_MARK, ">" + tokens.translate(_ASCII_LOWER))
    return _RAW_NAME.sub("", marked)


def tags_at(html: str) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, token, self-closing) of each tag in `html`, in order, as in `tag_stream`
    (RAW_MARK for a raw-text element whose text holds "<")."""
    for found in _TAGS.finditer(html):
        _, _, mark, token, slash = found.groups()
        if mark or token:
            name = RAW_MARK if mark else token.translate(_ASCII_LOWER)
            yield found.start(), found.end(), name, bool(slash)
