"""What the sync and the async cursor pages share: a page's fields and its cursor, and
the twin helpers ``apaginate``/``paginate`` that make a ``list`` method's result."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar, get_args

if TYPE_CHECKING:
    from ._async.pagination import AsyncCursorPage

__all__ = [
    "AsyncPageFetch",
    "AsyncPaginator",
    "PageFetch",
    "T",
    "_CursorPage",
    "_ListResponse",
    "apaginate",
    "paginate",
]


class _Item(Protocol):
    @property
    def id(self) -> str: ...


class _ListResponse(Protocol):
    data: Any
    has_more: bool
    first_id: str | None
    last_id: str | None


T = TypeVar("T", bound=_Item)

_subscripted: dict[tuple[type, Any], type] = {}
"""``SyncCursorPage[FileObject]`` and the like: one class per page class and item type."""


class _CursorPage(Generic[T]):
    data: list[T]
    """The items of this page."""
    has_more: bool
    """Whether the server has items after this page."""
    first_id: str | None
    last_id: str | None

    if not TYPE_CHECKING:  # to type checkers a page stays a plain generic

        def __class_getitem__(cls, item):
            """``SyncCursorPage[FileObject]`` is a class, as openai-python's pydantic pages
            are: the pages a list of Files returns are its instances, so
            ``isinstance(page, SyncCursorPage[FileObject])`` holds (and so does
            ``isinstance(page, SyncCursorPage)``). With a type variable (``[T]``, in a
            generic function or a subclass) it is the usual generic alias."""
            alias = super().__class_getitem__(item)
            if getattr(alias, "__parameters__", ()):
                return alias
            (item_type,) = get_args(alias)
            key = (cls, item_type)
            if key not in _subscripted:
                name = f"{cls.__name__}[{getattr(item_type, '__name__', repr(item_type))}]"
                namespace = {
                    "__module__": cls.__module__,
                    "__qualname__": name,
                    "__doc__": cls.__doc__,
                    "__orig_bases__": (alias,),
                    "__annotations__": {"data": list[item_type]},  # type: ignore[valid-type]
                }
                _subscripted.setdefault(key, type(name, (cls,), namespace))
            return _subscripted[key]

    def __init__(self, response: _ListResponse) -> None:
        self.data = list(response.data)
        self.has_more = bool(response.has_more)
        self.first_id = response.first_id
        self.last_id = response.last_id
        self.response = response
        """The parsed list response this page holds."""

    @property
    def _request_id(self) -> str | None:
        """The ``x-request-id`` of the response this page came from (openai-python's)."""
        request_id: str | None = getattr(self.response, "_request_id", None)
        return request_id

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


_Page = TypeVar("_Page")

PageFetch: TypeAlias = Callable[[str], _Page]
"""How a sync page fetches the page after it, from its ``after`` cursor."""
AsyncPageFetch: TypeAlias = Callable[[str], Awaitable[_Page]]
"""How an async page fetches the page after it, from its ``after`` cursor."""


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


def apaginate(first_page: Callable[[], Awaitable[AsyncCursorPage[T]]]) -> AsyncPaginator[T]:
    """An async ``list`` method's result: the first page is fetched when awaited or iterated."""
    return AsyncPaginator(first_page)


def paginate(first_page: Callable[[], _Page]) -> _Page:
    """A sync ``list`` method's result: the first page, fetched now."""
    return first_page()
