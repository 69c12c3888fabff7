"""``client.uploads.parts``: add a Part (a chunk of at most 64 MiB) to an Upload."""

# AsyncParts is written once, in openai_uploads/_async/parts.py; Parts is generated from
# it (scripts/unasync.py). The request both send is built in ._parts_core.

from __future__ import annotations

from .._async.parts import AsyncParts
from .._sync.parts import Parts

__all__ = ["AsyncParts", "Parts"]

for _twin in (AsyncParts, Parts):
    _twin.__module__ = __name__  # where they are documented and imported from
