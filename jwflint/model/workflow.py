"""The workflow model: statuses, transitions and the functions on them, whatever the source format.

A reader in jwflint.sources builds it. Each object keeps the ``Anchor`` it was read from (an lxml
element for the XML export, a JSON node for Cloud documents) so that a finding can point at it;
only the source's ``Document`` knows how to turn an anchor into a line and column.
Structural breakage (a dangling step reference, duplicate ids, a missing initial action) is
recorded as a ``ModelProblem`` with the anchor it concerns, and the rules report it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import field
from typing import Any, Protocol

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.core.text import printable

# The node of the source a model object was read from; opaque to everything but its Document.
Anchor = Any


class Document(Protocol):
    """What the model needs of a parsed source: its path, its root, and where an anchor is."""

    path: str

    @property
    def root(self) -> Any: ...

    def position(self, anchor: Any) -> tuple[int, int]: ...


# The source formats a workflow can come from; rule packs name them in ``formats:``.
FORMAT_XML = "xml"  # an OSWorkflow XML export
FORMAT_JWB = "jwb"  # a .jwb bundle (its workflow.xml, with statuses.json's names and categories)
FORMAT_CLOUD = "cloud"  # Jira Cloud workflow JSON (the new REST API)
FORMATS = (FORMAT_XML, FORMAT_JWB, FORMAT_CLOUD)

INITIAL = "initial"
GLOBAL = "global"
COMMON = "common"
STEP = "step"
TRANSITION_KINDS = (INITIAL, GLOBAL, COMMON, STEP)


def parse_id(raw: str | None) -> int | None:
    """Ids are compared as integers: Jira's own files write ``005`` for 5."""
    if raw is None:
        return None
    # ASCII digits only: str.isdigit() accepts "²" and other Unicode digits that int() rejects.
    # (isascii/isdigit rather than a regex: this runs twice per transition.)
    if raw.isascii() and raw.isdigit():  # the common case, with nothing to strip
        return int(raw)
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isascii() and digits.isdigit() else None


@record(eq=False, slots=True)
class Function:
    """A condition, validator or post-function: a class name and its args."""

    kind: str  # "condition" | "validator" | "function"
    class_name: str
    args: dict[str, str]
    element: Anchor
    negate: bool = False
    # The Cloud rule key (``system:update-field``) this function was translated from, if any:
    # class_name and args then hold the OSWorkflow equivalent (core.jira.cloud_rule_equivalents).
    rule_key: str | None = None

    @property
    def short_name(self) -> str:
        return self.rule_key or jira.short_class(self.class_name)


@record(eq=False)
class ConditionGroup:
    """``<conditions type="AND|OR">``; OSWorkflow evaluates any type other than "AND" as OR."""

    operator: str
    items: list[Function | ConditionGroup]
    element: Anchor

    def iter_conditions(self) -> Iterator[Function]:
        for item in self.items:
            if isinstance(item, ConditionGroup):
                yield from item.iter_conditions()
            else:
                yield item


@record(eq=False, slots=True)
class Transition:
    """One transition (an OSWorkflow action): where it is offered, where it leads, and what runs on it."""

    id: int | None
    raw_id: str
    name: str
    kind: str
    element: Anchor
    target: int | None  # step id; jira.STAY (-1) means "stay in the current step"
    raw_target: str | None
    view: str
    screen_meta: str | None  # raw jira.fieldscreen.id; None when the meta is absent
    screen: int | None  # the screen Jira shows, resolved as WorkflowActionsBean does
    conditions: ConditionGroup | None
    validators: list[Function]
    post_functions: list[Function]
    metas: dict[str, str]
    result_element: Anchor | None
    sources: list[int] = field(default_factory=list)  # step ids; empty for initial and global
    conditional_targets: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} (id {self.raw_id})" if self.raw_id else self.name

    def iter_conditions(self) -> Iterator[Function]:
        if self.conditions is not None:
            yield from self.conditions.iter_conditions()

    def post_function_classes(self) -> list[str]:
        return [function.class_name for function in self.post_functions]

    def fired_events(self) -> list[str]:
        """The event ids its Fire Issue Event post-functions fire, stripped, in the order they run."""
        return [
            (function.args.get(jira.ARG_EVENT_TYPE_ID) or "").strip()
            for function in self.post_functions
            if function.class_name == jira.FIRE_ISSUE_EVENT
        ]


@record(eq=False, slots=True)
class Status:
    """A step of the workflow and the Jira status it maps to."""

    step_id: int | None
    raw_id: str
    name: str
    status_id: str | None
    metas: dict[str, str]
    element: Anchor
    action_ids: list[int] = field(default_factory=list)  # local actions and common-action refs
    # Jira's status category (core.jira.STATUS_CATEGORIES) when the source says it: Cloud JSON's
    # statuses[], a .jwb's statuses.json. None for plain XML, which carries no category.
    category: str | None = None
    # The Jira status's own name when the source gives it apart from the step name (a .jwb).
    status_name: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"step {self.raw_id}"


@record(eq=False)
class ModelProblem:
    """Structural breakage found while building the model; a rule turns it into a finding."""

    kind: str
    message: str
    element: Anchor | None
    status: str | None = None
    transition: str | None = None


@record(eq=False)
class Workflow:
    """One workflow read from its source: statuses and transitions in document order, and structural breakage."""

    document: Document
    name: str
    metas: dict[str, str]
    statuses: list[Status]
    transitions: list[Transition]
    problems: list[ModelProblem]
    unusual: list[Anchor]
    steps_by_id: dict[int, Status]
    actions_by_id: dict[int, Transition]
    format: str = FORMAT_XML  # one of FORMATS: which rules have a meaning for it
    _graph: object | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def root(self) -> Anchor:
        return self.document.root

    def transitions_of(self, kind: str) -> list[Transition]:
        return [t for t in self.transitions if t.kind == kind]

    def status_of_step(self, step_id: int | None) -> Status | None:
        return None if step_id is None else self.steps_by_id.get(step_id)


def workflow_name(path: str) -> str:
    """Jira keeps a workflow's name outside the XML; the export's file name carries it (printable)."""
    return "<stdin>" if path == "-" else printable(workflow_stem(path))


def workflow_stem(path: str) -> str:
    """The file name without .xml (or .patched.xml), bytes kept: for naming files beside it."""
    name = os.path.basename(path)  # PurePath(path).name for a file's path, without building a path object
    for suffix in (".patched.xml", ".xml"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
