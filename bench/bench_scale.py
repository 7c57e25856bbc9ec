"""Peak memory and wall time of big runs (issue 17): many files, and one workflow with many transitions.

Usage: python bench/bench_scale.py [--files 2000] [--globals 50000] [--formats text,json,sarif,github,html]

A script, not a test: it runs the real `jwflint` executable under /usr/bin/time -v and prints the
maximum resident set size and the elapsed time of each run. Targets (issue 17): 2,000 files of
17 KB under 300 MB in every format; 50,000 global actions with memory and time linear in size.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JWFLINT = str(Path(sys.executable).parent / "jwflint")
SAMPLE = REPO.parent / "shared" / "corpus" / "edward-burlakov__mnt-homeworks__QYTG2023_Workflow_for_Other_tasks.xml"
FALLBACK = REPO / "fixtures" / "corpus" / "classic_default_workflow.xml"


def global_actions_workflow(count: int) -> str:
    actions = "".join(
        f'<action id="{11 + i * 10}" name="Global {i}"><meta name="jira.description"></meta><results>'
        f'<unconditional-result old-status="null" status="null" step="{1 + i % 3}"/></results></action>\n'
        for i in range(count)
    )
    steps = "".join(
        f'<step id="{step}" name="Status {step}"><meta name="jira.status.id">{sid}</meta></step>\n'
        for step, sid in ((1, "1"), (2, "3"), (3, "5"))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<workflow>\n<initial-actions>\n<action id="1" name="Create">'
        '<results><unconditional-result old-status="null" status="null" step="1"/></results></action>\n'
        f"</initial-actions>\n<global-actions>\n{actions}</global-actions>\n<steps>\n{steps}</steps>\n</workflow>\n"
    )


def measure(args: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak resident MB) of one jwflint run."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", JWFLINT, *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    if result.returncode not in (0, 1) or peak is None:
        raise SystemExit(f"jwflint {' '.join(args)} failed ({result.returncode}): {result.stderr[-500:]}")
    return elapsed, int(peak.group(1)) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--globals", type=int, default=50000)
    parser.add_argument("--formats", default="text,json,sarif,github,html")
    options = parser.parse_args()
    formats = options.formats.split(",")
    sample = SAMPLE if SAMPLE.is_file() else FALLBACK
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        many = root / "many"
        many.mkdir()
        for index in range(options.files):
            shutil.copyfile(sample, many / f"w{index:05d}.xml")
        (root / "globals.xml").write_text(global_actions_workflow(options.globals))
        print(f"{'input':<28} {'format':<8} {'seconds':>8} {'peak MB':>8}")
        for label, target in ((f"{options.files} files", "many"), (f"{options.globals} global actions", "globals.xml")):
            for output_format in formats:
                seconds, peak = measure(["lint", target, "--format", output_format, "-o", "report.out"], root)
                print(f"{label:<28} {output_format:<8} {seconds:>8.1f} {peak:>8}")


if __name__ == "__main__":
    main()
