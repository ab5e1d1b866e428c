"""Quotes: the text of a page, and whether each quoted passage is on it.

Text extraction from HTML, PDF and plain text (`extract`), normalisation (`normalise`),
editorial marks (`editorial`), the fast verbatim path (`verbatim`), the full matcher
(`match`), the closest passage (`closest`), text-fragment links (`fragment`) and the
per-page check (`pagecheck`). May import `fetch` (a FetchResult, decoding) and the bottom
layer; knows nothing of judging, evidence or reports.
"""
