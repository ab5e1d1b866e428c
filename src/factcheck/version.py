"""factcheck's version, in a module of its own so every stage can name it (in the User-Agent,
the WARC's software field) without importing the package's public API."""

__version__ = "0.1.0"
