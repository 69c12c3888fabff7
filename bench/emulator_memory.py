"""Peak memory of the emulator while it receives 1 GiB in 64 MiB parts, eight at a time.

Starts the emulator in its own process, streams the parts with httpx (bodies generated
chunk by chunk, never whole in memory), completes the Upload with its md5, samples the
server's RSS with psutil throughout, prints the peak and exits 1 if it is over the limit.

    python bench/emulator_memory.py [--total-mib 1024] [--part-mib 64] [--parallel 8]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil

from openai_uploads.emulator import EmulatorProcess

MiB = 1024 * 1024
BLOCK = os.urandom(MiB)


def part_body(index: int, size: int, boundary: str) -> tuple[Iterator[bytes], int]:
    """A multipart/form-data body with one ``data`` field, as a generator and its length."""
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="data"; filename="part-{index}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def generate() -> Iterator[bytes]:
        yield head
        sent = 0
        while sent < size:
            n = min(MiB, size - sent)
            yield BLOCK[:n]
            sent += n
        yield tail

    return generate(), len(head) + size + len(tail)


class PeakRss:
    """Samples a process's resident set size in a background thread."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = self.process.memory_info().rss
        self.baseline = self.peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=64)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--limit-mb", type=float, default=300.0)
    args = parser.parse_args()
    total = args.total_mib * MiB
    part_size = args.part_mib * MiB
    sizes = [min(part_size, total - off) for off in range(0, total, part_size)]
    key = "sk-bench"
    headers = {"Authorization": f"Bearer {key}"}

    with EmulatorProcess(api_key=key) as server:
        limits = httpx.Limits(max_connections=args.parallel)
        with httpx.Client(
            base_url=server.base_url, headers=headers, timeout=600, limits=limits
        ) as http:
            upload = http.post(
                "/uploads",
                json={
                    "bytes": total,
                    "filename": "bench.bin",
                    "mime_type": "application/octet-stream",
                    "purpose": "assistants",
                },
            )
            upload.raise_for_status()
            upload_id = upload.json()["id"]

            def send(index: int) -> str:
                boundary = secrets.token_hex(16)
                body, length = part_body(index, sizes[index], boundary)
                response = http.post(
                    f"/uploads/{upload_id}/parts",
                    content=body,
                    headers={
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                        "Content-Length": str(length),
                    },
                )
                response.raise_for_status()
                part_id: str = response.json()["id"]
                return part_id

            with PeakRss(server.pid) as rss:
                started = time.perf_counter()
                with ThreadPoolExecutor(args.parallel) as pool:
                    part_ids = list(pool.map(send, range(len(sizes))))
                sent = time.perf_counter() - started
                digest = hashlib.md5(usedforsecurity=False)
                for size in sizes:
                    for off in range(0, size, MiB):
                        digest.update(BLOCK[: min(MiB, size - off)])
                started = time.perf_counter()
                done = http.post(
                    f"/uploads/{upload_id}/complete",
                    json={"part_ids": part_ids, "md5": digest.hexdigest()},
                )
                completed = time.perf_counter() - started
            done.raise_for_status()
            assert done.json()["file"]["bytes"] == total

    peak_mb = rss.peak / 1e6
    print(
        f"sent {args.total_mib} MiB in {len(sizes)} parts of {args.part_mib} MiB, "
        f"{args.parallel} at a time: {sent:.2f} s ({total / MiB / sent:.0f} MiB/s), "
        f"complete {completed:.2f} s"
    )
    print(f"server RSS: baseline {rss.baseline / 1e6:.1f} MB, peak {peak_mb:.1f} MB")
    if peak_mb > args.limit_mb:
        print(f"FAIL: peak RSS {peak_mb:.1f} MB is over {args.limit_mb:.0f} MB", file=sys.stderr)
        return 1
    print(f"OK: under {args.limit_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
