"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message`` annotations.

GitHub keeps at most 10 error, 10 warning and 10 notice annotations per step (50 per job) and
silently drops the rest, so each kind is capped here. The findings left out are printed as plain
log lines after one overflow ``::notice::``, and a plain summary line ends the output.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from jwflint.core.findings import Finding, Severity
from jwflint.output import Report
from jwflint.output.text import summary_line

PER_STEP = 10  # annotations of one kind GitHub shows per step
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message: %, CR and LF are escaped (GitHub's toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as a message, and also ``:`` and ``,``, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    findings = _unique(report.findings)  # -q drops the summary only: every finding may decide the exit code
    counts = {kind: sum(1 for f in findings if COMMANDS[f.severity] == kind) for kind in COMMANDS.values()}
    overflow = any(count > PER_STEP for count in counts.values())
    # The overflow line is itself a notice, so it takes one of the ten notice places.
    caps = {kind: PER_STEP for kind in counts}
    if overflow:
        caps["notice"] = PER_STEP - 1
    shown = dict.fromkeys(counts, 0)
    lines: list[str] = []
    left_out: list[Finding] = []
    for finding in findings:
        kind = COMMANDS[finding.severity]
        if shown[kind] >= caps[kind]:
            left_out.append(finding)
            continue
        shown[kind] += 1
        lines.append(annotation(finding))
    if left_out:
        lines.append(f"::notice::{len(left_out)} more findings not shown; see the SARIF report or the full log")
        lines.extend(_plain(f) for f in left_out)
    if not report.quiet:
        lines.append(summary_line(report))
    return "".join(line + "\n" for line in lines)


def annotation(finding: Finding) -> str:
    properties = [f"file={escape_property(_repo_path(finding.file))}"]
    if finding.line > 0:
        properties.append(f"line={finding.line}")
        if finding.column > 0:  # col is only valid with a line (endLine defaults to it)
            properties.append(f"col={finding.column}")
    properties.append(f"title={escape_property(f'jwflint [{finding.rule}]')}")
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(finding.message)}"


def _plain(finding: Finding) -> str:
    # Plain log lines: never starting with "::", so GitHub does not read them as commands.
    text = f"{_repo_path(finding.file)}:{finding.line}:{finding.column}: {finding.severity.label} [{finding.rule}] "
    return text + finding.message.replace("\r", " ").replace("\n", " ")


def _repo_path(path: str) -> str:
    """GitHub matches annotation files against the repository, so paths are relative to the root."""
    relative = os.path.relpath(os.path.abspath(path), os.getcwd())
    if relative.startswith(".."):
        return Path(path).as_posix()
    return Path(relative).as_posix()


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """Drop findings that would make identical annotations (same place, rule and message)."""
    seen: set[tuple[str, int, int, str, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.file, finding.line, finding.column, finding.rule, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
