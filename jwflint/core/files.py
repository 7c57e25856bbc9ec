"""Writing what jwflint produces: atomically, never a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from jwflint.core import stdout
from jwflint.core.errors import JwflintError


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """A report to stdout or a file; given in pieces, it is written as it is made."""
    pieces = _batched([text] if isinstance(text, str) else text)
    if output is None:
        for piece in pieces:
            stdout.write(piece)
        return
    write_atomic(Path(output), (piece.encode("utf-8") for piece in pieces))


def _batched(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """Pieces joined into writes of about ``size`` characters: one system call per piece is slow."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _link_target(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return Path(os.path.realpath(path))  # a dangling link: create the file it names
    except OSError as error:
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None


def write_atomic(path: Path, data: bytes | Iterable[bytes], mode: int | None = None) -> None:
    """Write via a temporary file in the same folder, fsync, then rename: never a half-written file.

    ``data`` may come in pieces, written as they are made (a large report never sits in memory whole).
    """
    pieces = [data] if isinstance(data, bytes) else data
    if path.is_symlink():
        path = _link_target(path)  # replace the file the link points to, not the link
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(path.stat().st_mode):
            # A device or pipe (/dev/null, /dev/stdout, a FIFO): write into it, since renaming a
            # temporary file over it would replace the device itself.
            try:
                with open(path, "wb") as handle:
                    for piece in pieces:
                        handle.write(piece)
            except OSError as error:
                raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
            return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the usual
            # permissions (0666 less the umask), like any file the user's tools write.
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except OSError:
                mode = 0o666 & ~_current_umask()
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
