# Generated from tests/transfer/_async/__init__.py by `python scripts/unasync.py`: do not edit.
"""The transfer tests written once, as async tests: ``scripts/unasync.py`` generates the sync
tests beside them (``tests/transfer/_sync/``), which run the sync client the same way."""
