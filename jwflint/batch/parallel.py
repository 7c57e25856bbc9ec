"""Batch linting in worker processes (``jwflint lint -j N``), and the progress bar on stderr.

Workers build their engines once (one EngineCache per process) and receive only paths; they send
back findings and a picklable summary of each file (DetachedResult), because a Workflow holds an
lxml tree that cannot cross a process boundary. Results are put back in input order, so the
report is byte-for-byte the one a serial run writes.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from jwflint.core.errors import JwflintError
from jwflint.lint.engine import FileResult

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from jwflint.batch.engines import EngineCache, LintOptions
    from jwflint.batch.stats import WorkflowStats

AUTO = "auto"
PROGRESS_MIN_FILES = 36  # "a few dozen": below this a run is over before a bar helps
CHUNKS_PER_WORKER = 8  # enough chunks to balance uneven files and move the bar, few enough to stay cheap
MAX_CHUNK = 32
STDIN = "-"
# Below this much input, workers cost more than they save: forking, sending results back and
# merging take about 0.1 s, the time a serial run needs for ~4 MB of exports (measured with
# bench/bench.py on ../shared/corpus-bulk; see docs/performance.md). With -j auto smaller batches
# stay serial; an explicit -j N is obeyed.
PARALLEL_MIN_BYTES = 4_000_000


def parse_jobs(text: str) -> int:
    """``-j`` value: a positive integer, or ``auto`` for one process per CPU."""
    value = text.strip().lower()
    if value == AUTO:
        return os.cpu_count() or 1
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise JwflintError(f"--jobs must be a positive integer or 'auto', not {text!r}")
    return int(value)


class DetachedResult(FileResult):
    """A FileResult without its lxml tree: what a worker sends back (summary and stats precomputed).

    Built only by ``of``; a plain subclass, so importing this module (every `jwflint lint` does)
    generates no dataclass code.
    """

    summary_data: dict[str, object]
    names_data: list[str]
    stats: WorkflowStats | None

    @classmethod
    def of(cls, result: FileResult, *, with_stats: bool) -> DetachedResult:
        """``with_stats`` (lint --stats) keeps the workflow's inventory, which needs the model the
        detached result drops; without it the inventory is not worked out at all."""
        workflow = result.workflow
        detached = cls(
            path=result.path,
            findings=result.findings,
            failed=result.failed,
            skipped=result.skipped,
            schemes=result.schemes,
        )
        detached.summary_data = result.summary()
        detached.names_data = result.names()
        detached.stats = None
        if with_stats and workflow is not None:
            from jwflint.batch.stats import workflow_stats

            detached.stats = workflow_stats(workflow)
        return detached

    def summary(self) -> dict[str, object]:
        return dict(self.summary_data)

    def names(self) -> list[str]:
        return list(self.names_data)


# --- worker side --------------------------------------------------------------------------------

_worker_cache: EngineCache | None = None


def _init_worker(options: LintOptions) -> None:
    global _worker_cache
    import signal

    # Ctrl-C is the parent's to handle; workers dying with tracebacks would bury its message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_cache is not None and _worker_cache.options == options:
        return  # forked: the parent's engines came along, rules already loaded
    from jwflint.batch.engines import EngineCache

    _worker_cache = EngineCache(options)


def _lint_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, DetachedResult]]:
    cache = _worker_cache
    assert cache is not None, "worker used before _init_worker"
    stats = cache.options.stats
    return [
        (index, DetachedResult.of(cache.engine_for(path).lint_path(path), with_stats=stats)) for index, path in chunk
    ]


# --- parent side --------------------------------------------------------------------------------


def worth_parallel(files: Sequence[str]) -> bool:
    """Whether a batch is big enough for worker processes to pay for themselves."""
    total = 0
    for path in files:
        if path == STDIN:
            continue
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # the lint reports it
        if total >= PARALLEL_MIN_BYTES:
            return True
    return False


def _fork_context() -> BaseContext | None:
    """fork where the platform has it: workers inherit the loaded rules and imports instead of
    importing everything again (spawn and forkserver cost a cold start per worker)."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def chunks(items: Sequence[tuple[int, str]], workers: int) -> list[list[tuple[int, str]]]:
    """Contiguous chunks, about CHUNKS_PER_WORKER per worker and at most MAX_CHUNK files each."""
    if not items:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER))))
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def lint_parallel(
    files: list[str],
    options: LintOptions,
    cache: EngineCache,
    jobs: int,
    mp_context: BaseContext | None = None,
) -> list[FileResult]:
    """Lint files in up to ``jobs`` processes; results in the order of ``files``.

    The parent resolves every file's engine first, so configuration errors surface here, once,
    and the run's configs and rules come out in the same order as a serial run's.
    """
    global _worker_cache
    import gc
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    import jwflint.model.graph  # noqa: F401  (imported once here, not once per forked worker)

    for path in files:
        cache.engine_for(path)
    results: list[FileResult | None] = [None] * len(files)
    remote = [(index, path) for index, path in enumerate(files) if path != STDIN]
    workers = max(1, min(jobs, len(remote)))
    with Progress(len(files)) as progress:
        for index, path in enumerate(files):
            if path == STDIN:  # stdin belongs to this process
                results[index] = cache.engine_for(path).lint_path(path)
                progress.advance(1)
        _worker_cache = cache  # forked workers start with it; spawned ones build their own
        # Frozen objects are never scanned by the collector, so forked workers do not touch (and
        # copy) every page of the parent's heap when their first collection runs.
        gc.freeze()
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=mp_context if mp_context is not None else _fork_context(),
            initializer=_init_worker,
            initargs=(options,),
        )
        try:
            pending = {executor.submit(_lint_chunk, chunk) for chunk in chunks(remote, workers)}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = future.result()
                    for index, result in batch:
                        results[index] = result
                    progress.advance(len(batch))
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            _worker_cache = None
            gc.unfreeze()
        executor.shutdown(wait=True)
    return [result for result in results if result is not None]


# --- progress -----------------------------------------------------------------------------------


class Progress:
    """``[#####.....] 120/252 files`` on stderr; only on a terminal and only for big batches.

    Reports go to stdout or a file, never here, so JSON and SARIF stay clean; the bar erases
    itself before the report is written.
    """

    WIDTH = 30
    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, total: int, stream: IO[str] | None = None, minimum: int = PROGRESS_MIN_FILES) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        self.enabled = total >= minimum and _is_terminal(self.stream)
        self._last = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= self.INTERVAL or self.done >= self.total:
            self._last = now
            filled = self.WIDTH * self.done // max(1, self.total)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\rjwflint: [{bar}] {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\r\033[K")
            self.stream.flush()
        self.enabled = False


def _is_terminal(stream: IO[str]) -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def track(paths: list[str]) -> Iterator[str]:
    """Serial runs: yield the paths while drawing the same progress bar."""
    with Progress(len(paths)) as progress:
        for path in paths:
            yield path
            progress.advance(1)
