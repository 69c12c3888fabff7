"""The former md5 plugin: it implements no hook any more.

The md5 is core engine behaviour, not a plugin: the API takes one md5 with
``complete``, and ``upload_file_chunked`` always computes it over the bytes it reads,
checks the caller's ``md5=`` against it and sends it with ``complete``, whatever plugins
are loaded (``openai_uploads/_transfer/_job.py``, ``CORE_DIGEST``). So
``OPENAI_UPLOADS_PLUGINS=no:checksum`` no longer turns the md5 off (``md5=None`` /
``--no-md5`` sends none; a caller's ``md5=`` is always checked).

The module stays registered under its name so that lists of the built-ins, and
``no:checksum`` in existing environments, keep working. Plugins add other digests and
vetoes through ``digest_algorithms`` and ``check_digests``.
"""

from __future__ import annotations
