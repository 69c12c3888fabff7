"""Throughput, CPU and memory of ``upload_file_chunked``, side by side with openai-python.

Starts the emulator in its own process, writes one random file, and measures on it:

* ``ours-sync-cN`` / ``ours-async-cN``: this SDK's ``upload_file_chunked`` (``OpenAI`` /
  ``AsyncOpenAI``) at ``max_concurrency=N``; it reads the file once, computes the md5 and
  sends it with ``complete`` (the emulator checks it);
* ``openai`` (and ``openai-async``): the official package's
  ``client.uploads.upload_file_chunked``, the peer users would pick instead (sequential
  parts, no md5), on the same file and server;
* ``raw``: the same bytes streamed with httpx in one request to the emulator's sink
  (``POST /v1/_sink``), the most a single connection carries;
* ``raw-async``: the same with ``httpx.AsyncClient`` (what asyncio's transports cost);
* ``md5``: hashing the file with md5 in a process of its own. ``md5`` + ``raw`` CPU
  seconds is the *CPU floor*: what reading, hashing and sending the bytes must cost.

under network profiles ``loopback`` (no shaping), ``wan`` (the emulator adds 100 ms
to every request and caps every connection at 20 MiB/s) and ``link`` (100 ms, and one
100 MiB/s cap shared by all connections; needs an emulator with a link cap). ``1st ms``
is the time from ``create``'s answer to the first part's request; ``busy`` how much of
the parts phase the capacity was used (``link``: the shared cap; ``wan``: 20 MiB/s per
connection in use); ``peak`` the most parts that were in flight at once (``--concurrency
auto`` leaves ``max_concurrency`` out, so that it adapts). Every run is a process of its
own (``--worker``), reporting wall time, CPU seconds (user + sys, ``getrusage``) and
peak RSS (``ru_maxrss``); the table shows medians over the repetitions, with ratios to
the peer and to the raw limit. MiB/s are 2^20 bytes per second.

    python bench/upload_bench.py                      # 1 GiB, 64 MiB parts (several minutes)
    python bench/upload_bench.py --quick              # 128 MiB, 16 MiB parts, 1 rep (~1 min)
    python bench/upload_bench.py --profiles loopback --runners ours-sync,openai,raw,md5 \\
        --concurrency 4 --reps 5 --json-out results.json
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import (
    API_KEY,
    GiB,
    Measure,
    MiB,
    machine_summary,
    median,
    report,
    run_worker,
    worker_main,
    write_random_file,
)

MIME = "application/jsonl"
PURPOSE = "batch"
WAN_BANDWIDTH = 20 * MiB
LINK_BANDWIDTH = 100 * MiB
PROFILES: dict[str, dict[str, Any]] = {
    "loopback": {},
    "wan": {"latency": 0.1, "bandwidth": WAN_BANDWIDTH},
    # A cap shared by all connections (needs an emulator with FaultConfig.link_bandwidth).
    "link": {"latency": 0.1, "link_bandwidth": LINK_BANDWIDTH},
}
ALL_RUNNERS = ("ours-sync", "ours-async", "openai", "openai-async", "raw", "raw-async", "md5")
DEFAULT_RUNNERS = ("ours-sync", "ours-async", "openai", "raw", "md5")
RAW_CHUNK = MiB

# --------------------------------------------------------------------------- workers
# Each runs in a fresh process; the figures cover the upload call only (imports and the
# client's construction are outside), peak RSS is the whole process's.


def _check(upload: Any, size: int) -> None:
    if upload.status != "completed" or upload.file is None or upload.file.bytes != size:
        raise RuntimeError(f"the upload did not complete whole: {upload!r}")


def _first_part_timer() -> Any:
    """A plugin timing ``create``'s answer to the first ``add_part`` request going out,
    and the phases of the call (``timeline``: seconds since the plugin was made ready)."""
    from openai_uploads import hookimpl

    class FirstPartTimer:
        start: float = 0.0
        created: float | None = None
        first_part: float | None = None
        last_part_end: float | None = None
        complete_start: float | None = None
        complete_end: float | None = None
        in_flight = 0
        peak_in_flight = 0

        @hookimpl
        def on_request_end(self, event: Any) -> None:
            now = time.perf_counter()
            if event.operation == "add_part":
                self.in_flight -= 1
            if event.operation == "create_upload" and event.status_code == 200:
                self.created = now
            if event.operation == "add_part":
                self.last_part_end = now
            if event.operation == "complete_upload":
                self.complete_end = now

        @hookimpl
        def on_request_start(self, event: Any) -> None:
            now = time.perf_counter()
            if event.operation == "add_part":
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            if event.operation == "add_part" and self.first_part is None:
                self.first_part = now
            if event.operation == "complete_upload":
                self.complete_start = now

        def seconds(self) -> float | None:
            if self.created is None or self.first_part is None:
                return None
            return self.first_part - self.created

        def parts_phase(self) -> float | None:
            """Seconds from the first part's request to the last part's answer."""
            if self.first_part is None or self.last_part_end is None:
                return None
            return self.last_part_end - self.first_part

        def timeline(self) -> dict[str, float | None]:
            """When each phase began or ended, in seconds from the call's start."""
            marks = {
                "created": self.created,
                "first_part": self.first_part,
                "last_part_end": self.last_part_end,
                "complete_start": self.complete_start,
                "complete_end": self.complete_end,
            }
            return {k: None if v is None else round(v - self.start, 4) for k, v in marks.items()}

        def result(self) -> dict[str, Any]:
            return {
                "first_part": self.seconds(),
                "parts_phase": self.parts_phase(),
                "timeline": self.timeline(),
                "peak_in_flight": self.peak_in_flight,
            }

    return FirstPartTimer()


def _ours_sync(spec: dict[str, Any]) -> None:
    from openai_uploads import OpenAI

    timer = _first_part_timer()
    with OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600, plugins=[timer]) as client:
        with Measure() as m:
            timer.start = time.perf_counter()
            upload = client.uploads.upload_file_chunked(
                file=spec["path"],
                mime_type=MIME,
                purpose=PURPOSE,
                part_size=spec["part_size"],
                max_concurrency=spec["concurrency"],
            )
        _check(upload, spec["size"])
        client.files.delete(upload.file.id)
    report(m.result(spec["size"], **timer.result()))


def _ours_async(spec: dict[str, Any]) -> None:
    from openai_uploads import AsyncOpenAI

    timer = _first_part_timer()

    async def run() -> None:
        async with AsyncOpenAI(
            api_key=API_KEY, base_url=spec["base_url"], timeout=600, plugins=[timer]
        ) as client:
            with Measure() as m:
                timer.start = time.perf_counter()
                upload = await client.uploads.upload_file_chunked(
                    file=spec["path"],
                    mime_type=MIME,
                    purpose=PURPOSE,
                    part_size=spec["part_size"],
                    max_concurrency=spec["concurrency"],
                )
            _check(upload, spec["size"])
            await client.files.delete(upload.file.id)
        report(m.result(spec["size"], **timer.result()))

    asyncio.run(run())


def _openai_sync(spec: dict[str, Any]) -> None:
    import openai

    with openai.OpenAI(api_key=API_KEY, base_url=spec["base_url"], timeout=600) as client:
        with Measure() as m:
            upload = client.uploads.upload_file_chunked(
                file=Path(spec["path"]),
                mime_type=MIME,
                purpose=PURPOSE,
                part_size=spec["part_size"],
            )
        _check(upload, spec["size"])
        client.files.delete(upload.file.id)
    report(m.result(spec["size"]))


def _openai_async(spec: dict[str, Any]) -> None:
    import openai

    async def run() -> None:
        async with openai.AsyncOpenAI(
            api_key=API_KEY, base_url=spec["base_url"], timeout=600
        ) as client:
            with Measure() as m:
                upload = await client.uploads.upload_file_chunked(
                    file=Path(spec["path"]),
                    mime_type=MIME,
                    purpose=PURPOSE,
                    part_size=spec["part_size"],
                )
            _check(upload, spec["size"])
            await client.files.delete(upload.file.id)
        report(m.result(spec["size"]))

    asyncio.run(run())


def _file_chunks(path: str, chunk: int) -> Iterator[bytes]:
    with open(path, "rb", buffering=0) as f:
        while block := f.read(chunk):
            yield block


def _raw(spec: dict[str, Any]) -> None:
    import httpx

    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "Content-Length": str(spec["size"]),
        "Content-Type": "application/octet-stream",
    }
    with httpx.Client(timeout=600) as http:
        with Measure() as m:
            response = http.post(
                spec["base_url"] + "/_sink",
                content=_file_chunks(spec["path"], RAW_CHUNK),
                headers=headers,
            )
            response.raise_for_status()
        assert response.json()["bytes"] == spec["size"]
    report(m.result(spec["size"]))


def _raw_async(spec: dict[str, Any]) -> None:
    import httpx

    async def chunks() -> Any:
        for block in _file_chunks(spec["path"], RAW_CHUNK):
            yield block

    async def run() -> None:
        headers = {
            "Authorization": f"Bearer {API_KEY}",
            "Content-Length": str(spec["size"]),
            "Content-Type": "application/octet-stream",
        }
        async with httpx.AsyncClient(timeout=600) as http:
            with Measure() as m:
                response = await http.post(
                    spec["base_url"] + "/_sink", content=chunks(), headers=headers
                )
                response.raise_for_status()
            assert response.json()["bytes"] == spec["size"]
        report(m.result(spec["size"]))

    asyncio.run(run())


def _md5(spec: dict[str, Any]) -> None:
    with Measure() as m:
        digest = hashlib.md5(usedforsecurity=False)
        for block in _file_chunks(spec["path"], RAW_CHUNK):
            digest.update(block)
        digest.hexdigest()
    report(m.result(spec["size"]))


WORKERS = {
    "ours-sync": _ours_sync,
    "ours-async": _ours_async,
    "openai": _openai_sync,
    "openai-async": _openai_async,
    "raw": _raw,
    "raw-async": _raw_async,
    "md5": _md5,
}

# --------------------------------------------------------------------------- the driver


def _runner_names(
    runners: list[str], concurrencies: list[int | None]
) -> list[tuple[str, str, int | None]]:
    """(display name, worker kind, concurrency) for every run of one repetition; a
    concurrency of None (``auto``) leaves ``max_concurrency`` out: it adapts."""
    out = []
    for kind in runners:
        if kind.startswith("ours-"):
            out += [(f"{kind}-{'auto' if c is None else f'c{c}'}", kind, c) for c in concurrencies]
        else:
            out.append((kind, kind, 1))
    return out


def summarize(runs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Medians per profile and runner."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for run in runs:
        if "error" in run:
            continue
        out.setdefault(run["profile"], {}).setdefault(run["runner"], {"runs": []})["runs"].append(
            run
        )
    for profile in out.values():
        for name, entry in profile.items():
            rs = entry.pop("runs")
            size = rs[0]["bytes"]
            elapsed = median([r["elapsed"] for r in rs])
            cpu = median([r["cpu"] for r in rs])
            entry.update(
                runner=name,
                reps=len(rs),
                bytes=size,
                elapsed=elapsed,
                mib_s=size / MiB / elapsed,
                mib_s_all=[round(r["bytes"] / MiB / r["elapsed"], 1) for r in rs],
                cpu=cpu,
                cpu_user=median([r["cpu_user"] for r in rs]),
                cpu_sys=median([r["cpu_sys"] for r in rs]),
                cpu_per_gib=cpu / (size / GiB),
                server_cpu=median([r.get("server_cpu", 0.0) for r in rs]),
                peak_rss=max(r["peak_rss"] for r in rs),
                first_part=median(firsts)
                if (firsts := [r["first_part"] for r in rs if r.get("first_part") is not None])
                else None,
                parts_phase=median(phases)
                if (phases := [r["parts_phase"] for r in rs if r.get("parts_phase") is not None])
                else None,
                concurrency=rs[0].get("concurrency"),
                peak_in_flight=max(r.get("peak_in_flight") or 0 for r in rs) or None,
                part_size=rs[0].get("part_size"),
            )
    return out


RSS_TARGET = 120 * MiB
"""Client peak RSS for a path, at any concurrency up to 16 and any part size."""
FIRST_PART_TARGET = 0.050
"""Seconds from ``create``'s answer to the first part's request."""
CPU_TARGET = 1.1
"""Loopback CPU s/GiB against the floor (md5 + raw send)."""
WAN_TARGETS = {"c4": 3.5, "c8": 7.0}
"""Wide-area throughput against openai-python, by concurrency."""


BUSY_TARGET = 0.9
"""Share of the parts phase the link (or, on ``wan``, the connections in use) is busy."""


def link_busy(profile: str, entry: dict[str, Any]) -> float | None:
    """How busy the parts phase kept the capacity it had: the time the bytes need at the
    cap (``link``: the shared link; ``wan``: 20 MiB/s per connection in use) over the
    measured time from the first part's request to the last part's answer."""
    phase = entry.get("parts_phase")
    # Adaptive runs: the connections in use are the most parts that were in flight.
    concurrency = entry.get("concurrency") or entry.get("peak_in_flight")
    if not phase or concurrency is None:
        return None
    if profile == "link":
        cap = LINK_BANDWIDTH
    elif profile == "wan":
        parts = -(-entry["bytes"] // entry["part_size"])
        cap = min(concurrency, parts) * WAN_BANDWIDTH
    else:
        return None
    return float(entry["bytes"] / cap / phase)


def evaluate(summary: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Check the targets of bench/RESULTS.md against the medians; one row per check."""
    checks: list[dict[str, Any]] = []
    wan, lo = summary.get("wan", {}), summary.get("loopback", {})
    for name, entry in wan.items():
        target = WAN_TARGETS.get(name.rsplit("-", 1)[-1])
        if name.startswith("ours-") and target is not None and "openai" in wan:
            ratio = entry["mib_s"] / wan["openai"]["mib_s"]
            checks.append(
                {
                    "target": f"wan, {name} >= {target}x openai throughput",
                    "value": round(ratio, 2),
                    "met": ratio >= target,
                }
            )
    if "md5" in lo and "raw" in lo:
        floor = lo["md5"]["cpu_per_gib"] + lo["raw"]["cpu_per_gib"]
        for name, entry in lo.items():
            if name.startswith("ours-"):
                ratio = entry["cpu_per_gib"] / floor
                checks.append(
                    {
                        "target": f"loopback, {name} CPU s/GiB <= {CPU_TARGET}x floor "
                        f"({floor:.2f})",
                        "value": round(ratio, 2),
                        "met": ratio <= CPU_TARGET,
                    }
                )
    for profile, entries in summary.items():
        for name, entry in entries.items():
            if not name.startswith("ours-"):
                continue
            checks.append(
                {
                    "target": f"{profile}, {name} peak RSS <= {RSS_TARGET // MiB} MiB",
                    "value": round(entry["peak_rss"] / MiB, 1),
                    "met": entry["peak_rss"] <= RSS_TARGET,
                }
            )
            busy = link_busy(profile, entry)
            if busy is not None:
                checks.append(
                    {
                        "target": f"{profile}, {name} parts phase keeps the "
                        f"{'link' if profile == 'link' else 'connections'} >= "
                        f"{BUSY_TARGET:.0%} busy",
                        "value": round(busy, 3),
                        "met": busy >= BUSY_TARGET,
                    }
                )
            if entry.get("first_part") is not None:
                checks.append(
                    {
                        "target": f"{profile}, {name} first part <= "
                        f"{FIRST_PART_TARGET * 1000:.0f} ms after create",
                        "value": round(entry["first_part"] * 1000, 1),
                        "met": entry["first_part"] <= FIRST_PART_TARGET,
                    }
                )
    return checks


def table(summary: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = []
    head = (
        f"{'profile':<9} {'runner':<15} {'reps':>4} {'MiB/s':>8} {'s':>7} {'x peer':>7} "
        f"{'x raw':>6} {'CPU s':>7} {'CPU s/GiB':>9} {'x floor':>7} {'RSS MiB':>8} "
        f"{'1st ms':>6} {'busy':>5} {'peak':>4}"
    )
    lines += [head, "-" * len(head)]
    for profile, entries in summary.items():
        peer = entries.get("openai")
        raw = entries.get("raw")
        floor = None
        lo = summary.get("loopback", entries)
        if "md5" in lo and "raw" in lo:
            floor = lo["md5"]["cpu_per_gib"] + lo["raw"]["cpu_per_gib"]
        for name, e in entries.items():
            x_peer = f"{e['mib_s'] / peer['mib_s']:.2f}" if peer and name != "md5" else "-"
            x_raw = f"{e['mib_s'] / raw['mib_s']:.2f}" if raw and name != "md5" else "-"
            x_floor = f"{e['cpu_per_gib'] / floor:.2f}" if floor and name != "md5" else "-"
            first = "-" if e.get("first_part") is None else f"{e['first_part'] * 1000:.0f}"
            busy_share = link_busy(profile, e)
            busy = "-" if busy_share is None else f"{busy_share:.0%}"
            lines.append(
                f"{profile:<9} {name:<15} {e['reps']:>4} {e['mib_s']:>8.1f} {e['elapsed']:>7.2f} "
                f"{x_peer:>7} {x_raw:>6} {e['cpu']:>7.2f} {e['cpu_per_gib']:>9.2f} "
                f"{x_floor:>7} {e['peak_rss'] / MiB:>8.1f} {first:>6} {busy:>5} "
                f"{e.get('peak_in_flight') or '-':>4}"
            )
    if floor is not None:
        lines.append(f"CPU floor (loopback md5 + raw send): {floor:.2f} CPU s/GiB")
    return "\n".join(lines)


def _server_cpu(pid: int) -> float:
    """CPU seconds the emulator process has used so far (user + sys, all threads)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--part-mib", type=int, default=64, help="part size (default 64)")
    parser.add_argument(
        "--concurrency",
        default="1,4,8",
        help="ours: max_concurrency values; auto: left out (adapted to the throughput)",
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions, loopback profile")
    parser.add_argument("--wan-reps", type=int, default=1, help="repetitions, wan profile")
    parser.add_argument("--profiles", default="loopback,wan", help="loopback, wan")
    parser.add_argument(
        "--runners", default=",".join(DEFAULT_RUNNERS), help=f"any of {', '.join(ALL_RUNNERS)}"
    )
    parser.add_argument("--quick", action="store_true", help="128 MiB, 16 MiB parts, 1 rep")
    parser.add_argument("--json-out", type=Path, help="write every run and the medians here")
    parser.add_argument("--dir", type=Path, help="where to put the file and the emulator data")
    args = parser.parse_args(argv)
    if args.quick:
        args.size_mib, args.part_mib, args.reps, args.wan_reps = 128, 16, 1, 1
    size, part_size = args.size_mib * MiB, args.part_mib * MiB
    concurrencies: list[int | None] = [
        None if c == "auto" else int(c) for c in args.concurrency.split(",") if c
    ]
    runners = [r for r in args.runners.split(",") if r]
    profiles = [p for p in args.profiles.split(",") if p]
    for r in runners:
        if r not in ALL_RUNNERS:
            parser.error(f"unknown runner {r!r}")
    for p in profiles:
        if p not in PROFILES:
            parser.error(f"unknown profile {p!r}")

    from openai_uploads.emulator import EmulatorProcess, FaultConfig

    for p in profiles:
        missing = set(PROFILES[p]) - set(FaultConfig.__dataclass_fields__)
        if missing:
            parser.error(f"profile {p!r} needs an emulator with {sorted(missing)}")

    machine = machine_summary()
    command = "python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *argv])
    print(
        f"{machine['date']}: {os.cpu_count()} CPUs, load {machine['loadavg']}; "
        f"file {args.size_mib} MiB, parts {args.part_mib} MiB, concurrency {concurrencies}, "
        f"reps loopback {args.reps} / wan {args.wan_reps}",
        flush=True,
    )
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="upload-bench-", dir=args.dir) as tmp:
        path = write_random_file(Path(tmp) / "random.bin", size)
        with EmulatorProcess(data_dir=Path(tmp) / "emulator", api_key=API_KEY) as emulator:
            for profile in profiles:
                emulator.set_faults(FaultConfig(**PROFILES[profile]))
                reps = args.reps if profile == "loopback" else args.wan_reps
                for rep in range(reps):
                    for name, kind, concurrency in _runner_names(runners, concurrencies):
                        spec = {
                            "kind": kind,
                            "base_url": emulator.base_url,
                            "path": str(path),
                            "size": size,
                            "part_size": part_size,
                            "concurrency": concurrency,
                        }
                        started = time.monotonic()
                        server_before = _server_cpu(emulator.pid)
                        result = run_worker(__file__, spec)
                        result["server_cpu"] = _server_cpu(emulator.pid) - server_before
                        result.update(
                            profile=profile,
                            runner=name,
                            rep=rep,
                            concurrency=concurrency,
                            part_size=part_size,
                        )
                        runs.append(result)
                        if "error" in result:
                            print(f"  {profile} {name} rep {rep}: FAILED {result['error']}")
                        else:
                            print(
                                f"  {profile:<8} {name:<15} rep {rep}: "
                                f"{result['bytes'] / MiB / result['elapsed']:8.1f} MiB/s  "
                                f"cpu {result['cpu']:6.2f} s  rss "
                                f"{result['peak_rss'] / MiB:6.1f} MiB  "
                                f"server cpu {result['server_cpu']:6.2f} s  "
                                + (
                                    f"1st part {result['first_part'] * 1000:4.0f} ms  "
                                    if result.get("first_part") is not None
                                    else ""
                                )
                                + (
                                    "timeline "
                                    + " ".join(
                                        f"{k}={v:.2f}"
                                        for k, v in result["timeline"].items()
                                        if v is not None
                                    )
                                    + "  "
                                    if result.get("timeline")
                                    else ""
                                )
                                + f"({time.monotonic() - started:.1f} s)",
                                flush=True,
                            )
    summary = summarize(runs)
    checks = evaluate(summary)
    print()
    print(table(summary))
    print()
    for check in checks:
        print(f"  [{'met' if check['met'] else 'MISSED'}] {check['target']}: {check['value']}")
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "command": command,
                    "settings": {
                        "size": size,
                        "part_size": part_size,
                        "concurrency": concurrencies,
                        "reps": args.reps,
                        "wan_reps": args.wan_reps,
                        "profiles": {p: PROFILES[p] for p in profiles},
                        "runners": runners,
                    },
                    "summary": summary,
                    "targets": checks,
                    "runs": runs,
                },
                indent=2,
            )
        )
        print(f"\nwrote {args.json_out}")
    failed = [r for r in runs if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    if not worker_main(sys.argv[1:], WORKERS):
        sys.exit(main(sys.argv[1:]))
