"""What the ``openai_uploads`` pytest plugin adds to a pytest run that never uses it.

Runs pytest on a one-test project of its own (a temporary folder, no conftest) in
subprocesses, alternately with the plugin (as installed: the ``pytest11`` entry point)
and with ``-p no:openai_uploads``, ``--runs`` times each, and compares their CPU time
(user + system of the child). The two kinds run in pairs, back to back, so the machine's
load weighs on them alike; the figure is the median of the pairs' differences, shown
with the ratio of the two medians.

    python bench/pytest_plugin_cost.py [--runs 15] [--budget 0.15] [--attempts 3] [--json]

Exits 1 when the plugin adds ``--budget`` CPU seconds or more in each of ``--attempts``
measurements (the budget CI checks; the plugin measured 0.01-0.03 s against that, 0.50 s
before it was made lazy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TEST_FILE = "def test_nothing():\n    assert 1 + 1 == 2\n"


def cpu_of_run(project: Path, *extra: str) -> float:
    """CPU seconds (user + system) of one ``pytest -q`` run of ``project``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("COVERAGE_PROCESS_START", None)  # coverage's own start-up is not the plugin's
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"pytest failed:\n{result.stdout}{result.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as tmp:
        project = Path(tmp)
        (project / "test_one.py").write_text(TEST_FILE, encoding="utf-8")
        (project / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        cpu_of_run(project)  # warm the file system cache and the .pyc files
        cpu_of_run(project, "-p", "no:openai_uploads")
        with_plugin: list[float] = []
        without: list[float] = []
        for _ in range(runs):
            with_plugin.append(cpu_of_run(project))
            without.append(cpu_of_run(project, "-p", "no:openai_uploads"))
    baseline = statistics.median(without)
    plugin = statistics.median(with_plugin)
    # Each pair ran back to back: the median of their differences is steadier under load
    # than the difference of the medians, and is the figure checked.
    added = statistics.median(w - b for w, b in zip(with_plugin, without, strict=True))
    return {
        "runs": runs,
        "baseline_cpu_s": round(baseline, 4),
        "with_plugin_cpu_s": round(plugin, 4),
        "added_cpu_s": round(added, 4),
        "ratio": round(plugin / baseline, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget", type=float, default=0.15, help="CPU seconds")
    parser.add_argument(
        "--attempts",
        type=int,
        default=3,
        help="measure again, up to this many times, while over budget: other work on a "
        "shared machine only adds CPU time, so the lowest figure is the plugin's own",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for _ in range(max(1, args.attempts)):
        figures = measure(args.runs)
        if args.json:
            print(json.dumps(figures))
        else:
            print(
                f"pytest plugin: +{figures['added_cpu_s']:.3f} CPU s per run "
                f"({figures['with_plugin_cpu_s']:.3f} s with it, "
                f"{figures['baseline_cpu_s']:.3f} s with -p no:openai_uploads, ratio "
                f"{figures['ratio']:.2f}; medians of {args.runs}; budget {args.budget} s)"
            )
        if figures["added_cpu_s"] < args.budget:
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
