"""What a run accepts: config suppressions first, then the baseline; called by session.lint_paths.

The baseline file is read before linting starts, so a broken one stops the run at once (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from jwflint.core.findings import Finding
from jwflint.core.records import record
from jwflint.lint import suppressions

if TYPE_CHECKING:
    from jwflint.batch.baseline import Baseline
    from jwflint.lint.engine import Engine, FileResult


@record
class Accepted:
    """What a run accepted rather than reported: suppressed and baselined findings, and stale entries."""

    suppressed: list[Finding] = field(default_factory=list)  # hidden by config suppressions
    baselined: list[Finding] = field(default_factory=list)  # hidden by the baseline
    config_findings: list[Finding] = field(default_factory=list)  # stale-suppression findings
    stale_baseline: int = 0  # baseline entries for linted workflows that matched nothing
    baseline_path: str | None = None
    written: int | None = None  # findings recorded by --write-baseline


class Acceptance:
    """Reads the baseline up front; ``apply`` then filters the run's results."""

    def __init__(self, baseline: str | None = None, write_baseline: str | None = None) -> None:
        self.write_path = write_baseline
        self.baseline: Baseline | None = None
        if baseline and not write_baseline:
            from jwflint.batch.baseline import load  # the baseline's reader, only for a run that has one

            self.baseline = load(baseline)

    def apply(self, results: list[FileResult], engine_for: Callable[[str], Engine]) -> Accepted:
        """Remove accepted findings from ``results`` in place; say what was accepted and what is stale."""
        outcome = suppressions.apply(results, engine_for)
        accepted = Accepted(suppressed=outcome.suppressed, config_findings=outcome.stale)
        # Files that could not be linted are never baselined: their findings mean "fix the input".
        linted = [r for r in results if not r.failed and not r.skipped]
        baseline = self.baseline
        if self.write_path is not None:
            current = [f for r in linted for f in r.findings]
            from jwflint.batch import baseline as baseline_module
            from jwflint.core.files import write_atomic

            write_atomic(Path(self.write_path), baseline_module.render(current).encode("utf-8"))
            baseline = baseline_module.from_findings(self.write_path, current)
            accepted.written = len(current)
        if baseline is None:
            return accepted
        accepted.baseline_path = baseline.path
        from jwflint.batch.baseline import Matcher

        matcher = Matcher(baseline)
        for result in linted:
            result.findings, hidden = matcher.split(result.findings)
            accepted.baselined.extend(hidden)
        accepted.stale_baseline = matcher.stale({name for r in linted for name in r.names()})
        return accepted
