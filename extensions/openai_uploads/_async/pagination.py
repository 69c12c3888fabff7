"""The cursor page of the client's ``list`` methods."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic

from .._pagination_core import T, _CursorPage, _ListResponse

# unasync: async-only
__all__ = ["AsyncCursorPage", "AsyncPaginator"]
# unasync: sync-only
# __all__ = ["SyncCursorPage"]
# unasync: end


class AsyncCursorPage(_CursorPage[T]):
    # unasync: async-only
    """One page of a list (async); ``async for`` walks every following page too."""

    def __init__(
        self,
        response: _ListResponse,
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]],
    ) -> None:
        super().__init__(response)
        self._fetch = fetch

    # unasync: sync-only
    # """One page of a list; iterating it walks every following page too."""
    #
    # def __init__(self, response: _ListResponse, fetch: Callable[[str], SyncCursorPage[T]]):
    #     super().__init__(response)
    #     self._fetch = fetch
    #
    # unasync: end

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


# unasync: async-only
class AsyncPaginator(Generic[T]):
    """What the async ``list`` methods return: ``await`` it for the first page, or
    ``async for`` over it for every item of every page."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncCursorPage[T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncCursorPage[T]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first_page()
        async for item in page:
            yield item


# unasync: end
