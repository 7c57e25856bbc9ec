"""The user's cache folder: what jwflint computed once and may reuse on its next start.

Everything here is disposable: a cache entry that is missing, unreadable or cannot be written is
recomputed, never an error for the user (a read-only home folder works, only slower). Writes are
atomic (a temporary file, then a rename), so a reader never sees half an entry; they are not
fsynced, since an entry lost in a crash is only recomputed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/jwflint``, or ``~/.cache/jwflint``; may not exist (or be creatable)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jwflint"


def read_entry(folder: str, name: str) -> bytes | None:
    """The entry's bytes, or None when there is none (or it cannot be read)."""
    try:
        return (cache_root() / folder / name).read_bytes()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand ~ into
        return None


def write_entry(folder: str, name: str, data: bytes) -> None:
    """Store an entry atomically; quietly does nothing when the cache cannot be written."""
    try:
        directory = cache_root() / folder
        directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except (OSError, RuntimeError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
