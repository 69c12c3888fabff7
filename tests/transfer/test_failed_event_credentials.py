"""``on_upload_failed`` sees no credential: its event carries a copy of the error whose
request (and the response's request) reads ``<hidden>`` for ``Authorization``, while
the exception raised to the caller keeps the real objects. Both clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from openai_uploads import BadRequestError
from openai_uploads._client import AsyncOpenAI, OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import hookimpl

from .conftest import API_KEY, write


class Failures:
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    @hookimpl
    def on_upload_failed(self, event: Any) -> None:
        self.errors.append(event.error)


def _everything_shown(error: BaseException) -> str:
    """What a hook could print of ``error`` and the errors it was raised from."""
    seen: list[str] = []
    current: BaseException | None = error
    while current is not None:
        seen.append(repr(current))
        seen.append(str(current))
        for value in vars(current).values():
            if isinstance(value, httpx.Response):
                seen.append(repr(dict(value.headers)))
                value = value.request
            if isinstance(value, httpx.Request):
                seen.append(repr(dict(value.headers)))
                seen.append(repr(value))
        current = current.__cause__
    return "\n".join(seen)


def _check(failures: Failures, raised: BadRequestError) -> None:
    (shown,) = failures.errors
    assert isinstance(shown, BadRequestError)
    assert shown is not raised
    assert shown.status_code == 400
    assert API_KEY not in _everything_shown(shown)
    assert shown.request.headers["authorization"] != f"Bearer {API_KEY}"
    # the caller's exception is untouched
    assert raised.request.headers["authorization"] == f"Bearer {API_KEY}"
    assert raised.response.request.headers["authorization"] == f"Bearer {API_KEY}"


def test_sync_failed_event_hides_the_key(server: EmulatorServer, tmp_path: Path) -> None:
    failures = Failures()
    server.set_fault_script({"create": ["400"]})
    client = OpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[failures])
    with client, pytest.raises(BadRequestError) as raised:
        client.uploads.upload_file_chunked(
            file=write(tmp_path, b"abc"), mime_type="text/plain", purpose="assistants"
        )
    _check(failures, raised.value)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_failed_event_hides_the_key(
    server: EmulatorServer, tmp_path: Path, backend: str
) -> None:
    failures = Failures()
    server.set_fault_script({"create": ["400"]})

    async def main() -> BadRequestError:
        async with AsyncOpenAI(
            api_key=API_KEY, base_url=server.base_url, plugins=[failures]
        ) as client:
            with pytest.raises(BadRequestError) as raised:
                await client.uploads.upload_file_chunked(
                    file=write(tmp_path, b"abc"), mime_type="text/plain", purpose="assistants"
                )
        return raised.value

    _check(failures, anyio.run(main, backend=backend))


def test_the_error_a_failure_was_raised_from_is_shown_without_the_key() -> None:
    from openai_uploads._transfer._errors import UploadError, failure_for_hooks

    request = httpx.Request("POST", "https://x/v1/uploads", headers={"api-key": API_KEY})
    cause = httpx.ConnectError("refused", request=request)
    try:
        raise UploadError("upload of f failed", upload_id=None) from cause
    except UploadError as exc:
        error = exc
    shown = failure_for_hooks(error)
    assert shown is not error
    assert API_KEY not in _everything_shown(shown)
    assert isinstance(shown.__cause__, httpx.ConnectError)
    assert error.__cause__ is cause  # the caller's exceptions are untouched
    assert cause.request.headers["api-key"] == API_KEY
