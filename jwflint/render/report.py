"""The HTML report: one self-contained file with a summary, each workflow's picture and findings.

Pictures are inline SVG and the style sheet is inline, so the file makes no network request.
The patch generator passes a ``PatchView`` (the diff and the before/after pictures) per
workflow it changed.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import field
from pathlib import PurePath

from jwflint import __version__
from jwflint.core.findings import Finding, Severity
from jwflint.core.records import record
from jwflint.core.text import printable
from jwflint.model.buckets import Buckets
from jwflint.model.workflow import Workflow
from jwflint.render import palette
from jwflint.render.dot import to_dot
from jwflint.render.images import NEEDS_GRAPHVIZ, GraphvizMissing, inline_svg, render_image
from jwflint.render.scene import AFTER, BEFORE, Scene, build_scene, patch_side

TEMPLATE = "report/report.html.j2"
SEVERITIES = [s.label for s in sorted(Severity, reverse=True)]


@record(frozen=True)
class ManualItem:
    """A step the XML cannot express (from the patch generator): what to do, then its REST calls."""

    text: str
    calls: tuple[str, ...] = ()


@record
class PatchView:
    """What a patch changed: the unified diff of the XML, the pictures before and after (laid out
    alike), and the manual steps Jira still needs."""

    diff: str
    before_svg: str | None = None
    after_svg: str | None = None
    manual: list[ManualItem] = field(default_factory=list)

    @property
    def diff_lines(self) -> list[tuple[str, str]]:
        """(css class, line) for every diff line."""
        kinds = {"+": "add", "-": "del", "@": "hunk"}
        result = []
        for line in self.diff.splitlines():
            kind = "head" if line.startswith(("+++", "---")) else kinds.get(line[:1], "ctx")
            result.append((kind, line))
        return result


@record
class WorkflowView:
    path: str
    name: str
    findings: list[Finding]
    svg: str | None = None
    note: str | None = None  # why there is no picture
    statuses: int = 0
    transitions: int = 0
    categories: list[str] = field(default_factory=list)
    patch: PatchView | None = None
    with_findings: bool = True  # False: --no-findings, the section shows none

    @property
    def ordered_findings(self) -> list[Finding]:
        """Worst first, then in file order: what a reviewer reads top-down."""
        return sorted(self.findings, key=lambda f: (-f.severity, f.line, f.column, f.rule))

    @property
    def hints(self) -> list[tuple[str, str, int]]:
        """(rule, how to fix, findings) once per rule: the table would repeat each hint per finding."""
        counts = Counter(f.rule for f in self.findings)
        first = {f.rule: f.hint for f in reversed(self.ordered_findings) if f.hint}
        return [(rule, first[rule], counts[rule]) for rule in sorted(first, key=lambda r: (-counts[r], r))]

    @property
    def rules(self) -> list[str]:
        return sorted({f.rule for f in self.findings})

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity.label == severity)


MAX_DRAWN_ARROWS = 2_000


def picture(scene: Scene) -> tuple[str | None, str | None]:
    """(inline SVG, None), or (None, why not): Graphviz is missing, or the workflow is too big to lay out
    in reasonable time (Graphviz's layout grows faster than the number of arrows)."""
    if len(scene.edges) > MAX_DRAWN_ARROWS:
        return None, (
            f"Not drawn: {len(scene.edges)} arrows, more than the {MAX_DRAWN_ARROWS} a report draws "
            "(jwflint render draws it on its own)."
        )
    try:
        return inline_svg(render_image(to_dot(scene), "svg")), None
    except GraphvizMissing:
        return None, NEEDS_GRAPHVIZ


def workflow_view(
    workflow: Workflow,
    buckets: Buckets,
    findings: Sequence[Finding],
    with_findings: bool = True,
    before: Workflow | None = None,
    manual: Sequence[ManualItem] = (),
) -> WorkflowView:
    """A workflow's section; with ``before`` the picture shows the patch and the section its diff."""
    scene = build_scene(workflow, buckets, findings if with_findings else None, before=before)
    svg, note = picture(scene)
    view = WorkflowView(
        path=printable(workflow.path),
        name=workflow.name,
        findings=list(findings) if with_findings else [],
        with_findings=with_findings,
        svg=svg,
        note=note,
        statuses=len(workflow.statuses),
        transitions=len(workflow.transitions),
        categories=scene.categories,
    )
    if before is not None:
        view.patch = PatchView(unified_diff(before, workflow), *side_pictures(scene), manual=list(manual))
    return view


def failed_view(path: str, name: str, findings: Sequence[Finding]) -> WorkflowView:
    """A file that could not be read as a workflow: its findings, no picture."""
    note = "This file could not be read as a workflow."
    return WorkflowView(path=printable(path), name=name, findings=list(findings), note=note)


def scheme_view(path: str, names: Sequence[str], grants: int, findings: Sequence[Finding]) -> WorkflowView:
    """A permission scheme document (or the catalogue's schemes): its findings, no picture."""
    listed = ", ".join(names) or "none"
    note = f"Permission schemes: {listed} ({grants} grants). A scheme has no picture."
    return WorkflowView(path=path, name=PurePath(path).name, findings=list(findings), note=note)



def side_pictures(diff_scene: Scene) -> tuple[str | None, str | None]:
    """The before and after pictures of a patch, both laid out from the whole diff so no status moves."""
    before_svg, _ = picture(patch_side(diff_scene, BEFORE))
    after_svg, _ = picture(patch_side(diff_scene, AFTER))
    return before_svg, after_svg


def unified_diff(before: Workflow, after: Workflow) -> str:
    old = before.document.data.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.document.data.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=printable(before.path), tofile=printable(after.path))
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def html_report(views: Sequence[WorkflowView], title: str = "jwflint report") -> str:
    from jwflint.core import templating

    totals = {severity: sum(v.count(severity) for v in views) for severity in SEVERITIES}
    return templating.render(
        TEMPLATE,
        title=title,
        version=__version__,
        views=list(views),
        totals=totals,
        severities=SEVERITIES,
        swatches=palette.SWATCHES,
        palette=palette,
    )
