# unasync: async-only
"""The clients and resources, written once as async code.

``scripts/unasync.py`` makes the sync twin of each module here in ``openai_uploads._sync``
(CI runs its ``--check``): edit these modules, never the generated ones, then run
``python scripts/unasync.py``. The public modules (``openai_uploads._client``,
``openai_uploads.resources.uploads``, ...) import the classes from both.
"""
# unasync: sync-only
# """The sync clients and resources, generated from ``openai_uploads._async``."""
# unasync: end
