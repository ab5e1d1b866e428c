"""The HTML parser's stack of open elements, as far as it can be known without parsing: a
count that is never shallower than the parser's (quotes/nesting.py caps the depth on it).

Every start tag of an element pushes, but a void element in HTML (`<br>`) or one written
self-closing in SVG or MathML (`<path/>`). An end tag pops only what the parser certainly
pops: the current element of that name, or the one under elements whose end tag may be left
out (`</ul>` closes an open `<li>`), and a start tag closes only what it certainly closes
(`<li>` an `<li>`, a block a `<p>`, a cell a cell). Anything else (`</span>` under a `<div>`,
`</div>` across a `<table>`, an end tag with no such element) pops nothing: the count errs
deep. Where an HTML start tag or an unmatched end tag may have ended SVG or MathML content,
the namespace of what is open becomes unsure, and then both a void and a self-closing
element push.

Not kept: the elements the parser adds by itself (a table's body and row, a formatting
element reopened), so its depth may be up to a few times this one's.
"""

from __future__ import annotations

HTML, SVG, MATH, UNSURE = "html", "svg", "math", "unsure"
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen basefont "
    "bgsound image frame".split()
)
# Elements whose end tag may be left out: an end tag further up closes them too.
_IMPLIED_END = frozenset("p li dd dt option optgroup rb rp rt rtc".split())
_CELLS = frozenset("td th".split())
_ROW = frozenset({"tr"})
_SECTIONS = frozenset("tbody thead tfoot".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_P = frozenset({"p"})
# For an end tag: the elements above its own that it closes with it.
_CLOSES_TOO = {
    **dict.fromkeys(
        "address article aside blockquote button center details dialog dir div dl fieldset "
        "figcaption figure footer header hgroup listing main menu nav ol pre search section "
        "summary ul li dd dt p h1 h2 h3 h4 h5 h6 applet marquee object".split(),
        _IMPLIED_END,
    ),
    "tr": _CELLS | _IMPLIED_END,
    **dict.fromkeys(_SECTIONS, _CELLS | _ROW | _IMPLIED_END),
    "table": _CELLS | _ROW | _SECTIONS | _IMPLIED_END | {"caption", "colgroup"},
}
_CLOSES_P = _HEADINGS | frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul pre listing "
    "form li dd dt plaintext xmp".split()
)
# For a start tag: the current elements it closes first, one step after another.
_CLOSES_FIRST: dict[str, tuple[frozenset[str], ...]] = {
    **dict.fromkeys(_CLOSES_P, (_P,)),
    **dict.fromkeys(_HEADINGS, (_P, _HEADINGS)),
    "li": (_P, frozenset({"li"})),
    **dict.fromkeys(("dd", "dt"), (_P, frozenset({"dd", "dt"}))),
    **dict.fromkeys(("option", "optgroup"), (frozenset({"option"}),)),
    **dict.fromkeys(_CELLS, (_CELLS,)),
    "tr": (_CELLS, _ROW),
    **dict.fromkeys(_SECTIONS, (_CELLS, _ROW, _SECTIONS)),
}
# HTML start tags that end SVG or MathML content (<font> only with some attributes: unsure).
BREAKOUT = _HEADINGS | frozenset(
    "b big blockquote body br center code dd div dl dt em embed head hr i img li listing "
    "menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var".split()
)
# SVG and MathML elements whose children are HTML.
INTEGRATION = {SVG: frozenset("foreignobject desc title".split()), MATH: frozenset()}
_MATH_TEXT = frozenset("mi mo mn ms mtext".split())
_MATH_GLYPHS = frozenset("mglyph malignmark".split())


class OpenElements:
    """The stack of open elements, names in ASCII lower case (see the module)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._spaces: list[str] = []
        self._frameset = False
        self._not_html = 0  # how many open elements are SVG, MathML or unsure
        self._foreign_at: list[int] = []  # where the SVG and MathML ones are, in order

    def start(self, name: str, self_closing: bool) -> None:
        """Read a start tag."""
        self._frameset = self._frameset or name == "frameset"
        space = self._space_for(name)
        if (space == HTML and name in VOID) or (self_closing and space in (SVG, MATH)):
            return
        if space == HTML and self._spaces and self._spaces[-1] == HTML:
            for closes in _CLOSES_FIRST.get(name, ()):
                if self.names and self.names[-1] in closes and self._spaces[-1] == HTML:
                    self._pop(len(self.names) - 1)
        if space in (SVG, MATH):
            self._foreign_at.append(len(self.names))
        self.names.append(name)
        self._spaces.append(space)
        self._not_html += space != HTML

    def end(self, name: str) -> None:
        """Read an end tag: pop the element it certainly closes, if any."""
        at = len(self.names) - 1
        closes_too = _CLOSES_TOO.get(name, ())
        while at >= 0 and self.names[at] != name and self.names[at] in closes_too:
            at -= 1
        if at >= 0 and self.names[at] == name:
            self._pop(at)
        elif self._spaces and self._spaces[-1] != HTML:  # it may end SVG or MathML
            self._unsure()

    def raw_text_may_be_markup(self) -> bool:
        """True when the text of a raw-text element (<script>, <title>...) here may be read
        as tags: SVG or MathML may be open, or a frameset has been."""
        return self._frameset or self._not_html > 0

    def _space_for(self, name: str) -> str:
        """The namespace of an element `name` started here; may make the open ones unsure."""
        if name in (SVG, MATH):
            return name
        space = self._spaces[-1] if self._spaces else HTML
        if space in (HTML, UNSURE):
            return space
        top = self.names[-1]
        if top in INTEGRATION[space] or (top in _MATH_TEXT and name not in _MATH_GLYPHS):
            return HTML
        if name in BREAKOUT or name == "font" or top == "annotation-xml":
            self._unsure()  # the parser may have closed SVG or MathML for it
            return UNSURE
        return space

    def _unsure(self) -> None:
        for at in self._foreign_at:  # each element turns unsure once: no walk of the stack
            self._spaces[at] = UNSURE
        self._foreign_at.clear()

    def _pop(self, at: int) -> None:
        self._not_html -= sum(space != HTML for space in self._spaces[at:])
        while self._foreign_at and self._foreign_at[-1] >= at:
            self._foreign_at.pop()
        del self.names[at:]
        del self._spaces[at:]
