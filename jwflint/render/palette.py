"""Colours of the pictures, shared by every output format so DOT, Mermaid and HTML agree.

Status colours follow Jira's status categories: grey-blue "To Do" (new, reopened, waiting),
blue "In Progress", green "Done" (resolved); a status in no bucket is neutral grey.
"""

from __future__ import annotations

from jwflint.core.records import record
from jwflint.model.buckets import IN_PROGRESS, NEW, REOPENED, RESOLVED, WAITING


@record(frozen=True)
class Swatch:
    fill: str
    border: str
    text: str
    title: str


TODO = "todo"
DOING = "doing"
DONE = "done"
UNKNOWN = "unknown"

SWATCHES: dict[str, Swatch] = {
    TODO: Swatch(fill="#DFE1E6", border="#42526E", text="#172B4D", title="To Do (new, reopened, waiting)"),
    DOING: Swatch(fill="#DEEBFF", border="#0052CC", text="#0747A6", title="In Progress"),
    DONE: Swatch(fill="#E3FCEF", border="#00875A", text="#006644", title="Done (resolved)"),
    UNKNOWN: Swatch(fill="#FFFFFF", border="#A5ADBA", text="#42526E", title="No bucket"),
}

CATEGORY_OF_BUCKET = {NEW: TODO, REOPENED: TODO, WAITING: TODO, IN_PROGRESS: DOING, RESOLVED: DONE}

FINDING = "#DE350B"  # red outline of anything a finding is about, and of missing edges
ADDED = "#00875A"
REMOVED = "#6554C0"  # purple, drawn dotted: never the red of a finding
EDGE = "#6B778C"
INK = "#172B4D"
MUTED = "#6B778C"


def category(bucket: str | None) -> str:
    return CATEGORY_OF_BUCKET.get(bucket or "", UNKNOWN)
