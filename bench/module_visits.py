"""The package modules one ``upload_file_chunked`` call runs code in.

Uploads a small file (3 parts) to the emulator (its own process) with ``OpenAI`` and
with ``AsyncOpenAI``, profiling every thread of this process during the call only
(``sys.setprofile`` and ``threading.setprofile``), and prints the ``openai_uploads``
modules whose functions ran (the emulator's handle left out; the generated
``openai_uploads_client`` is counted apart).

    python bench/module_visits.py [--list]

Run with ``PYTHONPATH=<tree>/extensions:<tree>/generated`` to measure another tree.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

API_KEY = "sk-visits"
ARGS = {"mime_type": "text/plain", "purpose": "assistants", "part_size": 64 * 1024}


def visited(call: Any) -> set[str]:
    seen: set[str] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("openai_uploads") and not name.startswith("openai_uploads.emulator"):
                seen.add(name)

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    from openai_uploads import AsyncOpenAI, OpenAI
    from openai_uploads.emulator import EmulatorProcess

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.bin"
        path.write_bytes(os.urandom(3 * 64 * 1024))
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            with OpenAI(api_key=API_KEY, base_url=emulator.base_url) as client:
                client.uploads.upload_file_chunked(file=path, **ARGS)  # warm: imports
                sync = visited(lambda: client.uploads.upload_file_chunked(file=path, **ARGS))

            async def run() -> None:
                async with AsyncOpenAI(api_key=API_KEY, base_url=emulator.base_url) as client:
                    await client.uploads.upload_file_chunked(file=path, **ARGS)

            asyncio.run(run())  # warm
            async_ = visited(lambda: asyncio.run(run()))
    for name, seen in (("sync", sync), ("async", async_)):
        package = sorted(m for m in seen if not m.startswith("openai_uploads_client"))
        generated = len(seen) - len(package)
        print(f"{name}: {len(package)} package modules (+{generated} generated)")
        if args.list:
            print("  " + "\n  ".join(package))


if __name__ == "__main__":
    main()
