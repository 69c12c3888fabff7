"""Upload one file from an app, with the sync client.

    OPENAI_API_KEY=sk-... python examples/app_upload.py training_data.jsonl

The client reads OPENAI_API_KEY and OPENAI_BASE_URL; point OPENAI_BASE_URL at the local
emulator (`openai-uploads serve`) to try it with no account.
"""

import sys
from pathlib import Path

from openai_uploads import OpenAI, OpenAIError


def main(path: Path) -> int:
    # One client for the whole app: it holds the connection pool, and `with` closes it.
    with OpenAI() as client:
        try:
            # Parts are sent side by side and the md5 is checked by the server; on any
            # failure the Upload is cancelled before the error reaches us.
            upload = client.uploads.upload_file_chunked(
                file=path, mime_type="application/jsonl", purpose="fine-tune"
            )
        except OpenAIError as err:
            print(f"upload failed: {err} (upload {err.upload_id})", file=sys.stderr)
            return 1
        # A completed Upload always carries its File: that id is what other APIs take.
        assert upload.file is not None
        print(f"uploaded {upload.bytes} bytes as {upload.file.id}")
        return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
