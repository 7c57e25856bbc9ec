"""Benchmark jwflint against the floors of its stack; prints every performance target, met or not.

Usage: python bench/bench.py [FOLDER] [--bulk FOLDER] [--repeat N] [--no-synthetic] [--no-processes]
       [--sizes 250x6250,2000x50000]

A script, not a test: timings depend on the machine, so tests never assert on them. Every timing
is the best of N runs, interleaved with the runs it is compared to, so a busy moment on a shared
machine hurts both sides of a ratio alike. The targets (issue 11) are in TARGETS below and in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dataclasses import dataclass  # noqa: E402

from lxml import etree  # noqa: E402

from jwflint.config.settings import Config  # noqa: E402
from jwflint.core.collector import paused as gc_paused  # noqa: E402
from jwflint.lint.engine import Engine  # noqa: E402
from jwflint.sources import xml_document as xmlio  # noqa: E402
from jwflint.sources.osworkflow_xml import build as build_model  # noqa: E402

BUILTINS = (
    "com.atlassian.jira.workflow.function.issue.UpdateIssueStatusFunction",
    "com.atlassian.jira.workflow.function.misc.CreateCommentFunction",
    "com.atlassian.jira.workflow.function.issue.GenerateChangeHistoryFunction",
    "com.atlassian.jira.workflow.function.issue.IssueReindexFunction",
    "com.atlassian.jira.workflow.function.event.FireIssueEventFunction",
)


# Rounds of the quick timings per --repeat: the in-process target's pair (~55 ms a round), the cold
# starts and the small batch (a quarter of a second each). Their ratios are the ones a busy moment
# tips over, and more rounds give each side more chances at a quiet one.
QUICK_ROUNDS = 3


def interpreter() -> str:
    """Which Python runs the bench, and whether it runs from a shared libpython.

    The ratios compare jwflint's Python code with lxml's C parsing, so the interpreter's build moves
    them: pyenv's default build (a shared libpython, no PGO) runs jwflint's code about 15% slower
    than Debian's python3.11 (libpython linked in), and the parse the same (docs/performance.md).
    """
    where = f"Python {platform.python_version()} ({sys.base_prefix})"
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            shared = any("libpython" in line for line in maps)
    except OSError:
        return where
    if shared:
        return (f"{where}, running from a shared libpython: jwflint's code runs ~15% slower than on a "
                "Python with libpython linked in (see docs/performance.md, 'Which Python 3.11')")
    return f"{where}, libpython linked in"


def bare_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def time_best_interleaved(functions: dict[str, object], repeat: int) -> dict[str, float]:
    """Best time of each function, running them in turn: on this VM the speed of a whole process
    can shift by half (memory reclaim, the other core's load), and a ratio of two timings is only
    fair when both saw the same conditions."""
    best = {name: float("inf") for name in functions}
    order = list(functions.items())
    for round_number in range(repeat):
        # Every other round in reverse, so that no function always runs right after another.
        for name, function in order if round_number % 2 == 0 else reversed(order):
            start = time.perf_counter()
            function()  # type: ignore[operator]
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def corpus_benchmark(folder: Path, repeat: int) -> dict[str, float]:
    files = sorted(p for p in folder.rglob("*.xml") if p.is_file())
    blobs = [(str(p), p.read_bytes()) for p in files]
    total_bytes = sum(len(b) for _, b in blobs)
    parser = bare_parser()

    def parse_all() -> None:
        for _, data in blobs:
            with contextlib.suppress(etree.XMLSyntaxError):
                etree.fromstring(data.lstrip(), parser)

    engine = Engine.from_config(Config())

    def lint_all() -> None:
        for path, data in blobs:
            engine.lint_bytes(path, data)

    def model_all() -> None:
        # What lint does before any rule runs: the hardened read and the model of every file,
        # with the cyclic GC paused as lint_bytes pauses it.
        for path, data in blobs:
            with gc_paused(), contextlib.suppress(xmlio.XMLSyntax):
                document = xmlio.parse(path, data)
                if document.root.tag == "workflow":
                    build_model(document)

    # Floors: what any model read from lxml in Python pays before a rule runs. "visit" keeps a
    # proxy for every element (findings point at them) and reads its tag, one attribute and its
    # text; "xpath" lets libxml2 pick out only the class names, as strings, with no proxies.
    class_names = etree.XPath("//arg[@name='class.name']/text()", smart_strings=False)

    def visit_all() -> None:
        for _, data in blobs:
            with gc_paused(), contextlib.suppress(etree.XMLSyntaxError):
                for element in list(etree.fromstring(data.lstrip(), parser).iter()):
                    element.tag, element.get("name"), element.text

    def xpath_all() -> None:
        for _, data in blobs:
            with contextlib.suppress(etree.XMLSyntaxError):
                class_names(etree.fromstring(data.lstrip(), parser))

    lint_all()  # warm caches (rule packs are loaded once per process anyway)
    # The target's two sides are timed alternating with each other only: run between them, the
    # breakdown's workloads (a proxy for every element, a model kept alive) left the CPU caches and
    # the heap to the lint's disadvantage, ~20% of its time. The breakdown is timed after, against
    # its own parses.
    best = time_best_interleaved({"parse": parse_all, "lint": lint_all}, QUICK_ROUNDS * repeat)
    parse_time, lint_time = best["parse"], best["lint"]
    breakdown = time_best_interleaved(
        {"parse": parse_all, "model": model_all, "visit": visit_all, "xpath": xpath_all}, repeat
    )
    scale = parse_time / breakdown["parse"]  # the breakdown's timings on the target's scale
    # Also each file's parse and lint back to back, best per file: both sides then need only a few
    # milliseconds of quiet, where the whole-corpus passes above need ~10 ms for the parse but
    # 60-110 ms for the lint, which a noisy VM rarely gives. Printed beside the target, not as it.
    paired_parse, paired_lint = [float("inf")] * len(blobs), [float("inf")] * len(blobs)
    for _ in range(3 * repeat):
        for index, (path, data) in enumerate(blobs):
            start = time.perf_counter()
            with contextlib.suppress(etree.XMLSyntaxError):
                etree.fromstring(data.lstrip(), parser)
            middle = time.perf_counter()
            engine.lint_bytes(path, data)
            paired_parse[index] = min(paired_parse[index], middle - start)
            paired_lint[index] = min(paired_lint[index], time.perf_counter() - middle)
    best.update({name: breakdown[name] * scale for name in ("model", "visit", "xpath")})
    model_time = best["model"]
    return {
        "files": len(blobs),
        "megabytes": total_bytes / 1e6,
        "parse_s": parse_time,
        "lint_s": lint_time,
        "model_s": model_time,
        "visit_s": best["visit"],
        "xpath_s": best["xpath"],
        "files_per_s": len(blobs) / lint_time,
        "mb_per_s": total_bytes / 1e6 / lint_time,
        "ratio": lint_time / parse_time,
        "paired_parse_s": sum(paired_parse),
        "paired_lint_s": sum(paired_lint),
    }


def jwflint_command() -> list[str]:
    jwflint = Path(sys.executable).with_name("jwflint")
    return [str(jwflint)] if jwflint.exists() else [sys.executable, "-m", "jwflint"]


def best_processes(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Best wall time of each command, whole process, run in turn (after one warm-up round that
    fills the page cache and writes .pyc files)."""

    # As a user runs it: with .pyc files (a shell with PYTHONDONTWRITEBYTECODE set would compile
    # every jwflint module from source on each start, ~0.1-0.3 s).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(command: list[str]) -> None:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)

    for command in commands.values():
        run(command)
    return time_best_interleaved({name: (lambda c=command: run(c)) for name, command in commands.items()}, repeat)


# A Python process that imports lxml and parses every file of a folder: the floor of a batch run.
_PARSE_FOLDER = """
import sys
from pathlib import Path
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
for path in sorted(Path(sys.argv[1]).rglob("*.xml")):
    try:
        etree.fromstring(path.read_bytes().lstrip(), parser)
    except etree.XMLSyntaxError:
        pass
"""


def process_benchmark(sample: Path, small: Path, bulk: Path | None, repeat: int) -> dict[str, float]:
    """Cold start, render, and whole batches serial and in parallel: the quick commands interleaved
    in one loop of ``QUICK_ROUNDS * repeat`` rounds, then the bulk ones in one of ``repeat``."""
    jwflint = jwflint_command()
    with tempfile.TemporaryDirectory() as out:
        quick = {
            "imports": [sys.executable, "-c", "import lxml.etree, networkx, yaml, click"],
            "lint_one": [*jwflint, "lint", str(sample)],
            "render_one": [*jwflint, "render", str(sample), "-o", str(Path(out) / "one.svg")],
            "small_serial": [*jwflint, "lint", "--fail-on", "never", "-j", "1", str(small)],
            "small_auto": [*jwflint, "lint", "--fail-on", "never", "-j", "auto", str(small)],
        }
        # The serial command once more: how far two timings of one command come out apart.
        quick["small_serial_again"] = quick["small_serial"]
        times = best_processes(quick, QUICK_ROUNDS * repeat)
        if bulk is not None:
            batches = {
                "bulk_parse": [sys.executable, "-c", _PARSE_FOLDER, str(bulk)],
                # As a user runs it: the default is -j auto.
                "bulk_default": [*jwflint, "lint", "--fail-on", "never", str(bulk)],
                "bulk_serial": [*jwflint, "lint", "--fail-on", "never", "-j", "1", str(bulk)],
                "bulk_j2": [*jwflint, "lint", "--fail-on", "never", "-j", "2", str(bulk)],
                "bulk_auto": [*jwflint, "lint", "--fail-on", "never", "-j", "auto", str(bulk)],
            }
            times.update(best_processes(batches, repeat))
        return times


def synthetic_workflow(statuses: int, transitions: int, shape: str = "lean") -> bytes:
    """A well-formed workflow with the given number of steps and actions.

    ``lean`` transitions carry what the graph needs (id, name, description meta, target): 50,000
    of them fit in the default 20 MB size cap. ``full`` transitions look like real exports: a
    screen, a permission condition and Jira's five built-in post-functions (about 1.1 KB each,
    so 50,000 of them make a 56 MB file, above the cap).
    """
    functions = "".join(
        f'<function type="class"><arg name="class.name">{name}</arg></function>' for name in BUILTINS
    )
    post = f"<post-functions>{functions}</post-functions>"

    def action(action_id: int, name: str, target: int) -> str:
        if shape == "lean":
            return (
                f'<action id="{action_id}" name="{name}"><meta name="jira.description"></meta>'
                f'<results><unconditional-result old-status="null" status="null" step="{target}"/>'
                f"</results></action>\n"
            )
        return (
            f'<action id="{action_id}" name="{name}" view="fieldscreen">'
            f'<meta name="jira.fieldscreen.id">3</meta>'
            f'<restrict-to><conditions type="AND"><condition type="class">'
            f'<arg name="class.name">com.atlassian.jira.workflow.condition.PermissionCondition</arg>'
            f'<arg name="permission">Resolve Issue</arg></condition></conditions></restrict-to>'
            f'<results><unconditional-result old-status="null" status="null" step="{target}">{post}'
            f"</unconditional-result></results></action>\n"
        )

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" '
        '"http://www.opensymphony.com/osworkflow/workflow_2_8.dtd">\n<workflow>\n<initial-actions>\n',
        action(1, "Create", 1),
        "</initial-actions>\n<global-actions>\n",
    ]
    next_id = 11
    globals_count = 3
    for index, target in enumerate((statuses, 2, 1)):
        parts.append(action(next_id, f"Global {index}", target))
        next_id += 10
    parts.append("</global-actions>\n<steps>\n")
    remaining = transitions - 1 - globals_count
    per_step, extra = divmod(remaining, statuses)
    for step in range(1, statuses + 1):
        status_id = {1: "1", 2: "3", statuses: "5"}.get(step, str(10000 + step))
        parts.append(
            f'<step id="{step}" name="Status {step}"><meta name="jira.status.id">{status_id}</meta><actions>\n'
        )
        for k in range(per_step + (1 if step <= extra else 0)):
            target = (step * 7 + k * 13) % statuses + 1
            parts.append(action(next_id, f"Go {step}-{k}", target))
            next_id += 10
        parts.append("</actions></step>\n")
    parts.append("</steps>\n</workflow>\n")
    return "".join(parts).encode()


def synthetic_run(statuses: int, transitions: int, shape: str) -> dict[str, float]:
    """Lint one synthetic workflow in a fresh process; report wall time and peak RSS."""
    code = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from jwflint.config.settings import Config\n"
        "from jwflint.lint.engine import Engine\n"
        "engine = Engine.from_config(Config())\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "start = time.perf_counter()\n"
        "result = engine.lint_bytes(sys.argv[1], data)\n"
        "elapsed = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'peak_mb': peak, 'findings': len(result.findings),"
        " 'statuses': len(result.workflow.statuses), 'transitions': len(result.workflow.transitions)}))\n"
    )
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(synthetic_workflow(statuses, transitions, shape))
        path = handle.name
    try:
        size = os.path.getsize(path)
        output = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True)
        result = json.loads(output.stdout)
        result["megabytes"] = size / 1e6
        return result
    finally:
        os.unlink(path)


@dataclass
class Target:
    """One performance target: a measured value against its limit (lower is better)."""

    name: str
    value: float
    limit: float
    unit: str = "x"

    @property
    def met(self) -> bool:
        return self.value <= self.limit

    def line(self) -> str:
        verdict = "met" if self.met else "NOT MET"
        return f"  {self.name:<62} {self.value:8.2f}{self.unit:<3} <= {self.limit:.3g}{self.unit:<3} {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--bulk", default=str(REPO.parent / "shared" / "corpus-bulk"), help="the batch folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--no-processes", action="store_true", help="skip cold starts and whole-process batches")
    parser.add_argument("--sizes", default="250x6250,500x12500,1000x25000,2000x50000")
    parser.add_argument("--full-sizes", default="250x6250,500x12500")
    args = parser.parse_args()
    folder = Path(args.folder)
    if not folder.is_dir():
        sys.exit(f"bench: {folder} is not a folder")
    bulk = Path(args.bulk) if Path(args.bulk).is_dir() else None
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; best of {args.repeat}, interleaved")
    print(interpreter())
    targets: list[Target] = []

    corpus = corpus_benchmark(folder, args.repeat)
    print(f"corpus {folder}: {corpus['files']} files, {corpus['megabytes']:.2f} MB, in one process")
    print(f"  bare lxml parse   {corpus['parse_s'] * 1000:8.1f} ms")
    print(f"  jwflint lint      {corpus['lint_s'] * 1000:8.1f} ms   "
          f"{corpus['files_per_s']:.0f} files/s, {corpus['mb_per_s']:.1f} MB/s")
    # Where it goes: reading and modelling alone, then everything the rules and findings add.
    model_ms, rest_ms = corpus["model_s"] * 1000, (corpus["lint_s"] - corpus["model_s"]) * 1000
    print(f"    of which read + model {model_ms:6.1f} ms ({corpus['model_s'] / corpus['parse_s']:.2f}x parse), "
          f"rules + findings {rest_ms:.1f} ms")
    parse_s = corpus["parse_s"]
    print("    floors: parse + a Python visit of every element "
          f"{corpus['visit_s'] * 1000:.1f} ms ({corpus['visit_s'] / parse_s:.2f}x parse); "
          f"parse + class names by XPath {corpus['xpath_s'] * 1000:.1f} ms ({corpus['xpath_s'] / parse_s:.2f}x)")
    print(f"    file by file (each file's parse then its lint, best per file): parse "
          f"{corpus['paired_parse_s'] * 1000:.1f} ms, lint {corpus['paired_lint_s'] * 1000:.1f} ms "
          f"({corpus['paired_lint_s'] / corpus['paired_parse_s']:.2f}x; not the target's measure)")
    targets.append(Target("in-process lint of the corpus / hardened lxml parse", corpus["ratio"], 5))

    if not args.no_processes:
        sample = max((p for p in folder.rglob("*.xml")), key=lambda p: p.stat().st_size)
        times = process_benchmark(sample, folder, bulk, args.repeat)
        print(f"whole processes (one.xml = {sample.name}):")
        for name, seconds in times.items():
            print(f"  {name:<14} {seconds * 1000:8.1f} ms")
        targets.append(Target("cold `jwflint lint one.xml` / import lxml, networkx, yaml, click",
                              times["lint_one"] / times["imports"], 1.0))
        targets.append(Target("cold `jwflint render one.xml -o one.svg` / cold lint one.xml",
                              times["render_one"] / times["lint_one"], 1.5))
        # Below PARALLEL_MIN_BYTES `-j auto` runs the serial path itself, so "not slower" can only
        # mean "no slower than the slower of two timings of serial": the ratio is to the faster
        # one, the limit the spread between them.
        serial = sorted((times["small_serial"], times["small_serial_again"]))
        targets.append(Target(f"`-j auto` / serial, {folder.name} (small; limit: serial / serial)",
                              times["small_auto"] / serial[0], serial[1] / serial[0]))
        if bulk is not None:
            targets.append(Target(f"`lint --fail-on never {bulk.name}` / python parsing it with lxml",
                                  times["bulk_default"] / times["bulk_parse"], 5))
            print(f"  (serial, -j 1: {times['bulk_serial'] / times['bulk_parse']:.2f}x python parsing it)")
            targets.append(Target(f"`-j 2` / serial, {bulk.name} (must be faster: < 1)",
                                  times["bulk_j2"] / times["bulk_serial"], 0.99))
            targets.append(Target(f"`-j auto` / serial, {bulk.name}", times["bulk_auto"] / times["bulk_serial"], 1.0))

    if not args.no_synthetic:
        print("synthetic workflows (fresh process each):")
        print(f"  {'shape':>5} {'statuses':>8} {'transitions':>11} {'MB':>6} {'seconds':>8} {'us/transition':>13} "
              f"{'peak MB':>8} {'findings':>8}")
        lean: list[tuple[int, dict[str, float]]] = []
        for shape, sizes in (("lean", args.sizes), ("full", args.full_sizes)):
            for size in filter(None, sizes.split(",")):
                statuses, transitions = (int(x) for x in size.lower().split("x"))
                run = synthetic_run(statuses, transitions, shape)
                per = run["seconds"] / transitions * 1e6
                if shape == "lean":
                    lean.append((transitions, run))
                print(f"  {shape:>5} {statuses:>8} {transitions:>11} {run['megabytes']:>6.1f} {run['seconds']:>8.2f} "
                      f"{per:>13.1f} {run['peak_mb']:>8.0f} {run['findings']:>8}")
        if lean:
            (small_n, small_run), (big_n, big_run) = min(lean, key=lambda r: r[0]), max(lean, key=lambda r: r[0])
            targets.append(Target(f"largest lean workflow ({big_n} transitions): seconds", big_run["seconds"], 3, " s"))
            targets.append(Target(f"largest lean workflow ({big_n} transitions): peak memory", big_run["peak_mb"],
                                  500, " MB"))
            growth = (big_run["seconds"] / big_n) / (small_run["seconds"] / small_n)
            targets.append(Target(f"linear: time per transition at {big_n} / at {small_n}", growth, 1.5))

    print("targets:")
    for target in targets:
        print(target.line())
    missed = [t for t in targets if not t.met]
    print(f"{len(targets) - len(missed)} of {len(targets)} targets met")


if __name__ == "__main__":
    main()
