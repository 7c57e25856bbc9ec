"""What a check is: a named Python function over the model, with a declared argument schema.

Rules (YAML data) name a check and give its arguments; the engine validates the arguments
against the check's schema when the pack loads, so a typo fails early with the pack's line.
A check yields ``Problem`` values; the engine, not the check, stamps the rule id, severity
and position onto them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from functools import cached_property
from typing import Any

from lxml import etree

from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.graph import WorkflowGraph, graph_of
from jwflint.model.workflow import Workflow

WORKFLOW = "workflow"
STATUS = "status"
TRANSITION = "transition"
SCHEMES = "schemes"  # the permission schemes of one file (a scheme document or the catalogue)
# What the other rules of one workflow could not verify (Problem.unverified), gathered after they ran.
UNVERIFIED = "unverified"
SCOPES = (WORKFLOW, STATUS, TRANSITION, SCHEMES, UNVERIFIED)


@record(frozen=True)
class Unverified:
    """What a rule needed to know about a screen the catalogue does not describe: whether it shows
    ``fields`` ("Assignee", "Resolution"). One rule reports every such screen once per workflow."""

    screen: int
    fields: tuple[str, ...]


@record(frozen=True)
class Arg:
    """One argument of a check: a type name, whether it is required, a default and choices."""

    type: str  # "str" | "int" | "bool" | "list" | "dict" | "str_or_list"
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""


@record
class Problem:
    """What a check found; ``values`` feed a rule's message template.

    ``severity`` lowers the rule's severity for one problem, e.g. "cannot verify: the screen is
    not in the catalogue" is a warning even under an error rule; a config override still wins.
    """

    message: str  # what is wrong, then ": " and what to do (text output puts the latter on a `help:` line)
    element: etree._Element | None
    status: str | None = None
    transition: str | None = None
    hint: str = ""
    fixable: bool = False
    note: str = ""  # why a status was taken for a role (a guess), shown on its own `note:` line
    values: dict[str, str] = field(default_factory=dict)
    severity: Severity | None = None
    # A fact rather than a guess: reported as an error even under a warning rule (a config
    # severity for the rule still wins).
    certain: bool = False
    # Findings about a permission scheme: where (line, column), the scheme and the permission.
    position: tuple[int, int] | None = None
    scheme: str | None = None
    permission: str | None = None
    # What a workflow-wide finding gathers, when neither a status nor a transition: its key for
    # baselines and suppressions ("custom fields", "screen 10600").
    subject: str | None = None
    # Set when the problem is only that a screen is undescribed: the engine hands it to the rule
    # whose scope is UNVERIFIED instead of reporting it (one finding per screen, not per rule and
    # transition). ``message`` is then unused; status, transition and element say who asked.
    unverified: Unverified | None = None


def unverified_problem(
    element: Any,
    screen: int,
    fields: Iterable[str],
    *,
    status: str | None = None,
    transition: str | None = None,
    severity: Severity | None = None,
) -> Problem:
    """A rule cannot tell whether ``screen`` (not in the catalogue) shows ``fields``: no finding of its
    own; the engine hands the problem to the UNVERIFIED-scoped rule (unknown-screen), which reports
    each screen once per workflow. ``severity`` is what the asking rule would have reported."""
    return Problem(
        "",
        element,
        status=status,
        transition=transition,
        severity=severity,
        unverified=Unverified(screen, tuple(fields)),
    )


def first_line(element: Any) -> float:
    """lxml's line of an element's start tag, to tell which of several comes first in the file; a
    Cloud JSON node has none (infinity: the first one seen is kept)."""
    line = getattr(element, "sourceline", None)
    return float("inf") if line is None else line


@record
class LintContext:
    """Everything a check may look at for one workflow. Derived views are built once, on demand."""

    workflow: Workflow
    catalogue: Catalogue
    settings: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def buckets(self) -> Buckets:
        """Built on the first ask, then a plain attribute: the rules ask ~100 times per workflow."""
        return Buckets(self.workflow, self.catalogue)

    @property
    def graph(self) -> WorkflowGraph:
        return graph_of(self.workflow)


@record
class SchemeContext:
    """What a check over permission schemes may look at: the catalogue (the bot, project roles)."""

    catalogue: Catalogue
    settings: dict[str, Any] = field(default_factory=dict)


CheckFunction = Callable[[Any, dict[str, Any], LintContext], Iterable[Problem]]


@record(frozen=True)
class Check:
    """A named check of the vocabulary: the function a rule runs, its scope, its arguments and its message values."""

    name: str
    scope: str
    function: CheckFunction
    summary: str
    args: dict[str, Arg] = field(default_factory=dict)
    values: tuple[str, ...] = ()  # names a rule's message template may use
    fixable: bool = False
    fix_safe: bool = False
    once_per_run: bool = False  # a run reports only its first finding (bot-identity-unknown)
