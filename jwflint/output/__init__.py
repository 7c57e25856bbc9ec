"""Output formats: a registry from name to module, each module exposing ``render(report) -> str``.

Modules are imported only when their format is asked for, so ``--format text`` never pays for
SARIF or HTML machinery at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import TYPE_CHECKING

from jwflint import __version__
from jwflint.core.findings import Finding, Severity
from jwflint.core.records import record

if TYPE_CHECKING:
    from jwflint.batch.session import LintRun
    from jwflint.config.settings import Config
    from jwflint.lint.engine import FileResult
    from jwflint.lint.rules import Rule

FORMATTERS: dict[str, str] = {
    "text": "jwflint.output.text",
    "concise": "jwflint.output.concise",
    "json": "jwflint.output.json_format",
    "html": "jwflint.output.html",
    "sarif": "jwflint.output.sarif",
    "github": "jwflint.output.github",
}


@record
class Report:
    """What a formatter writes: the run's results and the findings the user sees, with the rules behind them."""

    results: list[FileResult]
    findings: list[Finding]  # what the user sees: sorted, suppressions and baseline applied
    rules: list[Rule] = field(default_factory=list)
    color: bool = False
    quiet: bool = False
    version: str = __version__
    suppressed: list[Finding] = field(default_factory=list)  # hidden by config suppressions (kept in SARIF)
    baselined: list[Finding] = field(default_factory=list)  # hidden by --baseline (kept in SARIF)
    stale_baseline: int = 0  # baseline entries for linted workflows that no longer match
    # The configuration a file was linted with; None for a report made outside a lint run.
    config_for: Callable[[str], Config] | None = None

    def counts(self) -> dict[str, int]:
        counts = {severity.label: 0 for severity in sorted(Severity, reverse=True)}
        for finding in self.findings:
            counts[finding.severity.label] += 1
        return counts


def formatter(name: str) -> Callable[[Report], str]:
    module = importlib.import_module(FORMATTERS[name])
    return module.render  # type: ignore[no-any-return]


def streamer(name: str) -> Callable[[Report], Iterable[str]]:
    """The format's ``stream`` (the report in pieces, written as made) where it has one, else its render."""
    module = importlib.import_module(FORMATTERS[name])
    return getattr(module, "stream", module.render)  # type: ignore[no-any-return]


def make_report(run: LintRun, quiet: bool = False, color: bool = False) -> Report:
    findings = sorted(run.findings, key=Finding.sort_key)
    accepted = run.accepted
    return Report(
        results=run.results,
        findings=findings,
        rules=run.rules,
        color=color,
        quiet=quiet,
        suppressed=accepted.suppressed,
        baselined=accepted.baselined,
        stale_baseline=accepted.stale_baseline,
        config_for=run.config_for,
    )
