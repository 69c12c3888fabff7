"""Cost of holding responses to the generated annotations (``_response_check.check_model``).

Every JSON response the client parses goes through the generated ``from_dict`` and then
``check_model`` (types field by field, nested objects included, ``Unset`` -> ``None``).
This measures, in one process and one run, the time per parsed object of ``from_dict``
alone (the baseline) and of ``from_dict`` + ``check_model``, for a completed Upload
(with its File) and a page of 100 Files, and compares it with a loopback request to
the emulator (``uploads.create``: what a call costs anyway).

    python bench/response_check.py [--reps 5] [--n 20000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "extensions"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated"))

from openai_uploads import OpenAI
from openai_uploads._response_check import check_model
from openai_uploads.emulator import EmulatorServer
from openai_uploads_client.models import FileList, Upload

FILE = {
    "id": "file-abc",
    "object": "file",
    "bytes": 120000,
    "created_at": 1719186911,
    "expires_at": None,
    "filename": "training.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
    "status_details": None,
}
UPLOAD = {
    "id": "upload_abc",
    "object": "upload",
    "bytes": 120000,
    "created_at": 1719184911,
    "expires_at": 1719188511,
    "filename": "training.jsonl",
    "purpose": "fine-tune",
    "status": "completed",
    "file": FILE,
}
PAGE = {
    "object": "list",
    "data": [{**FILE, "id": f"file-{n}"} for n in range(100)],
    "first_id": "file-0",
    "last_id": "file-99",
    "has_more": True,
}


def per_call(fn: Callable[[], Any], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    cases: dict[str, tuple[Any, dict[str, Any], int]] = {
        "Upload (completed, with File)": (Upload, UPLOAD, args.n),
        "ListFilesResponse (100 Files)": (FileList, PAGE, max(args.n // 100, 50)),
    }
    print("| object | from_dict µs | + check_model µs | x from_dict |")
    print("|---|---:|---:|---:|")
    for name, (model, body, n) in cases.items():
        base = []
        checked = []
        for _ in range(args.reps):  # alternate, so that load hits both alike
            base.append(per_call(lambda m=model, b=body: m.from_dict(b), n))
            checked.append(per_call(lambda m=model, b=body: check_model(m.from_dict(b)), n))
        b, c = statistics.median(base), statistics.median(checked)
        print(f"| {name} | {b * 1e6:.1f} | {c * 1e6:.1f} | {c / b:.2f} |")
    with (
        EmulatorServer(api_key="sk-bench") as server,
        OpenAI(api_key="sk-bench", base_url=server.base_url, load_plugins=False) as client,
    ):
        create = {"bytes": 1, "filename": "a", "mime_type": "application/jsonl", "purpose": "batch"}
        calls = [per_call(lambda: client.uploads.create(**create), 200) for _ in range(3)]
        print(f"\nloopback uploads.create round trip: {statistics.median(calls) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
