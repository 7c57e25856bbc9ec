"""One lint run over many paths: configuration lookup per file, engines, report and exit code.

Shared by every command that lints (lint, fix, patch, render) so they agree on what a finding is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jwflint.batch.acceptance import Acceptance, Accepted
from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.config.settings import (
    Config,
)
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Finding, Severity
from jwflint.lint.engine import FileResult
from jwflint.lint.rules import Rule
from jwflint.lint.suppressions import config_rules
from jwflint.sources.registry import expand_paths

_FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@dataclass
class LintRun:
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


def lint_paths(paths: list[str], options: LintOptions) -> LintRun:
    cache = EngineCache(options)
    acceptance = Acceptance(options.baseline, options.write_baseline)
    files = expand_paths(paths)
    if not files:
        raise JwflintError("no workflow files found in: " + ", ".join(paths))
    from jwflint.batch import parallel

    if options.jobs > 1 and len(files) > 1:
        results = parallel.lint_parallel(files, options, cache, options.jobs)
    else:
        results = [cache.engine_for(path).lint_path(path) for path in parallel.track(files)]
    engines = cache.engines
    rules = list({r.id: r for e in engines for r in [*e.all_rules, *config_rules()]}.values())  # SARIF lists them
    run = LintRun(results=results, configs=[e.config for e in engines], rules=rules, config_for=cache.config_for)
    run.accepted = acceptance.apply(results, cache.engine_for)
    return run


