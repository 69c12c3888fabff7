"""Azure OpenAI: the same upload through AzureOpenAI, tried against the local emulator.

    openai-uploads serve --port 8787 &          # serves the Azure routes too
    AZURE_OPENAI_ENDPOINT=http://127.0.0.1:8787 AZURE_OPENAI_API_KEY=local \\
        OPENAI_API_VERSION=2025-04-01-preview python examples/azure_emulator.py data.jsonl

Against a real resource, the same script runs with its endpoint and key.
"""

import sys

from openai_uploads import AzureOpenAI


def main(path: str) -> None:
    # AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY (sent as `api-key`) and
    # OPENAI_API_VERSION come from the environment, as in openai-python.
    with AzureOpenAI() as client:
        upload = client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune"
        )
        assert upload.file is not None
        # Requests went to {endpoint}/openai/uploads?api-version=...
        print(f"uploaded to Azure as {upload.file.id}")
        print(f"stored: {client.files.retrieve(upload.file.id).bytes} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
