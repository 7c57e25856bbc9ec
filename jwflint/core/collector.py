"""The cyclic garbage collector, kept off while jwflint builds what it keeps until the process ends."""

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
