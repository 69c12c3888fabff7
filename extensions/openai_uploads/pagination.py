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

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["AsyncCursorPage", "AsyncPaginator", "SyncCursorPage"]


class _Item(Protocol):
    @property
    def id(self) -> str: ...


class _ListResponse(Protocol):
    data: Any
    has_more: bool
    first_id: str | None
    last_id: str | None


T = TypeVar("T", bound=_Item)


class _CursorPage(Generic[T]):
    data: list[T]
    """The items of this page."""
    has_more: bool
    """Whether the server has items after this page."""
    first_id: str | None
    last_id: str | None

    def __init__(self, response: _ListResponse) -> None:
        self.data = list(response.data)
        self.has_more = bool(response.has_more)
        self.first_id = response.first_id
        self.last_id = response.last_id
        self.response = response
        """The parsed list response this page holds."""

    def has_next_page(self) -> bool:
        """Whether another page follows (the server says so, and this one is not empty)."""
        return self.has_more and bool(self.data)

    def next_page_cursor(self) -> str | None:
        """The ``after`` value of the next page: the id of this page's last item."""
        return self.data[-1].id if self.has_next_page() else None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(data=<{len(self.data)} items>, has_more={self.has_more}, "
            f"first_id={self.first_id!r}, last_id={self.last_id!r})"
        )


class SyncCursorPage(_CursorPage[T]):
    """One page of a list; iterating it walks every following page too."""

    def __init__(self, response: _ListResponse, fetch: Callable[[str], SyncCursorPage[T]]):
        super().__init__(response)
        self._fetch = fetch

    def get_next_page(self) -> SyncCursorPage[T]:
        """Fetch the page after this one; ``RuntimeError`` when there is none."""
        cursor = self.next_page_cursor()
        if cursor is None:
            raise RuntimeError("No more pages: check has_next_page() first.")
        return self._fetch(cursor)

    def iter_pages(self) -> Iterator[SyncCursorPage[T]]:
        """This page, then each following page."""
        page: SyncCursorPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(_CursorPage[T]):
    """One page of a list (async); ``async for`` walks every following page too."""

    def __init__(
        self,
        response: _ListResponse,
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]],
    ) -> None:
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
