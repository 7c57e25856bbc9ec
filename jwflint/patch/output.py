"""Where a patch goes (beside the input, -o FILE, --write in place, or --diff) and what is printed."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TextIO

from jwflint.core.errors import JwflintError
from jwflint.core.files import write_atomic
from jwflint.core.outputs import Output, check_outputs
from jwflint.core.records import record
from jwflint.core.text import printable
from jwflint.patch.apply import Outcome
from jwflint.patch.formats import patched_name
from jwflint.patch.manual import ManualStep, render_rest, render_text
from jwflint.sources.files import STDIN_NAME


@record(frozen=True)
class Destination:
    diff: bool = False
    output: str | None = None
    write: bool = False
    manual_steps: str | None = None

    def check(self, paths: list[str], read: list[str], also: tuple[Output | None, ...] = ()) -> None:
        """Before anything is read or written: the modes exclude each other, -o and stdin need a
        single input, and no destination is an input (``read``: config, catalogue) or a folder
        that does not exist (jwflint.core.outputs)."""
        chosen = [name for name, on in (("--diff", self.diff), ("-o", self.output), ("--write", self.write)) if on]
        if len(chosen) > 1:
            raise JwflintError(f"{' and '.join(chosen)} exclude each other: choose one")
        if self.output and len(paths) != 1:
            raise JwflintError("-o FILE takes a single input workflow")
        if self.write and STDIN_NAME in paths:
            raise JwflintError("--write cannot replace stdin: use -o FILE or --diff")
        outputs: list[Output | None] = [*also]
        if self.manual_steps:
            outputs.append(Output("--manual-steps", self.manual_steps))
        for path in paths:
            target = self.target(path)
            if target is not None and not (self.write and target == Path(path)):
                outputs.append(Output("-o" if self.output else "the patched copy", str(target)))
        check_outputs(outputs, [*paths, *read]).prepare()

    def target(self, path: str) -> Path | None:
        """The file the patched workflow goes to; None when it goes to stdout (--diff, or stdin input)."""
        if self.diff or self.output == STDIN_NAME:
            return None  # -o - prints the patched workflow
        if self.output:
            return Path(self.output)
        if path == STDIN_NAME:
            return None
        if self.write:
            return Path(path)
        return Path(path).with_name(patched_name(path))

    def xml_to_stdout(self, path: str) -> bool:
        return not self.diff and self.target(path) is None


def unified_diff(outcome: Outcome) -> str:
    original, patched = outcome.diff_texts()
    before = original.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
    after = patched.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
    name = outcome.path.lstrip("/")
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_patched(outcome: Outcome, target: Path, in_place: bool) -> bool:
    """Write atomically, keeping an existing file's mode; an unchanged in-place file is not touched."""
    if in_place and not outcome.changed:
        return False
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    except OSError as error:
        raise JwflintError(f"{target}: cannot write: {error.strerror or error}") from None
    write_atomic(target, outcome.patched, mode)
    return True


def report_lines(outcome: Outcome, target: Path | None, written: bool) -> list[str]:
    """One line per change, what served buckets already had, and where the result went."""
    path = printable(outcome.path)
    lines = [f"{path}: {change}" for change in outcome.changes]
    if not outcome.changes:
        lines.append(f"{path}: nothing to change")
    lines.extend(f"{path}: {note}" for note in outcome.notes)
    if target is not None:
        if written:
            lines.append(f"{path}: wrote {printable(str(target))}")
        elif outcome.changed is False and target == Path(outcome.path):
            lines.append(f"{path}: unchanged, not rewritten")
    return lines


def print_manual(steps: list[ManualStep], stream: TextIO, medium: str = "workflow XML") -> None:
    if steps:
        stream.write(f"\nManual steps (the {medium} cannot express these):\n")
        stream.write(render_text(steps))


def write_manual_steps(steps: list[ManualStep], path: str) -> None:
    text = render_rest(steps, as_json=path.lower().endswith(".json"))
    write_atomic(Path(path), text.encode("utf-8"), new_file_mode())
