"""A plugin: per-part timings and an audit header on every request.

    OPENAI_API_KEY=sk-... python examples/plugin.py data.jsonl

A plugin is any object with methods marked @hookimpl, named after hooks; each takes the
hook's event. To load it in every client of an environment instead, publish it under the
`openai_uploads` entry-point group (see docs/plugins.md).
"""

import sys
import threading

from openai_uploads import OpenAI, hookimpl
from openai_uploads.hookspecs import OutgoingRequest, PartCompleted, UploadCompleted


class PartTimings:
    def __init__(self) -> None:
        # Part hooks run on the transfer's worker threads: guard shared state.
        self._lock = threading.Lock()
        self.slowest = 0.0

    @hookimpl
    def prepare_request(self, event: OutgoingRequest) -> None:
        # May add headers; credentials and body headers are protected.
        event.headers["x-audit-app"] = "examples/plugin.py"

    @hookimpl
    def on_part_completed(self, event: PartCompleted) -> None:
        with self._lock:
            self.slowest = max(self.slowest, event.elapsed)
        print(f"part {event.part_number}/{event.part_count} in {event.elapsed:.3f}s")

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        print(f"completed {event.file_id}, md5 {event.digests['md5']}")


def main(path: str) -> None:
    timings = PartTimings()
    with OpenAI(plugins=[timings]) as client:
        client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="batch", part_size=1024 * 1024
        )
    print(f"slowest part: {timings.slowest:.3f}s")


if __name__ == "__main__":
    main(sys.argv[1])
