"""Leftovers an admin should know about: OSWorkflow features Jira's editor cannot edit, switched-off scripts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from jwflint.core import jira
from jwflint.lint.checks.base import TRANSITION, WORKFLOW, Check, LintContext, Problem
from jwflint.model.workflow import Function, Status, Transition, Workflow

# Top-level OSWorkflow 2.8 sections that Jira's editor never writes.
_TOP_LEVEL = {
    "registers": "registers (variables for scripts)",
    "trigger-functions": "trigger functions (scheduled jobs)",
    "global-conditions": "global conditions (checked on every transition)",
    "splits": "splits (parallel branches)",
    "joins": "joins (waiting for parallel branches)",
}
_EDITOR = "Jira's workflow editor cannot show or edit it; keep it only if this workflow is maintained as XML"


def _owners(workflow: Workflow) -> dict[etree._Element, Transition | Status]:
    owners: dict[etree._Element, Transition | Status] = {t.element: t for t in workflow.transitions}
    owners.update((s.element, s) for s in workflow.statuses)
    return owners


def _owner(element: etree._Element, owners: dict[etree._Element, Transition | Status]) -> Transition | Status | None:
    for ancestor in element.iterancestors():
        owner = owners.get(ancestor)
        if owner is not None:
            return owner
    return None


def _describe(element: etree._Element, owner: Transition | Status | None) -> str:
    tag = element.tag
    parent = element.getparent()
    parent_tag = parent.tag if parent is not None else ""
    if isinstance(owner, Status):
        where = f"status {owner.label!r}"
    elif owner is not None:
        where = f"transition {owner.label}"
    else:
        where = "the workflow"
    if tag == "result":
        return f"{where} has a conditional <result> (a second possible target step)"
    if tag == "unconditional-result":
        kind = "split" if element.get("split") else "join"
        return f"{where} leads into a {kind} instead of a step"
    if tag == "pre-functions":
        on = "result" if parent_tag == "unconditional-result" else ("step" if parent_tag == "step" else "action")
        return f"{where} has <pre-functions> on its {on}"
    if tag == "post-functions":
        on = "step" if parent_tag == "step" else "action (not its result)"
        return f"{where} has <post-functions> on its {on}"
    if tag == "external-permissions":
        return f"{where} has <external-permissions>"
    return f"the workflow has {_TOP_LEVEL.get(str(tag), f'<{tag}>')}"


def unusual_osworkflow(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    unusual = ctx.workflow.unusual
    if not unusual:
        return
    owners = _owners(ctx.workflow)
    for element in unusual:
        parent = element.getparent()
        if parent is not None and parent.tag == "workflow" and element.tag not in _TOP_LEVEL:
            # Not OSWorkflow at all: Jira loads workflows with DTD validation on.
            yield Problem(
                f"<{element.tag}> is not an OSWorkflow 2.8 element: Jira validates imported workflows against "
                "the DTD and rejects the file; delete it",
                element,
                values={"element": str(element.tag)},
            )
            continue
        owner = _owner(element, owners)
        yield Problem(
            f"{_describe(element, owner)}: legal OSWorkflow, but {_EDITOR}",
            element,
            status=owner.label if isinstance(owner, Status) else None,
            transition=owner.label if isinstance(owner, Transition) else None,
            values={"element": str(element.tag)},
        )


def transition_functions(transition: Transition) -> list[Function]:
    """The transition's conditions (depth first), validators and post-functions, in that order.

    One list rather than a chain of iterators: several per-transition checks walk it, and most
    transitions have no conditions, so the usual case is one list concatenation.
    """
    if transition.conditions is None:
        return transition.validators + transition.post_functions
    return [*transition.iter_conditions(), *transition.validators, *transition.post_functions]


def _script_name(function: Function) -> str:
    canned = function.args.get(jira.ARG_CANNED_SCRIPT, "").strip()
    return jira.short_class(canned) if canned else function.short_name


_KINDS = {"condition": "condition", "validator": "validator", "function": "post-function"}


def is_disabled_script(function: Function) -> bool:
    """ScriptRunner's off switch: the script is skipped (a disabled condition neither restricts nor blocks)."""
    return (
        function.class_name.startswith(jira.SCRIPTRUNNER_PACKAGE)
        and function.args.get(jira.ARG_DISABLED, "").strip().lower() == "true"
    )


def disabled_script(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    problems: list[Problem] = []
    disabled = jira.ARG_DISABLED
    for function in transition_functions(transition):
        # Without a "disabled" arg a function cannot be switched off: one dict lookup rules out
        # nearly every function before the string tests of is_disabled_script.
        if disabled not in function.args or not is_disabled_script(function):
            continue
        kind = _KINDS.get(function.kind, function.kind)
        script = _script_name(function)
        problems.append(
            Problem(
                f"transition {transition.label} has a disabled ScriptRunner {kind} ({script}): it "
                "does not run; delete it, or enable it again if it is still needed",
                function.element,
                transition=transition.label,
                values={"kind": kind, "script": script},
            )
        )
    return problems


CHECKS = [
    Check(
        name="unusual_osworkflow",
        scope=WORKFLOW,
        function=unusual_osworkflow,
        summary="OSWorkflow features that Jira's workflow editor never writes and cannot edit.",
        values=("element",),
    ),
    Check(
        name="disabled_script",
        scope=TRANSITION,
        function=disabled_script,
        summary="ScriptRunner conditions, validators and post-functions that are switched off.",
        values=("kind", "script"),
    ),
]
