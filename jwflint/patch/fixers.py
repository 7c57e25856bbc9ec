"""Fixers: one per check name (Check.name), turning a rule's fixable problems into byte edits.

Rules say whether their fix is safe (Rule.fix.safe); a fixer only knows how. Each fixer gets
every fixable problem of its check in one workflow at once, so fixes that share a place (the
bot's global transitions share one <global-actions>) are made in one splice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field, replace

from lxml import etree

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.lint.checks.base import LintContext, Problem
from jwflint.lint.checks.coverage import last_field_update
from jwflint.lint.rules import Rule
from jwflint.model.workflow import INITIAL, Function, Transition
from jwflint.patch import bot, fragments, manual
from jwflint.patch.fragments import FunctionSpec
from jwflint.patch.manual import ManualStep
from jwflint.patch.source import Source
from jwflint.patch.splice import Edit, line_indent


@record
class FixRequest:
    source: Source
    ctx: LintContext
    problems: list[tuple[Rule, Problem]]
    allocator: bot.Allocator
    bot: bot.BotOptions


@record
class FixOutput:
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    manual: list[ManualStep] = field(default_factory=list)
    fixed: list[tuple[Rule, Problem]] = field(default_factory=list)  # what the edits address


Fixer = Callable[[FixRequest], FixOutput]


def _transition(source: Source, element: etree._Element | None) -> Transition | None:
    """The transition a problem points at: its action, or the action around a function."""
    if element is None:
        return None
    found = source.transitions_by_element.get(element)
    if found is not None:
        return found
    for ancestor in element.iterancestors("action"):
        return source.transitions_by_element.get(ancestor)
    return None


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [child for child in parent if isinstance(child.tag, str)]


def insert_function(
    source: Source, transition: Transition, spec: FunctionSpec, after: Function | None = None, owner: str = ""
) -> Edit | None:
    """Add a post-function after ``after``, else first (where Jira's editor puts Update Issue Field)."""
    splicer = source.splicer
    if after is not None:
        return splicer.insert_after(after.element, fragments.render_function(spec), owner)
    result = transition.result_element
    if result is None:
        return None
    container = next((c for c in _elements(result) if c.tag == "post-functions"), None)
    if container is None:
        return splicer.append_child(result, fragments.render_function(spec, wrap=True), owner)
    children = _elements(container)
    if children:
        return splicer.insert_before(children[0], fragments.render_function(spec), owner)
    return splicer.append_child(container, fragments.render_function(spec), owner)


def set_field_value(source: Source, function: Function, value: str, owner: str = "") -> Edit:
    """Rewrite an Update Issue Field post-function's value in place, keeping everything else."""
    arg = next(
        (a for a in _elements(function.element) if a.tag == "arg" and a.get("name") == jira.ARG_FIELD_VALUE), None
    )
    if arg is None:
        return source.splicer.append_child(function.element, fragments.render_arg(jira.ARG_FIELD_VALUE, value), owner)
    return source.splicer.set_text(arg, fragments.escape(value), owner)


# --- any-to-<bucket>: the bot's global transitions ------------------------------------------------


def add_bot_transitions(request: FixRequest) -> FixOutput:
    buckets = []
    for rule, _ in request.problems:
        if rule.args["bucket"] not in buckets:
            buckets.append(rule.args["bucket"])
    options = replace(request.bot, buckets=tuple(buckets), targets=())
    plan = bot.plan(request.source, request.ctx.catalogue, options, request.allocator, only_missing=False)
    planned = {p.bucket for p in plan.transitions}
    return FixOutput(
        edits=bot.edits(request.source, plan.transitions, owner="any_status_to_bucket"),
        changes=plan.change_lines(),
        manual=plan.manual,
        fixed=[(rule, problem) for rule, problem in request.problems if rule.args["bucket"] in planned],
    )


# --- what the bot's transitions set --------------------------------------------------------------


def _each_transition(request: FixRequest, fix_one: Callable[[Transition], tuple[Edit | None, str] | None]) -> FixOutput:
    """Run ``fix_one`` on the transition of every problem; it returns an edit and a change line."""
    out = FixOutput()
    for rule, problem in request.problems:
        transition = _transition(request.source, problem.element)
        result = fix_one(transition) if transition is not None else None
        if result is None or result[0] is None:
            continue
        out.edits.append(result[0])
        out.changes.append(result[1])
        out.fixed.append((rule, problem))
    return out


def set_done_resolution(request: FixRequest) -> FixOutput:
    catalogue = request.ctx.catalogue
    done = catalogue.resolution_id()
    if done is None:
        name = catalogue.done_resolution or "Done"
        transitions = [_transition(request.source, p.element) for _, p in request.problems]
        return FixOutput(manual=[manual.unknown_resolution(name, t.label) for t in transitions if t is not None])

    def fix_one(transition: Transition) -> tuple[Edit | None, str]:
        update = last_field_update(transition, jira.FIELD_RESOLUTION)
        if update is None:
            spec = fragments.update_field(jira.FIELD_RESOLUTION, done)
            added = f"added post-function UpdateIssueFieldFunction resolution={done!r} to {transition.label}"
            return insert_function(request.source, transition, spec), added
        changed = f"changed post-function UpdateIssueFieldFunction resolution to {done!r} on {transition.label}"
        return set_field_value(request.source, update[1], done), changed

    return _each_transition(request, fix_one)


def unassign(request: FixRequest) -> FixOutput:
    def fix_one(transition: Transition) -> tuple[Edit | None, str]:
        update = last_field_update(transition, jira.FIELD_ASSIGNEE)
        if update is not None and update[1].args.get(jira.ARG_FIELD_VALUE, "").strip():
            changed = f"changed post-function UpdateIssueFieldFunction assignee to Unassigned on {transition.label}"
            return set_field_value(request.source, update[1], ""), changed
        # After the last assign-to post-function, so nothing assigns the issue again.
        assigners = [f for f in transition.post_functions if f.class_name in jira.ASSIGN_FUNCTIONS]
        spec = fragments.update_field(jira.FIELD_ASSIGNEE, "")
        edit = insert_function(request.source, transition, spec, after=assigners[-1] if assigners else None)
        return edit, f"added post-function UpdateIssueFieldFunction assignee='' to {transition.label}"

    return _each_transition(request, fix_one)


def clear_resolution(request: FixRequest) -> FixOutput:
    def fix_one(transition: Transition) -> tuple[Edit | None, str]:
        spec = fragments.update_field(jira.FIELD_RESOLUTION, "")
        added = f"added post-function UpdateIssueFieldFunction resolution='' to {transition.label}"
        return insert_function(request.source, transition, spec), added

    return _each_transition(request, fix_one)


# --- who may run the bot's transitions ----------------------------------------------------------


def restrict_to_bot(request: FixRequest) -> FixOutput:
    out = FixOutput()
    identity = request.ctx.catalogue.bot
    group = fragments.restriction(identity.group, identity.role, hide_from_users=False)
    if group is None:
        if identity.user:
            out.manual.append(manual.user_restriction(identity.user))
        return out
    # The group's sole item: one condition, or the OR of group and role.
    item = group.items[0] if group.operator is None else group
    for rule, problem in request.problems:
        transition = _transition(request.source, problem.element)
        if transition is None:
            continue
        edits = _add_condition(request.source, transition, group, item)
        out.edits.extend(edits)
        out.changes.extend(f"added condition {c.describe()} to {transition.label}" for c in group.conditions())
        out.fixed.append((rule, problem))
    return out


def _add_condition(
    source: Source,
    transition: Transition,
    group: fragments.GroupSpec,
    item: fragments.ConditionSpec | fragments.GroupSpec,
) -> list[Edit]:
    """AND ``item`` with whatever conditions the transition has, keeping them byte for byte."""
    splicer = source.splicer
    action = transition.element
    children = _elements(action)
    restrict = next((c for c in children if c.tag == "restrict-to"), None)
    if transition.conditions is None:
        if restrict is not None:
            return [splicer.append_child(restrict, fragments.render_condition(group))]
        # DTD order: meta*, restrict-to?, validators?, pre-functions?, results.
        after_metas = next((c for c in children if c.tag != "meta"), None)
        if after_metas is not None:
            return [splicer.insert_before(after_metas, fragments.render_restrict_to(group))]
        return [splicer.append_child(action, fragments.render_restrict_to(group))]
    top = transition.conditions.element
    operator = top.get("type")
    if operator is None:
        return [
            splicer.set_attribute(top, "type", "AND"),
            splicer.append_child(top, fragments.render_condition(item)),
        ]
    if operator.strip().upper() == "AND":
        return [splicer.append_child(top, fragments.render_condition(item))]
    # An OR group: wrap it in a new AND group beside the bot's condition.
    span = source.index.span(top)
    layout = source.layout
    indent = b"" if layout.compact else (line_indent(source.data, span.start) or b"")
    newline = b"" if layout.compact else layout.newline
    inner = b"" if layout.compact else indent + layout.unit
    opening = b'<conditions type="AND">' + newline + inner
    body = layout.fragment(fragments.render_condition(item), inner)
    closing = newline + inner + body + newline + indent + b"</conditions>"
    return [Edit(span.start, span.start, opening), Edit(span.end, span.end, closing)]


# --- Jira's built-in post-functions, in Jira's order (safe) ----------------------------------------


def reorder_builtins(request: FixRequest) -> FixOutput:
    out = FixOutput()
    for rule, problem in request.problems:
        transition = _transition(request.source, problem.element)
        if transition is None:
            continue
        # Jira's weight order of the built-ins (the create transition has its own set).
        order = jira.INITIAL_BUILTIN_POST_FUNCTIONS if transition.kind == INITIAL else jira.BUILTIN_POST_FUNCTIONS
        weight = {class_name: index for index, class_name in enumerate(order)}
        runs: list[Function] = []
        seen: set[str] = set()
        for function in transition.post_functions:
            if function.class_name in weight and function.class_name not in seen:
                seen.add(function.class_name)
                runs.append(function)
        wanted = sorted(runs, key=lambda f: weight[f.class_name])
        edits = request.source.splicer.move([f.element for f in runs], [f.element for f in wanted])
        if edits:
            out.edits.extend(edits)
            arrow = " > ".join(f.short_name for f in wanted)
            out.changes.append(f"reordered Jira's built-in post-functions of {transition.label}: {arrow}")
            out.fixed.append((rule, problem))
    return out


FIXERS: dict[str, Fixer] = {
    "any_status_to_bucket": add_bot_transitions,
    "bot_resolution_is_done": set_done_resolution,
    "bot_unassigns": unassign,
    "bot_restricted": restrict_to_bot,
    "reopen_clears_resolution": clear_resolution,
    "standard_post_functions": reorder_builtins,
}


def fixer_for(check_name: str) -> Fixer | None:
    return FIXERS.get(check_name)
