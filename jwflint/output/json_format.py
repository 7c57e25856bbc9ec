"""The JSON report: a contract described by jwflint/schemas/lint-output.schema.json."""

from __future__ import annotations

import json

from jwflint.core.findings import Finding
from jwflint.output import Report


def render(report: Report) -> str:
    document = {
        "version": report.version,
        "files": [result.summary() for result in report.results if not result.skipped],
        "findings": [_finding(f) for f in report.findings],
        "summary": report.counts(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(f: Finding) -> dict[str, object]:
    item: dict[str, object] = {
        "rule": f.rule,
        "severity": f.severity.label,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "message": f.message,
        "status": f.status,
        "transition": f.transition,
        "fixable": f.fixable,
    }
    if f.permission is not None:  # a finding about a permission scheme
        item["scheme"] = f.workflow
        item["permission"] = f.permission
    return item
