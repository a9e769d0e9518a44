"""The package's version, on the bottom floor so that the mapping's build fingerprint can read it without importing
the notebook facade (``fundgraph/__init__.py``) from above."""

__version__ = "0.1.0"
