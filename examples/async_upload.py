"""Upload several files at once, with the async client.

    OPENAI_API_KEY=sk-... python examples/async_upload.py a.jsonl b.jsonl c.jsonl

Each upload sends its own parts concurrently too; one AsyncOpenAI serves them all.
"""

import asyncio
import sys

from openai_uploads import AsyncOpenAI


async def upload_one(client: AsyncOpenAI, path: str) -> str:
    upload = await client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch"
    )
    assert upload.file is not None
    return upload.file.id


async def main(paths: list[str]) -> None:
    async with AsyncOpenAI() as client:
        # gather runs the uploads side by side; if one fails, its Upload is cancelled
        # and the error is raised here.
        file_ids = await asyncio.gather(*(upload_one(client, path) for path in paths))
        for path, file_id in zip(paths, file_ids, strict=True):
            print(f"{path} -> {file_id}")
        # The Files calls are there to check what arrived.
        listed = {f.id async for f in client.files.list(purpose="batch")}
        print(f"{len(set(file_ids) & listed)} of {len(paths)} files listed")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
