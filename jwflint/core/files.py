"""Writing what jwflint produces: atomically, never a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from jwflint.core.errors import JwflintError


def write_output(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(Path(output), text.encode("utf-8"))


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder, fsync, then rename: never a half-written file."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # replace the file the link points to, not the link
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(path.stat().st_mode):
            # A device or pipe (/dev/null, /dev/stdout, a FIFO): write into it, since renaming a
            # temporary file over it would replace the device itself.
            try:
                with open(path, "wb") as handle:
                    handle.write(data)
            except OSError as error:
                raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
            return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)  # -o reports/today/x.json: make the folders, as ruff does
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
