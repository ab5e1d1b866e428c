"""Evidence: the pages a run read, kept, and what they tell later runs.

The snapshot store (`store`: a SQLite index and WARC files written by `store_writer`), what a
run keeps and replays (`snapshots`), drift between runs (`drift`), the cache of quote checks
(`quote_cache`), Internet Archive look-ups (`wayback`) and captures (`save_page`, for
`--archive`). May import `judge`, `quotes`, `fetch` and the bottom layer; knows nothing of
reports or the CLI.
"""
