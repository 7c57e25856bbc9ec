"""Patch orchestration: plan → render → splice → verify → write.

Nothing is written unless the result parses, keeps its action ids unique, adds no structural
problem and re-lints without the findings it claims to fix; any failure raises, and the caller
leaves the input untouched (exit code 2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from jwflint.config.settings import Config
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Finding
from jwflint.lint import suppressions
from jwflint.lint.checks.base import LintContext, Problem
from jwflint.lint.checks.coverage import role_of
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


@dataclass
class Outcome:
    path: str
    original: bytes
    patched: bytes
    changes: list[str] = field(default_factory=list)
    manual: list[ManualStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # after the patch, for the summary
    claimed: set[tuple[str, str, str]] = field(default_factory=set)  # (rule, status, transition) fixed

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
    source = loader(path, data)
    config = replace(engine.config, catalogue=options.catalogue(engine.config.catalogue))
    engine = replace(engine, config=config)
    plan = bot.plan(source, config.catalogue, options, bot.Allocator(source.workflow))
    patched = splice.apply(data, bot.edits(source, plan.transitions))
    claimed, before = bot_claims(source.workflow, plan, engine)
    findings = verify(source, patched, engine, claimed, before, loader)
    return Outcome(
        path=path,
        original=data,
        patched=patched,
        changes=plan.change_lines(),
        manual=plan.manual,
        notes=plan.served,
        remaining=shown_findings(config, findings),
        claimed=claimed,
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
    ignored = config.ignored_for(workflow.path) if config.per_path_ignores else set()
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
