"""One part request as ``upload_file_chunked`` sends it, for the request pipeline's tests.

``send_part(client, ...)`` returns what ``client._execute`` returns: the part, or (with
an ``AsyncOpenAI``) an awaitable of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openai_uploads._base_client import RequestOptions
from openai_uploads._part_body import PartBody
from openai_uploads._parts_core import add_part_call


def send_part(
    client: Any,
    upload_id: str,
    *,
    body: bytes | bytearray | memoryview | PartBody,
    filename: str = "part",
    on_progress: Callable[[int], None] | None = None,
    max_retries: int | None = None,
    expiry_deadline: float | None = None,
    part_number: int | None = None,
) -> Any:
    call = add_part_call(
        upload_id,
        body=memoryview(body) if isinstance(body, bytes | bytearray) else body,
        filename=filename,
        mime_type=None,
        on_progress=on_progress,
        options=RequestOptions(max_retries=max_retries, expiry_deadline=expiry_deadline),
        fixed_boundary=False,
        part_number=part_number,
    )
    return client._execute(call)
