"""The API resources: ``client.uploads`` (with ``.parts``) and ``client.files``.

Each method is a thin call into the generated request builder
(``openai_uploads_client.api.<tag>.<operation>._get_kwargs``); the module-level
``*_call`` functions build the call once for both the sync and the async class.
"""

from .files import AsyncFiles, Files
from .parts import AsyncParts, Parts
from .uploads import AsyncUploads, Uploads

__all__ = ["AsyncFiles", "AsyncParts", "AsyncUploads", "Files", "Parts", "Uploads"]
