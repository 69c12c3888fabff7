"""Peak memory of ``files.content``: the body should be held once, not twice.

A random file is uploaded to the emulator (its own process); then each runner fetches
it in a child process of its own and reports how far its RSS rose above where it stood
just before the call (``ru_maxrss`` less the current RSS before), as a multiple of the
body size:

- ``httpx``: ``httpx.Client().get(url).content`` -- httpx's ``read()`` joins a list of
  chunks, so it briefly holds the body twice; the baseline, measured in the same run.
- ``ours-sync`` / ``ours-async``: ``OpenAI`` / ``AsyncOpenAI`` ``files.content``.

    python bench/content_memory.py [--size-mib 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import API_KEY, MiB, write_random_file

RUNNERS = ("httpx", "ours-sync", "ours-async")


def current_rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(runner: str, base_url: str, file_id: str) -> None:
    import httpx

    from openai_uploads import AsyncOpenAI, OpenAI

    url = f"{base_url}/files/{file_id}/content"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    size = 0
    if runner == "httpx":
        with httpx.Client(timeout=600) as http:
            http.get(f"{base_url}/files/{file_id}", headers=headers)  # warm up
            before = current_rss()
            size = len(http.get(url, headers=headers).content)
    elif runner == "ours-sync":
        with OpenAI(api_key=API_KEY, base_url=base_url, load_plugins=False) as client:
            client.files.retrieve(file_id)
            before = current_rss()
            size = len(client.files.content(file_id).content)
    else:

        async def run() -> tuple[int, int]:
            async with AsyncOpenAI(api_key=API_KEY, base_url=base_url, load_plugins=False) as c:
                await c.files.retrieve(file_id)
                start = current_rss()
                return start, len((await c.files.content(file_id)).content)

        before, size = asyncio.run(run())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"runner": runner, "size": size, "rise": peak - before}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    size = args.size_mib * MiB

    from openai_uploads import OpenAI
    from openai_uploads.emulator import EmulatorProcess

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-content-") as tmp:
        path = write_random_file(Path(tmp) / "random.bin", size)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            with OpenAI(api_key=API_KEY, base_url=emulator.base_url, load_plugins=False) as c:
                upload = c.uploads.upload_file_chunked(
                    file=path, mime_type="application/jsonl", purpose="batch"
                )
            assert upload.file is not None
            path.unlink()
            for runner in RUNNERS:
                argv = [sys.executable, __file__, "--child", runner, emulator.base_url]
                out = subprocess.run(
                    [*argv, upload.file.id],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.splitlines()[-1]
                results[runner] = json.loads(out)
    baseline = results["httpx"]["rise"]
    print(f"body: {size / MiB:.0f} MiB")
    print(f"{'runner':<12} {'RSS rise':>10} {'x body':>8} {'x httpx':>8}")
    for runner, result in results.items():
        assert result["size"] == size, result
        rise = result["rise"]
        print(f"{runner:<12} {rise / MiB:>7.0f} MiB {rise / size:>8.2f} {rise / baseline:>8.2f}")
    ok = all(results[r]["rise"] < 1.5 * size for r in ("ours-sync", "ours-async"))
    print("result: " + ("OK (body held once)" if ok else "OVER: body held more than once"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(main())
