"""Every file a command will write, checked before it writes any: nothing the user had is lost.

A command lists its destinations (the flag that named each, and the path) and its inputs, and
calls ``check_outputs`` before it reads a workflow. Refused, with exit code 2:
- a destination that is an input (the same file, symbolic and hard links followed);
- two destinations that are the same file;
- a symbolic link loop, a folder, or a destination whose nearest existing ancestor is not a
  folder (or, for ``make_parents=False``, in a folder that does not exist).

Creating missing parent folders is a deliberate step of the plan, not a side effect of writing:
``OutputPlan.prepare()`` creates them once every destination has passed, before the first write.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path

from jwflint.core.errors import JwflintError
from jwflint.core.records import record

STDOUT = "-"


@record(frozen=True)
class Output:
    """A file a command writes, named as the user gave it, checked before anything is written."""

    flag: str  # how the user named it: -o, --write-baseline, --manual-steps, ...
    path: str
    # Create missing parent folders, as every jwflint output does (-o reports/today/x.json, as ruff
    # does); False refuses a destination in a folder that does not exist.
    make_parents: bool = True


@record
class OutputPlan:
    """The destinations that passed the check, and the folders to create before writing."""

    outputs: list[Output]
    missing_folders: list[Path] = field(default_factory=list)

    def prepare(self) -> None:
        for folder in self.missing_folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise JwflintError(f"{folder}: cannot create the folder: {error.strerror or error}") from None


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file a path names, links followed; None when there is none yet."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise
        return None
    return (info.st_dev, info.st_ino)


def _real(path: str) -> str:
    return os.path.realpath(path)  # a file that does not exist yet is identified by where it would be


def check_outputs(outputs: Iterable[Output | None], inputs: Iterable[str]) -> OutputPlan:
    """Refuse any destination that would lose data or fail after others were written (see module doc)."""
    chosen = [o for o in outputs if o is not None and o.path not in ("", STDOUT)]
    known: dict[object, str] = {}
    for path in inputs:
        if path in ("", STDOUT):
            continue
        key = _key(path)
        if key is not None:
            known.setdefault(key, path)
    plan = OutputPlan(chosen)
    taken: dict[object, Output] = {}
    for output in chosen:
        where = f"{output.flag} {output.path}"
        try:
            key = _key(output.path)
        except OSError:
            raise JwflintError(f"{where}: a symbolic link loop; give another file name") from None
        if key in known:
            raise JwflintError(f"{where}: that is the input {known[key]}; writing there would replace it")
        if key in taken:
            raise JwflintError(f"{where}: {taken[key].flag} writes the same file; give each its own")
        taken[key] = output
        _check_place(output, where, plan)
    return plan


def _key(path: str) -> object:
    identity = _identity(path)
    return identity if identity is not None else ("new", _real(path))


def _check_place(output: Output, where: str, plan: OutputPlan) -> None:
    path = Path(output.path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None  # the parents are checked below
    except OSError as error:
        raise JwflintError(f"{where}: cannot write: {error.strerror or error}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise JwflintError(f"{where}: is a folder; give a file name")
    if info is not None:
        return  # an existing file, device or pipe: written as jwflint.core.files.write_atomic says
    parent = Path(_real(output.path)).parent
    missing: list[Path] = []
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise JwflintError(f"{where}: cannot write: {parent} is not a folder")
    if missing and not output.make_parents:
        raise JwflintError(f"{where}: cannot write: the folder {Path(output.path).parent} does not exist")
    plan.missing_folders.extend(reversed(missing))
