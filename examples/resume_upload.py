"""An upload that survives an interruption: Ctrl-C (or a crash), run it again, and only
the missing parts are sent.

    OPENAI_API_KEY=sk-... python examples/resume_upload.py big.jsonl [PART_MIB]

With resume=True a small state file (big.jsonl.openai-upload.json) records the Upload
and each finished part; it is removed once the upload completes.
"""

import sys

from openai_uploads import OpenAI, hookimpl
from openai_uploads.hookspecs import UploadStarted


class SayWhereWeStart:
    """A plugin: the on_upload_started hook tells a fresh start from a resume."""

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        if event.resumed_bytes:
            print(f"resuming {event.upload_id}: {event.resumed_bytes} bytes already there")
        else:
            print(f"starting {event.upload_id}")


def main(path: str, part_mib: int) -> int:
    with OpenAI(plugins=[SayWhereWeStart()]) as client:
        try:
            upload = client.uploads.upload_file_chunked(
                file=path,
                mime_type="application/jsonl",
                purpose="batch",
                part_size=part_mib * 1024 * 1024,  # default and maximum: 64 MiB
                resume=True,  # keep the Upload and the state file when interrupted
            )
        except KeyboardInterrupt:
            print("interrupted: run the same command again to resume", file=sys.stderr)
            return 130
        assert upload.file is not None
        print(f"done: {upload.file.id}")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 64))
