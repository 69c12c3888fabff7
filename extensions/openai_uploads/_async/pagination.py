"""The cursor page of the client's ``list`` methods."""

from __future__ import annotations

from collections.abc import AsyncIterator

from .._pagination_core import AsyncPageFetch, T, _CursorPage, _ListResponse

# unasync: async-only
# What the async list methods return (their sync twins return the page itself, which
# NAMES maps it to), so that `_async/files.py` imports both from here.
from .._pagination_core import AsyncPaginator as AsyncPaginator

# unasync: end

__all__ = ["AsyncCursorPage"]


class AsyncCursorPage(_CursorPage[T]):
    """One page of a list; iterating it (asynchronously, with the async client) walks
    every following page too."""

    def __init__(self, response: _ListResponse, fetch: AsyncPageFetch[AsyncCursorPage[T]]):
        super().__init__(response)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncCursorPage[T]:
        """Fetch the page after this one; ``RuntimeError`` when there is none."""
        cursor = self.next_page_cursor()
        if cursor is None:
            raise RuntimeError("No more pages: check has_next_page() first.")
        return await self._fetch(cursor)

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        """This page, then each following page."""
        page: AsyncCursorPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item
