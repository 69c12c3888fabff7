"""Peak memory of ``upload_file_chunked``: a path at several concurrencies, and a stream.

The emulator runs in its own process; every upload runs in a child process of its own
whose peak RSS (``ru_maxrss``) is the figure.

* **A path** streams its parts from the file, so its memory must not depend on the part
  size or the concurrency: the target is a peak RSS of at most 120 MiB at every
  concurrency asked for (default 1, 4, 8, 16 and ``auto``: ``max_concurrency`` left out,
  adapted up to 16), asserted.
* **A non-seekable stream** (the same file behind an object that cannot seek) goes
  through the bounded pool of ``concurrency + 1`` part buffers: shown against the pool's
  budget, ``(concurrency + 1) x part_size + 100 MB``, and asserted within it (``auto``:
  adapted up to 8, so 9 buffers at most).

    python bench/transfer_memory.py [--size-mib 1024] [--part-mib 64] \\
        [--concurrency 1,4,8,16,auto] [--stream-concurrency 4|auto]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MiB = 1024 * 1024
API_KEY = "sk-bench"
PATH_TARGET = 120 * MiB
"""Peak RSS of a path upload, whatever the part size and concurrency."""
POOL_OVERHEAD = 100 * 1000 * 1000
"""The interpreter and libraries, on top of a stream's buffer pool."""


class _Unseekable:
    """A binary stream that cannot seek (like a pipe), over a file."""

    def __init__(self, path: str) -> None:
        self._f = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the child's exit
        self.name = path

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def readinto(self, b: Any) -> int:
        return self._f.readinto(b) or 0

    def seekable(self) -> bool:
        return False


def child(base_url: str, path: str, part_size: int, concurrency: int, kind: str) -> None:
    import resource

    from openai_uploads import OpenAI

    file: Any = path if kind == "path" else _Unseekable(path)
    extra = {} if kind == "path" else {"bytes": os.path.getsize(path)}
    with OpenAI(api_key=API_KEY, base_url=base_url, timeout=600) as client:
        started = time.monotonic()
        upload = client.uploads.upload_file_chunked(
            file=file,
            mime_type="application/jsonl",
            purpose="batch",
            part_size=part_size,
            max_concurrency=concurrency or None,  # 0: left out (adaptive)
            **extra,
        )
        elapsed = time.monotonic() - started
        assert upload.file is not None
        client.files.delete(upload.file.id)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(f"{upload.status} {upload.bytes} {elapsed:.2f} {peak}", flush=True)


def _run(base_url: str, path: Path, part_size: int, concurrency: int, kind: str) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            base_url,
            str(path),
            str(part_size),
            str(concurrency),
            kind,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {
        "status": out[0],
        "bytes": int(out[1]),
        "elapsed": float(out[2]),
        "peak": int(out[3]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=64)
    parser.add_argument(
        "--concurrency", default="1,4,8,16,auto", help="for the path; auto: left out"
    )
    parser.add_argument(
        "--stream-concurrency", default="4", help="0: no stream run; auto: left out"
    )
    args = parser.parse_args()
    part_size = args.part_mib * MiB
    # 0 stands for auto: max_concurrency left out, adapted
    concurrencies = [0 if c == "auto" else int(c) for c in args.concurrency.split(",") if c]
    stream_c = -1 if args.stream_concurrency == "auto" else int(args.stream_concurrency)

    from openai_uploads._transfer._options import DEFAULT_STREAM_CONCURRENCY
    from openai_uploads.emulator import EmulatorProcess

    ok = True
    print(
        f"file: {args.size_mib} MiB, {args.part_mib} MiB parts; "
        f"path target: peak RSS <= {PATH_TARGET // MiB} MiB"
    )
    print(f"{'input':<8} {'c':>4} {'MiB/s':>7} {'peak RSS MiB':>13} {'budget MiB':>11}  result")
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        path = Path(tmp) / "random.bin"
        with open(path, "wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(MiB))
        runs = [("path", c, PATH_TARGET) for c in concurrencies]
        if stream_c:
            c = DEFAULT_STREAM_CONCURRENCY if stream_c < 0 else stream_c
            runs.append(("stream", max(stream_c, 0), (c + 1) * part_size + POOL_OVERHEAD))
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            for kind, concurrency, budget in runs:
                r = _run(emulator.base_url, path, part_size, concurrency, kind)
                good = r["status"] == "completed" and r["peak"] <= budget
                ok = ok and good
                print(
                    f"{kind:<8} {concurrency or 'auto':>4} "
                    f"{r['bytes'] / MiB / r['elapsed']:>7.0f} "
                    f"{r['peak'] / MiB:>13.1f} {budget / MiB:>11.1f}  "
                    + ("OK" if good else "OVER BUDGET"),
                    flush=True,
                )
    print(
        "stream budget: (concurrency + 1) x part + 100 MB (the buffer pool of a "
        "non-seekable stream)"
    )
    print("result: " + ("OK" if ok else "OVER BUDGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(main())
