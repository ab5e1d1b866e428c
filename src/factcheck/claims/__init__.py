"""Claims: claim files and configuration, read into the models with a file:line on every error.

The first stage: YAML claim files (with the line of every node, `yamltree`), the discovery of
claim files in folders (`files`) and `factcheck.toml` (`config`). Imports only the bottom
layer (`models`, `errors`, `text`); knows nothing of fetching, quotes, evidence or reports.
"""
