"""Drafting claim files from an article: `factcheck init` and `factcheck add`.

An article (a URL, an HTML or a Markdown file) is read into its main text (`maintext`: the
trafilatura library finds it in a web page, keeping the links), cut into sentences with their
links and quoted passages (`sentences`), each cited page fetched with the normal fetcher and
its quotes looked for with the normal matcher (`pages`), and the draft written as YAML
(`writer`, every untrusted string escaped by `yamltext`). `edit` adds a citation to an
existing claim file as text, leaving every other byte as it was.

Sits beside `verify`, above `evidence`: may import `evidence`, `quotes`, `fetch`, `claims`
and the bottom layer; nothing but the CLI imports it. trafilatura, lxml and markdown-it-py
come with the `draft` extra and are imported only when a draft is made.
"""

from __future__ import annotations
