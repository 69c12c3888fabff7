"""The transfer tests written once, as async tests: ``scripts/unasync.py`` generates the sync
tests beside them (``tests/transfer/_sync/``), which run the sync client the same way."""
