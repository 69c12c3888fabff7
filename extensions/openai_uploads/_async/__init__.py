"""The clients and resources, written once.

The async package is the source: ``scripts/unasync.py`` generates the sync package from
it (CI runs its ``--check``), so edit the async modules, never the generated ones, then
run ``python scripts/unasync.py``. The public modules (``openai_uploads._client``,
``openai_uploads.resources.uploads``, ...) import the classes from both.
"""
