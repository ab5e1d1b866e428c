"""Render: look at a cited page the way a reader does, in headless Chromium.

`browser` finds the system Chromium and drives it with Playwright (an optional extra:
`pip install 'factcheck[render]'`), one browser per run, every request of every page sent
through the guarded proxy of `fetch.browser_proxy`. `page` loads one page, waits for it to
settle within a deadline and reads its visible text and the text of what it did not render;
`rendered` checks the quotes on them as a fetched page's text is checked
(`pagecheck.check_text`), highlights the first passage found and takes the evidence (the
rendered DOM and a screenshot). `headers` makes the page send the run's headers by the
fetcher's per-origin rule. `when` says which citations are worth a render.

Imports `fetch` (the guard's proxy, FetchResult), `quotes` (the matcher) and the bottom layer;
knows nothing of evidence, judging or reports.
"""
