"""Runs one upload in a child process, for the signal tests; prints its progress.

Usage: python -m tests.transfer._child BASE_URL API_KEY PATH PART_SIZE RESUME(0|1)
"""

from __future__ import annotations

import signal
import sys
import time

from openai_uploads._client import OpenAI
from openai_uploads.hookspecs import hookimpl


def say(line: str) -> None:
    """One whole line in one write: a Ctrl-C between the words of a ``print`` (hooks run
    on the main thread, where the signal lands) would splice two lines together."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Announce:
    @hookimpl
    def on_upload_started(self, event: object) -> None:
        say(f"STARTED {event.upload_id}")  # type: ignore[attr-defined]

    @hookimpl
    def on_part_completed(self, event: object) -> None:
        say(f"PART {event.part_number}")  # type: ignore[attr-defined]


def main() -> None:
    # Ctrl-C in a terminal raises KeyboardInterrupt; a parent that ignores SIGINT (a
    # shell's background job) would otherwise hand that ignoring down to this child.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    base_url, api_key, path, part_size, resume = sys.argv[1:6]
    with OpenAI(api_key=api_key, base_url=base_url, plugins=[Announce()]) as client:
        try:
            client.uploads.upload_file_chunked(
                file=path,
                mime_type="application/jsonl",
                purpose="batch",
                part_size=int(part_size),
                max_concurrency=2,
                resume=resume == "1",
            )
        except KeyboardInterrupt:
            say(f"INTERRUPTED {time.monotonic()}")
            sys.exit(130)
    say("DONE")


if __name__ == "__main__":
    main()
