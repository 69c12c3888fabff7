"""``client.files``: list, retrieve, download and delete the Files that Uploads produce."""

# AsyncFiles is written once, in openai_uploads/_async/files.py; Files is generated from
# it (scripts/unasync.py). The requests both send are built in ._files_core.

from __future__ import annotations

from .._async.files import AsyncFiles
from .._sync.files import Files

__all__ = ["AsyncFiles", "Files"]

for _twin in (AsyncFiles, Files):
    _twin.__module__ = __name__  # where they are documented and imported from
