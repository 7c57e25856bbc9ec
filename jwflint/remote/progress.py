"""A progress bar on stderr while pull fetches many screens or projects; only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

MIN_ITEMS = 5  # fewer calls than this finish before a bar is worth drawing


@contextmanager
def progress(items: Iterable[T], label: str) -> Iterator[Iterable[T]]:
    """``items`` wrapped in click's progress bar when stderr is a terminal, else unchanged."""
    items = list(items)
    if len(items) < MIN_ITEMS or not sys.stderr.isatty():
        yield items
        return
    import click

    with click.progressbar(items, label=label, file=sys.stderr) as bar:
        yield bar
