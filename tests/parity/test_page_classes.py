"""A page subscripted by its item type is a class, and a streamed File's content parses
to bytes, as in openai-python.

Both clients over one mock handler (see ``conftest``): the same pages answered to both,
and what each client's ``isinstance``, type hints and ``parse()`` say compared.
"""

from __future__ import annotations

import typing
from typing import Any

import openai
import openai.pagination
import openai.types

import openai_uploads
import openai_uploads.pagination
import openai_uploads.types

from .conftest import FILE, Reply, Sent, Side, Wire, run

SECOND = {**FILE, "id": "file-def"}


def two_pages(sent: Sent) -> Reply:
    if "after=" in sent.url:
        return Reply(json={"object": "list", "data": [SECOND], "has_more": False})
    return Reply(json={"object": "list", "data": [FILE], "has_more": True})


def page_classes(side: Side, which: str) -> tuple[Any, Any, Any]:
    """``which`` package's page class for ``side``, its FileObject and its FileDeleted."""
    pagination: Any = openai.pagination if which == "theirs" else openai_uploads.pagination
    types: Any = openai.types if which == "theirs" else openai_uploads.types
    page = pagination.AsyncCursorPage if side.name == "async" else pagination.SyncCursorPage
    return page, types.FileObject, types.FileDeleted


def first_page(client: Any) -> Any:
    return run(client.files.list())


def item_type(page_class: Any) -> Any:
    """The item type a subscripted page class declares for ``data`` (pydantic's field
    for openai-python's, the type hints for this SDK's)."""
    if hasattr(page_class, "model_fields"):
        annotation = page_class.model_fields["data"].annotation
    else:
        annotation = typing.get_type_hints(page_class)["data"]
    (item,) = typing.get_args(annotation)
    return item


def test_a_listed_page_is_an_instance_of_the_page_subscripted_by_its_item_type(
    side: Side,
) -> None:
    theirs, ours, _, _ = side.pair(Wire(two_pages))
    checks = []
    for which, client in (("theirs", theirs), ("ours", ours)):
        page_class, file_object, file_deleted = page_classes(side, which)
        page = first_page(client)
        checks.append(
            (
                isinstance(page, page_class[file_object]),
                isinstance(page, page_class),
                isinstance(page, page_class[file_deleted]),
                type(page).__name__,
            )
        )
    assert checks[0] == checks[1]
    assert checks[1][:3] == (True, True, False)


def test_subscripting_a_page_twice_gives_the_same_class(side: Side) -> None:
    for which in ("theirs", "ours"):
        page_class, file_object, _ = page_classes(side, which)
        assert page_class[file_object] is page_class[file_object]
        assert issubclass(page_class[file_object], page_class)


def test_a_subscripted_page_declares_its_items_and_holds_items_of_that_type(
    side: Side,
) -> None:
    theirs, ours, _, _ = side.pair(Wire(two_pages))
    for which, client in (("theirs", theirs), ("ours", ours)):
        page_class, file_object, _ = page_classes(side, which)
        assert item_type(page_class[file_object]) is file_object
        page = first_page(client)
        assert [type(item) for item in page.data] == [file_object]


def test_the_next_page_is_of_the_same_subscripted_class(side: Side) -> None:
    theirs, ours, _, _ = side.pair(Wire(two_pages))
    for which, client in (("theirs", theirs), ("ours", ours)):
        page_class, file_object, _ = page_classes(side, which)
        second = run(first_page(client).get_next_page())
        assert type(second) is page_class[file_object]
        assert [item.id for item in second.data] == ["file-def"]


def test_a_page_subscripted_by_a_type_variable_stays_a_generic_alias() -> None:
    item = typing.TypeVar("item", bound=openai_uploads.types.FileObject)
    alias = openai_uploads.pagination.SyncCursorPage[item]  # type: ignore[valid-type]
    assert typing.get_origin(alias) is openai_uploads.pagination.SyncCursorPage
    assert typing.get_args(alias) == (item,)


def test_a_streamed_files_content_parses_to_its_bytes(side: Side) -> None:
    body = b'{"prompt": "a"}\n'
    replies = Wire(lambda sent: Reply(text=body.decode(), headers={"content-type": "a/b"}))
    theirs, ours, _, _ = side.pair(replies)

    async def stream_async(client: Any) -> Any:
        async with client.files.with_streaming_response.content("file-abc") as response:
            return await response.parse()

    def stream_sync(client: Any) -> Any:
        with client.files.with_streaming_response.content("file-abc") as response:
            return response.parse()

    stream = stream_async if side.name == "async" else stream_sync
    assert run(stream(theirs)) == run(stream(ours)) == body


def test_the_plain_content_call_still_gives_the_binary_content(side: Side) -> None:
    """Only the streamed response parses to bytes: ``files.content()`` keeps
    ``.content`` / ``.text`` / ``write_to_file`` (as openai-python's)."""
    theirs, ours, _, _ = side.pair(Wire(lambda sent: Reply(text="x")))
    kinds = [type(run(client.files.content("file-abc"))).__name__ for client in (theirs, ours)]
    assert kinds == ["HttpxBinaryResponseContent"] * 2
