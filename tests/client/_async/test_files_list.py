"""``files.list``: one page per request, and iterating walks every page.

Against the emulator: more Files than one page holds, so the client must follow the
``after`` cursor itself. With the async client, ``list`` returns a paginator, awaited for
the first page; with the sync client, the first page itself.
"""

from __future__ import annotations

import inspect

import pytest

from openai_uploads import AsyncOpenAI, omit
from openai_uploads.pagination import AsyncCursorPage, AsyncPaginator

FILE_COUNT = 7
PAGE = 3


async def upload_files(client: AsyncOpenAI, count: int, purpose: str = "batch") -> list[str]:
    ids = []
    for n in range(count):
        data = f"line {n}\n".encode()
        upload = await client.uploads.upload_file_chunked(
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
async def uploaded(async_client: AsyncOpenAI) -> list[str]:
    """Ids of FILE_COUNT batch Files, oldest first."""
    return await upload_files(async_client, FILE_COUNT)


async def test_first_page_holds_limit_files_newest_first(
    async_client: AsyncOpenAI, uploaded: list[str]
) -> None:
    listed = async_client.files.list(limit=PAGE)
    assert isinstance(listed, AsyncPaginator)
    page = await listed
    assert isinstance(page, AsyncCursorPage)
    assert [f.id for f in page.data] == uploaded[::-1][:PAGE]
    assert page.has_more
    assert page.has_next_page()
    assert page.first_id == page.data[0].id
    assert page.last_id == page.data[-1].id


async def test_iterating_a_page_yields_every_file_of_every_page(
    async_client: AsyncOpenAI, uploaded: list[str]
) -> None:
    assert [f.id async for f in async_client.files.list(limit=PAGE)] == uploaded[::-1]


async def test_get_next_page_continues_after_the_last_file(
    async_client: AsyncOpenAI, uploaded: list[str]
) -> None:
    first = await async_client.files.list(limit=PAGE, order="asc")
    second = await first.get_next_page()
    assert [f.id for f in second.data] == uploaded[PAGE : 2 * PAGE]
    pages = [page async for page in first.iter_pages()]
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert not pages[-1].has_next_page()
    assert [f.id async for f in first] == uploaded
    with pytest.raises(RuntimeError, match="No more pages"):
        await pages[-1].get_next_page()


async def test_purpose_filters_the_list(async_client: AsyncOpenAI, uploaded: list[str]) -> None:
    (other,) = await upload_files(async_client, 1, purpose="assistants")
    assert [f.id async for f in async_client.files.list(purpose="assistants")] == [other]
    batch = async_client.files.list(purpose="batch", limit=PAGE)
    assert other not in {f.id async for f in batch}


async def test_list_of_no_files_is_one_empty_page(async_client: AsyncOpenAI) -> None:
    page = await async_client.files.list()
    assert page.data == []
    assert not page.has_next_page()
    assert [f async for f in page] == []


async def test_unknown_list_argument_is_a_type_error_before_any_request(
    async_client: AsyncOpenAI,
) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'purpse'"):
        await async_client.files.list(purpse="batch")  # type: ignore[call-arg]


async def test_list_argument_of_the_wrong_type_is_a_type_error(async_client: AsyncOpenAI) -> None:
    with pytest.raises(TypeError, match="limit"):
        await async_client.files.list(limit="3")  # type: ignore[typeddict-item]


def test_list_signature_shows_the_spec_arguments_before_the_request_options() -> None:
    client = AsyncOpenAI(api_key="sk-sig", base_url="http://127.0.0.1:9/v1")
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
