"""The workflow as a graph: statuses nobody reaches or leaves, traps with no way to a Resolved status,
clashing transition names, unused common actions.

Everything here is linear in the workflow's size: global transitions are handled once, as sets,
never copied onto every status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

from jwflint.core import jira
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint.checks.base import TRANSITION, WORKFLOW, Check, LintContext, Problem, unverified_problem
from jwflint.lint.checks.conditions import restricts
from jwflint.lint.checks.coverage import field_title, guess_notes, notes_text
from jwflint.lint.checks.resolution import resolution_holders
from jwflint.model.buckets import RESOLVED, normalise_name
from jwflint.model.workflow import COMMON, GLOBAL, STEP, Status, Transition, Workflow


def _own_statuses(workflow: Workflow) -> Iterator[Status]:
    """Statuses with a usable step id; a duplicate step id is duplicate-step-id's finding, not ours."""
    for status in workflow.statuses:
        if status.step_id is not None and workflow.steps_by_id.get(status.step_id) is status:
            yield status


def _reachable(ctx: LintContext) -> set[int] | None:
    """Step ids reachable from the create transition, or None without a usable one.

    unreachable-status and dead-end-status both need it: worked out once per workflow.
    """
    derived = ctx.buckets.derived
    if __name__ not in derived:
        graph = ctx.graph
        derived[__name__] = graph.reachable() if graph.initial_targets() else None
    return derived[__name__]


def unreachable_status(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    reachable = _reachable(ctx)
    if reachable is None:
        return  # no usable create transition: missing-initial-action or dangling-step-reference says so
    entered = {t.target for t in ctx.workflow.transitions if t.target is not None}
    entered.update(step for t in ctx.workflow.transitions for step in t.conditional_targets)
    for status in _own_statuses(ctx.workflow):
        if status.step_id in reachable:
            continue
        if status.step_id in entered:
            why = "only transitions from statuses that are unreachable themselves lead into it"
        else:
            why = "no transition leads into it"
        yield Problem(
            f"status {status.label!r} cannot be reached from the create transition ({why}): add a transition "
            "into it from a reachable status, or delete the step if it is no longer used",
            status.element,
            status=status.label,
            values={"status": status.label},
        )


def _unknown_screens(ctx: LintContext, steps: set[int]) -> dict[int, list[Transition]]:
    """Per step in ``steps``: transitions into it whose screen the catalogue does not describe."""
    found: dict[int, list[Transition]] = {}
    for transition in ctx.workflow.transitions:
        target = transition.target
        if target in steps and transition.screen is not None and ctx.catalogue.screen(transition.screen) is None:
            found.setdefault(target, []).append(transition)
    return found


def dead_end_status(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    holders = resolution_holders(ctx)
    # An unreachable status is unreachable-status's finding; nobody gets stuck in it.
    reachable = _reachable(ctx)
    candidates = [
        s
        for s in _own_statuses(ctx.workflow)
        if s.step_id not in holders and (reachable is None or s.step_id in reachable)
    ]
    if not candidates:
        return
    dead = ctx.graph.dead_ends(candidates)
    unknown = _unknown_screens(ctx, {s.step_id for s in dead if s.step_id is not None}) if dead else {}
    for status in dead:
        screens = unknown.get(status.step_id or 0, [])
        if screens:
            # The unknown screen may well set a resolution, which would make this a final status:
            # unknown-screen asks for it once per screen.
            for screen in dict.fromkeys(t.screen for t in screens if t.screen is not None):
                yield unverified_problem(
                    status.element,
                    screen,
                    [field_title(jira.FIELD_RESOLUTION)],
                    status=status.label,
                    severity=Severity.INFO,
                )
            continue
        message = (
            f"status {status.label!r} has no transition to another status, and issues can enter it without a "
            "resolution, so they stay there open for ever: add a transition out of it; if it is a final status, "
            "set a resolution on every transition into it or map it to the resolved bucket in the catalogue"
        )
        yield Problem(
            message,
            status.element,
            note=notes_text(guess_notes(ctx, [status])),
            status=status.label,
            values={"status": status.label},
        )


# Words that name a deliberate end without a Resolved role: a status with no way out called
# "Rejected" or "Expired Request" is a final status (whether it holds a resolution is
# dead-end-status's question), not a trap. Compared after normalise_name, word by word.
_DONE_WORDS = frozenset(
    normalise_name(word)
    for word in (
        "rejected", "cancelled", "canceled", "declined", "denied", "duplicate", "expired", "withdrawn",
        "abandoned", "failed", "invalid", "obsolete", "archived", "released", "deleted", "aborted",
        "dropped", "approved", "won't do", "won't fix", "wontfix",
    )
)
_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def _done_type(ctx: LintContext, status: Status) -> bool:
    for name in (ctx.buckets.status_name(status), status.name):
        words = [normalise_name(word) for word in _WORDS.findall(name)]
        if normalise_name(name) in _DONE_WORDS or not _DONE_WORDS.isdisjoint(words):
            return True
    return False


def _quoted(statuses: list[Status]) -> str:
    return ", ".join(repr(status.label) for status in statuses)


def no_path_to_resolved(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    resolved, _ = ctx.buckets.role(RESOLVED)
    if not resolved:
        return  # nothing plays the Resolved role: any-to-resolved says so; every status would be "trapped"
    graph = ctx.graph
    steps = ctx.workflow.steps_by_id
    # Ends that count as reached: the Resolved role, statuses that hold a resolution, and final
    # statuses with no way out whose names say they are an end (Rejected, Cancelled, …).
    goals = {status.step_id for status in resolved if status.step_id is not None}
    goals.update(resolution_holders(ctx))
    goals.update(status.step_id for status in graph.dead_ends(_own_statuses(ctx.workflow)) if _done_type(ctx, status))
    # A transition that leads nowhere known (missing-result, dangling-step-reference) may have been
    # meant as the way out: its statuses are not called trapped on a guess.
    for transition in ctx.workflow.transitions:
        targets = [transition.target, *transition.conditional_targets]
        if any(target is None or (target != jira.STAY and target not in steps) for target in targets):
            if transition.kind == GLOBAL:
                return
            goals.update(transition.sources)
    reachable = _reachable(ctx)  # an unreachable status is unreachable-status's finding
    targets = _quoted(resolved[:3]) + (", …" if len(resolved) > 3 else "")
    for group in graph.trapped(goals):
        statuses = [steps[step] for step in group if reachable is None or step in reachable]
        if not statuses:
            continue
        first = statuses[0]
        if len(statuses) == 1:
            where, it = f"status {first.label!r}", "it"
        else:
            where, it = f"statuses {_quoted(statuses)}, which lead only to each other,", "them"
        yield Problem(
            f"no sequence of transitions from {where} reaches a Resolved status ({targets}), so issues that "
            f"enter {it} are never resolved: add a transition from {it} toward a Resolved status, or a global "
            "transition into one",
            first.element,
            status=first.label,
            values={"status": first.label, "statuses": ", ".join(status.label for status in statuses)},
        )


def name_key(name: str) -> str:
    """How admins tell buttons apart: case-insensitive, whitespace runs collapsed."""
    return " ".join(name.split()).casefold()


@record
class _Globals:
    """The global transitions sharing one name, and enough of their targets to answer 'offered here?'."""

    transitions: list[Transition] = field(default_factory=list)
    # At most two representatives with distinct targets (jira.STAY counts as offered everywhere).
    by_target: dict[int | None, Transition] = field(default_factory=dict)

    def add(self, transition: Transition) -> None:
        self.transitions.append(transition)
        if len(self.by_target) < 2 and transition.target not in self.by_target:
            self.by_target[transition.target] = transition

    def offered_at(self, step: int) -> Transition | None:
        """One of these globals that the status offers: Jira hides a global on its own target."""
        for target, transition in self.by_target.items():
            if target != step:
                return transition
        return None


def _labels(transitions: list[Transition]) -> str:
    # repr shows the trailing spaces admins add to get the same label past Jira's editor.
    return ", ".join(f"{t.name!r} (id {t.raw_id})" for t in transitions)


def _clash(transitions: list[Transition]) -> tuple[str, Severity | None]:
    """The consequence, and a lower severity when conditions may keep the buttons apart."""
    if all(restricts(t.conditions) for t in transitions):
        # Every one has conditions: a common pattern is one per approver group, never shown
        # together, which jwflint cannot verify (scripts, groups, fields).
        return (
            "Jira shows identical buttons unless their conditions never hold at the same time: rename them, "
            "or make sure the conditions exclude each other",
            Severity.INFO,
        )
    return (
        "Jira shows identical buttons and API clients that pick a transition by name get the wrong one: "
        "rename or merge them",
        None,
    )


def duplicate_transition_name(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    wf = ctx.workflow
    keys: dict[str, str] = {}  # name -> name_key(name): the same names recur from status to status
    named: list[tuple[Transition, str]] = []  # step and common actions with their keys, in order
    counts: dict[str, int] = {}
    globals_by_name: dict[str, _Globals] = {}
    for transition in wf.transitions:
        kind = transition.kind
        if kind not in (STEP, COMMON, GLOBAL):
            continue
        name = transition.name
        key = keys.get(name)
        if key is None:
            key = keys[name] = name_key(name)
        if kind == GLOBAL:
            group = globals_by_name.get(key)
            if group is None:
                group = globals_by_name[key] = _Globals()
            group.add(transition)
        else:
            named.append((transition, key))
            counts[key] = counts.get(key, 0) + 1

    # A status offers a name twice only when two local actions or a global share it: group by
    # status just those names (the groups keep the order a full grouping would give them).
    local: dict[tuple[int, str], list[Transition]] = {}
    for transition, key in named:
        if counts[key] < 2 and key not in globals_by_name:
            continue
        for source in dict.fromkeys(transition.sources):
            local.setdefault((source, key), []).append(transition)

    for (step, key), transitions in local.items():
        other = globals_by_name.get(key)
        status = wf.status_of_step(step)
        if status is None:
            continue
        shown = list(transitions)
        offered = other.offered_at(step) if other is not None else None
        if offered is not None:
            shown.append(offered)
        if len(shown) < 2:
            continue
        # Point at the status-specific transition an admin would rename: the last local one.
        culprit = (
            max(transitions, key=lambda t: wf.document.line_of(t.element)) if len(transitions) > 1 else transitions[0]
        )
        via = " (one of them global)" if offered is not None else ""
        consequence, severity = _clash(shown)
        yield Problem(
            f"status {status.label!r} offers {len(shown)} transitions named {transitions[0].name.strip()!r}"
            f"{via}: {_labels(shown)}; {consequence}",
            culprit.element,
            status=status.label,
            transition=culprit.label,
            severity=severity,
            values={"name": transitions[0].name.strip(), "status": status.label},
        )

    for group in globals_by_name.values():
        if len(group.transitions) < 2:
            continue
        # Offered together from every status that is none of their targets.
        excluded = {t.target for t in group.transitions if t.target in wf.steps_by_id}
        if len(wf.steps_by_id) <= len(excluded):
            continue
        culprit = group.transitions[-1]
        consequence, severity = _clash(group.transitions)
        yield Problem(
            f"{len(group.transitions)} global transitions, offered from every status, are named "
            f"{culprit.name.strip()!r}: {_labels(group.transitions)}; {consequence}",
            culprit.element,
            transition=culprit.label,
            severity=severity,
            values={"name": culprit.name.strip(), "status": "any status"},
        )


def unused_common_action(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    if transition.kind != COMMON or transition.sources:
        return ()  # once per transition: a plain return is cheaper than an empty generator
    return (
        Problem(
            f"common action {transition.label} is not referenced by any step, so no status offers it: add "
            f'<common-action id="{transition.raw_id}"/> to the steps that need it, or delete it',
            transition.element,
            transition=transition.label,
            values={"transition": transition.label},
        ),
    )


CHECKS = [
    Check(
        name="unreachable_status",
        scope=WORKFLOW,
        function=unreachable_status,
        summary="Every status can be reached from the create transition.",
        values=("status",),
    ),
    Check(
        name="dead_end_status",
        scope=WORKFLOW,
        function=dead_end_status,
        summary="Every reachable status that holds no resolution has a transition out.",
        values=("status",),
    ),
    Check(
        name="no_path_to_resolved",
        scope=WORKFLOW,
        function=no_path_to_resolved,
        summary="From every reachable status some sequence of transitions leads to a Resolved status.",
        values=("status", "statuses"),
    ),
    Check(
        name="duplicate_transition_name",
        scope=WORKFLOW,
        function=duplicate_transition_name,
        summary="No status offers two transitions with the same name.",
        values=("name", "status"),
    ),
    Check(
        name="unused_common_action",
        scope=TRANSITION,
        function=unused_common_action,
        summary="Every common action is referenced by at least one step.",
        values=("transition",),
    ),
]
