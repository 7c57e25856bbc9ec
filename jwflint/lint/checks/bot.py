"""Service-bot transitions: what the bot's resolve/reopen transitions set, who may run them, and
whether the bot can meet their conditions.

"The bot's transitions" into a bucket are the transitions entering the bucket's role statuses
that are restricted to the bot identity (catalogue.bot) when one is configured and any is;
otherwise the global ("Any status") transitions into those statuses. When there is none, the
checks here stay silent: any-to-<bucket> reports the absence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field
from pathlib import PurePath
from typing import Any

from jwflint.core import jira
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint.checks.base import WORKFLOW, Arg, Check, LintContext, Problem
from jwflint.lint.checks.coverage import (
    Role,
    Subject,
    entering_role,
    field_value,
    last_field_update,
    role_of,
    screen_problems,
    subject_of,
)
from jwflint.lint.checks.scripted import condition_title, decoded, principals
from jwflint.model.buckets import (
    BUCKETS,
    IN_PROGRESS,
    NEW,
    REOPEN_TARGET,
    REOPENED,
    RESOLVED,
    Buckets,
)
from jwflint.model.catalogue import BotIdentity
from jwflint.model.workflow import GLOBAL, ConditionGroup, Function, Transition

_KEYS_BY_COMPACT = {re.sub(r"[^a-z0-9]", "", key.lower()): key for key in jira.PERMISSION_KEYS}


def normalise_permission(text: str) -> str:
    """One key for the three styles exports use: "Resolve Issue", "resolve" and "RESOLVE_ISSUES"."""
    compact = re.sub(r"[^a-z0-9]", "", text.lower())
    for candidate in (compact, compact + "s"):  # "Create Attachment" → CREATE_ATTACHMENTS
        if candidate in _KEYS_BY_COMPACT:
            return _KEYS_BY_COMPACT[candidate]
    for prefix, key in jira.PERMISSION_PREFIXES:  # Jira's own legacy lookup, first prefix wins
        if compact.startswith(prefix):
            return key
    return text.strip().upper()


@record(frozen=True)
class BotTransitions:
    """The transitions the bot would take into a role: those restricted to it, else the global ones."""

    role: Role
    transitions: list[Transition]
    restricted: bool  # True when these are the transitions restricted to the bot

    def how(self) -> str:
        return "restricted to the bot" if self.restricted else "global"


def bot_transitions(ctx: LintContext, bucket: str) -> BotTransitions:
    """The bot's transitions into a bucket's role. Four rules ask for the same buckets, so each is
    worked out once per workflow and kept on its Buckets (whose catalogue is ctx's)."""
    cache: dict[str, BotTransitions] = ctx.buckets.derived.setdefault(__name__, {})
    found = cache.get(bucket)
    if found is None:
        found = cache[bucket] = _bot_transitions(ctx, bucket)
    return found


def _bot_transitions(ctx: LintContext, bucket: str) -> BotTransitions:
    role = role_of(ctx, bucket)
    entries = reopens_only(ctx.buckets, role, entering_role(ctx, role))
    return BotTransitions(role, *bots_among(entries, ctx.catalogue.bot))


def bots_among(entries: list[Transition], bot: BotIdentity) -> tuple[list[Transition], bool]:
    """Of the transitions into a role, the ones the bot takes: those restricted to it, if any (True),
    else the global ones (False). The lint and `patch bot` judge the same transitions."""
    if bot.configured:
        restricted = [t for t in entries if t.conditions is not None and restricts_to_bot(t.conditions, bot)]
        if restricted:
            return restricted, True
    return [t for t in entries if t.kind == GLOBAL], False


def reopens_only(buckets: Buckets, role: Role, entries: list[Transition]) -> list[Transition]:
    """Into a status that plays Reopened only because the workflow reopens into it (In Progress, say),
    only the reopen transitions are the bot's reopens: the others (Start Progress) serve another role.
    A New status is where any workflow without a Reopened one reopens: every way in counts, as before."""
    if role.fallback != REOPEN_TARGET or all(buckets.bucket_of(s) == NEW for s in role.statuses):
        return entries
    return [t for t in entries if buckets.reopens(t)]


# --- who may run a transition --------------------------------------------------------------------


def _names_user(function: Function, user: str) -> bool:
    pattern = re.compile(r"(?<![\w.@-])" + re.escape(user) + r"(?![\w.@-])", re.IGNORECASE)
    return any(
        pattern.search(decoded(value)) for name, value in function.args.items() if name != jira.ARG_CLASS_NAME and value
    )


def bot_match(function: Function, bot: BotIdentity) -> str | None:
    """How a condition limits a transition to the bot, or None when it does not."""
    cls = function.class_name
    if cls == jira.USER_IN_GROUP and bot.group:
        if function.args.get(jira.ARG_GROUP, "").strip().casefold() == bot.group.casefold():
            return f"group {bot.group!r}"
    elif cls == jira.IN_PROJECT_ROLE and bot.role:
        if function.args.get(jira.ARG_PROJECT_ROLE, "").strip() == bot.role.strip():
            return f"project role {bot.role}"
    elif cls.endswith(jira.REMOTE_ONLY_SUFFIX):
        return "hidden from users (API only)"
    if bot.user and (cls == jira.USER_IS_IN_CUSTOM_FIELD or _names_user(function, bot.user)):
        # A user-field condition cannot be checked against the field's contents: taken leniently.
        return f"user {bot.user!r}"
    return None


def _disabled(function: Function) -> bool:
    """ScriptRunner's switch: a disabled condition is skipped, so it neither restricts nor blocks."""
    return function.args.get(jira.ARG_DISABLED, "").strip().lower() == "true"


def restricts_to_bot(group: ConditionGroup, bot: BotIdentity) -> bool:
    """True when every way through the condition tree needs the bot (AND: one child; OR: all)."""
    results = [
        restricts_to_bot(item, bot)
        if isinstance(item, ConditionGroup)
        else (not item.negate and not _disabled(item) and bot_match(item, bot) is not None)
        for item in group.items
    ]
    if not results:
        return False
    return any(results) if group.operator != "OR" else all(results)


# --- can the bot meet the conditions -----------------------------------------------------------


def _verdict(function: Function, ctx: LintContext) -> tuple[bool | None, str]:
    """Whether the bot meets a (non-negated) condition: True, False, or None when unknown; and why."""
    bot = ctx.catalogue.bot
    cls = function.class_name
    if cls == jira.ALLOW_ONLY_ASSIGNEE:
        return False, "only the assignee may run it, and the bot is rarely the assignee"
    if cls == jira.ALLOW_ONLY_REPORTER:
        return False, "only the reporter may run it, and the bot is rarely the reporter"
    if cls == jira.ALWAYS_FALSE:
        return False, "it hides the transition from everyone, the API included (use Hide From User instead)"
    if cls == jira.USER_IN_GROUP and bot.group:
        group = function.args.get(jira.ARG_GROUP, "").strip()
        if group.casefold() == bot.group.casefold():
            return True, f"the bot is in group {group!r}"
        return False, f"only group {group!r} may run it, and the bot's group is {bot.group!r}"
    if cls == jira.IN_PROJECT_ROLE and bot.role:
        role = function.args.get(jira.ARG_PROJECT_ROLE, "").strip()
        if role == bot.role.strip():
            return True, f"the bot has project role {role}"
        return False, f"only project role {role} may run it, and the bot's role is {bot.role}"
    if cls == jira.PERMISSION_CONDITION and bot.permissions is not None:
        raw = next((function.args[a] for a in jira.ARG_PERMISSIONS if function.args.get(a, "").strip()), "")
        if raw:
            key = normalise_permission(raw)
            held = {normalise_permission(p) for p in bot.permissions}
            if key in held:
                return True, f"the bot holds {key}"
            return False, f"it needs permission {key}, which the bot lacks (catalogue.bot.permissions)"
    if cls.endswith(jira.REMOTE_ONLY_SUFFIX):
        return True, "the API may still run it"
    return None, ""


def scheme_verdict(function: Function, ctx: LintContext) -> tuple[bool, str] | None:
    """A permission condition judged by the catalogue's permission schemes, or None when they do not
    say (no schemes, no bot identity, not a permission condition). A fact, not a guess."""
    facts = ctx.catalogue.permissions
    bot = ctx.catalogue.bot
    schemes_known = facts is not None and facts.schemes
    if function.class_name != jira.PERMISSION_CONDITION or not schemes_known or not bot.known_for_permissions:
        return None
    raw = next((function.args[a] for a in jira.ARG_PERMISSIONS if function.args.get(a, "").strip()), "")
    if not raw:
        return None
    key = normalise_permission(raw)
    used = {p.permission_scheme for p in facts.projects if p.permission_scheme}
    schemes = tuple(s for s in facts.schemes if s.id in used) or facts.schemes
    from jwflint.model import bot_access  # only with permission schemes in the catalogue

    lacking = bot_access.lacking(schemes, key, bot, facts)
    if not lacking:
        return True, f"the bot holds {key}"
    where = ", ".join(f"{s.title()} (line {s.line} of {PurePath(s.path).name})" for s in lacking)
    return False, f"it needs permission {key}, which permission scheme {where} does not grant the bot"


@record(frozen=True)
class Evaluation:
    """Whether the bot can pass a transition's conditions, and what stands in the way."""

    ok: bool
    blockers: list[str]
    certain: bool = False  # blocked for sure: a permission scheme says the bot lacks a permission
    # App conditions (scripts, user/group lists) that name users or groups other than the bot's:
    # counted as met, but unverifiable.
    unverified: list[str] = field(default_factory=list)


def evaluate(group: ConditionGroup, ctx: LintContext) -> Evaluation:
    """Can the bot get through the tree: AND needs every child, OR needs one; unknown counts as met."""
    results = []
    for item in group.items:
        if isinstance(item, ConditionGroup):
            results.append(evaluate(item, ctx))
            continue
        known = None if _disabled(item) else scheme_verdict(item, ctx)
        meets, why = known or ((None, "") if _disabled(item) else _verdict(item, ctx))
        if item.negate and meets is not None:
            if meets:
                why = f"it is negated, so it excludes the bot ({why})"
            meets = not meets
        blocked = meets is False
        unverified = _unverified(item, ctx) if meets is None and not _disabled(item) else []
        results.append(
            Evaluation(not blocked, [f"{item.short_name}: {why}"] if blocked else [], known is not None, unverified)
        )
    failing = [r for r in results if not r.ok]
    if group.operator == "OR" and results and len(failing) < len(results):
        passing = [r for r in results if r.ok]
        if any(not r.unverified for r in passing):
            return Evaluation(True, [])  # a branch the bot meets, or one nobody can check either way
        return Evaluation(True, [], unverified=[u for r in passing for u in r.unverified])
    # AND: one certain blocker blocks for sure; OR: every branch must be blocked for sure.
    certain = bool(failing) and (all if group.operator == "OR" else any)(r.certain for r in failing)
    unverified = [u for r in results for u in r.unverified] if not failing else []
    return Evaluation(not failing, [b for r in failing for b in r.blockers], certain, unverified)


def _unverified(function: Function, ctx: LintContext) -> list[str]:
    """``ScriptRunner condition UserCondition names user 'ann'`` when an app condition names users or
    groups and none is the bot's (catalogue.bot): jwflint cannot tell whether the bot meets it."""
    named = principals(function)
    bot = ctx.catalogue.bot
    if not named or named.includes(bot.user, bot.group):
        return []
    negated = " (negated)" if function.negate or _inverted(function) else ""
    return [f"{condition_title(function)}{negated} names {named.describe()}"]


def _inverted(function: Function) -> bool:
    """ScriptRunner's own switch for negating a condition."""
    return function.args.get(jira.ARG_INVERT_CONDITION, "").strip().lower() == "true"


# --- checks ----------------------------------------------------------------------------------------


def _subject(ctx: LintContext, found: BotTransitions, transition: Transition) -> tuple[Subject, str]:
    """The subject, and ``transition 'Resolve' (id 31) into 'Done', the bot's Resolved transition (global),``."""
    subject = subject_of(ctx, transition, found.role)
    return subject, f"{subject.text}, the bot's {found.role.title} transition ({found.how()}),"


def resolve_screen_has_fields(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    """The transitions the bot resolves with show Assignee: those restricted to the bot when it has any
    (people's own transitions need no Assignee for the bot), else the global ones, else every one."""
    found = bot_transitions(ctx, args["bucket"])
    transitions = found.transitions
    if not found.restricted and not transitions:
        transitions = entering_role(ctx, found.role)
    return screen_problems(ctx, found.role, transitions)


def bot_resolution_is_done(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    found = bot_transitions(ctx, args["bucket"])
    catalogue = ctx.catalogue
    done_name = catalogue.done_resolution or "Done"
    done_id = catalogue.resolution_id()
    done = f"{done_name} (id {done_id})" if done_id else done_name
    names_by_id = {v: k for k, v in catalogue.resolutions.items()}
    for transition in found.transitions:
        subject, lead = _subject(ctx, found, transition)
        update = last_field_update(transition, jira.FIELD_RESOLUTION)
        value = field_value(update[1]) if update else ""
        if update is None:
            message = f"{lead} does not set Resolution: add an Update Issue Field post-function that sets it to {done}"
        elif not value:
            message = f"{lead} clears Resolution: make its Update Issue Field post-function set {done} instead"
        elif done_id is None:
            missing = (
                "the catalogue lists no resolutions (catalogue.resolutions)"
                if not catalogue.resolutions
                else f"the catalogue has no resolution named {done_name!r} (catalogue.resolutions)"
            )
            yield subject.problem(
                f"cannot verify {lead} sets Resolution to {done_name}: it sets resolution id {value}, but {missing}",
                severity=Severity.WARNING,
            )
            continue
        elif value == done_id:
            continue
        else:
            current = f"{names_by_id[value]} (id {value})" if value in names_by_id else f"id {value}"
            message = f"{lead} sets Resolution to {current}, not {done}: change the post-function's value to {done_id}"
        if done_id is None:
            message += f" (its id is unknown: list {done_name!r} in catalogue.resolutions)"
        # Without the Done id there is nothing exact to write: the patch would need a placeholder.
        yield subject.problem(message, fixable=done_id is not None)


def bot_unassigns(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    found = bot_transitions(ctx, args["bucket"])
    fix = "add an Update Issue Field post-function that sets Assignee to Unassigned (empty value)"
    for transition in found.transitions:
        subject, lead = _subject(ctx, found, transition)
        update = last_field_update(transition, jira.FIELD_ASSIGNEE)
        value = field_value(update[1]) if update else ""
        if update is None:
            message = f"{lead} does not unassign the issue: {fix}, so a reopened request goes back to the queue"
        elif value:
            message = f"{lead} sets Assignee to {value!r} instead of Unassigned: clear the post-function's value"
        else:
            later = [f for f in transition.post_functions[update[0] + 1 :] if f.class_name in jira.ASSIGN_FUNCTIONS]
            if not later:
                continue
            message = (
                f"{lead} unassigns the issue, but {later[0].short_name} runs after that and assigns it again: "
                "remove it or move the unassign after it"
            )
        yield subject.problem(message, fixable=True)


def _bot_buckets(args: dict[str, Any], ctx: LintContext) -> Iterator[tuple[BotTransitions, Transition]]:
    seen: set[int] = set()
    for bucket in args["buckets"]:
        found = bot_transitions(ctx, bucket)
        for transition in found.transitions:
            if id(transition) not in seen:
                seen.add(id(transition))
                yield found, transition


def bot_restricted(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    bot = ctx.catalogue.bot
    if not bot.configured:
        return
    options = []
    if bot.group:
        options.append(f"UserInGroupCondition for group {bot.group!r}")
    if bot.role:
        options.append(f"InProjectRoleCondition for project role {bot.role}")
    options.append("Hide From User (RemoteOnlyCondition)")
    for found, transition in _bot_buckets(args, ctx):
        if found.restricted:
            continue
        subject, lead = _subject(ctx, found, transition)
        yield subject.problem(
            f"{lead} can be run by anyone, not only the bot ({bot.describe()}): restrict it with "
            + " or ".join(options),
            # A user alone has no built-in XML condition: the patch can only describe a manual step.
            fixable=bool(bot.group or bot.role),
        )


def bot_can_execute(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    for found, transition in _bot_buckets(args, ctx):
        if transition.conditions is None:
            continue
        result = evaluate(transition.conditions, ctx)
        if result.ok:
            if result.unverified:
                subject, lead = _subject(ctx, found, transition)
                yield subject.problem(
                    f"cannot verify the bot can run {lead.rstrip(',')}: {'; '.join(result.unverified)}; make sure "
                    "the bot's account is among them, or add an OR branch the bot meets (its group, project role "
                    "or Hide From User)",
                    severity=Severity.WARNING,
                )
            continue
        subject, lead = _subject(ctx, found, transition)
        problem = subject.problem(
            f"the bot {'cannot' if result.certain else 'likely cannot'} run {lead.rstrip(',')}: "
            f"{'; '.join(result.blockers)}; remove these conditions "
            "or add an OR branch the bot meets (its group, project role or Hide From User)"
        )
        problem.certain = result.certain
        yield problem


_BUCKETS = Arg("list", default=[RESOLVED, IN_PROGRESS, REOPENED], choices=BUCKETS)

CHECKS = [
    Check(
        name="resolve_screen_has_fields",
        scope=WORKFLOW,
        function=resolve_screen_has_fields,
        summary="The transitions the bot resolves with (restricted to it, else global, else every one into the "
        "bucket) show a screen with Assignee and the configured required_resolution_fields.",
        args={"bucket": Arg("str", default=RESOLVED, choices=BUCKETS)},
    ),
    Check(
        name="bot_resolution_is_done",
        scope=WORKFLOW,
        function=bot_resolution_is_done,
        summary="The bot's transitions into a bucket set Resolution to the catalogue's Done resolution.",
        args={"bucket": Arg("str", default=RESOLVED, choices=BUCKETS)},
        fixable=True,
        fix_safe=False,
    ),
    Check(
        name="bot_unassigns",
        scope=WORKFLOW,
        function=bot_unassigns,
        summary="The bot's transitions into a bucket set Assignee to Unassigned.",
        args={"bucket": Arg("str", default=REOPENED, choices=BUCKETS)},
        fixable=True,
        fix_safe=False,
    ),
    Check(
        name="bot_restricted",
        scope=WORKFLOW,
        function=bot_restricted,
        summary="The bot's transitions are limited to the configured bot identity.",
        args={"buckets": _BUCKETS},
        fixable=True,
        fix_safe=False,
    ),
    Check(
        name="bot_can_execute",
        scope=WORKFLOW,
        function=bot_can_execute,
        summary="The bot can meet the conditions of its transitions.",
        args={"buckets": _BUCKETS},
    ),
]
