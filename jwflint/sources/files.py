"""Finding and reading input files: folders expanded, stdin as ``-``, a size cap on every read."""

from __future__ import annotations

import sys
from typing import IO

from jwflint.core.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
STDIN_NAME = "-"
PATCHED_SUFFIX = ".patched.xml"  # what `fix` and `patch` write beside an input by default


def size_text(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None) -> bytes:
    """Read a file (or stdin for ``-``) with a size cap; failures raise InputError."""
    if path == STDIN_NAME:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
    else:
        try:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory") from None
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(f"{path}: larger than the {size_text(max_bytes)} limit (raise it with --max-size)")
    return data
