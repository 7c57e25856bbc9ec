"""The bot patch plan: which "Any status → X" transitions a service-desk bot still lacks, and what
each new one carries (screen, restriction, post-functions).

A bucket (Resolved, In Progress, Reopened) counts as served when the bot already has a way in:
a transition into one of its statuses restricted to the bot identity, else a global one, whose
conditions the bot can meet (the same reading as the service-bot rules in jwflint/checks/bot.py).
"""

from __future__ import annotations

from dataclasses import replace

from jwflint.core import jira
from jwflint.core.errors import JwflintError
from jwflint.core.records import record
from jwflint.lint.checks.base import LintContext
from jwflint.lint.checks.bot import bots_among, evaluate, reopens_only, restricts_to_bot
from jwflint.lint.checks.coverage import Role, entering, field_value, last_field_update, no_role_message, role_of
from jwflint.lint.checks.resolution import how_it_sets_resolution, resolution_written
from jwflint.model.buckets import BUCKET_TITLES, IN_PROGRESS, REOPENED, RESOLVED, normalise_name
from jwflint.model.catalogue import BotIdentity, Catalogue, Screen
from jwflint.model.workflow import Status, Transition, Workflow
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


@record(frozen=True)
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
    unrestricted: bool = False  # the admin accepts transitions every user sees on every status
    force: bool = False  # patch even a workflow Jira Software manages

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


# Jira's seed project roles: people hold them, so a transition limited to one is not the bot's alone.
SEED_ROLES = {"10000": "Users", "10001": "Developers", "10002": "Administrators"}


def check_restriction(options: BotOptions, catalogue: Catalogue) -> list[str]:
    """Refuse an unrestricted bot transition unless asked for; warnings about a weak restriction."""
    identity = options.identity(catalogue)
    if not (identity.configured or options.hide_from_users or options.unrestricted):
        raise JwflintError(
            "patch bot: no restriction for the bot's transitions (every user would see them on every status): "
            "give --group, --role, --user or --api-only, set catalogue.bot, or pass --unrestricted"
        )
    warnings = []
    role = (identity.role or "").strip()
    if role in SEED_ROLES:
        warnings.append(
            f"warning: project role {role} is Jira's seed role {SEED_ROLES[role]!r}, which people hold: the "
            "transitions are not the bot's alone; create a role for the bot (or use --group)"
        )
    if options.hide_from_users:
        warnings.append(
            "warning: --hide-from-users writes RemoteOnlyCondition, whose XML class name is unverified and which "
            "Data Center core does not ship: on Data Center prefer --group or --role"
        )
    return warnings


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


@record(frozen=True)
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


@record
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


def bot_candidates(ctx: LintContext, steps: frozenset[int], role: Role | None = None) -> list[Transition]:
    """The transitions the bot would take into ``steps``: those restricted to it, else the global ones
    (of the guessed ``role``'s, only the reopens when the workflow's reopen target plays Reopened)."""
    entries = entering(ctx.workflow, steps)
    if role is not None:
        entries = reopens_only(ctx.buckets, role, entries)
    return bots_among(entries, ctx.catalogue.bot)[0]


@record(frozen=True)
class Judgement:
    """Whether the bot already has a way into a bucket, judged by every service-bot rule."""

    served_by: str | None  # the transition that serves it
    rejected: list[tuple[str, list[str]]]  # the candidates that fall short, and why

    def note(self, bucket: str) -> str:
        title = BUCKET_TITLES[bucket]
        if self.served_by is not None:
            return f"{title}: the bot can already use {self.served_by}"
        label, reasons = self.rejected[0]
        return f"{title}: {label} does not serve the bot ({'; '.join(reasons)}): added a dedicated bot transition"


@record(frozen=True)
class Remedies:
    """What a new bot transition would do better: shortcomings it would share do not count."""

    restricts: bool  # it would carry a condition limiting it to the bot
    screen_known: bool  # its screen is one the catalogue (or Jira's defaults) describes
    sets_resolution: bool  # Done's id is known, or its known screen asks for Resolution
    unassign: bool  # it would unassign on reopen

    @classmethod
    def of(cls, catalogue: Catalogue, options: BotOptions, restriction: object) -> Remedies:
        _, screen = resolve_screen(catalogue, options.screen)
        resolves = resolution_id(catalogue, options.resolution) is not None
        return cls(
            restriction is not None,
            screen is not None,
            resolves or (screen is not None and screen.has_field(jira.FIELD_RESOLUTION)),
            options.unassign_on_reopen,
        )


def judge(
    ctx: LintContext, steps: frozenset[int], bucket: str, remedies: Remedies, role: Role | None = None
) -> Judgement:
    rejected = []
    for transition in bot_candidates(ctx, steps, role):
        reasons = shortcomings(ctx, transition, bucket, remedies)
        if not reasons:
            return Judgement(transition.label, rejected)
        rejected.append((transition.label, reasons))
    return Judgement(None, rejected)


def shortcomings(ctx: LintContext, transition: Transition, bucket: str, remedies: Remedies) -> list[str]:
    """Why the bot cannot rely on ``transition`` into ``bucket``: what the service-bot rules would report.

    Empty when the transition passes bot-can-execute, bot-transition-restricted (with a bot identity),
    and per bucket resolve-screen-has-assignee, resolve-sets-resolution and bot-resolve-sets-done
    (Resolved) or bot-reopen-unassigns (Reopened). A fact only the admin has (Done's id unknown) is not
    a shortcoming, nor is anything a new transition would share (``remedies``): it could not do better.
    """
    catalogue = ctx.catalogue
    found: list[str] = []
    if transition.conditions is not None:
        found.extend(evaluate(transition.conditions, ctx).blockers)
    if remedies.restricts and (
        transition.conditions is None or not restricts_to_bot(transition.conditions, catalogue.bot)
    ):
        found.append("anyone can run it, not only the bot")
    if bucket == RESOLVED:
        screen = catalogue.screen(transition.screen)
        if transition.screen is None:
            found.append("it shows no screen, so the bot cannot set Assignee")
        elif screen is None and remedies.screen_known:
            found.append(f"its screen {transition.screen} is not in the catalogue, so Assignee cannot be verified")
        elif screen is not None and not screen.has_field(jira.FIELD_ASSIGNEE):
            found.append(f"its screen {transition.screen} lacks Assignee")
        written = resolution_written(transition)
        done = catalogue.resolution_id()
        unset = written == "" or (written is None and how_it_sets_resolution(transition, catalogue) is None)
        if unset and remedies.sets_resolution:
            found.append("it sets no resolution")
        elif done is not None and written != done:
            found.append(f"it does not set Resolution to Done (id {done})")
    elif bucket == REOPENED and remedies.unassign:
        update = last_field_update(transition, jira.FIELD_ASSIGNEE)
        if update is None or field_value(update[1]):
            found.append("it does not unassign the issue")
    return found


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
    remedies = Remedies.of(catalogue, options, restriction)
    for bucket in options.buckets:
        wanted = options.target(bucket)
        role: Role | None = None
        if wanted is not None:
            target = find_status(source.workflow, catalogue, wanted)
            if target is None:
                raise JwflintError(_no_such_status(bucket, wanted, source.workflow))
            steps = frozenset({target.step_id}) if target.step_id is not None else frozenset()
        else:
            role = role_of(ctx, bucket)
            if not role.statuses:
                message, note = no_role_message(ctx.buckets, bucket)
                reason = f"{message} ({note})" if note else message
                result.manual.append(manual.missing_status(bucket, None, reason))
                continue
            target, steps = ctx.buckets.preferred(role.statuses, role.fallback or bucket), role.steps
        if only_missing:
            judgement = judge(ctx, steps, bucket, remedies, role)
            if judgement.served_by is not None or judgement.rejected:
                result.served.append(judgement.note(bucket))
            if judgement.served_by is not None:
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
