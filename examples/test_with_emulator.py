"""Testing your own code against the local emulator, with pytest.

    pip install 'openai-uploads[emulator]' pytest
    pytest examples/test_with_emulator.py

Installing the package registers the `openai_uploads_emulator` fixture
(openai_uploads.testing): a fresh emulator per test on a free loopback port, no account
and no network. Its `requests()` log shows what your code sent.
"""

from openai_uploads import OpenAI
from openai_uploads.testing import FastRetries


def archive_report(client: OpenAI, report: bytes) -> str:
    """The code under test: uploads a report, returns its File id."""
    upload = client.uploads.upload_file_chunked(
        file=report,
        filename="report.jsonl",
        bytes=len(report),
        mime_type="application/jsonl",
        purpose="batch",
    )
    assert upload.file is not None
    return upload.file.id


def test_archive_report_stores_the_bytes(openai_uploads_emulator):
    client = OpenAI(
        base_url=openai_uploads_emulator.base_url, api_key=openai_uploads_emulator.api_key
    )
    file_id = archive_report(client, b'{"ok": true}\n' * 100)
    assert client.files.content(file_id).content == b'{"ok": true}\n' * 100


def test_archive_report_survives_a_503(openai_uploads_emulator):
    # The first create gets a 503; FastRetries retries at once instead of backing off.
    openai_uploads_emulator.set_fault_script({"create": ["503"]})
    client = OpenAI(
        base_url=openai_uploads_emulator.base_url,
        api_key=openai_uploads_emulator.api_key,
        plugins=[FastRetries()],
    )
    archive_report(client, b"{}\n")
    creates = [r.status for r in openai_uploads_emulator.requests() if r.endpoint == "create"]
    assert creates == [503, 200]
