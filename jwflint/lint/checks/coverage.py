"""Service-bot coverage: can an issue reach each bucket the bot needs, and do resolving transitions
show the fields and set the resolution the bot relies on.

All checks here are linear in the size of the workflow. The roles, and the transitions into each,
are worked out once per workflow and shared by these checks and the bot's (see ``_Shared``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any

from lxml import etree

from jwflint.core import jira
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint.checks.base import WORKFLOW, Arg, Check, LintContext, Problem, unverified_problem
from jwflint.model.buckets import (
    BUCKET_TITLES,
    BUCKETS,
    REOPENED,
    RESOLVED,
    ROLE_FALLBACK,
    UNPLACED_CLOSE,
    UNPLACED_DONE_TYPE,
    UNPLACED_UNKNOWN,
    Buckets,
    fallback_title,
)
from jwflint.model.catalogue import Screen
from jwflint.model.workflow import FORMAT_CLOUD, GLOBAL, INITIAL, Function, Status, Transition, Workflow

# Long lists of statuses are cut after this many names, so a 2,000-status workflow stays readable.
MAX_LISTED = 10
# Candidates for an empty role: a few names per reason are enough to say what to map.
MAX_CANDIDATES = 5

FIELD_TITLES = {"assignee": "Assignee", "resolution": "Resolution"}


@record(frozen=True)
class Role:
    """The statuses playing one bucket's role, and the bucket they came from when it fell back."""

    bucket: str
    statuses: list[Status]
    fallback: str | None
    steps: frozenset[int]

    @property
    def title(self) -> str:
        return BUCKET_TITLES[self.bucket]

    def describe(self) -> str:
        """``Resolved ('Done')``, or ``Reopened (no Reopened status, so New plays its role: 'Open')``."""
        names = quote_list(s.label for s in self.statuses)
        if self.fallback:
            return f"{self.title} (no {self.title} status, so {fallback_title(self.fallback)} plays its role: {names})"
        return f"{self.title} ({names})"


@record
class _Shared:
    """Per-workflow facts several rules ask for (any-to-*, resolve-*, bot-*), each worked out once.

    Kept on the workflow's Buckets (``Buckets.derived``), which lives as long as the LintContext and
    whose workflow and catalogue never change, so nothing here goes stale.
    """

    roles: dict[str, Role] = field(default_factory=dict)
    into: dict[str, list[Transition]] = field(default_factory=dict)  # per bucket: moves into its role
    entering: dict[str, list[Transition]] = field(default_factory=dict)  # per bucket: entering() its role
    section: etree._Element | None = None
    # subject_of per (bucket, transition): the resolve-* and bot-* rules name the same transitions.
    subjects: dict[tuple[str, Transition], Subject] = field(default_factory=dict)
    # Screen.has_field per (screen id, field): it normalises every field of the screen each time.
    screen_fields: dict[tuple[int, str], bool] = field(default_factory=dict)


def _shared(ctx: LintContext) -> _Shared:
    derived = ctx.buckets.derived
    found = derived.get(__name__)
    if found is None:
        found = derived[__name__] = _Shared()
    return found


def role_of(ctx: LintContext, bucket: str) -> Role:
    """The bucket's role; one object per workflow and bucket, so callers must not change it."""
    facts = _shared(ctx)
    role = facts.roles.get(bucket)
    if role is None:
        statuses, fallback = ctx.buckets.role(bucket)  # members() has a step id already
        role = Role(bucket, statuses, fallback, frozenset(s.step_id for s in statuses if s.step_id is not None))
        facts.roles[bucket] = role
    return role


def _into(ctx: LintContext, role: Role) -> list[Transition]:
    """Non-initial transitions that may lead into the role's statuses, in document order (cached)."""
    facts = _shared(ctx)
    found = facts.into.get(role.bucket)
    if found is None:
        steps = role.steps
        found = facts.into[role.bucket] = [t for t in ctx.workflow.transitions if _leads_into(t, steps)]
    return found


def entering_role(ctx: LintContext, role: Role) -> list[Transition]:
    """``entering(workflow, role.steps)``, worked out once per workflow and bucket (do not change it)."""
    facts = _shared(ctx)
    found = facts.entering.get(role.bucket)
    if found is None:
        found = facts.entering[role.bucket] = [t for t in _into(ctx, role) if _enters_from_outside(t, role.steps)]
    return found


def no_role_message(buckets: Buckets, bucket: str) -> tuple[str, str]:
    """The finding that no status plays a bucket's role, and its note: the statuses jwflint considered
    and did not take, and why, so the admin knows which one to map."""
    title = BUCKET_TITLES[bucket]
    fallback = ROLE_FALLBACK.get(bucket)
    what = f"map one in the catalogue (catalogue.buckets.{bucket})"
    if bucket == REOPENED and fallback:
        message = (
            f"no status plays the {title} role, no reopen transition leads into an open status, and no status "
            f"plays the {BUCKET_TITLES[fallback]} role it falls back to: {what}"
        )
    elif fallback:
        message = f"no status plays the {title} role, nor the {BUCKET_TITLES[fallback]} role it falls back to: {what}"
    else:
        message = f"no status plays the {title} role: {what}"
    return message, candidates_note(buckets, bucket)


def candidates_note(buckets: Buckets, bucket: str) -> str:
    """``candidates jwflint did not take: 'Dev WIP' resembles In Progress by name; 'Waiting' is taken as
    Waiting``, or, when every status plays another role, which role each plays."""
    title = BUCKET_TITLES[bucket]
    groups = buckets.unplaced(bucket)
    if groups:
        parts = []
        for kind, statuses in groups:
            one = len(statuses) == 1
            if kind == UNPLACED_CLOSE:
                why = f"{'resembles' if one else 'resemble'} {title} by name"
            elif kind == UNPLACED_DONE_TYPE:
                why = f"{'is' if one else 'are'} done-type (never the bot's resolve target)"
            elif kind == UNPLACED_UNKNOWN:
                why = f"{'matches' if one else 'match'} no name or status id jwflint knows"
            else:
                why = f"{'is' if one else 'are'} taken as {BUCKET_TITLES[kind]}"
            parts.append(f"{quote_list((s.label for s in statuses), MAX_CANDIDATES)} {why}")
        return "candidates jwflint did not take: " + "; ".join(parts)
    roles = []
    for status in buckets.workflow.statuses:
        current = buckets.bucket_of(status)
        role = BUCKET_TITLES[current] if current else "done-type" if buckets.done_type(status) else None
        if role:
            roles.append(f"{status.label!r} is {role}")
    if not roles:
        return ""
    return f"every status plays another role ({listed(roles, MAX_CANDIDATES)}): add a status for it to the workflow"


def quote_list(names: Iterable[str], limit: int = MAX_LISTED) -> str:
    return listed([repr(n) for n in names], limit) or "none"


def listed(items: list[str], limit: int = MAX_LISTED) -> str:
    """``a, b, c and 4 more``: the first ``limit`` items as they are, then how many were left out."""
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def guess_notes(ctx: LintContext, statuses: Iterable[Status]) -> list[str]:
    """``took 'Done' as Resolved from its name`` for every status whose bucket was guessed."""
    notes = []
    for status in statuses:
        assignment = ctx.buckets.by_step.get(status.step_id) if status.step_id is not None else None
        if assignment is None or not assignment.guessed:
            continue
        reason = assignment.reason
        if reason == f"its name {status.label!r}":
            reason = "its name"
        notes.append(f"took {status.label!r} as {BUCKET_TITLES[assignment.bucket]} from {reason}")
    return notes


def notes_text(notes: list[str]) -> str:
    """A Problem's ``note``: the engine adds it to the message in parentheses."""
    return "; ".join(notes)


def transition_text(transition: Transition) -> str:
    return f"transition {transition.name!r} (id {transition.raw_id})"


def targets_of(transition: Transition) -> list[int]:
    """Every step a transition may lead to (its result and any conditional results)."""
    targets = [] if transition.target is None else [transition.target]
    targets.extend(transition.conditional_targets)
    return targets


def entering(workflow: Workflow, steps: frozenset[int]) -> list[Transition]:
    """Transitions that move an issue into ``steps`` from a status outside them.

    A global transition is offered from every status, so it always counts; Resolved → Closed
    does not, because the issue already carries what it got on the way in.
    """
    return [t for t in workflow.transitions if _leads_into(t, steps) and _enters_from_outside(t, steps)]


def _leads_into(transition: Transition, steps: frozenset[int]) -> bool:
    """A non-initial transition that may lead into ``steps`` (targets_of() without its list:
    conditional results are rare)."""
    if transition.kind == INITIAL:
        return False
    extra = transition.conditional_targets
    return transition.target in steps or (bool(extra) and not steps.isdisjoint(extra))


def _enters_from_outside(transition: Transition, steps: frozenset[int]) -> bool:
    """Offered from some status outside ``steps``: a global always, another if a source is outside."""
    return transition.kind == GLOBAL or not steps.issuperset(transition.sources)


def target_status(workflow: Workflow, transition: Transition, steps: frozenset[int]) -> Status | None:
    for target in targets_of(transition):
        if target in steps:
            return workflow.status_of_step(target)
    return None


def section_element(workflow: Workflow) -> etree._Element:
    """Where a workflow-wide coverage finding points: <global-actions>, else <steps>, else the root."""
    root = workflow.root
    if workflow.format == FORMAT_CLOUD:
        return root  # the workflow's own JSON object
    for tag in (jira.GLOBAL_ACTIONS, jira.STEPS):
        child = next(root.iterchildren(tag), None)  # lxml filters by tag, without a proxy per child
        if child is not None:
            return child
    return root


def _section(ctx: LintContext) -> etree._Element:
    facts = _shared(ctx)
    if facts.section is None:
        facts.section = section_element(ctx.workflow)
    return facts.section


def field_title(field_id: str) -> str:
    return FIELD_TITLES.get(field_id.strip().lower(), field_id)


def describe_screen(screen: Screen) -> str:
    text = f"screen {screen.id} {screen.name!r}"
    return f"{text} (Jira's default contents, assumed)" if screen.assumed else text


def last_field_update(transition: Transition, field_name: str) -> tuple[int, Function] | None:
    """The last Update Issue Field post-function on ``field_name`` (it wins), with its position."""
    found = None
    for index, function in enumerate(transition.post_functions):
        if (
            function.class_name == jira.UPDATE_ISSUE_FIELD
            and function.args.get(jira.ARG_FIELD_NAME, "").strip().lower() == field_name
        ):
            found = (index, function)
    return found


def field_value(function: Function) -> str:
    return function.args.get(jira.ARG_FIELD_VALUE, "").strip()


# --- any-to-<bucket> -------------------------------------------------------------------------


def any_status_to_bucket(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    role = role_of(ctx, args["bucket"])
    if not role.statuses:
        message, note = no_role_message(ctx.buckets, role.bucket)
        yield Problem(message, _section(ctx), note=note, values={"bucket": role.title})
        return
    seen: set[int] = set(role.steps)  # the role's own statuses, and those with a way in
    for transition in _into(ctx, role):
        if transition.kind == GLOBAL:
            return  # offered from every status: every status outside the bucket has a way in
        seen.update(transition.sources)
    lacking = []
    for status in ctx.workflow.statuses:
        if status.step_id is not None and status.step_id not in seen:
            seen.add(status.step_id)
            lacking.append(status)
    if not lacking:
        return
    first = ctx.buckets.preferred(role.statuses, role.fallback or role.bucket)
    names = quote_list([s.label for s in lacking])
    message = (
        f"no transition leads into {role.describe()} from {names}: "
        f"add a global transition (from Any status) into {first.label!r} so the bot can move issues "
        f"to {role.title} from every status"
    )
    yield Problem(
        message,
        _section(ctx),
        note=notes_text(guess_notes(ctx, role.statuses)),
        status=first.label,
        fixable=True,
        values={"bucket": role.title, "target": first.label, "lacking": names},
    )


@record(frozen=True)
class Subject:
    """One transition into a role, as findings name it, with the notes on how its target was chosen."""

    text: str  # transition 'Done' (id 31) into 'Done'
    element: etree._Element
    status: str
    transition: str
    notes: list[str]

    def problem(self, message: str, severity: Severity | None = None, fixable: bool = False) -> Problem:
        return Problem(
            message,
            self.element,
            note=notes_text(self.notes),
            status=self.status,
            transition=self.transition,
            severity=severity,
            fixable=fixable,
        )

    def unverified(self, screen: int, *fields: str) -> Problem:
        """The rule cannot tell whether ``screen`` (not in the catalogue) shows ``fields``: unknown-screen
        reports it once per screen (see checks.unverified)."""
        return unverified_problem(self.element, screen, fields, status=self.status, transition=self.transition)


def subject_of(ctx: LintContext, transition: Transition, role: Role) -> Subject:
    facts = _shared(ctx)
    if facts.roles.get(role.bucket) is not role:  # not role_of's: nothing to share
        return _subject_of(ctx, transition, role)
    key = (role.bucket, transition)
    subject = facts.subjects.get(key)
    if subject is None:
        subject = facts.subjects[key] = _subject_of(ctx, transition, role)
    return subject


def _subject_of(ctx: LintContext, transition: Transition, role: Role) -> Subject:
    target = target_status(ctx.workflow, transition, role.steps)
    label = target.label if target else "?"
    notes = []
    if role.fallback:
        notes.append(f"no {role.title} status, so {fallback_title(role.fallback)} plays its role")
    notes.extend(guess_notes(ctx, [target] if target else []))
    return Subject(f"{transition_text(transition)} into {label!r}", transition.element, label, transition.label, notes)


def _has_field(ctx: LintContext, screen_id: int, screen: Screen, field_id: str) -> bool:
    """``screen.has_field(field_id)`` for ``screen = ctx.catalogue.screen(screen_id)``, asked once."""
    known = _shared(ctx).screen_fields
    key = (screen_id, field_id)
    found = known.get(key)
    if found is None:
        found = known[key] = screen.has_field(field_id)
    return found


# --- resolve-screen-has-assignee ---------------------------------------------------------------


def screen_problems(ctx: LintContext, role: Role, transitions: list[Transition]) -> Iterator[Problem]:
    """resolve-screen-has-assignee's findings on ``transitions`` into ``role`` (the bot's, see checks.bot)."""
    wanted = ["assignee", *ctx.settings.get("required_resolution_fields", ())]
    for transition in transitions:
        subject = subject_of(ctx, transition, role)
        if transition.screen is None:
            yield subject.problem(
                f"{subject.text} shows no screen: the bot cannot set Assignee while resolving; give it a screen "
                'with Assignee (view="fieldscreen" + jira.fieldscreen.id)'
            )
            continue
        screen = ctx.catalogue.screen(transition.screen)
        if screen is None:
            yield subject.unverified(transition.screen, *(field_title(f) for f in wanted))
            continue
        missing = [field_title(f) for f in wanted if not _has_field(ctx, transition.screen, screen, f)]
        if missing:
            them = "it" if len(missing) == 1 else "them"
            yield subject.problem(
                f"{subject.text} shows {describe_screen(screen)}, which lacks {', '.join(missing)}: add {them} to "
                f"the screen, or give the transition a screen that has {them}"
            )


# --- resolve-sets-resolution -------------------------------------------------------------------


def sets_resolution(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    role = role_of(ctx, args["bucket"])
    fix = "add an Update Issue Field post-function that sets Resolution (e.g. Done), or a screen with Resolution"
    for transition in entering_role(ctx, role):
        update = last_field_update(transition, jira.FIELD_RESOLUTION)
        if update is not None:
            if not field_value(update[1]):
                subject = subject_of(ctx, transition, role)
                yield subject.problem(
                    f"{subject.text} clears the resolution (Update Issue Field sets Resolution to none): set it to "
                    "a resolution such as Done instead, or issues land in a done status unresolved"
                )
            continue
        subject = subject_of(ctx, transition, role)
        if transition.screen is None:
            yield subject.problem(f"{subject.text} sets no resolution: no screen, and no post-function sets it; {fix}")
            continue
        screen = ctx.catalogue.screen(transition.screen)
        if screen is None:
            yield subject.unverified(transition.screen, field_title(jira.FIELD_RESOLUTION))
        elif not _has_field(ctx, transition.screen, screen, jira.FIELD_RESOLUTION):
            yield subject.problem(
                f"{subject.text} sets no resolution: {describe_screen(screen)} has no Resolution field and no "
                f"post-function sets it; {fix}"
            )


_BUCKET_ARG = Arg("str", required=True, choices=BUCKETS, help="the bucket whose role statuses are checked")

CHECKS = [
    Check(
        name="any_status_to_bucket",
        scope=WORKFLOW,
        function=any_status_to_bucket,
        summary="From every status outside a bucket, some transition leads into the bucket's role statuses.",
        args={"bucket": _BUCKET_ARG},
        values=("bucket", "target", "lacking"),
        fixable=True,
        fix_safe=False,
    ),
    Check(
        name="sets_resolution",
        scope=WORKFLOW,
        function=sets_resolution,
        summary="Every transition into a bucket from outside it sets a resolution (screen or post-function).",
        args={"bucket": Arg("str", default=RESOLVED, choices=BUCKETS)},
    ),
]


# --- resolve-event / reopen-event ----------------------------------------------------------------


def _event_transitions(ctx: LintContext, bucket: str) -> list[Transition]:
    """Transitions into the bucket's own statuses (no fallback) from outside them; for Reopened also
    every transition named Reopen / Re-open, whatever status it leads into."""
    members = ctx.buckets.members(bucket)
    steps = frozenset(s.step_id for s in members if s.step_id is not None)
    found = entering(ctx.workflow, steps)
    if bucket == REOPENED:
        already = {id(t) for t in found}
        reopen_named = ctx.buckets.reopen_named
        found.extend(
            t for t in ctx.workflow.transitions if t.kind != INITIAL and id(t) not in already and reopen_named(t.name)
        )
    return found


def event_on_entry(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    bucket = args["bucket"]
    wanted = [str(e) for e in args["events"]]
    names = " or ".join(f"{e} ({jira.EVENT_NAMES.get(e, '?')})" for e in wanted)
    for transition in _event_transitions(ctx, bucket):
        fired = [e for e in transition.fired_events() if e]
        if not fired or any(e in wanted for e in fired):
            continue  # no event at all is standard-post-functions' finding
        event = fired[-1]
        target = ctx.workflow.status_of_step(transition.target)
        label = target.label if target else "?"
        yield Problem(
            f"{transition_text(transition)} into {label!r} fires event {event} "
            f"({jira.EVENT_NAMES.get(event, 'a custom event')}), not {names}: bots and notification schemes "
            f"listen for {names}; change the Fire Issue Event post-function's event",
            transition.element,
            status=label,
            transition=transition.label,
        )


CHECKS.append(
    Check(
        name="event_on_entry",
        scope=WORKFLOW,
        function=event_on_entry,
        summary="Transitions into a bucket's statuses fire one of the given events.",
        args={
            "bucket": _BUCKET_ARG,
            "events": Arg("list", required=True, help="the event ids a transition into the bucket may fire"),
        },
    )
)
