"""``path:line:col: severity [rule-id] message`` per finding, its ``help:`` and ``note:`` lines
below it, then a summary; ``concise`` keeps each finding on one line. Colour only when asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from jwflint.output import Report

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_HELP = "\033[1;36m"
_RESET = "\033[0m"
BOT_PACK = "service-bot"


def render(report: Report) -> str:
    return _render(report, concise=False)


def render_concise(report: Report) -> str:
    return _render(report, concise=True)


def _render(report: Report, concise: bool) -> str:
    paint = _painter(report.color)
    lines = []
    for finding in report.findings:
        parts = finding.parts()
        message = f"{parts.headline}: {parts.help}" if parts.help else parts.headline
        message = f"{message} ({parts.note})" if concise and parts.note else message
        head = parts.headline if not concise else message
        where = paint(f"{finding.file}:{finding.line}:{finding.column}:", _BOLD)
        severity = paint(finding.severity.label, _COLORS[finding.severity.label])
        lines.append(f"{where} {severity} {paint(f'[{finding.rule}]', _DIM)} {head}")
        if not concise:
            if parts.help:
                lines.append(f"  {paint('help:', _HELP)} {parts.help}")
            if parts.note:
                lines.append(f"  {paint('note:', _DIM)} {parts.note}")
    if not report.quiet:
        lines.append(summary_line(report))
    return "\n".join(lines) + "\n" if lines else ""


def _painter(color: bool) -> Callable[[str, str], str]:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    return paint


def fix_counts(report: Report) -> tuple[int, int]:
    """(safe, unsafe): fixable findings that `jwflint fix` repairs, and those that need --unsafe-fixes."""
    safe_rules = {rule.id for rule in report.rules if rule.fix is not None and rule.fix.safe}
    fixable = [f for f in report.findings if f.fixable]
    safe = sum(1 for f in fixable if f.rule in safe_rules)
    return safe, len(fixable) - safe


def fix_text(safe: int, unsafe: int) -> str:
    """``2 fixable with `jwflint fix` (3 more with --unsafe-fixes)``; '' when nothing is fixable."""
    if safe and unsafe:
        return f"{safe} fixable with `jwflint fix` ({unsafe} more with --unsafe-fixes)"
    if safe:
        return f"{safe} fixable with `jwflint fix`"
    if unsafe:
        return f"{unsafe} fixable with `jwflint fix --unsafe-fixes`"
    return ""


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
    fixes = fix_text(*fix_counts(report))
    if fixes:
        text += f"; {fixes}"
    if unscoped_bot_findings(report):
        text += (
            f"; {BOT_PACK} rules ran on every workflow: list the bot's workflows under bot_workflows "
            "in .jwflint.yaml (or `jwflint init --bot-workflows GLOB`)"
        )
    return text


def unscoped_bot_findings(report: Report) -> bool:
    """Some service-bot finding comes from a file whose configuration does not scope the pack."""
    if report.config_for is None:
        return False
    bot_rules = {rule.id for rule in report.rules if rule.pack == BOT_PACK}
    return any(f.rule in bot_rules and not report.config_for(f.file).bot_workflows for f in report.findings)


def statistics_rows(report: Report) -> list[dict[str, object]]:
    """Counts per rule, most frequent first: rule, severity, count, fix (safe, unsafe or null), summary."""
    rules = {rule.id: rule for rule in report.rules}
    counts = Counter(f.rule for f in report.findings)
    severities = {f.rule: f.severity.label for f in report.findings}
    rows: list[dict[str, object]] = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(rule_id)
        fix = None if rule is None or rule.fix is None else ("safe" if rule.fix.safe else "unsafe")
        summary = rule.summary if rule else ""
        rows.append({"rule": rule_id, "severity": severities[rule_id], "count": count, "fix": fix, "summary": summary})
    return rows


_FIX_MARKS = {"safe": "[*]", "unsafe": "[-]", None: "[ ]"}


def statistics(report: Report) -> str:
    """``ruff --statistics``' table: count, rule, severity, fix mark ([*] safe, [-] unsafe), summary."""
    lines = [
        f"{row['count']:>5}\t{row['rule']}\t{row['severity']}\t{_FIX_MARKS[row['fix']]} {row['summary']}".rstrip()
        for row in statistics_rows(report)
    ]
    return "\n".join(lines) + "\n" if lines else ""
