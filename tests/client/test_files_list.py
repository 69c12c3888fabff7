"""``files.list``: one page per request, and iterating walks every page (sync and async).

Against the emulator: more Files than one page holds, so the client must follow the
``after`` cursor itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from openai_uploads import AsyncOpenAI, OpenAI, omit
from openai_uploads.pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage

FILE_COUNT = 7
PAGE = 3


def _upload_files(client: OpenAI, count: int, purpose: str = "batch") -> list[str]:
    ids = []
    for n in range(count):
        data = f"line {n}\n".encode()
        upload = client.uploads.upload_file_chunked(
            file=data,
            bytes=len(data),
            filename=f"f{n}.jsonl",
            mime_type="application/jsonl",
            purpose=purpose,  # type: ignore[arg-type]
        )
        assert upload.file is not None
        ids.append(upload.file.id)
    return ids


@pytest.fixture
def uploaded(client: OpenAI) -> list[str]:
    """Ids of FILE_COUNT batch Files, oldest first."""
    return _upload_files(client, FILE_COUNT)


def test_first_page_holds_limit_files_newest_first(client: OpenAI, uploaded: list[str]) -> None:
    page = client.files.list(limit=PAGE)
    assert isinstance(page, SyncCursorPage)
    assert [f.id for f in page.data] == uploaded[::-1][:PAGE]
    assert page.has_more
    assert page.has_next_page()
    assert page.first_id == page.data[0].id
    assert page.last_id == page.data[-1].id


def test_iterating_a_page_yields_every_file_of_every_page(
    client: OpenAI, uploaded: list[str]
) -> None:
    assert [f.id for f in client.files.list(limit=PAGE)] == uploaded[::-1]


def test_get_next_page_continues_after_the_last_file(client: OpenAI, uploaded: list[str]) -> None:
    first = client.files.list(limit=PAGE, order="asc")
    second = first.get_next_page()
    assert [f.id for f in second.data] == uploaded[PAGE : 2 * PAGE]
    pages = list(first.iter_pages())
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert not pages[-1].has_next_page()
    with pytest.raises(RuntimeError, match="No more pages"):
        pages[-1].get_next_page()


def test_purpose_filters_the_list(client: OpenAI, uploaded: list[str]) -> None:
    (other,) = _upload_files(client, 1, purpose="assistants")
    assert [f.id for f in client.files.list(purpose="assistants")] == [other]
    assert other not in {f.id for f in client.files.list(purpose="batch", limit=PAGE)}


def test_list_of_no_files_is_one_empty_page(client: OpenAI) -> None:
    page = client.files.list()
    assert page.data == []
    assert not page.has_next_page()
    assert list(page) == []


def test_unknown_list_argument_is_a_type_error_before_any_request(client: OpenAI) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'purpse'"):
        client.files.list(purpse="batch")  # type: ignore[call-arg]


def test_list_argument_of_the_wrong_type_is_a_type_error(client: OpenAI) -> None:
    with pytest.raises(TypeError, match="limit"):
        client.files.list(limit="3")  # type: ignore[typeddict-item]


async def test_async_iteration_yields_every_file_of_every_page(
    client: OpenAI, async_client: AsyncOpenAI, uploaded: list[str]
) -> None:
    listed = client.files.list(limit=PAGE)
    assert len(listed.data) == PAGE
    paginator = async_client.files.list(limit=PAGE)
    assert isinstance(paginator, AsyncPaginator)
    assert [f.id async for f in paginator] == uploaded[::-1]


async def test_async_await_gives_the_first_page_and_pages_follow(
    async_client: AsyncOpenAI, uploaded: list[str]
) -> None:
    page: Any = await async_client.files.list(limit=PAGE, order="asc")
    assert isinstance(page, AsyncCursorPage)
    assert [f.id for f in page.data] == uploaded[:PAGE]
    second = await page.get_next_page()
    assert [f.id for f in second.data] == uploaded[PAGE : 2 * PAGE]
    assert [len(p.data) async for p in page.iter_pages()] == [3, 3, 1]
    assert [f.id async for f in page] == uploaded


@pytest.mark.parametrize("client_cls", [OpenAI, AsyncOpenAI])
def test_list_signature_shows_the_spec_arguments_before_the_request_options(
    client_cls: type[OpenAI] | type[AsyncOpenAI],
) -> None:
    import inspect

    client = client_cls(api_key="sk-sig", base_url="http://127.0.0.1:9/v1")
    parameters = inspect.signature(client.files.list).parameters
    assert list(parameters) == [
        "purpose",
        "limit",
        "order",
        "after",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["limit"].default is omit
