"""One lint run over many paths: configuration lookup per file, engines, report and exit code.

Shared by every command that lints (lint, fix, patch, render) so they agree on what a finding is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from jwflint.batch.acceptance import Acceptance, Accepted
from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.config.settings import (
    Config,
)
from jwflint.core import collector
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Finding, Severity
from jwflint.core.outputs import Output, check_outputs
from jwflint.core.records import record
from jwflint.lint.engine import Engine, FileResult
from jwflint.lint.rules import Rule
from jwflint.lint.suppressions import config_rules
from jwflint.sources.registry import expand_paths

_FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@record
class LintRun:
    """A whole lint run: every file's result, the configurations used, and what was accepted."""

    results: list[FileResult]
    configs: list[Config]
    rules: list[Rule] = field(default_factory=list)
    accepted: Accepted = field(default_factory=Accepted)  # suppressed, baselined, stale suppressions
    # The configuration each file was linted with (--config, --catalogue and the rest applied);
    # formatters that draw a workflow take its catalogue from here.
    config_for: Callable[[str], Config] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings] + self.accepted.config_findings

    @property
    def fail_on(self) -> str:
        return self.configs[0].fail_on if self.configs else "error"


def lint_paths(
    paths: list[str], options: LintOptions, report: str | None = None, keep_workflows: bool = False
) -> LintRun:
    """Lint; ``report`` is where the caller will write the report (checked with the baseline, up front).

    A batch holds each file's findings and summary, not its parsed tree (a tree is ~100 times its
    findings), unless ``keep_workflows``; formats that draw read a file again when they need it.
    """
    cache = EngineCache(options)
    files = expand_paths(paths, skip=lambda path: options.excluded(path, cache.config_for(path)))
    if not files:
        raise JwflintError("no workflow files found in: " + ", ".join(paths))
    outputs = [Output("-o", report) if report else None]
    if options.write_baseline:
        outputs.append(Output("--write-baseline", options.write_baseline))
    check_outputs(outputs, [*files, *options.files_read()]).prepare()
    acceptance = Acceptance(options.baseline, options.write_baseline)
    from jwflint.batch import parallel

    with collector.frozen():  # every file's result lives until the report is written
        if options.jobs > 1 and len(files) > 1 and (not options.auto_jobs or parallel.worth_parallel(files)):
            results = parallel.lint_parallel(files, options, cache, options.jobs)
        else:
            linted = (cache.engine_for(path).lint_path(path) for path in parallel.track(files))
            results = [r if keep_workflows else parallel.DetachedResult.of(r, with_stats=options.stats) for r in linted]
    engines = cache.engines
    results.extend(catalogue_scheme_results(engines))
    once_per_run(results, engines)
    rules = list({r.id: r for e in engines for r in [*e.all_rules, *config_rules()]}.values())  # SARIF lists them
    run = LintRun(results=results, configs=[e.config for e in engines], rules=rules, config_for=cache.config_for)
    run.accepted = acceptance.apply(results, cache.engine_for)
    return run


def catalogue_scheme_results(engines: list[Engine]) -> list[FileResult]:
    """The bot-account rules over each catalogue's permission_schemes: once per run and catalogue
    file (not once per workflow), reported at the catalogue's lines as a file of their own."""
    results: list[FileResult] = []
    if all(engine.config.catalogue.permissions is None for engine in engines):
        return results  # no catalogue describes permissions: nothing to check, nothing to import
    from jwflint.lint.checks.base import SCHEMES
    from jwflint.model.permissions import SchemeSet

    seen: set[str] = set()
    for engine in engines:
        facts = engine.config.catalogue.permission_facts
        if not facts.schemes or facts.source in seen or not any(r.check.scope == SCHEMES for r in engine.rules):
            continue
        seen.add(facts.source)
        findings = engine.lint_schemes(SchemeSet(facts.source, facts.schemes))
        results.append(FileResult(facts.source, findings, schemes=facts.schemes))
    return results


def once_per_run(results: list[FileResult], engines: list[Engine]) -> None:
    """Keep only the first finding of each once-per-run rule (bot-identity-unknown), in input order."""
    once = {rule.id for engine in engines for rule in engine.rules if rule.check.once_per_run}
    if not once:
        return
    seen: set[str] = set()
    for result in results:
        kept = []
        for finding in result.findings:
            if finding.rule in once:
                if finding.rule in seen:
                    continue
                seen.add(finding.rule)
            kept.append(finding)
        result.findings = kept
