"""Many small files: ``upload_many`` against a loop of openai-python and a thread pool.

Starts the emulator in its own process with the wide-area profile (100 ms added to every
request, 20 MiB/s per connection), writes N random files (default 120 of 256 KiB), and
uploads them, each runner in a process of its own, in the same run:

* ``openai-loop``: the installed ``openai`` package's ``uploads.upload_file_chunked``,
  one file after another (what a user of openai-python writes);
* ``pool-16``: a ``ThreadPoolExecutor`` of 16 calling this SDK's plain
  ``upload_file_chunked`` (what a user would write by hand);
* ``many-sync`` / ``many-async``: ``client.uploads.upload_many`` (``OpenAI`` /
  ``AsyncOpenAI``), one budget of requests in flight.

Then, on loopback, peak RSS of ``upload_many`` over 10,000 tiny files (a generator of
paths), in a process of its own (``ru_maxrss``).

    python bench/many_bench.py                  # 120 x 256 KiB, 10,000 tiny files
    python bench/many_bench.py --files 60 --tiny 0
    python bench/many_bench.py --before /tmp/tree   # upload_many of another checkout too

With ``--before TREE``, ``upload_many`` also runs from another checkout of the project
(its ``extensions/`` and ``generated/`` first on ``PYTHONPATH``), in the same run, with
the same emulator and files: before/after figures for a change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _common import API_KEY, MiB, machine_summary, peak_rss_bytes, report, run_worker, worker_main

PURPOSE = "batch"
MIME = "application/jsonl"
WAN = {"latency": 0.1, "bandwidth": 20 * MiB}
TARGET_RATIO = 25.0
RSS_TARGET = 100 * MiB


def _paths(spec: dict[str, Any]) -> list[Path]:
    return sorted(Path(spec["dir"]).iterdir())


def _done(elapsed: float, count: int, **extra: Any) -> None:
    source = sys.modules.get("openai_uploads")
    tree = None if source is None else str(Path(str(source.__file__)).parents[2])
    report(
        {"elapsed": elapsed, "files": count, "peak_rss": peak_rss_bytes(), "tree": tree, **extra}
    )


def _openai_loop(spec: dict[str, Any]) -> None:
    import openai

    paths = _paths(spec)
    with openai.OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600) as client:
        started = time.perf_counter()
        for path in paths:
            upload = client.uploads.upload_file_chunked(file=path, mime_type=MIME, purpose=PURPOSE)
            assert upload.status == "completed"
        _done(time.perf_counter() - started, len(paths))


def _pool(spec: dict[str, Any]) -> None:
    from openai_uploads import OpenAI

    paths = _paths(spec)
    with OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600) as client:

        def one(path: Path) -> str:
            upload = client.uploads.upload_file_chunked(file=path, mime_type=MIME, purpose=PURPOSE)
            return upload.status

        started = time.perf_counter()
        with ThreadPoolExecutor(spec["threads"]) as pool:
            statuses = list(pool.map(one, paths))
        assert set(statuses) == {"completed"}
        _done(time.perf_counter() - started, len(paths))


def _budget(spec: dict[str, Any]) -> dict[str, int]:
    """``max_concurrency`` when the run gives one; else the SDK's default budget."""
    return {} if spec["concurrency"] is None else {"max_concurrency": spec["concurrency"]}


def _many_sync(spec: dict[str, Any]) -> None:
    from openai_uploads import OpenAI

    with OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600) as client:
        names = sorted(os.listdir(spec["dir"]))
        files: Iterator[Path] = (Path(spec["dir"], name) for name in names)
        started = time.perf_counter()
        results = client.uploads.upload_many(files, purpose=PURPOSE, **_budget(spec))
        elapsed = time.perf_counter() - started
        assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
        _done(elapsed, len(results))


def _many_async(spec: dict[str, Any]) -> None:
    from openai_uploads import AsyncOpenAI

    async def run() -> None:
        async with AsyncOpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600) as client:
            started = time.perf_counter()
            results = await client.uploads.upload_many(
                _paths(spec), purpose=PURPOSE, **_budget(spec)
            )
            elapsed = time.perf_counter() - started
            assert all(r.ok for r in results)
            _done(elapsed, len(results))

    asyncio.run(run())


WORKERS = {
    "openai-loop": _openai_loop,
    "pool": _pool,
    "many-sync": _many_sync,
    "many-async": _many_async,
}


def _write_files(directory: Path, count: int, size: int) -> None:
    directory.mkdir(parents=True)
    for i in range(count):
        line = json.dumps({"i": i, "pad": os.urandom(48).hex()}).encode() + b"\n"
        (directory / f"shard-{i:05d}.jsonl").write_bytes((line * (size // len(line) + 1))[:size])


def _tree_env(tree: str | Path | None) -> dict[str, str] | None:
    """The environment that imports the project from checkout ``tree`` (None: this one)."""
    if tree is None:
        return None
    paths = [str(Path(tree, "extensions")), str(Path(tree, "generated"))]
    return {"PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")])}


def main(argv: list[str]) -> int:
    if worker_main(argv, {k: v for k, v in WORKERS.items()}):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--size-kib", type=int, default=256)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="upload_many's budget, fixed (default: the SDK's, adaptive up to 32)",
    )
    parser.add_argument("--threads", type=int, default=16, help="the hand-written pool's size")
    parser.add_argument("--tiny", type=int, default=10_000, help="files for the RSS run (0: none)")
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument(
        "--before", type=Path, default=None, help="another checkout to run upload_many from too"
    )
    args = parser.parse_args(argv)

    from openai_uploads.emulator import EmulatorProcess, FaultConfig

    machine = machine_summary()
    print(
        f"{machine['date']}: {os.cpu_count()} CPUs, load {machine['loadavg']}; "
        f"{args.files} files of {args.size_kib} KiB on the wide-area profile "
        f"(100 ms per request, 20 MiB/s per connection)",
        flush=True,
    )
    out: dict[str, Any] = {
        "machine": machine,
        "args": vars(args) | {"json_out": None, "before": str(args.before)},
    }
    with tempfile.TemporaryDirectory(prefix="many-bench-") as tmp:
        data = Path(tmp) / "files"
        _write_files(data, args.files, args.size_kib * 1024)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            emulator.set_faults(FaultConfig(**WAN))
            base = {"base_url": emulator.base_url, "dir": str(data)}
            runs = {
                "openai-loop": {"kind": "openai-loop"},
                f"pool-{args.threads}": {"kind": "pool", "threads": args.threads},
                "many-sync": {"kind": "many-sync", "concurrency": args.concurrency},
                "many-async": {"kind": "many-async", "concurrency": args.concurrency},
            }
            if args.before is not None:
                runs["before-sync"] = runs["many-sync"] | {"tree": str(args.before)}
                runs["before-async"] = runs["many-async"] | {"tree": str(args.before)}
            many = [name for name in runs if name.startswith(("many-", "before-"))]
            results: dict[str, dict[str, Any]] = {}
            for name, spec in runs.items():
                result = run_worker(__file__, base | spec, env=_tree_env(spec.get("tree")))
                results[name] = result
                if "error" in result:
                    print(f"  {name:<12} FAILED {result['error']}", flush=True)
                    continue
                result["files_s"] = result["files"] / result["elapsed"]
                print(
                    f"  {name:<12} {result['files_s']:7.1f} files/s  "
                    f"({result['elapsed']:.2f} s, rss {result['peak_rss'] / MiB:.0f} MiB)",
                    flush=True,
                )
            baseline = results["openai-loop"].get("files_s")
            pool = results[f"pool-{args.threads}"].get("files_s")
            for name in many:
                rate = results[name].get("files_s")
                if rate and baseline and pool:
                    ratio = rate / baseline
                    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
                    print(
                        f"  {name}: {ratio:.1f}x the openai-python loop ({verdict} "
                        f"{TARGET_RATIO:.0f}x), {rate / pool:.2f}x the pool of {args.threads}"
                    )
            out["wan"] = results
            if args.tiny:
                tiny = Path(tmp) / "tiny"
                _write_files(tiny, args.tiny, 64)
                emulator.set_faults(FaultConfig())
                trees = {"tiny": None} | ({} if args.before is None else {"before": args.before})
                for label, tree in trees.items():
                    spec = {
                        "kind": "many-sync",
                        "concurrency": args.concurrency,
                        "base_url": emulator.base_url,
                        "dir": str(tiny),
                    }
                    result = run_worker(__file__, spec, env=_tree_env(tree))
                    out[label if label == "tiny" else "tiny-before"] = result
                    if "error" in result:
                        print(f"  {label}: FAILED {result['error']}")
                        continue
                    rss = result["peak_rss"]
                    verdict = "meets" if rss <= RSS_TARGET else "MISSES"
                    print(
                        f"  {args.tiny} tiny files (loopback{', before' if tree else ''}): "
                        f"peak RSS {rss / MiB:.0f} MiB ({verdict} <= {RSS_TARGET // MiB} MiB), "
                        f"{result['files'] / result['elapsed']:.0f} files/s"
                    )
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
