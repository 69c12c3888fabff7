"""Peak memory of ``upload_file_chunked``: 1 GiB file, 64 MiB parts, concurrency 4.

The emulator runs in its own process; the upload runs in a child process whose peak RSS
(``ru_maxrss``) is the figure. The engine promises about (concurrency + 1) x part_size,
so the budget is 5 x 64 MiB + 100 MB for the interpreter and libraries.

    python bench/transfer_memory.py [--size-mib 1024] [--part-mib 64] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MiB = 1024 * 1024
API_KEY = "sk-bench"


def child(base_url: str, path: str, part_size: int, concurrency: int) -> None:
    import resource

    from openai_uploads._client import OpenAI

    with OpenAI(api_key=API_KEY, base_url=base_url, timeout=600) as client:
        started = time.monotonic()
        upload = client.uploads.upload_file_chunked(
            file=path,
            mime_type="application/jsonl",
            purpose="batch",
            part_size=part_size,
            max_concurrency=concurrency,
        )
        elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(f"{upload.status} {upload.bytes} {elapsed:.2f} {peak}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    part_size = args.part_mib * MiB
    budget = (args.concurrency + 1) * part_size + 100 * 1000 * 1000

    from openai_uploads.emulator import EmulatorProcess

    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        path = Path(tmp) / "random.bin"
        with open(path, "wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(MiB))
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    emulator.base_url,
                    str(path),
                    str(part_size),
                    str(args.concurrency),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
    status, size, elapsed, peak = out[0], int(out[1]), float(out[2]), int(out[3])
    print(
        f"file:        {size / MiB:.0f} MiB, {args.part_mib} MiB parts, "
        f"concurrency {args.concurrency}: {status} in {elapsed:.1f} s "
        f"({size / MiB / elapsed:.0f} MiB/s)"
    )
    print(f"peak RSS:    {peak / MiB:.1f} MiB ({peak / 1e6:.0f} MB)")
    print(f"budget:      {budget / MiB:.1f} MiB ((concurrency + 1) x part + 100 MB)")
    ok = status == "completed" and peak <= budget
    print("result:      " + ("OK" if ok else "OVER BUDGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(main())
