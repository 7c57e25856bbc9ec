"""Screens the catalogue does not describe, reported once per workflow and screen.

A screen's fields are not in the export. Rules that need them (Assignee on the bot's resolve, a
Resolution on the way into a resolved or done status) cannot tell for a screen missing from
catalogue.screens. Rather than each rule saying "cannot verify" on each transition, they mark the
question (Problem.unverified) and the engine hands every marked problem of the workflow to this
check, which names each screen once with every transition that shows it, the fields asked about
and the rules that asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field
from typing import Any

from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint.checks.base import UNVERIFIED, Check, LintContext, Problem, first_line
from jwflint.lint.checks.coverage import listed
from jwflint.model.workflow import Transition

# Transitions named in one message before "and N more".
_LISTED = 4


@record
class _Asked:
    """What the rules asked about one screen; dicts as ordered sets."""

    fields: dict[str, None] = field(default_factory=dict)
    rules: dict[str, None] = field(default_factory=dict)
    askers: list[Problem] = field(default_factory=list)
    warning: bool = False  # some rule would have reported it as a warning or an error


def unknown_screen(asked: list[tuple[Any, Problem]], args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    """``asked``: (rule, problem) for every problem the workflow's rules marked unverified."""
    screens: dict[int, _Asked] = {}
    for rule, problem in asked:
        question = problem.unverified
        if question is None:
            continue
        entry = screens.setdefault(question.screen, _Asked())
        entry.fields.update(dict.fromkeys(question.fields))
        entry.rules[rule.id] = None
        entry.askers.append(problem)
        entry.warning |= rule.severity_for(problem) >= Severity.WARNING
    showing: dict[int, list[Transition]] = {}
    for transition in ctx.workflow.transitions:
        if transition.screen in screens:
            showing.setdefault(transition.screen, []).append(transition)
    for screen, entry in screens.items():
        yield _problem(screen, entry, showing.get(screen, []))


def _problem(screen: int, entry: _Asked, transitions: list[Transition]) -> Problem:
    names = [t.label for t in transitions] or [p.transition or p.status or "?" for p in entry.askers]
    unique = list(dict.fromkeys(names))
    where = f"transition{'s' if len(unique) > 1 else ''} {listed(unique, _LISTED)}"
    fields = list(entry.fields)
    wanted = " and ".join(fields) if len(fields) < 3 else f"{', '.join(fields[:-1])} and {fields[-1]}"
    return Problem(
        f"cannot verify that screen {screen} (not in the catalogue) shows {wanted} on {where} (asked by "
        f"{', '.join(entry.rules)}): describe it in catalogue.screens with the fields it shows",
        _first(transitions) if transitions else entry.askers[0].element,
        subject=f"screen {screen}",
        severity=None if entry.warning else Severity.INFO,
        values={"screen": str(screen), "fields": wanted, "transitions": listed(unique, _LISTED)},
    )


def _first(transitions: list[Transition]) -> Any:
    """The element of the transition that comes first in the file."""
    return min((t.element for t in transitions), key=first_line)


CHECKS = [
    Check(
        name="unknown_screen",
        scope=UNVERIFIED,
        function=unknown_screen,
        summary="Screens that other rules need to see are described in the catalogue (catalogue.screens).",
        values=("screen", "fields", "transitions"),
    ),
]
