"""Portability: references to objects that exist only on the Jira instance a workflow was exported from.

Group names, user names, project role ids and everything an instance numbers from 10000
(custom fields, screens, events, resolutions) do not travel with the XML: importing the
workflow elsewhere needs them created or mapped first. Statuses are left out: every workflow
has them and Jira's import asks for each one anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from jwflint import jira
from jwflint.checks.base import WORKFLOW, Check, LintContext, Problem
from jwflint.model import Function, Status, Transition, parse_id

_CUSTOM_FIELD = re.compile(re.escape(jira.CUSTOM_FIELD_PREFIX) + r"\d+")
# References listed in one message before "and N more".
_LISTED = 8


class _References:
    """Instance objects one transition or status refers to, by kind, in first-seen order."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, None]] = {}

    def add(self, kind: str, value: str) -> None:
        value = value.strip()
        if value:
            self.by_kind.setdefault(kind, {})[value] = None

    def add_id(self, kind: str, value: str) -> None:
        """An id that Jira numbers per instance from 10000; lower ones are Jira's seed data."""
        number = parse_id(value)
        if number is not None and number >= jira.CUSTOM_ID_MIN:
            self.add(kind, value.strip())

    def custom_fields(self, texts: Iterable[str]) -> None:
        for text in texts:
            if jira.CUSTOM_FIELD_PREFIX in text:
                for match in _CUSTOM_FIELD.findall(text):
                    self.add("custom field", match)

    def describe(self) -> str:
        parts = []
        shown = 0
        for kind, values in self.by_kind.items():
            # Ids and custom field ids as they are; names quoted, so spaces and odd characters show.
            quoted = [
                v if parse_id(v) is not None or v.startswith(jira.CUSTOM_FIELD_PREFIX) else repr(v) for v in values
            ]
            room = max(_LISTED - shown, 1)
            text = ", ".join(quoted[:room])
            if len(quoted) > room:
                text += f" and {len(quoted) - room} more"
            shown += min(len(quoted), room)
            plural = "s" if len(quoted) > 1 else ""
            parts.append(f"{kind}{plural} {text}")
        return "; ".join(parts)


def _function_references(function: Function, refs: _References) -> None:
    args = function.args
    name = function.class_name
    if name == jira.USER_IN_GROUP:
        refs.add("group", args.get(jira.ARG_GROUP, ""))
    elif name == jira.IN_PROJECT_ROLE:
        refs.add("project role", args.get(jira.ARG_PROJECT_ROLE, ""))
    elif name == jira.FIRE_ISSUE_EVENT:
        refs.add_id("event", args.get(jira.ARG_EVENT_TYPE_ID, ""))
    elif name == jira.TRIGGER_WEBHOOK:
        refs.add("webhook", args.get(jira.ARG_WEBHOOK_ID, ""))
    elif name == jira.UPDATE_ISSUE_FIELD:
        field_name = args.get(jira.ARG_FIELD_NAME, "").strip().lower()
        value = args.get(jira.ARG_FIELD_VALUE, "").strip()
        if field_name == jira.FIELD_ASSIGNEE and value != jira.ASSIGNEE_AUTOMATIC:
            refs.add("user", value)
        elif field_name == jira.FIELD_RESOLUTION:
            refs.add_id("resolution", value)
    for key, value in args.items():
        if jira.CUSTOM_FIELD_PREFIX in value and key != "class.name":
            refs.custom_fields([value])


def _transition_references(transition: Transition) -> _References:
    refs = _References()
    for function in chain(transition.iter_conditions(), transition.validators, transition.post_functions):
        _function_references(function, refs)
    if transition.screen is not None:
        refs.add_id("screen", str(transition.screen))
    return refs


def _permission_type(key: str) -> str | None:
    """The {type} of jira.permission.[subtasks.]{permission}.{type}[.n]."""
    parts = key[len(jira.META_PERMISSION_PREFIX) :].split(".")
    if parts and parse_id(parts[-1]) is not None:
        parts.pop()
    return parts[-1] if len(parts) >= 2 else None


def _status_references(status: Status) -> _References:
    refs = _References()
    for key, value in status.metas.items():
        if not key.startswith(jira.META_PERMISSION_PREFIX):
            continue
        kind = jira.PERMISSION_META_TYPES.get(_permission_type(key) or "")
        if kind == "custom field":
            refs.custom_fields([value])
        elif kind is not None:
            refs.add(kind, value)
    return refs


_ADVICE = "create or map them on the target instance before importing the workflow elsewhere"


def instance_specific_reference(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    for status in ctx.workflow.statuses:
        refs = _status_references(status)
        if refs.by_kind:
            text = refs.describe()
            yield Problem(
                f"status {status.label!r} restricts permissions (jira.permission.*) to objects that exist only on "
                f"the Jira instance it was exported from ({text}): {_ADVICE}",
                status.element,
                status=status.label,
                values={"references": text},
            )
    for transition in ctx.workflow.transitions:
        refs = _transition_references(transition)
        if refs.by_kind:
            text = refs.describe()
            yield Problem(
                f"transition {transition.label} refers to objects that exist only on the Jira instance it was "
                f"exported from ({text}): {_ADVICE}",
                transition.element,
                transition=transition.label,
                values={"references": text},
            )


CHECKS = [
    Check(
        name="instance_specific_reference",
        scope=WORKFLOW,
        function=instance_specific_reference,
        summary="Groups, users, project roles and instance-numbered ids (custom fields, screens, events, "
        "resolutions, webhooks) that tie a workflow to one Jira instance.",
        values=("references",),
    ),
]
