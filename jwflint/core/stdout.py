"""Writing to stdout, where the reader may go away (``| head``) or the disk may be full.

A closed pipe is normal: stop printing and exit as the run says. Any other failure to write is
a one-line error and exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys

from jwflint.core.errors import JwflintError

# Failures of a write to a stream, as opposed to a named file (whose errors carry its name and
# which jwflint.core.files reports itself): stdout is the only stream jwflint writes besides stderr.
_STREAM_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE})


def is_write_failure(error: OSError) -> bool:
    return error.filename is None and error.errno in _STREAM_FAILURES


def silence() -> None:
    """Send whatever is still to be printed to /dev/null, so the flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit


def _failed(error: OSError) -> None:
    silence()
    if isinstance(error, BrokenPipeError):
        return  # the reader has what it wanted
    raise JwflintError(f"cannot write to stdout: {error.strerror or error}") from None


def write(data: str | bytes) -> None:
    """Print text or bytes; a closed pipe ends printing quietly, a full disk is a JwflintError."""
    try:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
    except OSError as error:
        _failed(error)


def flush() -> None:
    """Flush what print() buffered; called once as a command ends."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except OSError as error:
        _failed(error)
    except ValueError:  # closed
        pass
