"""The bot patch plan: which "Any status → X" transitions a service-desk bot still lacks, and what
each new one carries (screen, restriction, post-functions).

A bucket (Resolved, In Progress, Reopened) counts as served when the bot already has a way in:
a transition into one of its statuses restricted to the bot identity, else a global one, whose
conditions the bot can meet (the same reading as the service-bot rules in jwflint/checks/bot.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jwflint.core import jira
from jwflint.core.errors import JwflintError
from jwflint.lint.checks.base import LintContext
from jwflint.lint.checks.bot import evaluate, restricts_to_bot
from jwflint.lint.checks.coverage import entering, no_role_message, role_of
from jwflint.model.buckets import BUCKET_TITLES, IN_PROGRESS, REOPENED, RESOLVED, normalise_name
from jwflint.model.catalogue import BotIdentity, Catalogue, Screen
from jwflint.model.workflow import GLOBAL, Status, Workflow
from jwflint.patch import fragments, manual
from jwflint.patch.fragments import ActionSpec, FunctionSpec
from jwflint.patch.manual import ManualStep
from jwflint.patch.source import Source
from jwflint.patch.splice import Edit

BOT_BUCKETS = (RESOLVED, IN_PROGRESS, REOPENED)
DEFAULT_SUFFIX = " (bot)"

# The transition names, events and i18n submit labels of Jira's own default workflow.
BASE_NAMES = {RESOLVED: "Resolve", IN_PROGRESS: "Start Progress", REOPENED: "Reopen"}
EVENTS = {RESOLVED: jira.EVENT_RESOLVED, IN_PROGRESS: jira.EVENT_WORK_STARTED, REOPENED: jira.EVENT_REOPENED}


@dataclass(frozen=True)
class BotOptions:
    group: str | None = None
    role: str | None = None  # project role id
    user: str | None = None
    hide_from_users: bool = False
    targets: tuple[tuple[str, str], ...] = ()  # (bucket, status name or id) overriding the guess
    screen: int | None = None
    resolution: str | None = None  # resolution id, or a name the catalogue maps
    unassign_on_reopen: bool = True
    name_suffix: str = DEFAULT_SUFFIX
    buckets: tuple[str, ...] = BOT_BUCKETS

    def identity(self, catalogue: Catalogue) -> BotIdentity:
        """The command line's group/role/user when any is given, else the catalogue's bot.

        Jira trims the names it stores, and the rules compare them trimmed: so are they here.
        """
        group, role, user = (_trimmed(v) for v in (self.group, self.role, self.user))
        if group or role or user:
            return BotIdentity(group, role, user, catalogue.bot.permissions)
        return catalogue.bot

    def catalogue(self, catalogue: Catalogue) -> Catalogue:
        return replace(catalogue, bot=self.identity(catalogue))

    def target(self, bucket: str) -> str | None:
        return dict(self.targets).get(bucket)


def _trimmed(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


class Allocator:
    """New action ids and names, unique across the workflow (and across one run's fixers)."""

    def __init__(self, workflow: Workflow) -> None:
        highest = max((t.id for t in workflow.transitions if t.id is not None), default=0)
        highest = max(highest, *(i for s in workflow.statuses for i in s.action_ids), 0)
        # Jira's editor numbers actions 11, 21, 31 …: the next id ending in 1 above the highest.
        step = jira.ACTION_ID_STEP
        self._next = highest + 1 + (1 - (highest + 1)) % step
        self._names = {_name_key(t.name) for t in workflow.transitions}

    def action_id(self) -> int:
        value = self._next
        self._next += jira.ACTION_ID_STEP
        return value

    def name(self, base: str) -> str:
        candidate, number = base, 1
        while _name_key(candidate) in self._names:
            number += 1
            candidate = f"{base} {number}"
        self._names.add(_name_key(candidate))
        return candidate


def _name_key(name: str) -> str:
    return name.strip().casefold()


@dataclass(frozen=True)
class PlannedTransition:
    bucket: str
    spec: ActionSpec
    target: Status
    screen: int | None

    def change_lines(self) -> list[str]:
        spec = self.spec
        event = next(
            dict(f.args).get(jira.ARG_EVENT_TYPE_ID) for f in spec.functions if f.class_name == jira.FIRE_ISSUE_EVENT
        )
        screen = f"screen {self.screen}" if self.screen is not None else "no screen"
        restricted = f"restricted: {spec.restriction.describe()}" if spec.restriction else "unrestricted"
        lines = [
            f"added transition {spec.name!r} (id {spec.id}): any status -> {self.target.label!r} "
            f"(step {self.target.raw_id}), {screen}, event {event} ({jira.EVENT_NAMES.get(event or '', '?')}), "
            f"{restricted}"
        ]
        if spec.restriction:
            lines.extend(f"  added condition {c.describe()}" for c in spec.restriction.conditions())
        lines.extend(
            f"  added post-function {f.describe()}"
            for f in spec.functions
            if f.class_name not in jira.BUILTIN_POST_FUNCTIONS
        )
        return lines


@dataclass
class BotPlan:
    transitions: list[PlannedTransition]
    manual: list[ManualStep]
    served: list[str]  # buckets the bot can already reach, with the transition that serves them

    @property
    def empty(self) -> bool:
        return not self.transitions

    def change_lines(self) -> list[str]:
        return [line for planned in self.transitions for line in planned.change_lines()]


def find_status(workflow: Workflow, catalogue: Catalogue, spec: str) -> Status | None:
    """A status by name (step or Jira status name), then by status id, then by step id."""
    key = normalise_name(spec)
    statuses = [s for s in workflow.statuses if s.step_id is not None]
    for status in statuses:
        names = (status.name, catalogue.status_name(status.status_id) or "")
        if key and any(normalise_name(n) == key for n in names if n):
            return status
    text = spec.strip()
    for status in statuses:
        if status.status_id == text:
            return status
    return next((s for s in statuses if s.raw_id.strip() == text or str(s.step_id) == text), None)


def bot_can_enter(ctx: LintContext, steps: frozenset[int]) -> str | None:
    """The label of a transition the bot can use to enter ``steps`` from any status, or None."""
    entries = entering(ctx.workflow, steps)
    bot = ctx.catalogue.bot
    candidates = []
    if bot.configured:
        candidates = [t for t in entries if t.conditions is not None and restricts_to_bot(t.conditions, bot)]
    candidates = candidates or [t for t in entries if t.kind == GLOBAL]
    for transition in candidates:
        if transition.conditions is None or evaluate(transition.conditions, ctx).ok:
            return transition.label
    return None


def resolve_screen(catalogue: Catalogue, explicit: int | None) -> tuple[int, Screen | None]:
    """The resolve screen: as given, else a catalogue screen with Assignee and Resolution, else Jira's 3."""
    if explicit is not None:
        return explicit, catalogue.screen(explicit)
    known = [s for s in catalogue.screens.values() if s.has_field("assignee") and s.has_field("resolution")]
    if known:
        best = min(known, key=lambda s: (s.assumed, s.id))
        return best.id, best
    return jira.RESOLVE_SCREEN, catalogue.screen(jira.RESOLVE_SCREEN)


def _no_such_status(bucket: str, wanted: str, workflow: Workflow) -> str:
    """An explicit target the workflow lacks is a typo until shown otherwise: say which names exist."""
    names = [s.name for s in workflow.statuses if s.name]
    shown = ", ".join(repr(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
    flag = "--" + bucket.replace("_", "-")
    return f"{flag} {wanted!r}: the workflow has no status of that name, status id or step id (it has: {shown})"


def resolution_id(catalogue: Catalogue, given: str | None) -> str | None:
    """The resolution the bot's resolve sets: --resolution (an id, or a name in the catalogue), else Done."""
    if given is None:
        return catalogue.resolution_id()
    text = given.strip()
    if text.isascii() and text.isdigit():
        return text
    found = catalogue.resolution_id(text)
    if found is None:
        raise JwflintError(
            f"--resolution {given!r}: not a resolution id, and catalogue.resolutions has no resolution of that name"
        )
    return found


def plan(
    source: Source, catalogue: Catalogue, options: BotOptions, allocator: Allocator, only_missing: bool = True
) -> BotPlan:
    """What to add for each bucket in ``options.buckets`` that the bot cannot reach yet (or every one)."""
    catalogue = options.catalogue(catalogue)
    ctx = LintContext(workflow=source.workflow, catalogue=catalogue)
    result = BotPlan([], [], [])
    identity = catalogue.bot
    restriction = fragments.restriction(identity.group, identity.role, options.hide_from_users)
    for bucket in options.buckets:
        wanted = options.target(bucket)
        if wanted is not None:
            target = find_status(source.workflow, catalogue, wanted)
            if target is None:
                raise JwflintError(_no_such_status(bucket, wanted, source.workflow))
            steps = frozenset({target.step_id}) if target.step_id is not None else frozenset()
        else:
            role = role_of(ctx, bucket)
            if not role.statuses:
                result.manual.append(manual.missing_status(bucket, None, no_role_message(bucket)))
                continue
            target, steps = ctx.buckets.preferred(role.statuses, role.fallback or bucket), role.steps
        served_by = bot_can_enter(ctx, steps) if only_missing else None
        if served_by is not None:
            result.served.append(f"{BUCKET_TITLES[bucket]}: the bot can already use {served_by}")
            continue
        result.transitions.append(_transition(bucket, target, catalogue, options, restriction, allocator, result))
    if result.transitions:
        if identity.user and not (identity.group or identity.role):
            result.manual.append(manual.user_restriction(identity.user))
        if options.hide_from_users:
            result.manual.append(manual.remote_only_unverified())
    return result


def _transition(
    bucket: str,
    target: Status,
    catalogue: Catalogue,
    options: BotOptions,
    restriction: fragments.GroupSpec | None,
    allocator: Allocator,
    result: BotPlan,
) -> PlannedTransition:
    name = allocator.name(BASE_NAMES[bucket] + options.name_suffix)
    functions: list[FunctionSpec] = []
    metas: list[tuple[str, str]] = []
    view = None
    screen: int | None = None
    if bucket == RESOLVED:
        screen, known = resolve_screen(catalogue, options.screen)
        view = jira.VIEW_FIELDSCREEN
        metas.append((jira.META_I18N_SUBMIT, jira.I18N_SUBMIT_RESOLVE))
        step = manual.screen_needs_assignee(screen, known, name)
        if step is not None:
            result.manual.append(step)
        done = resolution_id(catalogue, options.resolution)
        if done is not None:
            functions.append(fragments.update_field(jira.FIELD_RESOLUTION, done))
        else:
            result.manual.append(manual.unknown_resolution(catalogue.done_resolution or "Done", name))
    else:
        # A global transition can start from a resolved status: entering an unresolved one clears it.
        functions.append(fragments.update_field(jira.FIELD_RESOLUTION, ""))
        if bucket == REOPENED and options.unassign_on_reopen:
            functions.append(fragments.update_field(jira.FIELD_ASSIGNEE, ""))
    metas.append(
        (
            jira.META_DESCRIPTION,
            f"Lets the service-desk bot move an issue from any status to {target.label}. Added by jwflint.",
        )
    )
    metas.append((jira.META_SCREEN_ID, str(screen) if screen is not None else ""))
    functions.extend(fragments.builtin_functions(EVENTS[bucket]))
    spec = ActionSpec(
        id=allocator.action_id(),
        name=name,
        target=target.step_id if target.step_id is not None else 0,
        view=view,
        metas=tuple(metas),
        restriction=restriction,
        functions=tuple(functions),
    )
    return PlannedTransition(bucket, spec, target, screen)


def edits(source: Source, transitions: list[PlannedTransition], owner: str = "patch bot") -> list[Edit]:
    """One splice that adds the planned transitions to <global-actions>, creating it when absent."""
    if not transitions:
        return []
    specs = [p.spec for p in transitions]
    root = source.workflow.root
    sections = {child.tag: child for child in reversed(list(root)) if isinstance(child.tag, str)}
    splicer = source.splicer
    existing = sections.get(jira.GLOBAL_ACTIONS)
    if existing is not None:
        return [splicer.append_child(existing, fragments.render_actions(specs, section=False), owner)]
    text = fragments.render_actions(specs, section=True)
    # DTD order: initial-actions, global-actions, common-actions, steps.
    if jira.INITIAL_ACTIONS in sections:
        return [splicer.insert_after(sections[jira.INITIAL_ACTIONS], text, owner)]
    for tag in (jira.COMMON_ACTIONS, jira.STEPS):
        if tag in sections:
            return [splicer.insert_before(sections[tag], text, owner)]
    return [splicer.append_child(root, text, owner)]
