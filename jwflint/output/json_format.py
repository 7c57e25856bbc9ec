"""The JSON report: a contract described by jwflint/schemas/lint-output.schema.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jwflint.core.findings import Finding
from jwflint.core.text import printable
from jwflint.output import Report

if TYPE_CHECKING:
    from jwflint.lint.engine import FileResult


def _summary(result: FileResult) -> dict[str, Any]:
    summary = result.summary()
    return {key: printable(value) if isinstance(value, str) else value for key, value in summary.items()}


def render(report: Report) -> str:
    document = {
        "version": report.version,
        "files": [_summary(result) for result in report.results if not result.skipped],
        "findings": [_finding(f) for f in report.findings],
        "summary": report.counts(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(f: Finding) -> dict[str, object]:
    item: dict[str, object] = {
        "rule": f.rule,
        "severity": f.severity.label,
        "file": printable(f.file),
        "line": f.line,
        "column": f.column,
        "message": printable(f.message),
        "status": f.status,
        "transition": f.transition,
        "fixable": f.fixable,
    }
    if f.subject is not None:  # a finding that gathers a workflow's occurrences: "custom fields"
        item["subject"] = f.subject
    if f.permission is not None:  # a finding about a permission scheme
        item["scheme"] = f.workflow
        item["permission"] = f.permission
    return item
