"""The Resolution field across statuses: reopening clears it, and non-resolved statuses never get one.

Jira treats an issue as resolved when its Resolution field is set, whatever its status: the key
is struck through and "resolution is EMPTY" filters, boards and reports skip it. A status
"holds a resolution" when its bucket is resolved, or when it has no bucket and every transition
into it leaves one (a "Rejected" entered with Won't Do). Clearing matters only where an issue
can actually arrive with a resolution: a Done that nothing resolves has none to clear.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import islice
from typing import Any

from jwflint.core import jira
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint.checks.base import TRANSITION, Check, LintContext, Problem, unverified_problem
from jwflint.lint.checks.coverage import describe_screen, field_title, guess_notes, notes_text, quote_list
from jwflint.model.buckets import BUCKET_TITLES, RESOLVED
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import GLOBAL, INITIAL, Transition, Workflow

# Status names listed in one message before "and N more".
_LISTED = 3
_RESOLUTION = field_title(jira.FIELD_RESOLUTION)


def resolution_written(transition: Transition) -> str | None:
    """The resolution id the transition's post-functions leave ("" = cleared), or None if they do not touch it.

    The last writer wins: Update Issue Field on resolution, or JSU's Clear Field Value on the
    issue itself.
    """
    written: str | None = None
    for function in transition.post_functions:
        args = function.args
        if function.class_name == jira.UPDATE_ISSUE_FIELD:
            if args.get(jira.ARG_FIELD_NAME, "").strip().lower() == jira.FIELD_RESOLUTION:
                written = args.get(jira.ARG_FIELD_VALUE, "").strip()
        elif function.class_name == jira.JSU_CLEAR_FIELD_VALUE:
            scope = args.get(jira.JSU_ARG_SCOPE, "").strip()
            fields = [v.strip().lower() for k, v in args.items() if k.startswith(jira.JSU_ARG_FIELD)]
            if scope in ("", jira.JSU_SCOPE_SAME) and jira.FIELD_RESOLUTION in fields:
                written = ""
    return written


def how_it_sets_resolution(transition: Transition, catalogue: Catalogue) -> str | None:
    """How the transition gives the issue a resolution, or None when it does not."""
    written = resolution_written(transition)
    if written is not None:
        return f"an Update Issue Field post-function sets Resolution to id {written}" if written else None
    screen = catalogue.screen(transition.screen)
    if screen is not None and screen.has_field(jira.FIELD_RESOLUTION):
        # Jira makes Resolution required whenever a transition screen shows it.
        return f"its {describe_screen(screen)} asks for a Resolution, which Jira makes required"
    return None


@record(frozen=True)
class _Facts:
    """What one transition does to the resolution, worked out once."""

    sets: bool  # a post-function sets one, or its screen (from the catalogue) asks for one
    clears: bool
    unknown_screen: int | None  # its screen, when the catalogue does not describe it


@record
class ResolutionView:
    """Which statuses hold a resolution, and which of those issues really enter with one."""

    holders: dict[int, str]  # step id -> why it holds one ("" when its bucket is resolved)
    # Holders an issue can enter with a resolution, in status order: True when known, False when
    # only a screen the catalogue does not describe could have asked for it.
    carrying: dict[int, bool]
    unknown_screens: dict[int, list[int]]  # holder -> undescribed screens on transitions into it
    facts: dict[Transition, _Facts]


_VIEWS: weakref.WeakKeyDictionary[Workflow, tuple[Catalogue, ResolutionView]] = weakref.WeakKeyDictionary()


def _facts(workflow: Workflow, catalogue: Catalogue) -> dict[Transition, _Facts]:
    asks: dict[int, bool] = {}  # screen id -> shows Resolution; Screen.has_field normalises every field
    facts: dict[Transition, _Facts] = {}
    # Most transitions have the same few facts: a frozen dataclass is slow to build, so share them.
    shared: dict[tuple[bool, bool, int | None], _Facts] = {}
    for transition in workflow.transitions:
        written = resolution_written(transition)
        screen_id = transition.screen
        screen = catalogue.screen(screen_id)
        if screen_id is not None and screen is not None and screen_id not in asks:
            asks[screen_id] = screen.has_field(jira.FIELD_RESOLUTION)
        key = (
            bool(written) or (written is None and screen_id is not None and asks.get(screen_id, False)),
            written == "" or jira.META_SD_RESOLUTION_CLEAR in transition.metas,
            screen_id if screen_id is not None and screen is None else None,
        )
        fact = shared.get(key)
        if fact is None:
            fact = shared[key] = _Facts(*key)
        facts[transition] = fact
    return facts


def resolution_view(ctx: LintContext) -> ResolutionView:
    """Built once per workflow (and catalogue); every step is linear in the workflow's size.

    Two transition-scoped rules ask for it once per transition: the context's Buckets keep it for
    them (a dict lookup), in front of the weak per-workflow cache that outlives one LintContext.
    """
    derived = ctx.buckets.derived
    view: ResolutionView | None = derived.get(__name__)
    if view is None:
        view = derived[__name__] = _resolution_view(ctx)
    return view


def _resolution_view(ctx: LintContext) -> ResolutionView:
    cached = _VIEWS.get(ctx.workflow)
    if cached is not None and cached[0] is ctx.catalogue:
        return cached[1]
    facts = _facts(ctx.workflow, ctx.catalogue)
    holders = _holders(ctx, facts)
    unknown: dict[int, list[int]] = {}
    for transition, fact in facts.items():
        if fact.unknown_screen is not None and transition.target in holders:
            unknown.setdefault(transition.target, []).append(fact.unknown_screen)
    known = _carrying(ctx, holders, facts, lambda f: f.sets)
    possible = _carrying(ctx, holders, facts, lambda f: f.sets or f.unknown_screen is not None)
    carrying = {
        s.step_id: s.step_id in known for s in ctx.workflow.statuses if s.step_id is not None and s.step_id in possible
    }
    view = ResolutionView(holders, carrying, unknown, facts)
    _VIEWS[ctx.workflow] = (ctx.catalogue, view)
    return view


def resolution_holders(ctx: LintContext) -> dict[int, str]:
    return resolution_view(ctx).holders


def _holders(ctx: LintContext, facts: dict[Transition, _Facts]) -> dict[int, str]:
    """Step ids of the statuses that hold a resolution, with why (empty when the bucket says so).

    A status without a bucket holds one when every transition into it leaves the issue with a
    resolution: it sets one, or it comes only from holders and does not clear it (Resolved →
    "Archived"). A least fixpoint computed with a worklist.
    """
    workflow = ctx.workflow
    holders: dict[int, str] = {}
    candidates: set[int] = set()
    for status in workflow.statuses:
        if status.step_id is None or workflow.steps_by_id.get(status.step_id) is not status:
            continue
        bucket = ctx.buckets.bucket_of(status)
        if bucket == RESOLVED:
            holders[status.step_id] = ""  # guess_notes explains a guessed bucket
        elif bucket is None and ctx.buckets.done_type(status):
            # Canceled, Rejected, Won't Do …: done, so it keeps (and should get) a resolution.
            holders[status.step_id] = f"{status.label!r} is a done-type status (terminal), so it holds a resolution"
        elif bucket is None:
            candidates.add(status.step_id)
    open_ways: dict[int, int] = {}  # per candidate: ways in that do not (yet) leave a resolution
    pending: dict[Transition, int] = {}  # sources not yet known to hold one
    waiting: dict[int, list[Transition]] = {}  # per source step: transitions pending on it
    for transition in workflow.transitions:
        target = transition.target
        if target not in candidates:
            continue
        sources = {s for s in transition.sources if s != target}
        if transition.kind not in (INITIAL, GLOBAL) and not sources:
            continue  # a loop: the issue does not enter the status
        open_ways[target] = open_ways.get(target, 0) + 1
        fact = facts[transition]
        if fact.sets:
            open_ways[target] -= 1
        elif transition.kind in (INITIAL, GLOBAL) or fact.clears:
            continue  # a global is offered from unresolved statuses too
        else:
            missing = [s for s in sources if s not in holders]
            if not missing:
                open_ways[target] -= 1
                continue
            pending[transition] = len(missing)
            for source in missing:
                waiting.setdefault(source, []).append(transition)
    queue = [step for step, count in open_ways.items() if count == 0]
    while queue:
        step = queue.pop()
        if step in holders:
            continue
        status = workflow.steps_by_id[step]
        holders[step] = f"{status.label!r} holds a resolution: every transition into it leaves one"
        for transition in waiting.pop(step, ()):
            pending[transition] -= 1
            if pending[transition] == 0 and transition.target is not None:
                open_ways[transition.target] -= 1
                if open_ways[transition.target] == 0:
                    queue.append(transition.target)
    return holders


def _carrying(
    ctx: LintContext, holders: dict[int, str], facts: dict[Transition, _Facts], seeds: Callable[[_Facts], bool]
) -> set[int]:
    """Holders an issue can enter with a resolution: through a ``seeds`` transition, or from another
    such holder by a transition that does not clear it (Resolved → Closed)."""
    start: set[int] = {step for step, why in holders.items() if why}  # every way in leaves one
    onward: dict[int, list[int]] = {}  # holder -> holders its non-clearing transitions lead to
    global_targets: list[int] = []
    for transition, fact in facts.items():
        target = transition.target
        if target not in holders:
            continue
        if seeds(fact):
            start.add(target)
        elif transition.kind == INITIAL or fact.clears:
            continue
        elif transition.kind == GLOBAL:
            global_targets.append(target)
        else:
            for source in transition.sources:
                if source in holders and source != target:
                    onward.setdefault(source, []).append(target)
    carrying: set[int] = set()
    queue = list(start)
    first: int | None = None  # the first carrying holder: globals fire from it, except into itself
    held_back: list[int] = []
    while queue:
        step = queue.pop()
        if step in carrying:
            continue
        carrying.add(step)
        queue.extend(onward.pop(step, ()))
        if first is None:
            first = step
            for target in global_targets:
                (held_back if target == step else queue).append(target)
        elif held_back:
            queue.extend(held_back)
            held_back = []
    return carrying


def _notes(ctx: LintContext, steps: list[int], view: ResolutionView) -> list[str]:
    statuses = [s for s in (ctx.workflow.status_of_step(step) for step in steps) if s is not None]
    notes = [view.holders[s.step_id] for s in statuses if s.step_id is not None and view.holders[s.step_id]]
    for status in statuses:
        if status.step_id is not None and not view.carrying.get(status.step_id, True):
            screens = ", ".join(dict.fromkeys(str(i) for i in view.unknown_screens.get(status.step_id, ())))
            where = f"screen {screens} on the way in" if screens else "a screen on the way in"
            notes.append(
                f"{status.label!r} has a resolution only if {where} asks for one: describe it in catalogue.screens"
            )
    return notes + guess_notes(ctx, statuses)


# reopen-clears-resolution's text per list of source steps (many findings share theirs): the quoted
# names, the notes, and whether any source is known to carry a resolution. Kept per LintContext.
_DESCRIBED = f"{__name__}:described"


def reopen_clears_resolution(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    # Runs once per transition and nearly always finds nothing: plain returns, no generator.
    if transition.kind == INITIAL:
        return ()
    target = ctx.workflow.status_of_step(transition.target)
    if target is None or target.step_id is None:
        return ()  # a loop (step -1) or a dangling target: the issue does not leave its status
    view = resolution_view(ctx)
    if not view.carrying or target.step_id in view.holders:
        return ()  # no status an issue can enter with a resolution, or the target holds one too
    fact = view.facts[transition]
    if fact.clears or fact.sets:
        return ()  # setting one instead is resolution-on-unresolved-status's finding
    if transition.kind == GLOBAL:
        # Offered from every status but its target. islice keeps this constant per transition
        # however many statuses there are.
        sources = list(islice((step for step in view.carrying if step != target.step_id), _LISTED + 1))
        origin = "any status, including resolved"
    else:
        sources = [step for step in transition.sources if step in view.carrying]
        origin = "resolved"
    if not sources:
        return ()  # no resolution to clear: nothing sets one on the way into those statuses
    names, notes, known = _described(ctx, sources)
    if not known:
        # Only screens the catalogue does not describe could have set the resolution: those on the way
        # into the sources, or into the holder a source is entered from (Resolved -> Closed). The
        # clearing stays a fix (harmless if there was none to clear; `patch bot` relies on it when its
        # resolve shows such a screen): the first problem carries it.
        unsure = [step for step, sure in view.carrying.items() if not sure]
        screens = _unknown_screens_into(view, sources) or _unknown_screens_into(view, unsure)
        return tuple(
            replace(_unverified(transition, target.label, screen, Severity.INFO), fixable=index == 0)
            for index, screen in enumerate(screens)
        )
    bucket = ctx.buckets.bucket_of(target)
    kind = f"{BUCKET_TITLES[bucket]}, not resolved" if bucket else "not resolved"
    message = (
        f"transition {transition.label} leads from {origin} {names} to {target.label!r} ({kind}) without "
        "clearing the resolution, so issues that take it keep their resolution and still count as resolved: "
        "add an Update Issue Field post-function that sets Resolution to None (empty value)"
    )
    return (
        Problem(
            message,
            transition.element,
            note=notes_text(notes),
            status=target.label,
            transition=transition.label,
            fixable=True,
            values={"target": target.label, "sources": names},
        ),
    )


def _unknown_screens_into(view: ResolutionView, steps: Iterable[int]) -> dict[int, None]:
    return dict.fromkeys(screen for step in steps for screen in view.unknown_screens.get(step, ()))


def _described(ctx: LintContext, sources: list[int]) -> tuple[str, list[str], bool]:
    """The quoted source names, the notes on them, and whether any is known to carry a resolution."""
    described: dict[tuple[int, ...], tuple[str, list[str], bool]] = ctx.buckets.derived.setdefault(_DESCRIBED, {})
    key = tuple(sources)
    found = described.get(key)
    if found is None:
        view = resolution_view(ctx)
        names = quote_list(
            (s.label for s in (ctx.workflow.status_of_step(step) for step in sources) if s is not None), _LISTED
        )
        known = any(view.carrying[step] for step in sources)
        found = described[key] = (names, _notes(ctx, sources[:_LISTED], view), known)
    return found


def resolution_on_unresolved_status(
    transition: Transition, args: dict[str, Any], ctx: LintContext
) -> Iterable[Problem]:
    # Once per transition, and usually nothing: plain returns rather than a generator.
    target = ctx.workflow.status_of_step(transition.target)
    if target is None:
        return ()
    bucket = ctx.buckets.bucket_of(target)
    if bucket is None or bucket == RESOLVED:
        return ()  # unbucketed statuses entered with a resolution are taken as resolved ones
    if not resolution_view(ctx).facts[transition].sets:
        return ()
    how = how_it_sets_resolution(transition, ctx.catalogue) or "it sets a resolution"
    message = (
        f"transition {transition.label} leads into {target.label!r} ({BUCKET_TITLES[bucket]}, not resolved) "
        f"but {how}: issues there look resolved while still open; stop setting the resolution here, or map "
        f"{target.label!r} to the resolved bucket in the catalogue if it is a done status"
    )
    return (
        Problem(
            message,
            transition.element,
            note=notes_text(guess_notes(ctx, [target])),
            status=target.label,
            transition=transition.label,
            values={"target": target.label},
        ),
    )


def done_without_resolution(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    """A transition into a done-type status (Canceled, Rejected …) that sets no resolution."""
    target = ctx.workflow.status_of_step(transition.target)
    if target is None or target.step_id is None or not ctx.buckets.done_type(target):
        return ()
    view = resolution_view(ctx)
    fact = view.facts[transition]
    if fact.sets:
        return ()
    if transition.kind not in (INITIAL, GLOBAL) and all(
        s in view.holders and not fact.clears for s in transition.sources if s != target.step_id
    ):
        return ()  # a loop, or from statuses that hold a resolution already (Resolved -> Canceled)
    if fact.unknown_screen is not None:
        # Whether the screen asks for a Resolution is unknown-screen's question.
        return (_unverified(transition, target.label, fact.unknown_screen, Severity.INFO),)
    message = (
        f"transition {transition.label} leads into done-type {target.label!r} but sets no resolution, so issues "
        "there count as unresolved for ever: add an Update Issue Field post-function that sets Resolution "
        "(e.g. Won't Do), or a screen with Resolution"
    )
    return (
        Problem(
            message,
            transition.element,
            status=target.label,
            transition=transition.label,
            values={"target": target.label},
        ),
    )


def _unverified(transition: Transition, status: str, screen: int, severity: Severity | None = None) -> Problem:
    """Whether ``screen`` (not in the catalogue) asks for a Resolution decides the finding: unknown-screen
    reports it once per screen, as a warning if any rule asking would have reported one."""
    return unverified_problem(
        transition.element, screen, [_RESOLUTION], status=status, transition=transition.label, severity=severity
    )


CHECKS = [
    Check(
        name="done_without_resolution",
        scope=TRANSITION,
        function=done_without_resolution,
        summary="A transition into a done-type status (Canceled, Rejected, Won't Do …) sets a resolution.",
        values=("target",),
    ),
    Check(
        name="reopen_clears_resolution",
        scope=TRANSITION,
        function=reopen_clears_resolution,
        summary="A transition from a status holding a resolution into one that does not clears the resolution.",
        values=("target", "sources"),
        fixable=True,
        fix_safe=False,
    ),
    Check(
        name="resolution_on_unresolved_status",
        scope=TRANSITION,
        function=resolution_on_unresolved_status,
        summary="A transition into a status of a non-resolved bucket does not set a resolution.",
        values=("target",),
    ),
]
