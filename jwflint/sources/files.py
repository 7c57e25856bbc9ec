"""Finding and reading input files: folders expanded, stdin as ``-``, a size cap on every read."""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO

from jwflint.core.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
LARGEST_MAX_BYTES = 1024**5  # a size limit above this is a typo, not a plan (and would overflow)
_CHUNK = 1024 * 1024
STDIN_NAME = "-"
PATCHED_SUFFIX = ".patched.xml"  # what `fix` and `patch` write beside an input by default


def glob_matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether a glob names the path (POSIX slashes), one of its parent folders, or one of its parts.

    ``vendor``, ``vendor/*``, ``pom.xml`` and ``**/target/*`` all skip ``vendor/maven/pom.xml``-style paths.
    """
    pieces = PurePath(path).as_posix().split("/")
    candidates = ["/".join(pieces[: i + 1]) for i in range(len(pieces))] + pieces
    return any(fnmatch.fnmatchcase(c, p.rstrip("/")) for p in patterns for c in candidates)


def size_text(size: int) -> str:
    for unit, factor in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _read_capped(stream: IO[bytes], max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes, in chunks: read(n) would allocate n bytes up front."""
    chunks: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None) -> bytes:
    """Read a file (or stdin for ``-``) with a size cap; failures raise InputError."""
    if path == STDIN_NAME:
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("-: stdin is closed")
        try:
            data = _read_capped(stream, max_bytes)
        except OSError as error:
            raise InputError(f"-: cannot read stdin: {error.strerror or error}") from None
    else:
        try:
            with open(path, "rb") as handle:
                data = _read_capped(handle, max_bytes)
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
