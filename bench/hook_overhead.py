"""What plugin hooks cost a transfer: a 512 MiB loopback upload, with and without observers.

``bare``: ``upload_file_chunked`` with only the built-in plugins (retry, md5, logging with
its logger silent). ``hooked``: the same plus a plugin implementing every progress and
request hook with minimal work (a counter; ``prepare_request`` also sets a header), and
the ``openai_uploads`` logger at DEBUG into a ``NullHandler`` (so the built-in logging
plugin formats every record). Every hook call goes through pluggy. The two
alternate, each run in a process of its own, over several repetitions; the figure is
the difference of the medians as a percentage of the bare upload time (wall and CPU).

Wall time on a 2-core machine that also runs the emulator is noisy, so the script also
times the dispatch itself: it counts the hook calls of one hooked upload and multiplies
them by the measured cost of one call through the plugin host. That product, as a share
of the upload time, is the stable estimate.

    python bench/hook_overhead.py [--size-mib 512] [--part-mib 64] [--concurrency 4] [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import API_KEY, Measure, MiB, median, report, run_worker, worker_main
from _common import write_random_file as _write

HOOKS = (
    "on_transfer_started",
    "on_upload_started",
    "on_bytes_sent",
    "on_part_completed",
    "on_upload_completed",
    "on_upload_failed",
    "on_upload_cancelled",
    "on_request_start",
    "prepare_request",
    "on_request_end",
)


def _counting_plugin() -> Any:
    from openai_uploads import hookimpl

    class Counting:
        """Minimal work in every observer hook: count the calls."""

        def __init__(self) -> None:
            self.calls: dict[str, int] = dict.fromkeys(HOOKS, 0)

        @hookimpl
        def on_transfer_started(self, event: Any) -> None:
            self.calls["on_transfer_started"] += 1

        @hookimpl
        def on_upload_started(self, event: Any) -> None:
            self.calls["on_upload_started"] += 1

        @hookimpl
        def on_bytes_sent(self, event: Any) -> None:
            self.calls["on_bytes_sent"] += 1

        @hookimpl
        def on_part_completed(self, event: Any) -> None:
            self.calls["on_part_completed"] += 1

        @hookimpl
        def on_upload_completed(self, event: Any) -> None:
            self.calls["on_upload_completed"] += 1

        @hookimpl
        def on_upload_failed(self, event: Any) -> None:
            self.calls["on_upload_failed"] += 1

        @hookimpl
        def on_upload_cancelled(self, event: Any) -> None:
            self.calls["on_upload_cancelled"] += 1

        @hookimpl
        def on_request_start(self, event: Any) -> None:
            self.calls["on_request_start"] += 1

        @hookimpl
        def prepare_request(self, event: Any) -> None:
            self.calls["prepare_request"] += 1
            event.headers["x-bench"] = "1"

        @hookimpl
        def on_request_end(self, event: Any) -> None:
            self.calls["on_request_end"] += 1

    return Counting()


def _upload(spec: dict[str, Any]) -> None:
    from openai_uploads import OpenAI

    plugins: list[Any] = []
    counting = None
    if spec["hooked"]:
        counting = _counting_plugin()
        plugins.append(counting)
        logger = logging.getLogger("openai_uploads")
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
    with OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600, plugins=plugins) as client:
        with Measure() as m:
            upload = client.uploads.upload_file_chunked(
                file=spec["path"],
                mime_type="application/jsonl",
                purpose="batch",
                part_size=spec["part_size"],
                max_concurrency=spec["concurrency"],
            )
        if upload.status != "completed":
            raise RuntimeError(upload.status)
        assert upload.file is not None
        client.files.delete(upload.file.id)
    report(m.result(spec["size"], calls=counting.calls if counting else {}))


def _dispatch_cost(spec: dict[str, Any]) -> None:
    """Seconds per observer-hook call through the plugin host, with the hooked set-up."""
    from openai_uploads import OpenAI
    from openai_uploads.hookspecs import BytesSent, RequestFinished

    counting = _counting_plugin()
    logger = logging.getLogger("openai_uploads")
    logger.addHandler(logging.NullHandler())
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    client = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:9/v1", plugins=[counting])
    host = client.plugins
    sent = BytesSent(upload_id="upload_x", part_number=1, bytes_sent=1, total_bytes=2)
    end = RequestFinished(
        operation="add_part",
        method="POST",
        url="http://127.0.0.1:9/v1/uploads/upload_x/parts",
        attempt=0,
        elapsed=0.01,
        status_code=200,
        request_id="req_x",
        error=None,
    )
    n = 20000
    out = {}
    for name, call, event in (
        ("bytes_sent", host.bytes_sent, sent),
        ("request_finished", host.request_finished, end),
    ):
        started = time.perf_counter()
        for _ in range(n):
            call(event)  # type: ignore[operator]
        out[name] = (time.perf_counter() - started) / n
    report(out)


WORKERS = {"upload": _upload, "dispatch": _dispatch_cost}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--part-mib", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    size, part_size = args.size_mib * MiB, args.part_mib * MiB

    from openai_uploads.emulator import EmulatorProcess

    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "hooked": []}
    with tempfile.TemporaryDirectory(prefix="hook-bench-") as tmp:
        path = _write(Path(tmp) / "random.bin", size)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            for rep in range(args.reps):
                order = ("bare", "hooked") if rep % 2 == 0 else ("hooked", "bare")
                for mode in order:
                    spec = {
                        "kind": "upload",
                        "hooked": mode == "hooked",
                        "base_url": emulator.base_url,
                        "path": str(path),
                        "size": size,
                        "part_size": part_size,
                        "concurrency": args.concurrency,
                    }
                    result = run_worker(__file__, spec)
                    if "error" in result:
                        print(f"{mode} rep {rep}: FAILED {result['error']}", file=sys.stderr)
                        return 1
                    runs[mode].append(result)
                    print(
                        f"  {mode:<6} rep {rep}: {result['elapsed']:6.2f} s, "
                        f"cpu {result['cpu']:5.2f} s",
                        flush=True,
                    )
    cost = run_worker(__file__, {"kind": "dispatch"})
    bare_t = median([r["elapsed"] for r in runs["bare"]])
    hooked_t = median([r["elapsed"] for r in runs["hooked"]])
    bare_cpu = median([r["cpu"] for r in runs["bare"]])
    hooked_cpu = median([r["cpu"] for r in runs["hooked"]])
    calls: dict[str, int] = runs["hooked"][0]["calls"]
    per_call = max(cost["bytes_sent"], cost["request_finished"])
    dispatch = sum(calls.values()) * per_call
    wall_pct = 100 * (hooked_t - bare_t) / bare_t
    cpu_pct = 100 * (hooked_cpu - bare_cpu) / bare_t
    dispatch_pct = 100 * dispatch / bare_t
    print(
        f"\n{args.size_mib} MiB, {args.part_mib} MiB parts, concurrency {args.concurrency}, "
        f"{args.reps} reps each (median)"
    )
    print(f"bare:    {bare_t:6.2f} s wall, {bare_cpu:5.2f} s CPU")
    print(f"hooked:  {hooked_t:6.2f} s wall, {hooked_cpu:5.2f} s CPU")
    print(f"hook calls in one hooked upload: {sum(calls.values())} {calls}")
    print(
        f"one dispatch: {cost['bytes_sent'] * 1e6:.1f} us (on_bytes_sent), "
        f"{cost['request_finished'] * 1e6:.1f} us (on_request_end, logged at DEBUG)"
    )
    print(f"difference, wall:          {wall_pct:+.2f} % of the upload time")
    print(f"difference, CPU:           {cpu_pct:+.2f} % of the upload time")
    print(f"dispatch cost (calls x per-call): {dispatch * 1e3:.2f} ms = {dispatch_pct:.3f} %")
    ok = dispatch_pct < 2 and cpu_pct < 2
    print("result: " + ("OK (< 2 %)" if ok else "OVER 2 %"))
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "settings": vars(args) | {"json_out": str(args.json_out)},
                    "bare": runs["bare"],
                    "hooked": runs["hooked"],
                    "dispatch_seconds": cost,
                    "wall_pct": wall_pct,
                    "cpu_pct": cpu_pct,
                    "dispatch_pct": dispatch_pct,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    if not worker_main(sys.argv[1:], WORKERS):
        sys.exit(main(sys.argv[1:]))
