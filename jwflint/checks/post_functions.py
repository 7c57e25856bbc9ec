"""Jira's built-in post-functions: present once each, in Jira's fixed order, and the events they fire.

Jira's workflow plugin marks the built-ins unique and not orderable and gives each a weight
(system-workflow-plugin.xml); app functions may sit anywhere between them, so only the
built-ins' relative order is checked. On the create transition app functions commonly come
*before* "Creates the issue originally" (JSU and JMWE document it), so "IssueCreate first" means
first among the built-ins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from jwflint import jira
from jwflint.checks.base import TRANSITION, Check, LintContext, Problem
from jwflint.findings import Severity
from jwflint.model import INITIAL, Function, Transition, parse_id

# What goes wrong without each built-in (FireIssueEventFunction, GenerateChangeHistoryFunction …).
_EFFECT = {
    jira.UPDATE_ISSUE_STATUS: "the issue keeps its old status while the workflow moves on",
    jira.CREATE_COMMENT: "a comment entered on the transition screen is lost",
    jira.GENERATE_CHANGE_HISTORY: "the issue is not stored and the change is missing from its history",
    jira.ISSUE_REINDEX: "searches, filters and boards keep showing the issue as it was",
    jira.FIRE_ISSUE_EVENT: "no notification, listener or automation hears of the transition",
    jira.ISSUE_CREATE: "the issue is never created",
}


def describe(class_name: str) -> str:
    """``"Creates the issue originally" (IssueCreateFunction)``: the title admins see, then the class."""
    title = jira.POST_FUNCTION_TITLES.get(class_name)
    short = jira.short_class(class_name)
    return f'"{title}" ({short})' if title else short


def post_functions_element(transition: Transition) -> etree._Element:
    """Where a missing post-function belongs: the result's <post-functions>, else the result."""
    result = transition.result_element
    if result is None:
        return transition.element
    for child in result.iterchildren("post-functions"):
        return child
    return result


# Per kind of transition: Jira's built-ins with their rank (weight order), and the required ones.
_INITIAL = ({c: i for i, c in enumerate(jira.INITIAL_BUILTIN_POST_FUNCTIONS)}, jira.INITIAL_REQUIRED_POST_FUNCTIONS)
_OTHER = ({c: i for i, c in enumerate(jira.BUILTIN_POST_FUNCTIONS)}, jira.BUILTIN_POST_FUNCTIONS)


def _arrow(classes: Iterable[str]) -> str:
    return " > ".join(jira.short_class(c) for c in classes)


@lru_cache(maxsize=256)
def _missing_text(missing: tuple[str, ...], present: frozenset[str], initial: bool) -> str:
    """What follows "transition X" in a missing-built-ins message; a handful of shapes per run, so cached."""
    weight = (_INITIAL if initial else _OTHER)[0]
    if len(missing) == 1:
        [class_name] = missing
        before = [c for c in weight if weight[c] < weight[class_name] and c in present]
        where = f"after {jira.short_class(before[-1])}" if before else "before the other built-ins"
        return f"lacks the built-in post-function {describe(class_name)}, so {_EFFECT[class_name]}: add it {where}"
    effects = "; ".join(_EFFECT[c] for c in missing)
    return (
        f"lacks {len(missing)} built-in post-functions ({_arrow(missing)}), so {effects}: add them so that the "
        f"built-ins run as {_arrow(c for c in weight if c in present or c in missing)}"
    )


@lru_cache(maxsize=256)
def _missing_names(missing: tuple[str, ...]) -> str:
    return _arrow(missing)


def _missing(transition: Transition, missing: list[str], present: dict[str, Function]) -> Problem:
    """One finding for every missing built-in of a transition, saying where each one goes."""
    label = transition.label
    key = tuple(missing)
    return Problem(
        f"transition {label} {_missing_text(key, frozenset(present), transition.kind == INITIAL)}",
        post_functions_element(transition),
        transition=label,
        values={"function": _missing_names(key), "problem": "missing"},
    )


def standard_post_functions(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    if transition.result_element is None:
        return  # missing-result reports it: there is nowhere for post-functions to run
    weight, required = _INITIAL if transition.kind == INITIAL else _OTHER
    label = transition.label
    first: dict[str, Function] = {}
    runs: list[Function] = []  # the first occurrence of each built-in, in the order they run
    for function in transition.post_functions:
        if function.class_name not in weight:
            continue
        if function.class_name in first:
            yield Problem(
                f"transition {label} runs {describe(function.class_name)} twice: delete the second one "
                "(Jira runs each built-in post-function exactly once)",
                function.element,
                transition=label,
                values={"function": jira.short_class(function.class_name), "problem": "duplicated"},
            )
            continue
        first[function.class_name] = function
        runs.append(function)
    missing = [c for c in required if c not in first]
    if missing:
        yield _missing(transition, missing, first)
    ranks = [weight[f.class_name] for f in runs]
    if ranks != sorted(ranks):
        highest = -1
        culprit = runs[0]
        for function, rank in zip(runs, ranks, strict=True):
            if rank < highest:
                culprit = function
                break
            highest = rank
        expected = [c for c in weight if c in first]
        yield Problem(
            f"transition {label} runs Jira's built-in post-functions out of order "
            f"({_arrow([f.class_name for f in runs])}): reorder them to {_arrow(expected)}; "
            "app post-functions may stay where they are",
            culprit.element,
            transition=label,
            fixable=True,
            # Jira still runs all of them; the order only changes what is stored and what the
            # event carries, so this is a warning even though missing ones are errors.
            severity=Severity.WARNING,
            values={"function": jira.short_class(culprit.class_name), "problem": "out of order"},
        )
    for function in transition.post_functions:
        if function.class_name != jira.FIRE_ISSUE_EVENT:
            continue
        event = function.args.get(jira.ARG_EVENT_TYPE_ID)
        text = (event or "").strip()
        if parse_id(text) is not None:
            continue
        # FireIssueEventFunction fires nothing without an eventTypeId and throws on a non-number.
        problem = (
            "has no eventTypeId, so it fires no event"
            if not text
            else (f"has eventTypeId {text!r}, which is not a number: the transition fails with an error")
        )
        yield Problem(
            f"transition {label}: {describe(jira.FIRE_ISSUE_EVENT)} {problem}; set "
            f'<arg name="eventTypeId"> to an event id (13 = Generic Event)',
            function.element,
            transition=label,
            values={"function": "FireIssueEventFunction", "problem": "missing eventTypeId"},
        )


def create_event(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    if transition.kind != INITIAL:
        return
    for function in transition.post_functions:
        if function.class_name != jira.FIRE_ISSUE_EVENT:
            continue
        event = (function.args.get(jira.ARG_EVENT_TYPE_ID) or "").strip()
        number = parse_id(event)
        if number is None or event == jira.EVENT_ISSUE_CREATED:
            continue  # a missing or broken id is standard-post-functions' finding
        custom = number >= jira.CUSTOM_ID_MIN
        name = "a custom event" if custom else jira.EVENT_NAMES.get(event, "an unknown event")
        yield Problem(
            f"the create transition {transition.label} fires event {event} ({name}), not "
            "Issue Created (1): notification-scheme entries, listeners and automation rules for "
            "Issue Created never run for new issues; set eventTypeId to 1"
            + (" unless the custom event is meant to replace it" if custom else ""),
            function.element,
            transition=transition.label,
            # A custom event on create is usually deliberate (its own mail template).
            severity=Severity.INFO if custom else None,
            values={"event": event},
        )


CHECKS = [
    Check(
        name="standard_post_functions",
        scope=TRANSITION,
        function=standard_post_functions,
        summary="Jira's built-in post-functions run exactly once each, in Jira's order, and the event "
        "function carries an eventTypeId.",
        values=("function", "problem"),
        fixable=True,
        fix_safe=True,
    ),
    Check(
        name="create_event",
        scope=TRANSITION,
        function=create_event,
        summary="The create transition fires Issue Created (event 1).",
        values=("event",),
    ),
]
