# Generated from openai_uploads/_async/pagination.py by `python scripts/unasync.py`: do not edit.
"""The cursor page of the client's ``list`` methods."""

from __future__ import annotations

from collections.abc import Iterator

from .._pagination_core import PageFetch, T, _CursorPage, _ListResponse

__all__ = ["SyncCursorPage"]


class SyncCursorPage(_CursorPage[T]):
    """One page of a list; iterating it (asynchronously, with the async client) walks
    every following page too."""

    def __init__(self, response: _ListResponse, fetch: PageFetch[SyncCursorPage[T]]):
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
