"""The lint pipeline: read → parse → model → select → check → findings. Pure apart from reading files."""

from __future__ import annotations

from collections import Counter
from dataclasses import field
from itertools import chain, repeat
from typing import TYPE_CHECKING

from jwflint.config.settings import Config
from jwflint.core import collector
from jwflint.core.errors import ConfigError, InputError
from jwflint.core.findings import Finding, Severity, sort_findings
from jwflint.core.records import record
from jwflint.lint.checks.base import SCHEMES, UNVERIFIED, LintContext, Problem, SchemeContext
from jwflint.lint.checks.structure import INPUT, InputFailure
from jwflint.lint.rules import Rule, bundled_pack_paths, load_pack
from jwflint.model import workflow as model_module
from jwflint.model.workflow import Workflow
from jwflint.sources import permission_scheme, registry
from jwflint.sources.files import read_bytes

if TYPE_CHECKING:
    from jwflint.model.permissions import PermissionScheme, SchemeSet


@record
class FileResult:
    """What linting one file gave: its findings, and the workflows they were found in."""

    path: str
    findings: list[Finding]
    workflow: Workflow | None = None  # the first (or only) workflow of the file
    failed: bool = False  # the input could not be linted: exit code 2
    skipped: bool = False  # not a workflow, and the caller asked to skip those
    # Every workflow of the file: a Cloud JSON document may hold several (each linted on its own,
    # its findings named by its workflow); XML exports and bundles hold one.
    workflows: list[Workflow] = field(default_factory=list)
    schemes: tuple[PermissionScheme, ...] | None = None  # a permission scheme document's schemes

    def names(self) -> list[str]:
        """What suppressions and baselines name the file's findings by: its workflows, or its
        permission schemes, or (when it could not be read) the name taken from the file."""
        if self.schemes is not None:
            return [scheme.name for scheme in self.schemes]
        workflows = self.workflows or ([self.workflow] if self.workflow else [])
        return [workflow.name for workflow in workflows] or [model_module.workflow_name(self.path)]

    def summary(self) -> dict[str, object]:
        """The JSON report's entry for the file; a Cloud document holding several workflows sums
        their statuses and transitions and lists their names under ``workflows``."""
        workflows = self.workflows or ([self.workflow] if self.workflow else [])
        kinds = Counter(t.kind for workflow in workflows for t in workflow.transitions)
        summary: dict[str, object] = {
            "path": self.path,
            "workflow": workflows[0].name if workflows else None,
            "statuses": sum(len(workflow.statuses) for workflow in workflows),
            "transitions": {kind: kinds.get(kind, 0) for kind in model_module.TRANSITION_KINDS},
        }
        if len(workflows) > 1:
            summary["workflows"] = [workflow.name for workflow in workflows]
        if self.schemes is not None:
            summary["permission_schemes"] = [scheme.name for scheme in self.schemes]
        return summary


# Packs that run with a profile besides its own: the bot's account is part of serving the bot.
PROFILE_COMPANIONS = {"service-bot": ("bot-account",)}


def load_rules(config: Config, extra_packs: tuple[str, ...] = ()) -> list[Rule]:
    """Bundled packs, then the config's and the command line's; active_rules() does the selecting."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in [*map(str, bundled_pack_paths()), *config.packs, *extra_packs]:
        for rule in load_pack(path):
            if rule.id in seen:
                raise ConfigError(f"{rule.source}: rule id {rule.id!r} is already defined at {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return rules


def active_rules(all_rules: list[Rule], config: Config, profile: str | None = None) -> list[Rule]:
    profile = profile or config.profile
    chosen = []
    kept = (profile, "structure", *PROFILE_COMPANIONS.get(profile, ())) if profile else ()
    for rule in all_rules:
        if rule.check.scope == INPUT:
            continue
        # What the profile's rules could not verify is reported by its own rule, whatever its pack.
        if profile and rule.pack not in kept and rule.check.scope != UNVERIFIED:
            continue
        if config.select and rule.id not in config.select and rule.pack not in config.select:
            continue
        if rule.id in config.ignore or rule.pack in config.ignore:
            continue
        chosen.append(rule)
    return chosen


@record
class Engine:
    """Lints files with one set of rules and one configuration."""

    rules: list[Rule]
    config: Config
    all_rules: list[Rule] = field(default_factory=list)
    skip_non_workflow: bool = False

    @classmethod
    def from_config(
        cls,
        config: Config,
        extra_packs: tuple[str, ...] = (),
        profile: str | None = None,
        skip_non_workflow: bool = False,
    ) -> Engine:
        all_rules = load_rules(config, extra_packs)
        return cls(
            rules=active_rules(all_rules, config, profile),
            config=config,
            all_rules=all_rules,
            skip_non_workflow=skip_non_workflow,
        )

    def input_rule(self, kind: str) -> Rule:
        for rule in self.all_rules:
            if rule.check.scope == INPUT and rule.args.get("kind") == kind:
                return rule
        raise LookupError(f"no bundled rule reports input problem {kind!r}")

    def lint_path(self, path: str) -> FileResult:
        try:
            data = read_bytes(path, self.config.max_file_size)
        except InputError as error:
            message = str(error)
            if message.startswith(f"{path}: "):
                message = message[len(path) + 2 :]
            return self._failure(path, InputFailure("input-error", message, 0, 0))
        return self.lint_bytes(path, data)

    def lint_bytes(self, path: str, data: bytes) -> FileResult:
        # Parsing, building and checking allocate hundreds of thousands of small objects and
        # almost no garbage cycles; the cyclic collector would rescan the growing heap again and
        # again (more than half the time on a 50,000-transition workflow). What is built here
        # forms no reference cycle (the graph keeps the statuses, not the workflow), so it is
        # freed by reference counting once the result is dropped.
        with collector.paused():
            return self._lint_bytes(path, data)

    def _lint_bytes(self, path: str, data: bytes) -> FileResult:
        reader = registry.reader_for(data)
        if reader.kind == permission_scheme.KIND:
            return self._lint_scheme_document(path, data)
        if self.skip_non_workflow and not registry.looks_like_workflow(data):
            return FileResult(path, [], skipped=True)
        try:
            workflows = reader.read(path, data, self.config.max_file_size)  # registry.read, sniffed once
        except registry.NotAWorkflow as error:
            if self.skip_non_workflow:
                return FileResult(path, [], skipped=True)
            return self._failure(path, InputFailure(error.rule, error.message, error.line, error.column))
        except registry.SourceError as error:
            return self._failure(path, InputFailure(error.rule, error.message, error.line, error.column))
        if len(workflows) == 1:  # an XML export: lint_workflow's list is sorted and free of duplicates already
            findings = self.lint_workflow(workflows[0])
        else:  # a Cloud document may hold several workflows
            findings = sort_findings([f for workflow in workflows for f in self.lint_workflow(workflow)])
        first = workflows[0] if workflows else None
        return FileResult(path, findings, workflow=first, workflows=workflows)

    def _lint_scheme_document(self, path: str, data: bytes) -> FileResult:
        try:
            schemes = permission_scheme.read(path, data)
        except permission_scheme.JSONSyntax as error:
            return self._failure(path, InputFailure(error.rule, error.message, error.line, error.column))
        except permission_scheme.NotASchemeDocument as error:
            if self.skip_non_workflow:
                return FileResult(path, [], skipped=True)
            return self._failure(path, InputFailure("not-a-workflow", str(error), 1, 1))
        return FileResult(path, self.lint_schemes(schemes), schemes=schemes.schemes)

    def lint_schemes(self, schemes: SchemeSet) -> list[Finding]:
        """The scheme rules (bot-account) over the permission schemes of one file."""
        ctx = SchemeContext(
            catalogue=self.config.catalogue,
            settings={"required_bot_permissions": self.config.required_bot_permissions},
        )
        ignored = self.config.ignored_for(schemes.path) if self.config.per_path_ignores else set()
        findings: list[Finding] = []
        for rule in self.rules:
            if rule.check.scope != SCHEMES or (ignored and (rule.id in ignored or rule.pack in ignored)):
                continue
            for problem in rule.check.function(schemes, rule.args, ctx):
                findings.append(self._scheme_finding(rule, problem, schemes.path))
        return sort_findings(findings)

    def _scheme_finding(self, rule: Rule, problem: Problem, path: str) -> Finding:
        line, column = problem.position or (0, 0)
        return Finding(
            file=path,
            line=line,
            column=column,
            rule=rule.id,
            severity=self._severity(rule, problem),
            message=rule.message_for(problem),
            workflow=problem.scheme or model_module.workflow_name(path),
            permission=problem.permission,
            hint=problem.hint or rule.docs.get("how_to_fix", ""),
        )

    def _severity(self, rule: Rule, problem: Problem) -> Severity:
        """A config severity wins; a certain problem is an error; otherwise the problem may lower it."""
        configured = self.config.severity.get(rule.id)
        if configured is not None:
            return configured
        if problem.certain:
            return Severity.ERROR
        return rule.severity_for(problem)

    def _failure(self, path: str, failure: InputFailure) -> FileResult:
        rule = self.input_rule(failure.kind)
        findings = [
            Finding(
                file=path,
                line=failure.line,
                column=failure.column,
                rule=rule.id,
                severity=Severity.ERROR,
                message=rule.message_for(problem),
                workflow=model_module.workflow_name(path),
            )
            for problem in rule.check.function(failure, rule.args, None)
        ]
        return FileResult(path, findings, failed=True)

    def lint_workflow(self, workflow: Workflow) -> list[Finding]:
        ctx = LintContext(
            workflow=workflow,
            catalogue=self.config.catalogue,
            settings={"required_resolution_fields": self.config.required_resolution_fields},
        )
        ignored = self.config.ignored_for(workflow.path) if self.config.scoped() else set()
        findings: list[Finding] = []
        source_format = workflow.format
        unverified: list[tuple[Rule, Problem]] = []
        gatherer: Rule | None = None
        for rule in self.rules:
            if ignored and (rule.id in ignored or rule.pack in ignored):
                continue
            if source_format not in rule.formats:
                continue
            if rule.check.scope == UNVERIFIED:
                gatherer = rule
                continue
            # The hot loop: every transition-scoped rule runs once per transition and nearly always
            # finds nothing, so the calls and the walk over their results run in C (map, chain)
            # and Python code runs only for the problems found.
            problems = map(rule.check.function, rule.selector.select(ctx), repeat(rule.args), repeat(ctx))
            for problem in chain.from_iterable(problems):
                if problem.unverified is None:
                    findings.append(self._finding(rule, problem, workflow))
                else:
                    unverified.append((rule, problem))
        if gatherer is not None and unverified:
            for problem in gatherer.check.function(unverified, gatherer.args, ctx):
                findings.append(self._finding(gatherer, problem, workflow))
        return sort_findings(findings)

    def _finding(self, rule: Rule, problem: Problem, workflow: Workflow) -> Finding:
        severity = self._severity(rule, problem)
        line, column = workflow.document.position(problem.element) if problem.element is not None else (1, 1)
        return Finding(
            file=workflow.path,
            line=line,
            column=column,
            rule=rule.id,
            severity=severity,
            message=rule.message_for(problem),
            status=problem.status,
            transition=problem.transition,
            fixable=problem.fixable and rule.fixable,
            workflow=workflow.name,
            subject=problem.subject,
            hint=problem.hint or rule.docs.get("how_to_fix", ""),
            note=problem.note,
        )
