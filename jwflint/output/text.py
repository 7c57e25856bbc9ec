"""``path:line:col: severity [rule-id] message`` lines, then a summary; colour only when asked."""

from __future__ import annotations

from jwflint.core.findings import Severity
from jwflint.core.text import escape_data, printable
from jwflint.output import Report

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        if report.quiet and finding.severity < Severity.ERROR:
            continue
        severity = finding.severity.label
        where = f"{one_line(finding.file)}:{finding.line}:{finding.column}:"
        rule = f"[{finding.rule}]"
        if report.color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
            rule = f"{_DIM}{rule}{_RESET}"
        # One finding, one line: a message quoting raw XML text must not break the format.
        message = " ".join(printable(finding.message).splitlines())
        lines.append(f"{where} {severity} {rule} {message}")
    if not report.quiet:
        lines.append(summary_line(report))
    return "\n".join(lines) + "\n" if lines else ""


def one_line(path: str) -> str:
    """A file name on one line of output: CR, LF and % escaped as GitHub's workflow commands do."""
    shown = printable(path)
    return escape_data(shown)


def summary_line(report: Report) -> str:
    counts = report.counts()
    files = len(report.results)
    failed = sum(1 for r in report.results if r.failed)
    parts = [f"{counts['error']} error(s)", f"{counts['warning']} warning(s)", f"{counts['info']} info"]
    text = f"{files} file(s) linted: " + ", ".join(parts)
    if failed:
        text += f"; {failed} file(s) could not be linted"
    if report.suppressed:
        text += f"; {len(report.suppressed)} suppressed"
    if report.baselined:
        text += f"; {len(report.baselined)} accepted by the baseline"
    if report.stale_baseline:
        entries = "entry no longer matches" if report.stale_baseline == 1 else "entries no longer match"
        text += f"; {report.stale_baseline} baseline {entries} (refresh it with --write-baseline)"
    fixable = sum(1 for f in report.findings if f.fixable)
    if fixable:
        text += f"; {fixable} fixable with `jwflint fix`"
    return text
