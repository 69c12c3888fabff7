"""Runs one ``upload_many`` in a child process, for the kill and Ctrl-C tests.

Usage: python -m tests.many._child BASE_URL API_KEY DIRECTORY MANIFEST(or -)
Prints ``FILE <name>`` as each file completes, ``INTERRUPTED`` on Ctrl-C.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from openai_uploads import OpenAI, UploadResult


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    base_url, api_key, directory, manifest = sys.argv[1:5]
    files = sorted(Path(directory).glob("*.jsonl"))

    def on_result(result: UploadResult) -> None:
        if result.ok:
            say(f"FILE {result.name}")

    with OpenAI(api_key=api_key, base_url=base_url) as client:
        try:
            client.uploads.upload_many(
                files,
                purpose="batch",
                max_concurrency=4,
                manifest=None if manifest == "-" else manifest,
                on_result=on_result,
            )
        except KeyboardInterrupt:
            say(f"INTERRUPTED {time.monotonic()}")
            sys.exit(130)
    say("DONE")


if __name__ == "__main__":
    main()
