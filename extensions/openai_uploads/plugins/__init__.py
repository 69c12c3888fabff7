"""The built-in plugins. They implement the same public hooks a user's plugin would.

* :mod:`.retry` — openai-python's retry policy (``decide_retry``), registered last.
* :mod:`.logging` — request and transfer logging to the ``openai_uploads`` logger.
* :mod:`.progress` — a terminal progress bar (needs the ``cli`` extra: rich).
"""
