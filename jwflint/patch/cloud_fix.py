"""`jwflint fix` on a Jira Cloud workflow document: the fixers of patch/fixers.py, written as Cloud JSON.

The problems and rules are the XML fixer's (apply.fixable_problems); each fix rewrites one
transition object (or appends to a workflow's ``transitions``) by a splice, so everything else
in the file is kept. Fixes of the same transition wait for the next round, as in apply.fix.
Jira's built-in post-function order has no meaning in Cloud JSON, so that fixer has no JSON twin.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jwflint.core import jira
from jwflint.core.errors import InputError, JwflintError
from jwflint.core.shapes import mapping
from jwflint.lint.checks.base import Problem
from jwflint.lint.engine import Engine
from jwflint.lint.rules import Rule
from jwflint.model.workflow import Transition, Workflow
from jwflint.patch import apply, bot, cloud_write, splice
from jwflint.patch.apply import MAX_ROUNDS, VerificationError
from jwflint.patch.cloud_apply import CloudOutcome, ModelSource, read, request_for
from jwflint.patch.json_splice import JsonStyle, append_items, byte_offset, member, replace_value, value_end
from jwflint.patch.splice import Edit

Problems = list[tuple[Rule, Problem]]
# The edits, a change line for each, and the problems they fix.
FixResult = tuple[list[Edit], list[str], Problems]
# (data, workflow, problems, options, engine) -> FixResult
JsonFixer = Callable[[bytes, Workflow, Problems, bot.BotOptions, Engine], FixResult]


def _transition_of(workflow: Workflow, anchor: Any) -> Transition | None:
    for transition in workflow.transitions:
        if transition.element is anchor:
            return transition
        functions = [*transition.iter_conditions(), *transition.validators, *transition.post_functions]
        if any(f.element is anchor for f in functions):
            return transition
    return None


def _rewrite(
    data: bytes,
    workflow: Workflow,
    problems: Problems,
    change: Callable[[dict[str, Any]], str | None],
) -> FixResult:
    """Apply ``change`` to a copy of each problem's transition object; splice the copy over the original."""
    style = JsonStyle.of(data)
    edits: list[Edit] = []
    lines: list[str] = []
    fixed: list[tuple[Rule, Problem]] = []
    done: set[int] = set()
    for rule, problem in problems:
        transition = _transition_of(workflow, problem.element)
        if transition is None or id(transition) in done:
            continue
        item = copy.deepcopy(dict(transition.element))
        try:
            what = change(item)
        except _WrongShape as error:
            line, column = workflow.document.position(transition.element)
            raise InputError(
                f"{workflow.path}:{line}:{column}: cannot fix: {error.field!r} of transition {transition.label} "
                f"is not {error.expected}, as Jira writes it: correct the document"
            ) from None
        if what is None:
            continue
        start = byte_offset(data, transition.element.offset)

        edits.append(replace_value(data, (start, value_end(data, start)), item, style, rule.check.name))
        lines.append(f"{what} on {transition.label}")
        fixed.append((rule, problem))
        done.add(id(transition))
    return edits, lines, fixed


class _WrongShape(Exception):
    """A transition part a fix must extend is not what Jira writes there: the fix cannot say what it meant."""

    def __init__(self, field: str, expected: str = "a list") -> None:
        super().__init__(field)
        self.field = field
        self.expected = expected


def _array(node: dict[str, Any], key: str, field: str) -> list[Any]:
    """``node[key]``, set to a new empty array when absent; _WrongShape when it is anything else."""
    value = node.setdefault(key, [])
    if not isinstance(value, list):
        raise _WrongShape(field)
    return value


def _set_field(item: dict[str, Any], field: str, value: str) -> str:
    actions = _array(item, "actions", "actions")
    last = None
    for action in actions:
        if (
            isinstance(action, dict)
            and action.get("ruleKey") == cloud_write.UPDATE_FIELD
            and str(mapping(action.get("parameters")).get("field", "")).strip().lower() == field
        ):
            last = action
    wanted = cloud_write.update_field_rule(field, value)
    if last is not None:
        last["parameters"] = {**mapping(last.get("parameters")), **wanted["parameters"]}
        if not value:
            last["parameters"].pop("value", None)
        return f"changed post-function {cloud_write.UPDATE_FIELD} {field} to {value!r}"
    actions.append(wanted)
    return f"added post-function {cloud_write.describe_rule(wanted)}"


def _fix_field(field: str, value_of: Callable[[Engine], str | None]) -> JsonFixer:
    def fixer(
        data: bytes, workflow: Workflow, problems: Problems, options: bot.BotOptions, engine: Engine
    ) -> FixResult:
        value = value_of(engine)
        if value is None:
            return [], [], []
        return _rewrite(data, workflow, problems, lambda item: _set_field(item, field, value))

    return fixer


def _restrict(
    data: bytes, workflow: Workflow, problems: Problems, options: bot.BotOptions, engine: Engine
) -> FixResult:
    restriction = cloud_write.CloudRestriction.of(engine.config.catalogue.bot, api_only=False)
    rules = restriction.rules()
    if not rules:
        return [], [], []

    def change(item: dict[str, Any]) -> str:
        group = item.get("conditions")
        if group is not None and not isinstance(group, dict):
            raise _WrongShape("conditions", "an object")
        if group is not None:
            for key in ("conditions", "conditionGroups"):
                if group.get(key) is not None and not isinstance(group[key], list):
                    raise _WrongShape(f"conditions.{key}")
        empty = group is None or not (group.get("conditions") or group.get("conditionGroups"))
        if empty:  # Cloud writes an empty group, ALL or ANY, on every unrestricted transition
            group = {**(group or {}), "operation": "ALL", "conditions": list(rules), "conditionGroups": []}
        elif str(group.get("operation", "ALL")).upper() == "ALL":
            _array(group, "conditions", "conditions.conditions").extend(rules)
        else:  # an ANY group: AND it with the bot's condition
            group = {"operation": "ALL", "conditions": rules, "conditionGroups": [group]}
        item["conditions"] = group
        return "added condition " + " AND ".join(cloud_write.describe_rule(r) for r in rules)

    return _rewrite(data, workflow, problems, change)


def _bot_transitions(
    data: bytes, workflow: Workflow, problems: Problems, options: bot.BotOptions, engine: Engine
) -> FixResult:
    buckets = list(dict.fromkeys(rule.args["bucket"] for rule, _ in problems))
    plan_options = replace(options, buckets=tuple(buckets), targets=(), hide_from_users=False)
    catalogue = engine.config.catalogue
    plan = bot.plan(ModelSource(workflow), catalogue, plan_options, bot.Allocator(workflow), only_missing=False)
    restriction = cloud_write.CloudRestriction.of(catalogue.bot, options.hide_from_users)
    items = [cloud_write.transition(p, restriction, old_shape=False) for p in plan.transitions]
    if not items:
        return [], [], []
    start = byte_offset(data, workflow.document.root.offset)
    span = member(data, start, "transitions")
    if span is None:
        raise JwflintError(f"workflow {workflow.name!r} has no transitions list: cannot add the bot's transitions")
    lines = [
        line for p, item in zip(plan.transitions, items, strict=True) for line in cloud_write.change_lines(p, item)
    ]
    planned = {p.bucket for p in plan.transitions}
    fixed = [(rule, problem) for rule, problem in problems if rule.args["bucket"] in planned]
    return [append_items(data, span, items, JsonStyle.of(data), "any_status_to_bucket")], lines, fixed


JSON_FIXERS: dict[str, JsonFixer] = {
    "any_status_to_bucket": _bot_transitions,
    "bot_resolution_is_done": _fix_field(jira.FIELD_RESOLUTION, lambda engine: engine.config.catalogue.resolution_id()),
    "bot_unassigns": _fix_field(jira.FIELD_ASSIGNEE, lambda engine: ""),
    "reopen_clears_resolution": _fix_field(jira.FIELD_RESOLUTION, lambda engine: ""),
    "bot_restricted": _restrict,
}


def fix(
    path: str, data: bytes, engine: Engine, unsafe: bool, options: bot.BotOptions, request: bool = False
) -> CloudOutcome:
    max_bytes = engine.config.max_file_size
    originals = read(path, data, max_bytes)
    outcome = CloudOutcome(path=path, original=data, patched=data)
    changed: set[int] = set()
    current, workflows = data, originals
    claimed: set[tuple[str, str, str]] = set()
    for round_number in range(MAX_ROUNDS + 1):
        taken: list[Edit] = []
        for index, workflow in enumerate(workflows):
            _, groups = apply.fixable_problems(engine, ModelSource(workflow), unsafe)  # type: ignore[arg-type]
            for check_name, problems in groups.items():
                fixer = JSON_FIXERS.get(check_name)
                if fixer is None:
                    continue
                edits, lines, fixed = fixer(current, workflow, problems, options, engine)
                if not edits or any(splice.overlaps(e, taken) for e in edits):
                    continue
                taken.extend(edits)
                changed.add(index)
                outcome.changes.extend(lines)
                claimed.update((rule.id, p.status or "", p.transition or "") for rule, p in fixed)
        if not taken:
            break
        if round_number == MAX_ROUNDS:
            raise VerificationError(f"{path}: fixes did not settle after {MAX_ROUNDS} rounds; nothing written")
        current = splice.apply(current, taken)
        workflows = read(path, current, max_bytes)
    outcome.patched = current
    findings = []
    for before, after in zip(originals, workflows, strict=True):
        findings.extend(apply.verify_model(path, before, after, engine, claimed))
    outcome.remaining = apply.shown_findings(engine.config, findings)
    outcome.claimed = claimed
    if request and changed:
        outcome.update_request = request_for(path, current, sorted(changed))
    return outcome
