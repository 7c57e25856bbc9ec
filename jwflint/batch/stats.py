"""``jwflint lint --stats``: an inventory of each workflow (statuses, transitions, screens, apps in use).

Stats are plain, picklable values so that worker processes (jwflint.batch.parallel) can compute them
next to the lxml tree and send only the numbers back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import field
from typing import TYPE_CHECKING

from jwflint.core.records import record
from jwflint.core.text import printable
from jwflint.core.vendors import VENDOR_KEYS, VENDOR_TITLES, vendor_of
from jwflint.model.workflow import TRANSITION_KINDS, Workflow

if TYPE_CHECKING:
    from jwflint.lint.engine import FileResult


def _zero_vendors() -> dict[str, int]:
    return dict.fromkeys(VENDOR_KEYS, 0)


@record
class WorkflowStats:
    path: str
    workflow: str
    statuses: int = 0
    transitions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TRANSITION_KINDS, 0))
    screens: int = 0  # distinct screens the transitions show
    conditions: dict[str, int] = field(default_factory=_zero_vendors)
    validators: dict[str, int] = field(default_factory=_zero_vendors)
    post_functions: dict[str, int] = field(default_factory=_zero_vendors)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "workflow": self.workflow,
            "statuses": self.statuses,
            "transitions": dict(self.transitions),
            "screens": self.screens,
            "conditions": dict(self.conditions),
            "validators": dict(self.validators),
            "post_functions": dict(self.post_functions),
        }

    def add(self, other: WorkflowStats) -> None:
        self.statuses += other.statuses
        self.screens += other.screens
        for mine, theirs in (
            (self.transitions, other.transitions),
            (self.conditions, other.conditions),
            (self.validators, other.validators),
            (self.post_functions, other.post_functions),
        ):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + count


def workflow_stats(workflow: Workflow) -> WorkflowStats:
    """One pass over the transitions; each common transition counts once, as it is defined once."""
    stats = WorkflowStats(path=printable(workflow.path), workflow=workflow.name, statuses=len(workflow.statuses))
    screens: set[int] = set()
    for transition in workflow.transitions:
        stats.transitions[transition.kind] += 1
        if transition.screen is not None:
            screens.add(transition.screen)
        for condition in transition.iter_conditions():
            stats.conditions[vendor_of(condition.class_name)] += 1
        for validator in transition.validators:
            stats.validators[vendor_of(validator.class_name)] += 1
        for function in transition.post_functions:
            stats.post_functions[vendor_of(function.class_name)] += 1
    stats.screens = len(screens)
    return stats


def of_result(result: FileResult) -> WorkflowStats | None:
    """Stats of a linted file: computed by the worker for parallel results, else from the workflow."""
    precomputed = getattr(result, "stats", None)
    if precomputed is not None:
        return precomputed  # type: ignore[no-any-return]
    return workflow_stats(result.workflow) if result.workflow is not None else None


def collect(results: Iterable[FileResult]) -> list[WorkflowStats]:
    """Stats of every file that was linted as a workflow, in report order (skipped/failed files have none)."""
    return [stats for stats in map(of_result, results) if stats is not None]


def total(all_stats: list[WorkflowStats]) -> WorkflowStats:
    result = WorkflowStats(path="", workflow="total")
    for stats in all_stats:
        result.add(stats)
    return result


def as_document(all_stats: list[WorkflowStats]) -> dict[str, object]:
    """The JSON report's ``stats`` value; ``total.screens`` sums per-workflow screen counts."""
    summed = total(all_stats).as_dict()
    del summed["path"], summed["workflow"]
    return {"workflows": [stats.as_dict() for stats in all_stats], "total": summed}


def add_to_json(text: str, all_stats: list[WorkflowStats]) -> str:
    """The JSON report with a top-level ``stats`` key added, written as the json formatter writes."""
    document = json.loads(text)
    document["stats"] = as_document(all_stats)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_text(all_stats: list[WorkflowStats]) -> str:
    """Two tables: the shape of each workflow, then conditions/validators/post-functions by app."""
    rows = [*all_stats, total(all_stats)]
    shape_header = ["workflow", "statuses", *TRANSITION_KINDS, "screens", "conditions", "validators", "post-functions"]
    shape = [
        [
            stats.workflow,
            stats.statuses,
            *(stats.transitions[kind] for kind in TRANSITION_KINDS),
            stats.screens,
            sum(stats.conditions.values()),
            sum(stats.validators.values()),
            sum(stats.post_functions.values()),
        ]
        for stats in rows
    ]
    # Only the apps that occur somewhere: a column of zeros says nothing.
    vendors = [
        key for key in VENDOR_KEYS if any(s.conditions[key] or s.validators[key] or s.post_functions[key] for s in rows)
    ]
    vendor_header = ["workflow", *(VENDOR_TITLES[key] for key in vendors)]
    by_vendor = [
        [stats.workflow, *(f"{stats.conditions[k]}/{stats.validators[k]}/{stats.post_functions[k]}" for k in vendors)]
        for stats in rows
    ]
    parts = [
        "Workflow inventory (transitions by kind; screens shown)",
        _table(shape_header, shape),
        "",
        "Conditions/validators/post-functions by app",
        _table(vendor_header, by_vendor) if vendors else "(none)",
    ]
    return "\n".join(parts) + "\n"


def _table(header: list[str], rows: list[list[object]]) -> str:
    """Left-aligned first column, right-aligned numbers; the last row (the total) under a rule."""
    cells = [header, *[[str(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    body = [line(row) for row in cells[1:]]
    return "\n".join([line(cells[0]), rule, *body[:-1], rule, body[-1]])


def attach(text: str, output_format: str, all_stats: list[WorkflowStats]) -> str:
    """The report with the inventory: a table after the text report, or a ``stats`` key in JSON."""
    if output_format == "json":
        return add_to_json(text, all_stats)
    return text + ("\n" if text else "") + render_text(all_stats)
