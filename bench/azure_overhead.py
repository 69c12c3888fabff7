"""What the Azure clients cost a transfer, next to ``OpenAI`` on the same emulator.

One random file, one emulator process, ``upload_file_chunked`` in a process of its own per
run, the runners alternating over several repetitions (median wall time and CPU):

* ``openai`` (baseline): ``OpenAI`` against ``/v1``;
* ``azure-key``: ``AzureOpenAI`` with an API key against the emulator's Azure surface
  (``/openai/...?api-version=...``, ``api-key`` header);
* ``azure-token``: ``AzureOpenAI`` with an ``azure_ad_token_provider`` (asked before every
  attempt; here it returns a fixed string, so the figure is the SDK's own cost);
* ``openai-async``: ``AsyncOpenAI`` against ``/v1``, the baseline of the next one;
* ``azure-async-token``: ``AsyncAzureOpenAI`` with a coroutine token provider;
* ``openai-python-azure``: openai-python's ``AzureOpenAI.uploads.upload_file_chunked``
  against the same routes, for reference (sequential parts, no md5).

    python bench/azure_overhead.py [--size-mib 256] [--part-mib 32] [--concurrency 4] [--reps 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import API_KEY, Measure, MiB, median, report, run_worker, worker_main
from _common import write_random_file as _write

VERSION = "2025-04-01-preview"
RUNNERS = (
    "openai",
    "azure-key",
    "azure-token",
    "openai-async",
    "azure-async-token",
    "openai-python-azure",
)


def _upload(spec: dict[str, Any]) -> None:
    from openai_uploads import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI, OpenAI

    runner = spec["runner"]
    args = {
        "file": spec["path"],
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "part_size": spec["part_size"],
        "max_concurrency": spec["concurrency"],
    }
    azure = {"azure_endpoint": spec["azure_endpoint"], "api_version": VERSION, "timeout": 600}
    if runner in ("openai-async", "azure-async-token"):

        async def token() -> str:
            return API_KEY

        async def run() -> Measure:
            client: Any
            if runner == "openai-async":
                client = AsyncOpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600)
            else:
                client = AsyncAzureOpenAI(azure_ad_token_provider=token, **azure)
            async with client:
                with Measure() as m:
                    upload = await client.uploads.upload_file_chunked(**args)
                assert upload.status == "completed"
            return m

        m = asyncio.run(run())
    elif runner == "openai-python-azure":
        import openai

        with openai.AzureOpenAI(api_key=API_KEY, **azure) as official:
            with Measure() as m:
                done = official.uploads.upload_file_chunked(
                    file=Path(spec["path"]),
                    mime_type="application/jsonl",
                    purpose="batch",
                    part_size=spec["part_size"],
                )
            assert done.status == "completed"
    else:
        client: Any
        if runner == "openai":
            client = OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600)
        elif runner == "azure-key":
            client = AzureOpenAI(api_key=API_KEY, **azure)
        else:
            client = AzureOpenAI(azure_ad_token_provider=lambda: API_KEY, **azure)
        with client:
            with Measure() as m:
                upload = client.uploads.upload_file_chunked(**args)
            assert upload.status == "completed"
    report(m.result(spec["size"]))


WORKERS = {"upload": _upload}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--part-mib", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    size, part_size = args.size_mib * MiB, args.part_mib * MiB

    from openai_uploads.emulator import EmulatorProcess

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in RUNNERS}
    with tempfile.TemporaryDirectory(prefix="azure-bench-") as tmp:
        path = _write(Path(tmp) / "random.bin", size)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            for rep in range(args.reps):
                order = RUNNERS if rep % 2 == 0 else tuple(reversed(RUNNERS))
                for runner in order:
                    spec = {
                        "kind": "upload",
                        "runner": runner,
                        "base_url": emulator.base_url,
                        "azure_endpoint": emulator.azure_endpoint,
                        "path": str(path),
                        "size": size,
                        "part_size": part_size,
                        "concurrency": args.concurrency,
                    }
                    result = run_worker(__file__, spec)
                    if "error" in result:
                        print(f"{runner} rep {rep}: FAILED {result['error']}", file=sys.stderr)
                        return 1
                    runs[runner].append(result)
                    print(
                        f"  {runner:<20} rep {rep}: {result['elapsed']:6.2f} s, "
                        f"cpu {result['cpu']:5.2f} s",
                        flush=True,
                    )
    base_t = median([r["elapsed"] for r in runs["openai"]])
    base_cpu = median([r["cpu"] for r in runs["openai"]])
    print(
        f"\n{args.size_mib} MiB, {args.part_mib} MiB parts, concurrency {args.concurrency}, "
        f"{args.reps} reps each (median; ratio to `openai`)"
    )
    print("| runner | wall s | x openai | CPU s | x openai |")
    print("|---|---:|---:|---:|---:|")
    summary: dict[str, Any] = {}
    for runner in RUNNERS:
        wall = median([r["elapsed"] for r in runs[runner]])
        cpu = median([r["cpu"] for r in runs[runner]])
        summary[runner] = {"wall": wall, "cpu": cpu}
        print(
            f"| `{runner}` | {wall:.2f} | {wall / base_t:.2f} | {cpu:.2f} | {cpu / base_cpu:.2f} |"
        )
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "settings": vars(args) | {"json_out": str(args.json_out)},
                    "runs": runs,
                    "summary": summary,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    if not worker_main(sys.argv[1:], WORKERS):
        sys.exit(main(sys.argv[1:]))
