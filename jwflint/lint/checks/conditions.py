"""Condition groups read as OSWorkflow evaluates them (AbstractWorkflow.passesConditions).

OSWorkflow takes a group as AND only when its type attribute is exactly "AND"; anything else,
including no type at all, is OR. An empty group (or list) passes. Jira's writer never emits an
empty group and always types a group of two or more, so both shapes come from hand-written XML.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jwflint.core.findings import Severity
from jwflint.lint.checks.base import TRANSITION, Check, LintContext, Problem
from jwflint.lint.checks.hygiene import is_disabled_script
from jwflint.model.workflow import ConditionGroup, Function, Transition

AND = "AND"
OR = "OR"
_TYPES = frozenset((AND, OR))  # the two types the DTD allows, as written


def raw_type(group: ConditionGroup) -> str:
    """The type attribute as written; the model's ``operator`` defaults it to AND, OSWorkflow does not."""
    return group.element.get("type") or ""


def evaluates_as(group: ConditionGroup) -> str:
    return AND if raw_type(group) == AND else OR


def restricts(item: Function | ConditionGroup | None) -> bool:
    """Whether the conditions can ever hide the transition: some condition must hold for it to show."""
    if item is None:
        return False
    if isinstance(item, Function):
        return not is_disabled_script(item)
    if not item.items:
        return False  # an empty group passes
    if evaluates_as(item) == AND:
        return any(restricts(child) for child in item.items)
    return all(restricts(child) for child in item.items)


def _groups(root: ConditionGroup) -> list[tuple[ConditionGroup, ConditionGroup | None]]:
    """Every group with its parent, depth first from the transition's top group.

    A list built by recursion rather than nested generators: most transitions have a single
    group, and generator set-up cost more than the walk.
    """
    found: list[tuple[ConditionGroup, ConditionGroup | None]] = [(root, None)]
    _nested_groups(root, found)
    return found


def _nested_groups(group: ConditionGroup, found: list[tuple[ConditionGroup, ConditionGroup | None]]) -> None:
    for item in group.items:
        if isinstance(item, ConditionGroup):
            found.append((item, group))
            _nested_groups(item, found)


def _has_nested(group: ConditionGroup) -> bool:
    # A plain loop, not any() over a generator: this runs for every transition with conditions.
    for item in group.items:  # noqa: SIM110
        if isinstance(item, ConditionGroup):
            return True
    return False


def _well_typed(group: ConditionGroup, written: str) -> bool:
    """AND or OR as written, or no type on a group of fewer than two items (as Jira writes it)."""
    return written in _TYPES or (not written and len(group.items) < 2)


def untyped_condition_group(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    root = transition.conditions
    if root is None:
        return ()
    # The usual shape, one group of conditions with nothing nested, needs no walk.
    if _well_typed(root, raw_type(root)) and not _has_nested(root):
        return ()
    problems: list[Problem] = []
    for group, _ in _groups(root):
        written = raw_type(group)
        if _well_typed(group, written):
            continue
        if written:
            message = (
                f'transition {transition.label} has <conditions type={written!r}>: the DTD allows only "AND" '
                'or "OR" (upper case), so Jira rejects the import; write type="AND" or type="OR"'
            )
        else:
            message = (
                f"transition {transition.label} has a <conditions> group of {len(group.items)} items without a "
                "type: OSWorkflow evaluates it as OR, so any one condition is enough to run the transition; "
                'add type="AND" if all must hold (or type="OR" to make the OR explicit)'
            )
        problems.append(Problem(message, group.element, transition=transition.label, values={"type": written}))
    return problems


def empty_condition_group(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    root = transition.conditions
    if root is None or (root.items and not _has_nested(root)):
        return ()  # no groups, or one group that has items and no nested groups
    problems: list[Problem] = []
    for group, parent in _groups(root):
        if group.items:
            continue
        if parent is not None and evaluates_as(parent) == OR and len(parent.items) > 1:
            # In an OR, a group that always passes makes the whole OR pass.
            problems.append(
                Problem(
                    f"transition {transition.label} has an empty <conditions> group inside an OR group: an empty "
                    "group always passes, so the OR lets everybody through and its other conditions do nothing; "
                    "delete the empty group",
                    group.element,
                    transition=transition.label,
                    values={"where": "or"},
                )
            )
        else:
            problems.append(
                Problem(
                    f"transition {transition.label} has an empty <conditions> group: it always passes and Jira "
                    "drops it on the next save; delete it, or add the conditions it was meant to hold",
                    group.element,
                    transition=transition.label,
                    severity=Severity.INFO,
                    values={"where": "and"},
                )
            )
    return problems


CHECKS = [
    Check(
        name="untyped_condition_group",
        scope=TRANSITION,
        function=untyped_condition_group,
        summary="Every condition group of two or more items says AND or OR.",
        values=("type",),
    ),
    Check(
        name="empty_condition_group",
        scope=TRANSITION,
        function=empty_condition_group,
        summary="No condition group is empty.",
        values=("where",),
    ),
]
