"""What the sync and the async cursor pages share: a page's fields and its cursor."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

__all__ = ["T", "_CursorPage", "_ListResponse"]


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
