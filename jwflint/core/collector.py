"""The cyclic garbage collector: kept off while jwflint builds what it keeps until the process ends
(frozen), or while one lint builds a result that it then hands over (paused)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen() -> Iterator[None]:
    """Run a block with the cyclic GC off, then freeze what it built.

    For what lives until the run ends and makes almost no reference cycles: the modules a command
    imports (networkx's hundreds among them), a batch's results (53 cyclic objects over the 252
    files of ../shared/corpus-bulk). Collections meanwhile would only rescan the growing pile; frozen
    objects are never scanned again, and reference counting still frees them when dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """Run a block with the cyclic GC off, then hand what it built to the oldest generation.

    Allocations made while the collector is off still count towards its next young collection,
    which would then run at once and scan everything the block built and still holds (a lint's
    result): a quarter of an in-process lint of ../shared/corpus. Freezing and unfreezing moves the
    survivors to the oldest generation in O(1) and resets that count; garbage cycles among them are
    still found by the next full collection. Skipped when the caller has frozen objects of its own
    (a forked worker), which unfreezing would release.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
