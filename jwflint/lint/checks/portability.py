"""Portability: references to objects that exist only on the Jira instance a workflow was exported from.

Group names, user names, project role ids and everything an instance numbers from 10000
(custom fields, screens, events, resolutions) do not travel with the XML: importing the
workflow elsewhere needs them created or mapped first. Statuses are left out: every workflow
has them and Jira's import asks for each one anyway.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from typing import Any

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.lint.checks.base import WORKFLOW, Check, LintContext, Problem, first_line
from jwflint.lint.checks.coverage import listed
from jwflint.lint.checks.hygiene import transition_functions
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Status, Transition, Workflow, parse_id

_CUSTOM_FIELD = re.compile(re.escape(jira.CUSTOM_FIELD_PREFIX) + r"\d+")
# References, and transitions or statuses using them, listed in one message before "and N more".
_LISTED = 8
_PLACES = 4

# Instance objects one transition or status refers to: kind -> values, both in first-seen order
# (dicts as ordered sets). A plain dict rather than a class: this runs for every transition and
# status, and most have nothing to report.
References = dict[str, dict[str, None]]


def _add(refs: References, kind: str, value: str) -> None:
    value = value.strip()
    if value:
        values = refs.get(kind)
        if values is None:
            refs[kind] = {value: None}
        else:
            values[value] = None


def _add_id(refs: References, kind: str, value: str) -> None:
    """An id that Jira numbers per instance from 10000; lower ones are Jira's seed data."""
    # Fewer than five characters cannot spell 10000 or more: skips parse_id for the usual "13".
    if len(value) < 5:
        return
    number = parse_id(value)
    if number is not None and number >= jira.CUSTOM_ID_MIN:
        _add(refs, kind, value)


def _custom_fields(refs: References, text: str) -> None:
    for match in _CUSTOM_FIELD.findall(text):
        _add(refs, "custom field", match)


def _custom_field_args(refs: References, args: dict[str, str]) -> None:
    """Custom field ids in a function's args, in arg order; the class name is not a reference."""
    prefix = jira.CUSTOM_FIELD_PREFIX
    for key, value in args.items():
        if "_" in value and prefix in value and key != jira.ARG_CLASS_NAME:  # "_": see _transition_references
            _custom_fields(refs, value)


def _is_number(value: str) -> bool:
    """parse_id(value) is not None, for a value that is already stripped."""
    digits = value[1:] if value.startswith("-") else value
    return digits.isascii() and digits.isdigit()


# Kinds whose values are ids by construction: _add_id's numbers (screens too, from an int), the
# resolution ids _resolution keeps and the custom field ids _CUSTOM_FIELD matches.
_NUMBERED_KINDS = frozenset({"custom field", "screen", "event", "resolution"})


def _shown(kind: str, values: Iterable[str]) -> list[str]:
    """Ids and custom field ids as they are; names quoted, so spaces and odd characters show."""
    if kind in _NUMBERED_KINDS:
        return list(values)
    return [v if v.startswith(jira.CUSTOM_FIELD_PREFIX) or _is_number(v) else repr(v) for v in values]


# What each class refers to through its arguments, by class name: one dict lookup per function
# instead of a chain of comparisons, and nothing at all for the many classes that name nothing.
def _group(args: dict[str, str], refs: References) -> None:
    _add(refs, "group", args.get(jira.ARG_GROUP, ""))


def _project_role(args: dict[str, str], refs: References) -> None:
    _add(refs, "project role", args.get(jira.ARG_PROJECT_ROLE, ""))


def _event(args: dict[str, str], refs: References) -> None:
    _add_id(refs, "event", args.get(jira.ARG_EVENT_TYPE_ID, ""))


def _webhook(args: dict[str, str], refs: References) -> None:
    _add(refs, "webhook", args.get(jira.ARG_WEBHOOK_ID, ""))


def _field_update(args: dict[str, str], refs: References) -> None:
    field_name = args.get(jira.ARG_FIELD_NAME, "").strip().lower()
    value = args.get(jira.ARG_FIELD_VALUE, "").strip()
    if field_name == jira.FIELD_ASSIGNEE and value != jira.ASSIGNEE_AUTOMATIC:
        _add(refs, "user", value)
    elif field_name == jira.FIELD_RESOLUTION:
        _resolution(refs, value)


def _resolution(refs: References, value: str) -> None:
    """Every resolution id but Jira's seed ones (1-5) was made on the exporting instance, 6 as much as 10000."""
    number = parse_id(value)
    if number is not None and number not in jira.SEED_RESOLUTION_IDS:
        _add(refs, "resolution", value)


_BY_CLASS: dict[str, Callable[[dict[str, str], References], None]] = {
    jira.USER_IN_GROUP: _group,
    jira.IN_PROJECT_ROLE: _project_role,
    jira.FIRE_ISSUE_EVENT: _event,
    jira.TRIGGER_WEBHOOK: _webhook,
    jira.UPDATE_ISSUE_FIELD: _field_update,
}


def _transition_references(transition: Transition) -> References:
    refs: References = {}
    by_class = _BY_CLASS.get
    prefix = jira.CUSTOM_FIELD_PREFIX
    for function in transition_functions(transition):
        args = function.args
        # Most functions have class.name as their only arg: nothing to refer to (every handler
        # reads another arg) and nothing to scan. A non-empty class name means class.name is there.
        if len(args) == 1 and function.class_name:
            continue
        named = by_class(function.class_name)
        if named is not None:
            named(args, refs)
        # Scanned by value alone first, as few args mention a custom field at all. They hold about
        # a megabyte of ScriptRunner scripts over the corpus, nearly all base64 (no "_" in its
        # alphabet): looking for the prefix's "_" first is a memchr, many times faster than the
        # substring search, and finds "customfield_" wherever the substring search would.
        for value in args.values():
            if "_" in value and prefix in value:
                _custom_field_args(refs, args)
                break
    screen = transition.screen
    # str() of an int is what parse_id reads back, so comparing the int is the same test.
    if screen is not None and screen >= jira.CUSTOM_ID_MIN:
        _add(refs, "screen", str(screen))
    return refs


def _permission_type(key: str) -> str | None:
    """The {type} of jira.permission.[subtasks.]{permission}.{type}[.n]."""
    parts = key[len(jira.META_PERMISSION_PREFIX) :].split(".")
    if parts and parse_id(parts[-1]) is not None:
        parts.pop()
    return parts[-1] if len(parts) >= 2 else None


def _status_references(status: Status) -> References | None:
    """None when the status has no permission metas at all, the usual case."""
    refs: References | None = None
    prefix = jira.META_PERMISSION_PREFIX
    for key, value in status.metas.items():
        if not key.startswith(prefix):
            continue
        if refs is None:
            refs = {}
        kind = jira.PERMISSION_META_TYPES.get(_permission_type(key) or "")
        if kind == "custom field":
            if jira.CUSTOM_FIELD_PREFIX in value:
                _custom_fields(refs, value)
        elif kind is not None:
            _add(refs, kind, value)
    return refs


_ADVICE = "create or map {} on the target instance before importing the workflow elsewhere"


@record
class _Gathered:
    """One kind of reference across a workflow: the values, where they are used (both in first-seen
    order, dicts as ordered sets) and the first use in the file, which the finding points at."""

    values: dict[str, None]
    transitions: dict[str, None] = field(default_factory=dict)
    statuses: dict[str, None] = field(default_factory=dict)
    element: Any = None  # an lxml element, or a Cloud JSON node
    line: float = math.inf


def _gather(gathered: dict[str, _Gathered], refs: References, place: Status | Transition) -> None:
    """Merge one status's or transition's references into ``gathered``, noting where they are used."""
    element = place.element
    first = first_line(element)
    is_status = isinstance(place, Status)
    for kind, values in refs.items():
        entry = gathered.get(kind)
        if entry is None:
            entry = gathered[kind] = _Gathered(dict(values))
        else:
            entry.values.update(values)
        if first < entry.line:
            entry.element, entry.line = element, first
        (entry.statuses if is_status else entry.transitions)[place.label] = None


def _where(entry: _Gathered) -> str:
    parts = []
    if entry.transitions:
        names = list(entry.transitions)
        parts.append(f"transition{'s' if len(names) > 1 else ''} {listed(names, _PLACES)}")
    if entry.statuses:
        names = [repr(label) for label in entry.statuses]
        statuses = f"status{'es' if len(names) > 1 else ''} {listed(names, _PLACES)}"
        parts.append(f"the permissions (jira.permission.*) of {statuses}")
    return "used by " + " and by ".join(parts)


def _problem(kind: str, entry: _Gathered) -> Problem:
    shown = _shown(kind, entry.values)
    text = listed(shown, _LISTED)
    where = _where(entry)
    if len(shown) == 1:
        what = f"{kind} {text} exists only on the Jira instance the workflow was exported from ({where})"
    else:
        what = f"{len(shown)} {kind}s exist only on the Jira instance the workflow was exported from ({text}; {where})"
    return Problem(
        f"{what}: {_ADVICE.format('it' if len(shown) == 1 else 'them')}",
        entry.element,
        subject=f"{kind}s",
        values={"references": f"{kind}{'s' if len(shown) > 1 else ''} {text}", "kind": f"{kind}s"},
    )


def _known(catalogue: Catalogue) -> dict[str, set[str]]:
    """The catalogue's bot group and role and its resolutions are the admin's declaration of the
    target instance: they exist there."""
    return {
        "group": {(catalogue.bot.group or "").strip()},
        "project role": {(catalogue.bot.role or "").strip()},
        "resolution": {str(v).strip() for v in catalogue.resolutions.values()},
    }


def _drop_known(refs: References, known: dict[str, set[str]]) -> None:
    for kind, values in known.items():
        found = refs.get(kind)
        if found:
            for value in values & found.keys():
                del found[value]
            if not found:
                del refs[kind]


def _occurrences(workflow: Workflow, catalogue: Catalogue) -> Iterator[tuple[References, Status | Transition]]:
    """The references of each status (its permission metas) and transition that has any."""
    for status in workflow.statuses:
        refs = _status_references(status)
        if refs:
            yield refs, status
    known = _known(catalogue)
    for transition in workflow.transitions:
        refs = _transition_references(transition)
        if refs:
            _drop_known(refs, known)
            if refs:
                yield refs, transition


def instance_specific_reference(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    """One problem per kind of reference (custom fields, groups …) over the whole workflow."""
    gathered: dict[str, _Gathered] = {}
    for refs, place in _occurrences(ctx.workflow, ctx.catalogue):
        _gather(gathered, refs, place)
    for kind, entry in gathered.items():
        yield _problem(kind, entry)


def references(workflow: Workflow, catalogue: Catalogue) -> dict[str, set[str]]:
    """Every instance-specific reference of the workflow by kind, unbounded: what instance-specific-reference
    lists, for tests that a patch adds none."""
    found: dict[str, set[str]] = {}
    for refs, _ in _occurrences(workflow, catalogue):
        for kind, values in refs.items():
            found.setdefault(kind, set()).update(values)
    return found


CHECKS = [
    Check(
        name="instance_specific_reference",
        scope=WORKFLOW,
        function=instance_specific_reference,
        summary="Groups, users, project roles and instance-numbered ids (custom fields, screens, events, "
        "resolutions, webhooks) that tie a workflow to one Jira instance.",
        values=("references", "kind"),
    ),
]
