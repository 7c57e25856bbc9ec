"""Jira's built-in post-functions: present once each, in Jira's fixed order, and the events they fire.

Jira's workflow plugin marks the built-ins unique and not orderable and gives each a weight
(system-workflow-plugin.xml); app functions may sit anywhere between them, so only the
built-ins' relative order is checked. On the create transition app functions commonly come
*before* "Creates the issue originally" (JSU and JMWE document it), so "IssueCreate first" means
first among the built-ins.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from operator import attrgetter
from typing import Any

from lxml import etree

from jwflint.core import jira
from jwflint.core.findings import Severity
from jwflint.lint.checks.base import TRANSITION, Check, LintContext, Problem
from jwflint.model.workflow import INITIAL, Function, Transition, parse_id

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
    # Plain iteration: iterchildren(tag) sets up a tag matcher on every call, which costs more
    # than the one or two children a result has (this runs once per transition lacking built-ins).
    for child in result:
        if child.tag == "post-functions":
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


def _is_event_id(event: str | None) -> bool:
    """Whether FireIssueEventFunction can read eventTypeId as a number (parse_id after stripping)."""
    if event and event.isascii() and event.isdigit():
        return True  # the usual "13": no need to strip and parse
    return parse_id((event or "").strip()) is not None


def _duplicated(transition: Transition, function: Function) -> Problem:
    label = transition.label
    return Problem(
        f"transition {label} runs {describe(function.class_name)} twice: delete the second one "
        "(Jira runs each built-in post-function exactly once)",
        function.element,
        transition=label,
        values={"function": jira.short_class(function.class_name), "problem": "duplicated"},
    )


def _out_of_order(
    transition: Transition, first: dict[str, Function], culprit: Function, weight: dict[str, int]
) -> Problem:
    label = transition.label
    expected = [c for c in weight if c in first]
    return Problem(
        f"transition {label} runs Jira's built-in post-functions out of order "
        f"({_arrow(first)}): reorder them to {_arrow(expected)}; "
        "app post-functions may stay where they are",
        culprit.element,
        transition=label,
        fixable=True,
        # Jira still runs all of them; the order only changes what is stored and what the
        # event carries, so this is a warning even though missing ones are errors.
        severity=Severity.WARNING,
        values={"function": jira.short_class(culprit.class_name), "problem": "out of order"},
    )


def _no_event(transition: Transition, function: Function) -> Problem:
    label = transition.label
    text = (function.args.get(jira.ARG_EVENT_TYPE_ID) or "").strip()
    # FireIssueEventFunction fires nothing without an eventTypeId and throws on a non-number.
    problem = (
        "has no eventTypeId, so it fires no event"
        if not text
        else (f"has eventTypeId {text!r}, which is not a number: the transition fails with an error")
    )
    return Problem(
        f"transition {label}: {describe(jira.FIRE_ISSUE_EVENT)} {problem}; set "
        f'<arg name="eventTypeId"> to an event id (13 = Generic Event)',
        function.element,
        transition=label,
        values={"function": "FireIssueEventFunction", "problem": "missing eventTypeId"},
    )


_CLASS_NAME = attrgetter("class_name")


def _sound_event_position(classes: tuple[str, ...], initial: bool) -> int | None:
    """The event function's position if the built-ins are sound (each once, all required, in order); else None.

    A pure function of the class names, which come in a handful of shapes per run (Jira writes
    the same sequence on most transitions): cached through _shape(), it leaves one tuple and one
    lookup per transition. A sound sequence has exactly one FireIssueEventFunction, required in both kinds.
    """
    weight, required = _INITIAL if initial else _OTHER
    seen: set[str] = set()
    highest = -1
    for class_name in classes:
        rank = weight.get(class_name)
        if rank is None:
            continue
        if class_name in seen or rank < highest:
            return None
        seen.add(class_name)
        highest = rank
    if any(c not in seen for c in required):
        return None
    return classes.index(jira.FIRE_ISSUE_EVENT)


def standard_post_functions(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    """Duplicated, missing and out-of-order built-ins, then event functions without a usable event,
    then app post-functions that send mail before the comment and the change history exist."""
    if transition.result_element is None:
        return ()  # missing-result reports it: there is nowhere for post-functions to run
    functions = transition.post_functions
    initial = transition.kind == INITIAL
    classes = tuple(map(_CLASS_NAME, functions))
    event, early = _shape(classes, initial)
    mail = [_mail_too_early(transition, i, classes) for i in early if _sends_mail(functions[i])]
    # Fast path for the usual transition: built-ins sound, and its one event function has an id.
    if event is not None and _is_event_id(functions[event].args.get(jira.ARG_EVENT_TYPE_ID)):
        return mail
    return _post_function_problems(transition, _INITIAL if initial else _OTHER) + mail


# The built-ins a mail must follow: the comment entered on the transition, and the stored issue.
_MAIL_AFTER = (jira.CREATE_COMMENT, jira.GENERATE_CHANGE_HISTORY)


@lru_cache(maxsize=1024)
def _shape(classes: tuple[str, ...], initial: bool) -> tuple[int | None, tuple[int, ...]]:
    """What the class names alone say, in one cached lookup per transition (hashing the tuple is the
    cost): the event function's position when the built-ins are sound, and the app functions that
    may send mail too early (none on the create transition, which has no comment or history step)."""
    return _sound_event_position(classes, initial), () if initial else _early_app_functions(classes)


def _early_app_functions(classes: tuple[str, ...]) -> tuple[int, ...]:
    """Positions of post-functions that may send mail (by class, or ScriptRunner's: by canned script)
    and run before CreateComment or GenerateChangeHistory."""
    last = max((i for i, c in enumerate(classes) if c in _MAIL_AFTER), default=-1)
    return tuple(
        i
        for i in range(last)
        if classes[i].startswith(jira.SCRIPTRUNNER_PACKAGE) or jira.short_class(classes[i]) in jira.MAIL_POST_FUNCTIONS
    )


def _mail_name(function: Function) -> str:
    """What sends the mail: ScriptRunner's canned script, or the post-function's class."""
    canned = function.args.get(jira.ARG_CANNED_SCRIPT, "").strip()
    return jira.short_class(canned or function.class_name)


def _sends_mail(function: Function) -> bool:
    return _mail_name(function) in jira.MAIL_POST_FUNCTIONS


def _mail_too_early(transition: Transition, position: int, classes: tuple[str, ...]) -> Problem:
    label = transition.label
    function = transition.post_functions[position]
    later = [jira.short_class(c) for c in _MAIL_AFTER if c in classes[position + 1 :]]
    name = _mail_name(function)
    misses = (
        "the comment entered on the transition and the fields it changed"
        if jira.short_class(jira.CREATE_COMMENT) in later
        else "the fields the transition changed (the issue is not stored yet)"
    )
    return Problem(
        f"transition {label} sends mail ({name}) before Jira's {' and '.join(later)}, so the mail misses "
        f"{misses}: move {name} after {jira.short_class(jira.GENERATE_CHANGE_HISTORY)}",
        function.element,
        transition=label,
        severity=Severity.WARNING,
        values={"function": name, "problem": "mail before comment"},
    )


def _post_function_problems(transition: Transition, kind: tuple[dict[str, int], tuple[str, ...]]) -> list[Problem]:
    """Every finding of standard-post-functions, from one pass over the post-functions."""
    weight, required = kind
    first: dict[str, Function] = {}  # the first occurrence of each built-in, in the order they run
    duplicates: list[Function] = []
    no_event: list[Function] = []
    culprit: Function | None = None  # the first built-in that runs before one Jira ranks below it
    highest = -1
    for function in transition.post_functions:
        class_name = function.class_name
        rank = weight.get(class_name)
        if rank is None:
            continue  # not a built-in of this kind of transition
        # Every event function, duplicated or not (FIRE_ISSUE_EVENT is a built-in of both kinds).
        if class_name == jira.FIRE_ISSUE_EVENT and not _is_event_id(function.args.get(jira.ARG_EVENT_TYPE_ID)):
            no_event.append(function)
        if class_name in first:
            duplicates.append(function)
            continue
        first[class_name] = function
        # Ranks of distinct built-ins differ, so they are unsorted exactly when one is below an
        # earlier one; the first such is the culprit, as a sort-and-compare would find.
        if rank > highest:
            highest = rank
        elif culprit is None:
            culprit = function
    # Every required built-in is in the weight table: all of them present means none missing.
    missing = [c for c in required if c not in first] if len(first) < len(weight) else None
    problems = [_duplicated(transition, function) for function in duplicates]
    if missing:
        problems.append(_missing(transition, missing, first))
    if culprit is not None:
        problems.append(_out_of_order(transition, first, culprit, weight))
    problems.extend(_no_event(transition, function) for function in no_event)
    return problems


def create_event(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    if transition.kind != INITIAL:
        return ()  # one create transition per workflow: every other one returns here
    problems: list[Problem] = []
    for function in transition.post_functions:
        if function.class_name != jira.FIRE_ISSUE_EVENT:
            continue
        event = (function.args.get(jira.ARG_EVENT_TYPE_ID) or "").strip()
        number = parse_id(event)
        if number is None or event == jira.EVENT_ISSUE_CREATED:
            continue  # a missing or broken id is standard-post-functions' finding
        custom = number >= jira.CUSTOM_ID_MIN
        name = "a custom event" if custom else jira.EVENT_NAMES.get(event, "an unknown event")
        problems.append(
            Problem(
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
        )
    return problems


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
