# Generated from tests/client/_async/__init__.py by `python scripts/unasync.py`: do not edit.
"""The client tests written once, as async tests: ``scripts/unasync.py`` generates the sync
tests beside them (``tests/client/_sync/``), which run the sync client the same way."""
