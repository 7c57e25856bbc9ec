"""Findings: plain, ordered values that every stage after the checks passes around."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True)
class Finding:
    """One problem in one file.

    ``status`` and ``transition`` name the subject the way a Jira admin sees it; together with
    the workflow and rule they form the key that baselines and suppressions use, so that a
    re-export that moves lines does not resurrect accepted findings. A finding about a permission
    scheme is keyed on the scheme's name (in ``workflow``) and the ``permission``.
    """

    file: str
    line: int  # 1-based; 0 when the problem has no place in the file
    column: int  # 1-based; 0 when unknown
    rule: str
    severity: Severity
    message: str
    status: str | None = None
    transition: str | None = None
    fixable: bool = False
    workflow: str = ""  # the workflow's name; for a permission scheme, the scheme's name
    permission: str | None = None  # the permission key a finding about a permission scheme concerns
    hint: str = field(default="", compare=False)
    suppression: str = field(default="", compare=False)  # why it is accepted (config reason or baseline); SARIF only

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def subject_key(self) -> tuple[str, str, str, str, str]:
        """Stable identity for baselines: never the line number."""
        return (self.workflow, self.rule, self.status or "", self.transition or "", self.permission or "")

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort by file, line, column, rule and message; drop exact duplicates."""
    unique = dict.fromkeys(findings)
    return sorted(unique, key=Finding.sort_key)
