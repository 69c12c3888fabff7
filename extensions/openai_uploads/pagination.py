"""Cursor pages with openai-python's auto-paging: ``for file in client.files.list(): ...``.

A page holds one response (``.data``, ``.has_more``, ``.first_id``, ``.last_id``);
iterating it yields every item of this page and of the pages after it, fetching each
next page (``after=<id of the last item>``) as the previous one runs out.
``has_next_page()`` / ``get_next_page()`` / ``iter_pages()`` walk the pages by hand.

With :class:`~openai_uploads.AsyncOpenAI`, ``client.files.list()`` returns an
:class:`AsyncPaginator`: ``await`` it for the first page, or ``async for`` over it for
every item.
"""

from __future__ import annotations

# AsyncCursorPage is written once, in openai_uploads/_async/pagination.py; SyncCursorPage is
# generated from it (scripts/unasync.py). AsyncPaginator is in _pagination_core.
from ._async.pagination import AsyncCursorPage
from ._pagination_core import AsyncPaginator, _CursorPage
from ._pagination_core import T as T  # so that typing.get_type_hints resolves `data: list[T]`
from ._sync.pagination import SyncCursorPage

__all__ = ["AsyncCursorPage", "AsyncPaginator", "SyncCursorPage"]

for _moved in (AsyncCursorPage, AsyncPaginator, SyncCursorPage, _CursorPage):
    _moved.__module__ = __name__  # where they are documented and imported from
