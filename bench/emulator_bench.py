"""The emulator's own costs: CPU per GiB received and completed, ``complete`` latency and
content download throughput, against the raw sink measured in the same run.

Starts the emulator in its own process and drives it with a plain httpx client (the
client's own costs are not measured), or with ``--client sdk`` with this SDK's
``upload_file_chunked`` (its default adaptive concurrency, or ``--parallel N`` fixed), as
users drive it. Per repetition:

* ``sink``: the file streamed in one request to ``POST /v1/_sink`` (read and discarded):
  the emulator CPU the bytes cost with no parsing and no disk at all: the baseline;
* ``upload``: an Upload of the file in parts (created in file order, one at a time, or
  ``--parallel`` at a time),
  then ``complete`` with the file's md5, which the emulator checks; emulator CPU seconds
  per GiB over both, and ``complete``'s wall time on its own (with ``--client sdk``: from
  the last part's answer to ``complete``'s, as the SDK's request hooks see them);
* ``content``: the File's bytes streamed back from ``GET /v1/files/{id}/content`` to a
  plain socket reading into one buffer (so that the client is not the limit): MiB/s.

The md5 alone (hashlib over the file, in the bench process) is printed beside the sink:
sink + md5 is the floor of an upload whose md5 is checked.

    python bench/emulator_bench.py                    # 1 GiB, 64 MiB parts, 2 reps
    python bench/emulator_bench.py --size-mib 256 --reps 1
    python bench/emulator_bench.py --parallel 8       # parts 8 at a time
    python bench/emulator_bench.py --parallel 8 --latency 0.1 --bandwidth-mib 20  # wide-area
    python bench/emulator_bench.py --client sdk --size-mib 512    # the SDK, adaptive
    python bench/emulator_bench.py --client sdk-async --size-mib 512  # AsyncOpenAI
    python bench/emulator_bench.py --client sdk --parallel 8 --latency 0.1 --bandwidth-mib 20
    python bench/emulator_bench.py --md5-reads --reps 9  # the tail's read-back, no server
    python bench/emulator_bench.py --client sdk --parallel 8 --latency 0.1 --bandwidth-mib 20 \
        --layouts uniform,tapered   # the SDK's part layouts, alternated within each rep

``--layouts`` (SDK clients only) runs each rep once per part layout (``_transfer._plan``),
in turn, and sums up each layout on its own: the uniform one is the layout before
the tapered tail, so before and after come from one run.

``--md5-reads`` measures only what ``complete``'s tail costs after the last wave lands:
seven committed parts (``--part-mib``, from the page cache) hashed into one md5 by the
emulator's own read-back (``_md5.update_md5``), against reading them in 4 MiB pieces and
against the md5 of bytes already in memory (the floor), interleaved, CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from _common import API_KEY, GiB, MiB, machine_summary, median, write_random_file

CHUNK = MiB
HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def _server_cpu(pid: int) -> float:
    """CPU seconds the emulator process has used so far (user + sys, all threads)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def _read(path: Path, offset: int, size: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(offset)
        left = size
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _multipart(path: Path, offset: int, size: int, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="part"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    yield from _read(path, offset, size)
    yield f"\r\n--{boundary}--\r\n".encode()


def _download(base_url: str, path: str) -> int:
    """GET ``path`` over a plain socket, reading the body into one reused 4 MiB buffer:
    a client that costs next to nothing, so the figure is the server's streaming rate
    (httpx's own per-chunk costs would cap it well below)."""
    url = httpx.URL(base_url)
    request = (
        f"GET {url.path.rstrip('/')}{path} HTTP/1.1\r\nHost: {url.host}\r\n"
        f"Authorization: Bearer {API_KEY}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((url.host, url.port or 80), timeout=600) as sock:
        sock.sendall(request)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("the connection closed before the headers ended")
            head += chunk
        header, _, body_start = head.partition(b"\r\n\r\n")
        if not header.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(header.decode(errors="replace"))
        got = len(body_start)
        buffer = memoryview(bytearray(4 * MiB))
        while n := sock.recv_into(buffer):
            got += n
    return got


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for chunk in _read(path, 0, path.stat().st_size):
        digest.update(chunk)
    return digest.hexdigest()


LAYOUTS = {"uniform": 1, "tapered": 2}


def _sdk_upload(
    base_url: str,
    path: Path,
    part_size: int,
    parallel: int | None,
    use_async: bool = False,
    layout: str | None = None,
) -> tuple[str, float, float]:
    """``upload_file_chunked`` with this SDK (md5 sent and checked; ``OpenAI``, or
    ``AsyncOpenAI`` when ``use_async``); returns the File id, the seconds of the parts and
    of ``complete`` (last part answered to complete answered, as the SDK's request hooks
    see them)."""
    from openai_uploads import AsyncOpenAI, OpenAI, hookimpl
    from openai_uploads._transfer import _job

    if layout is not None:  # what new Uploads use: set for the bench, not an option
        _job.LAYOUT = LAYOUTS[layout]  # type: ignore[misc]

    class PartsTimer:
        last_part_end = 0.0
        complete_end = 0.0

        @hookimpl
        def on_request_end(self, event: Any) -> None:
            if event.operation == "add_part":
                self.last_part_end = time.perf_counter()
            elif event.operation == "complete_upload":
                self.complete_end = time.perf_counter()

    timer = PartsTimer()
    arguments: dict[str, Any] = {
        "file": path,
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "part_size": part_size,
        "max_concurrency": parallel,
    }
    t = time.perf_counter()
    if use_async:

        async def run() -> Any:
            async with AsyncOpenAI(
                api_key=API_KEY, base_url=base_url, timeout=600, plugins=[timer]
            ) as client:
                return await client.uploads.upload_file_chunked(**arguments)

        upload = asyncio.run(run())
    else:
        with OpenAI(api_key=API_KEY, base_url=base_url, timeout=600, plugins=[timer]) as client:
            upload = client.uploads.upload_file_chunked(**arguments)
    if upload.file is None or upload.file.bytes != path.stat().st_size:
        raise RuntimeError(f"the upload did not complete whole: {upload!r}")
    return upload.file.id, timer.last_part_end - t, timer.complete_end - timer.last_part_end


def run_once(
    http: httpx.Client,
    pid: int,
    path: Path,
    part_size: int,
    md5: str,
    parallel: int = 1,
    faults: dict[str, float] | None = None,
    client: str = "httpx",
    sdk_parallel: int | None = None,
    layout: str | None = None,
) -> dict[str, Any]:
    size = path.stat().st_size
    out: dict[str, Any] = {"layout": layout}

    cpu = _server_cpu(pid)
    t = time.perf_counter()
    r = http.post(
        "/_sink",
        content=_read(path, 0, size),
        headers={"Content-Type": "application/octet-stream"},
    )
    r.raise_for_status()
    out["sink_s"] = time.perf_counter() - t
    out["sink_cpu"] = _server_cpu(pid) - cpu

    if faults:
        http.post("/_emulator/faults", json=faults).raise_for_status()
    if client in ("sdk", "sdk-async"):
        cpu = _server_cpu(pid)
        file_id, out["parts_s"], out["complete_s"] = _sdk_upload(
            str(http.base_url), path, part_size, sdk_parallel, client == "sdk-async", layout
        )
        out["upload_cpu"] = _server_cpu(pid) - cpu
    else:
        file_id = _httpx_upload(http, path, part_size, md5, parallel, out, pid)
    if faults:
        http.post("/_emulator/faults", json={}).raise_for_status()

    cpu = _server_cpu(pid)
    t = time.perf_counter()
    got = _download(str(http.base_url), f"/files/{file_id}/content")
    out["content_s"] = time.perf_counter() - t
    out["content_cpu"] = _server_cpu(pid) - cpu
    if got != size:
        raise RuntimeError(f"content returned {got} bytes, expected {size}")
    http.delete(f"/files/{file_id}").raise_for_status()
    return out


def _httpx_upload(
    http: httpx.Client,
    path: Path,
    part_size: int,
    md5: str,
    parallel: int,
    out: dict[str, Any],
    pid: int,
) -> str:
    size = path.stat().st_size
    created = http.post(
        "/uploads",
        json={
            "bytes": size,
            "filename": "bench.jsonl",
            "mime_type": "application/jsonl",
            "purpose": "batch",
        },
    )
    created.raise_for_status()
    upload_id = created.json()["id"]
    cpu = _server_cpu(pid)
    t = time.perf_counter()

    def send_part(offset: int) -> str:
        boundary = secrets.token_hex(16)
        r = http.post(
            f"/uploads/{upload_id}/parts",
            content=_multipart(path, offset, min(part_size, size - offset), boundary),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        r.raise_for_status()
        return str(r.json()["id"])

    offsets = range(0, size, part_size)
    if parallel > 1:
        with ThreadPoolExecutor(parallel) as pool:
            part_ids = list(pool.map(send_part, offsets))  # listed in file order
    else:
        part_ids = [send_part(offset) for offset in offsets]
    out["parts_s"] = time.perf_counter() - t
    t = time.perf_counter()
    r = http.post(f"/uploads/{upload_id}/complete", json={"part_ids": part_ids, "md5": md5})
    r.raise_for_status()
    out["complete_s"] = time.perf_counter() - t
    out["upload_cpu"] = _server_cpu(pid) - cpu
    return str(r.json()["file"]["id"])


def md5_reads(part_size: int, reps: int, where: Path | None) -> dict[str, float]:
    """CPU seconds (median) to hash seven part files into one md5, per read path."""
    from openai_uploads.emulator import _md5 as engine

    def pieces(md5: Any, paths: list[Path]) -> None:
        for path in paths:
            with open(path, "rb", buffering=0) as f:
                while chunk := f.read(4 * MiB):
                    md5.update(chunk)

    def emulator(md5: Any, paths: list[Path]) -> None:
        for path in paths:
            engine.update_md5(md5, path)

    with tempfile.TemporaryDirectory(prefix="emulator-md5-", dir=where) as tmp:
        paths = [write_random_file(Path(tmp) / f"part{i}", part_size) for i in range(7)]
        in_memory = paths[0].read_bytes()

        def memory(md5: Any, paths: list[Path]) -> None:
            for _ in paths:
                md5.update(in_memory)

        ways = {"read 4 MiB pieces": pieces, "emulator read-back": emulator, "md5 floor": memory}
        cpu: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(reps + 1):  # the first round warms up
            for name, way in ways.items():
                md5, start = hashlib.md5(usedforsecurity=False), time.process_time()
                way(md5, paths)
                cpu[name].append(time.process_time() - start)
    return {name: median(times[1:]) for name, times in cpu.items()}


def _summarize(runs: list[dict[str, Any]], size: int, md5_cpu_per_gib: float) -> dict[str, Any]:
    """The medians of ``runs``, printed (under their layout's name, if any)."""
    gib = size / GiB
    runs_label = runs[0]["layout"]
    summary = {
        "sink_cpu_per_gib": median([r["sink_cpu"] / gib for r in runs]),
        "upload_cpu_per_gib": median([r["upload_cpu"] / gib for r in runs]),
        "complete_s": median([r["complete_s"] for r in runs]),
        "parts_s": median([r.get("parts_s", 0.0) for r in runs]),
        "content_mib_s": median([size / MiB / r["content_s"] for r in runs]),
        "content_cpu_per_gib": median([r["content_cpu"] / gib for r in runs]),
    }
    summary["upload_over_sink"] = summary["upload_cpu_per_gib"] / max(
        summary["sink_cpu_per_gib"], 1e-9
    )
    summary["md5_cpu_per_gib"] = md5_cpu_per_gib
    summary["upload_over_sink_plus_md5"] = summary["upload_cpu_per_gib"] / max(
        summary["sink_cpu_per_gib"] + md5_cpu_per_gib, 1e-9
    )
    print()
    if runs_label:
        print(f"layout {runs_label}:")
    print(f"emulator CPU, upload + complete (md5): {summary['upload_cpu_per_gib']:.2f} s/GiB")
    print(f"emulator CPU, raw sink (baseline):     {summary['sink_cpu_per_gib']:.2f} s/GiB")
    print(f"  ratio upload / sink:                 {summary['upload_over_sink']:.1f}x")
    print(f"md5 alone, in the bench process:       {md5_cpu_per_gib:.2f} s/GiB")
    print(f"  ratio upload / (sink + md5):         {summary['upload_over_sink_plus_md5']:.2f}x")
    print(f"complete latency:                      {summary['complete_s']:.3f} s")
    print(f"parts phase (create to last part):     {summary['parts_s']:.2f} s")
    print(f"content download:                      {summary['content_mib_s']:.0f} MiB/s")
    return summary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--part-mib", type=int, default=64, help="part size (default 64)")
    parser.add_argument("--reps", type=int, default=2, help="repetitions (default 2)")
    parser.add_argument(
        "--client",
        choices=("httpx", "sdk", "sdk-async"),
        default="httpx",
        help="httpx: a plain client (default); sdk / sdk-async: this SDK's "
        "upload_file_chunked with OpenAI / AsyncOpenAI",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        help="parts sent at a time (httpx default 1: one after the other, in file order; "
        "sdk default: its adaptive concurrency)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="added per request while uploading (s)"
    )
    parser.add_argument(
        "--bandwidth-mib",
        type=float,
        help="per-connection cap while uploading (MiB/s), e.g. 20 with --latency 0.1 "
        "and --parallel 8 for a wide-area link",
    )
    parser.add_argument(
        "--md5-reads", action="store_true", help="only the tail's read-back (no server)"
    )
    parser.add_argument(
        "--layouts",
        help="SDK part layouts to alternate within each rep, e.g. uniform,tapered "
        "(default: the SDK's own)",
    )
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--json-out", type=Path, help="write every run and the medians here")
    parser.add_argument("--dir", type=Path, help="where to put the file and the emulator data")
    args = parser.parse_args(argv)
    if args.md5_reads:
        print(f"7 parts of {args.part_mib} MiB, {args.reps} reps, load {os.getloadavg()}")
        result = md5_reads(args.part_mib * MiB, args.reps, args.dir)
        for name, seconds in result.items():
            ratio = seconds / result["read 4 MiB pieces"]
            print(f"  {name:20s} {seconds:.3f} CPU s  x{ratio:.2f}")
        return 0

    from openai_uploads.emulator import EmulatorProcess

    size, part_size = args.size_mib * MiB, args.part_mib * MiB
    faults: dict[str, float] = {}
    if args.latency:
        faults["latency"] = args.latency
    if args.bandwidth_mib:
        faults["bandwidth"] = args.bandwidth_mib * MiB
    machine = machine_summary()
    print(
        f"{machine['date']}: {os.cpu_count()} CPUs, load {machine['loadavg']}; "
        f"file {args.size_mib} MiB, parts {args.part_mib} MiB, client {args.client}, "
        f"{args.parallel or ('adaptive' if args.client != 'httpx' else 1)} at a time, "
        f"faults while uploading {faults or 'none'}, reps {args.reps} {args.label}",
        flush=True,
    )
    runs = []
    with tempfile.TemporaryDirectory(prefix="emulator-bench-", dir=args.dir) as tmp:
        path = write_random_file(Path(tmp) / "random.bin", size)
        md5 = _md5(path)
        # the md5 alone, in this process and from the page cache: the other floor
        cpu = time.process_time()
        _md5(path)
        md5_cpu_per_gib = (time.process_time() - cpu) / (size / GiB)
        with (
            EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator,
            httpx.Client(
                base_url=emulator.base_url,
                headers=HEADERS,
                timeout=600,
                limits=httpx.Limits(max_connections=max(args.parallel or 1, 1)),
            ) as http,
        ):
            layouts = args.layouts.split(",") if args.layouts else [None]
            for rep, layout in ((r, lay) for r in range(args.reps) for lay in layouts):
                run = run_once(
                    http,
                    emulator.pid,
                    path,
                    part_size,
                    md5,
                    args.parallel or 1,
                    faults,
                    client=args.client,
                    sdk_parallel=args.parallel,
                    layout=layout,
                )
                runs.append(run)
                gib = size / GiB
                print(
                    f"  rep {rep}{f' {layout}' if layout else ''}: "
                    f"sink {run['sink_cpu'] / gib:5.2f} CPU s/GiB; "
                    f"upload+complete {run['upload_cpu'] / gib:5.2f} CPU s/GiB "
                    f"(parts {run['parts_s']:.2f} s, complete {run['complete_s']:.3f} s); "
                    f"content {size / MiB / run['content_s']:7.0f} MiB/s",
                    flush=True,
                )
    summaries = {
        str(layout): _summarize([r for r in runs if r["layout"] == layout], size, md5_cpu_per_gib)
        for layout in layouts
    }
    summary = summaries[str(layouts[-1])]
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "label": args.label,
                    "summary": summary,
                    "by_layout": summaries,
                    "runs": runs,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
