"""Finding and reading input files: folders expanded, stdin as ``-``, a size cap on every read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from jwflint.core.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
STDIN_NAME = "-"
PATCHED_SUFFIX = ".patched.xml"  # what `fix` and `patch` write beside an input by default


SNIFF_BYTES = 1024 * 1024  # how much of a folder's .json file is read to decide whether to lint it


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given; directories become their ``*.xml`` files and the ``*.json`` files that are
    permission scheme documents, recursively, in sorted order."""
    result: list[str] = []
    for path in paths:
        candidate = Path(path)
        if path != "-" and candidate.is_dir():
            result.extend(str(p) for p in sorted(candidate.rglob("*")) if p.is_file() and _lints(p))
        else:
            result.append(path)
    return result


def _lints(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return True
    if suffix != ".json":
        return False
    from jwflint.sources import permission_scheme

    try:
        with open(path, "rb") as handle:
            return permission_scheme.looks_like(handle.read(SNIFF_BYTES))
    except OSError:
        return True  # let the reader say why it cannot be read


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
