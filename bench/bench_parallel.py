"""Benchmark ``jwflint lint -j N`` against a serial run: wall time of the whole command, best of N,
then of the lint phase alone (start-up, imports and rendering are serial in both).

Usage: python bench/bench_parallel.py [FOLDER] [--jobs 2] [--repeat 3]

A script, not a test: timings depend on the machine (and on what else it runs). It also checks
that both runs print the same report, since a fast wrong answer is no speed-up.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = REPO.parent / "shared" / "corpus-bulk"


def run(folder: Path, jobs: int) -> tuple[float, bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "jwflint", "lint", "--format", "json", "-j", str(jobs), str(folder)],
        capture_output=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1, 2):
        raise SystemExit(f"jwflint failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return elapsed, result.stdout


_PHASE = """
import sys, time
from jwflint.batch.engines import LintOptions
from jwflint.batch.session import lint_paths
options = LintOptions(jobs=int(sys.argv[2]))
lint_paths([sys.argv[1]], options)  # warm: imports, rule packs, page cache
start = time.perf_counter()
lint_paths([sys.argv[1]], options)
print(time.perf_counter() - start)
"""


def lint_phase(folder: Path, jobs: int) -> float:
    """The lint phase alone: no start-up, imports or rendering. A fresh interpreter each time, since
    forking a parent that kept a serial run's garbage would charge it to the workers."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", _PHASE, str(folder), str(jobs)], capture_output=True, text=True, env=env, check=True
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel run (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts (default 3)")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*.xml") if p.is_file())
    if not files:
        raise SystemExit(f"no *.xml files in {args.folder}")
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB in {args.folder}; {os.cpu_count()} CPU(s); best of {args.repeat}")
    best: dict[int, float] = {}
    outputs: dict[int, bytes] = {}
    for _ in range(args.repeat):
        for jobs in (1, args.jobs):  # interleaved, so a busy moment hurts both alike
            elapsed, output = run(args.folder, jobs)
            best[jobs] = min(best.get(jobs, elapsed), elapsed)
            outputs[jobs] = output
    if outputs[1] != outputs[args.jobs]:
        raise SystemExit("the parallel report differs from the serial one")
    print(f"serial  (-j 1):          {best[1]:6.2f} s")
    print(f"parallel (-j {args.jobs}):{'':9}{best[args.jobs]:6.2f} s")
    print(f"speed-up:                {best[1] / best[args.jobs]:6.2f}x (reports identical)")
    phase = {jobs: min(lint_phase(args.folder, jobs) for _ in range(args.repeat)) for jobs in (1, args.jobs)}
    print(f"lint phase only (warm): serial {phase[1]:.2f} s, -j {args.jobs} {phase[args.jobs]:.2f} s, "
          f"{phase[1] / phase[args.jobs]:.2f}x")


if __name__ == "__main__":
    main()
