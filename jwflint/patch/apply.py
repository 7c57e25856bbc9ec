"""Patch orchestration: plan → render → splice → verify → write.

Nothing is written unless the result parses, keeps its action ids unique, adds no structural
problem and re-lints without the findings it claims to fix; any failure raises, and the caller
leaves the input untouched (exit code 2).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import field, replace

from jwflint.config.settings import Config
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Finding
from jwflint.core.records import record
from jwflint.lint import suppressions
from jwflint.lint.checks.base import LintContext, Problem
from jwflint.lint.checks.coverage import role_of
from jwflint.lint.checks.managed import managed_description
from jwflint.lint.engine import Engine
from jwflint.lint.rules import Rule
from jwflint.model.workflow import Workflow
from jwflint.patch import bot, fixers, splice
from jwflint.patch.manual import ManualStep
from jwflint.patch.source import Source, load

# `jwflint fix` re-lints and fixes again until nothing is left to fix; fixes that touch the same
# bytes wait for the next round. Real workflows settle in two rounds.
MAX_ROUNDS = 6

BOT_CHECK = "any_status_to_bucket"

# Reads a workflow for patching: source.load for an XML export; a bundle's loader adds what its
# statuses.json says about the statuses.
Loader = Callable[[str, bytes], Source]


class VerificationError(JwflintError):
    """The patched output failed verification; nothing was written."""


@record
class Outcome:
    path: str
    original: bytes
    patched: bytes
    changes: list[str] = field(default_factory=list)
    manual: list[ManualStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # after the patch, for the summary
    claimed: set[tuple[str, str, str]] = field(default_factory=set)  # (rule, status, transition) fixed
    # Findings the patch introduces that only the admin can settle (Done's id unknown), each with a
    # manual step: a patch otherwise never adds a finding (tests/test_patch_corpus.py).
    deferred: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return self.patched != self.original

    def diff_texts(self) -> tuple[bytes, bytes]:
        """What --diff compares: the file's bytes (a bundle's outcome compares its workflow.xml)."""
        return self.original, self.patched


def _key(rule_id: str, status: str | None, transition: str | None) -> tuple[str, str, str]:
    return (rule_id, status or "", transition or "")


def verify(
    source: Source,
    patched: bytes,
    engine: Engine,
    claimed: set[tuple[str, str, str]],
    before: list[Finding] | None = None,
    loader: Loader = load,
) -> list[Finding]:
    """Check the patched bytes; return their findings (``before`` when unchanged), or raise VerificationError."""
    if patched == source.data:
        return before if before is not None else engine.lint_workflow(source.workflow)
    try:
        after = loader(source.path, patched)
    except JwflintError as error:
        raise VerificationError(
            f"{source.path}: the patched workflow does not parse ({error}); nothing written"
        ) from None
    return verify_model(source.path, source.workflow, after.workflow, engine, claimed)


def verify_model(
    path: str, original: Workflow, after: Workflow, engine: Engine, claimed: set[tuple[str, str, str]]
) -> list[Finding]:
    """The checks on a patched workflow's model, whatever its format; its findings, or VerificationError."""
    ids = Counter(t.id for t in after.transitions if t.id is not None)
    before_ids = Counter(t.id for t in original.transitions if t.id is not None)
    repeated = sorted(i for i, n in ids.items() if n > 1 and n > before_ids.get(i, 0))
    if repeated:
        raise VerificationError(f"{path}: the patch would repeat action id {repeated[0]}; nothing written")
    before = Counter(p.kind for p in original.problems)
    for kind, count in Counter(p.kind for p in after.problems).items():
        if count > before.get(kind, 0):
            raise VerificationError(f"{path}: the patch would introduce a {kind} problem; nothing written")
    findings = engine.lint_workflow(after)
    left = [f for f in findings if f.fixable and _key(f.rule, f.status, f.transition) in claimed]
    if left:
        first = left[0]
        raise VerificationError(
            f"{path}: after patching, [{first.rule}] is still reported ({first.message}); nothing written"
        )
    return findings


# --- jwflint patch bot ----------------------------------------------------------------------------


def patch_bot(path: str, data: bytes, engine: Engine, options: bot.BotOptions, loader: Loader = load) -> Outcome:
    source = loader(path, data)  # a broken file is the first thing to say
    _refuse_managed(source, options)
    warnings = bot.check_restriction(options, engine.config.catalogue)
    config = replace(engine.config, catalogue=options.catalogue(engine.config.catalogue))
    engine = replace(engine, config=config)
    plan = bot.plan(source, config.catalogue, options, bot.Allocator(source.workflow))
    edits = bot.edits(source, plan.transitions)
    changes = plan.change_lines()
    if edits:
        edits, changes = _without_leading_blanks(source, edits, changes)
    patched = splice.apply(data, edits)
    claimed, before = bot_claims(source.workflow, plan, engine)
    outcome = Outcome(path=path, original=data, patched=patched, changes=changes, manual=list(plan.manual))
    followed: set[tuple[str, str, str]] = set()  # findings the patch caused and fixed: gone when verified
    if patched != data:
        _follow_up(outcome, engine, options, {_key(f.rule, f.status, f.transition) for f in before}, followed, loader)
    findings = verify(source, outcome.patched, engine, claimed | followed, before, loader)
    ids = {p.spec.id for p in plan.transitions}
    labels = {t.label for t in loader(path, outcome.patched).workflow.transitions if t.id in ids} if ids else set()
    outcome.deferred = {
        _key(f.rule, f.status, f.transition)
        for f in findings
        if f.rule in _deferrable(options)
        and f.transition in labels
        and (f.rule != "bot-resolve-sets-done" or not f.fixable)
    }
    outcome.notes = [*warnings, *plan.served]
    outcome.remaining = shown_findings(config, findings)
    outcome.claimed = claimed
    return outcome


# The checks whose findings a bot patch can cause on transitions that were there (see _follow_up).
_FOLLOW_UPS = {"reopen_clears_resolution"}


def _deferrable(options: bot.BotOptions) -> set[str]:
    """Findings on the patch's own transitions that the admin settles: bot-resolve-sets-done when no Done
    id is known (a manual step says so, and the finding is not fixable), and bot-reopen-unassigns when
    --keep-assignee asked for a reopen that keeps the assignee."""
    return {"bot-resolve-sets-done"} | (set() if options.unassign_on_reopen else {"bot-reopen-unassigns"})


# A leading run of blank lines before the XML declaration (Jira Cloud writes two).
_LEADING_BLANKS = re.compile(rb"\A(?:\xef\xbb\xbf)?([ \t\r\n]+)<\?xml")


def _without_leading_blanks(source: Source, edits: list[splice.Edit], changes: list[str]) -> tuple[list, list]:
    """Also drop the blank lines before ``<?xml``: Data Center's importer and strict parsers reject them."""
    match = _LEADING_BLANKS.match(source.data)
    if match is None:
        return edits, changes
    drop = splice.Edit(match.start(1), match.end(1), b"")
    if any(splice.overlaps(e, [drop]) for e in edits):
        return edits, changes
    note = "dropped the blank lines before <?xml (Data Center's importer and strict XML parsers reject them)"
    return [drop, *edits], [*changes, note]


def _follow_up(
    outcome: Outcome,
    engine: Engine,
    options: bot.BotOptions,
    before: set[tuple[str, str, str]],
    followed: set[tuple[str, str, str]],
    loader: Loader = load,
) -> None:
    """Fix what the patch's own change made necessary: a resolve that now sets a resolution makes
    the transitions out of the resolved status need to clear it (reopen-clears-resolution). Each
    fix is listed as a change; findings that were there before are left to `jwflint fix`."""
    for _ in range(MAX_ROUNDS):
        try:
            current = loader(outcome.path, outcome.patched)
        except JwflintError as error:
            raise VerificationError(
                f"{outcome.path}: the patched workflow does not parse ({error}); nothing written"
            ) from None
        ctx, groups = fixable_problems(engine, current, unsafe=True)
        taken: list[splice.Edit] = []
        allocator = bot.Allocator(current.workflow)
        for check_name, problems in groups.items():
            if check_name not in _FOLLOW_UPS:
                continue
            new = [(r, p) for r, p in problems if _key(r.id, p.status, p.transition) not in before]
            if not new:
                continue
            result = fixers.FIXERS[check_name](fixers.FixRequest(current, ctx, new, allocator, options))
            outcome.manual.extend(step for step in result.manual if step not in outcome.manual)
            if not result.edits or any(splice.overlaps(e, taken) for e in result.edits):
                continue
            taken.extend(result.edits)
            outcome.changes.extend(result.changes)
            followed.update(_key(rule.id, p.status, p.transition) for rule, p in result.fixed)
        if not taken:
            return
        outcome.patched = splice.apply(current.data, taken)


def _refuse_managed(source: Source, options: bot.BotOptions) -> None:
    if not options.force and managed_description(source.workflow) is not None:
        raise JwflintError(
            f"{source.path}: Jira Software manages this workflow (\"Do not manually modify\"): it would overwrite "
            "the changes; copy the workflow and patch the copy, or pass --force"
        )


def bot_claims(
    workflow: Workflow, plan: bot.BotPlan, engine: Engine
) -> tuple[set[tuple[str, str, str]], list[Finding]]:
    """The any-to-<bucket> findings a bot plan answers (a transition was added into the bucket's
    role), and the workflow's findings before the patch."""
    ctx = LintContext(workflow=workflow, catalogue=engine.config.catalogue)
    added = {p.bucket for p in plan.transitions if p.target.step_id in role_of(ctx, p.bucket).steps}
    rules = {r.id for r in engine.rules if r.check.name == BOT_CHECK and r.args.get("bucket") in added}
    before = engine.lint_workflow(workflow)
    return {_key(f.rule, f.status, f.transition) for f in before if f.rule in rules}, before


# --- jwflint fix ----------------------------------------------------------------------------------


def _suppressed(config: Config, workflow: str, rule: str, problem: Problem) -> bool:
    """Findings accepted in the config's suppressions are not fixed either."""
    return any(
        entry.rule == rule
        and suppressions.workflow_matches(entry, workflow)
        and suppressions.subject_matches(entry.status, problem.status)
        and suppressions.subject_matches(entry.transition, problem.transition)
        for entry in config.suppressions
    )


def shown_findings(config: Config, findings: list[Finding]) -> list[Finding]:
    """The findings lint would show: without the suppressed ones."""
    return [f for f in findings if not any(suppressions.matches(entry, f) for entry in config.suppressions)]


def fixable_problems(
    engine: Engine, source: Source, unsafe: bool
) -> tuple[LintContext, dict[str, list[tuple[Rule, Problem]]]]:
    """Fixable problems of the active rules whose fix may run, grouped by check name."""
    config = engine.config
    workflow = source.workflow
    ctx = LintContext(
        workflow=workflow,
        catalogue=config.catalogue,
        settings={"required_resolution_fields": config.required_resolution_fields},
    )
    ignored = config.ignored_for(workflow.path) if config.scoped() else set()
    groups: dict[str, list[tuple[Rule, Problem]]] = {}
    for rule in engine.rules:
        if rule.fix is None or not (rule.fix.safe or unsafe) or fixers.fixer_for(rule.check.name) is None:
            continue
        if rule.id in ignored or rule.pack in ignored or workflow.format not in rule.formats:
            continue
        for target in rule.selector.select(ctx):
            for problem in rule.check.function(target, rule.args, ctx):
                if problem.fixable and not _suppressed(config, workflow.name, rule.id, problem):
                    groups.setdefault(rule.check.name, []).append((rule, problem))
    return ctx, groups


def fix(
    path: str, data: bytes, engine: Engine, unsafe: bool, options: bot.BotOptions, loader: Loader = load
) -> Outcome:
    original = loader(path, data)
    _refuse_managed(original, options)
    outcome = Outcome(path=path, original=data, patched=data)
    claimed: set[tuple[str, str, str]] = set()
    current = original
    for round_number in range(MAX_ROUNDS + 1):
        ctx, groups = fixable_problems(engine, current, unsafe)
        taken: list[splice.Edit] = []
        allocator = bot.Allocator(current.workflow)
        for check_name, problems in groups.items():
            result = fixers.FIXERS[check_name](fixers.FixRequest(current, ctx, problems, allocator, options))
            for step in result.manual:
                if step not in outcome.manual:
                    outcome.manual.append(step)
            if not result.edits or any(splice.overlaps(e, taken) for e in result.edits):
                continue  # nothing to do, or it touches bytes another fix changes: next round
            taken.extend(result.edits)
            outcome.changes.extend(result.changes)
            claimed.update(_key(rule.id, p.status, p.transition) for rule, p in result.fixed)
        if not taken:
            break
        if round_number == MAX_ROUNDS:
            raise VerificationError(f"{path}: fixes did not settle after {MAX_ROUNDS} rounds; nothing written")
        try:
            current = loader(path, splice.apply(current.data, taken))
        except JwflintError as error:
            raise VerificationError(f"{path}: a fix broke the workflow ({error}); nothing written") from None
    outcome.patched = current.data
    outcome.remaining = shown_findings(engine.config, verify(original, current.data, engine, claimed, loader=loader))
    outcome.claimed = claimed
    return outcome
