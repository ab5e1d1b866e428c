"""Fetch: one HTTP request per URL, made safely, politely and within limits.

The client (`client.Fetcher`), reading and decoding bodies (`bodies`, `decode`), the address
guard every request goes through (`guard`), proxies from the environment (`proxies`), retries
(`retry`), per-host scheduling (`schedule`) and what an answer means (`outcomes`). Imports
only the bottom layer (`models`, `errors`, `text`); knows nothing of quotes, evidence or reports.
"""
