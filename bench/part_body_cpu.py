"""Client CPU per GiB of a part body: ``parts.create(data=bytes)`` and ``upload_file_chunked``.

Each runner is a child process (its CPU alone: the emulator runs in a process of its
own) that uploads to the emulator on loopback and reports CPU seconds per GiB sent:

- ``parts``: ``parts.create(data=<64 MiB bytes>)``, several times (the body's boundary:
  a fixed one needs the payload scanned for it);
- ``chunked-sync`` / ``chunked-async``: ``upload_file_chunked`` of a file.

With ``--before DIR`` (a tree holding ``extensions/`` and ``generated/``, e.g. made by
``git archive main extensions generated | tar -x -C DIR``), each runner runs against
that code too, interleaved in the same run, and the table gives after/before ratios.

    python bench/part_body_cpu.py [--before DIR] [--size-mib 512] [--reps 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import API_KEY, GiB, Measure, MiB, write_random_file

RUNNERS = ("parts", "chunked-sync", "chunked-async")
ARGS = {"mime_type": "application/octet-stream", "purpose": "assistants"}


def child(runner: str, spec: dict[str, Any]) -> None:
    from openai_uploads import AsyncOpenAI, OpenAI

    base_url, path, size = spec["base_url"], spec["path"], spec["size"]
    if runner == "parts":
        data = os.urandom(64 * MiB)
        count = max(1, size // len(data))
        with OpenAI(api_key=API_KEY, base_url=base_url, timeout=600) as client:
            upload = client.uploads.create(bytes=len(data) * count, filename="p.bin", **ARGS)
            with Measure() as m:
                for _ in range(count):
                    client.uploads.parts.create(upload.id, data=data)
        sent = len(data) * count
    elif runner == "chunked-sync":
        with OpenAI(api_key=API_KEY, base_url=base_url, timeout=600) as client, Measure() as m:
            client.uploads.upload_file_chunked(file=path, **ARGS)
        sent = size
    else:

        async def run() -> None:
            async with AsyncOpenAI(api_key=API_KEY, base_url=base_url, timeout=600) as client:
                await client.uploads.upload_file_chunked(file=path, **ARGS)

        with Measure() as m:
            asyncio.run(run())
        sent = size
    print(json.dumps({"cpu_per_gib": m.result(sent)["cpu"] * GiB / sent}))


def run_child(runner: str, spec: dict[str, Any], tree: str | None) -> float:
    env = dict(os.environ)
    if tree is not None:
        paths = [str(Path(tree) / "extensions"), str(Path(tree) / "generated")]
        env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, __file__, "--child", runner, json.dumps(spec)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["cpu_per_gib"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--before", help="a tree with the code to compare against")
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], json.loads(args.child[1]))
        return
    from openai_uploads.emulator import EmulatorProcess

    trees: dict[str, str | None] = {"after": None}
    if args.before:
        trees = {"before": args.before, "after": None}
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="part-body-") as tmp:
        size = args.size_mib * MiB
        path = write_random_file(Path(tmp) / "random.bin", size)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            spec = {"base_url": emulator.base_url, "path": str(path), "size": size}
            for _ in range(args.reps):
                for runner in RUNNERS:
                    for name, tree in trees.items():
                        value = run_child(runner, spec, tree)
                        results.setdefault((runner, name), []).append(value)
    print(f"client CPU s/GiB, median of {args.reps} ({args.size_mib} MiB, loopback)")
    for runner in RUNNERS:
        row = {name: statistics.median(results[(runner, name)]) for name in trees}
        cells = "  ".join(f"{name} {value:.3f}" for name, value in row.items())
        ratio = f"  after/before {row['after'] / row['before']:.2f}" if "before" in row else ""
        print(f"{runner:14} {cells}{ratio}")


if __name__ == "__main__":
    main()
