"""What commands call: draw a workflow file (or a patch) in one format, to a file or stdout."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jwflint.batch.engines import LintOptions
from jwflint.core import stdout
from jwflint.core.errors import JwflintError
from jwflint.core.files import write_atomic
from jwflint.core.outputs import Output, check_outputs
from jwflint.model.workflow import workflow_stem
from jwflint.render.dot import to_dot
from jwflint.render.images import IMAGE_FORMATS, render_image
from jwflint.render.mermaid import to_mermaid
from jwflint.render.scene import Scene, build_scene
from jwflint.render.source import Loaded, load

if TYPE_CHECKING:
    from jwflint.render import report

FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "html")
BINARY_FORMATS = ("png", "pdf")
EXTENSIONS = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".html": "html",
    ".htm": "html",
}
STDOUT = "-"


def choose_format(output_format: str | None, out: str | None) -> str:
    """The format asked for, else the one OUT's extension names."""
    if output_format:
        return output_format
    choices = ", ".join(FORMATS)
    if out and out != STDOUT:
        found = EXTENSIONS.get(Path(out).suffix.lower())
        if found is None:
            raise JwflintError(f"cannot tell the format from {out!r}: give --format ({choices})")
        return found
    raise JwflintError(f"give --format ({choices}) or -o FILE with a known extension (.svg, .png, .dot, …)")


def draw(scene: Scene, output_format: str) -> bytes:
    """A scene in one picture format (everything but html)."""
    if output_format == "dot":
        return to_dot(scene).encode("utf-8")
    if output_format == "mermaid":
        return to_mermaid(scene).encode("utf-8")
    if output_format in IMAGE_FORMATS:
        return render_image(to_dot(scene), output_format)
    raise ValueError(f"not a picture format: {output_format}")


def render_loaded(
    loaded: Loaded,
    output_format: str,
    with_findings: bool = True,
    before: Loaded | None = None,
    manual: Sequence[report.ManualItem] = (),
) -> bytes:
    findings = loaded.findings if with_findings else None
    if output_format == "html":
        from jwflint.render import report  # the HTML report's code (and difflib) only for HTML

        view = report.workflow_view(
            loaded.workflow,
            loaded.buckets,
            loaded.findings,
            with_findings=with_findings,
            before=before.workflow if before else None,
            manual=manual,
        )
        return report.html_report([view], title=f"jwflint: {loaded.workflow.name}").encode("utf-8")
    scene = build_scene(loaded.workflow, loaded.buckets, findings, before=before.workflow if before else None)
    return draw(scene, output_format)


def write(data: bytes, out: str | None, output_format: str) -> None:
    if out is None or out == STDOUT:
        if output_format in BINARY_FORMATS and out is None:
            raise JwflintError(f"{output_format} is binary: give -o FILE (or -o - to write it to stdout)")
        stdout.write(data)
        return
    write_atomic(Path(out), data, mode=_file_mode())


def _file_mode() -> int:
    """What open() would give a new file: pictures and reports are meant to be shared (mkstemp gives 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def render_file(
    path: str,
    out: str | None,
    output_format: str | None = None,
    with_findings: bool = True,
    before_path: str | None = None,
    options: LintOptions | None = None,
    workflow: str | None = None,
) -> str:
    """``jwflint render``: draw one workflow file (``workflow``: which of a Cloud document's); returns the format."""
    chosen = choose_format(output_format, out)
    if chosen in BINARY_FORMATS and out is None:
        write(b"", out, chosen)  # fails before any work is done
    read = [path, *([before_path] if before_path else []), *(options.files_read() if options else [])]
    check_outputs([Output("-o", out) if out else None], read).prepare()
    loaded = load(path, options, workflow=workflow)
    before = load(before_path, options, workflow=workflow) if before_path else None
    write(render_loaded(loaded, chosen, with_findings, before), out, chosen)
    return chosen


def render_patch(
    before_path: str,
    after_bytes: bytes,
    out: str,
    output_format: str | None = None,
    with_findings: bool = True,
    options: LintOptions | None = None,
    after_path: str | None = None,
    before_bytes: bytes | None = None,
    manual: Sequence[report.ManualItem] = (),
) -> str:
    """Draw a patch: the workflow in ``after_bytes`` with what changed since ``before_path`` in colour.

    For the patch generator (``jwflint patch bot --render OUT``): ``out`` may be any format,
    html included (the report then shows the diff and the before/after pictures). Pass
    ``before_bytes`` when the file at ``before_path`` may already have been replaced (--write).
    ``manual`` are the steps the XML cannot express; the HTML report lists them. Returns the format used.
    """
    from jwflint.sources.files import PATCHED_SUFFIX

    chosen = choose_format(output_format, out)
    before = load(before_path, options, data=before_bytes)
    name = after_path or str(Path(before_path).with_name(workflow_stem(before_path) + PATCHED_SUFFIX))
    after = load(before_path, options, data=after_bytes, name=name)
    write(render_loaded(after, chosen, with_findings, before, manual), out, chosen)
    return chosen
