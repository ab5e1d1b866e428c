"""Demo: the small web site `factcheck demo` serves on 127.0.0.1, and the claims it checks.

Used by the demo command and by the tests; not part of a verification run. May import
`claims` and the bottom layer.
"""
