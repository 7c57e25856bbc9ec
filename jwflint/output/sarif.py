"""SARIF 2.1.0, shaped for GitHub code scanning (docs: "SARIF support for code scanning").

Suppressed and baselined findings stay in the report with ``suppressions`` so the record of what
was accepted, and why, travels with the results. ``partialFingerprints`` carries our own stable
key (workflow, rule, subject, message), so alerts survive re-exports that move lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jwflint.core.findings import Finding, Severity
from jwflint.core.text import printable
from jwflint.lint import ruledocs
from jwflint.lint.rules import Rule
from jwflint.output import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# The project has no home page yet; its package page is where users find it.
INFORMATION_URI = "https://pypi.org/project/jwflint/"
FINGERPRINT_KEY = "jwflint/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's names for non-security severities (properties.problem.severity).
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
_LINE_REFERENCE = re.compile(r"\blines? \d+")
_PLACEHOLDER = "\x00results\x00"  # where the streamed results go in the document's text
_RESULT_INDENT = 8  # document > runs > run > results > each result


def render(report: Report) -> str:
    return "".join(stream(report))


def stream(report: Report) -> Iterator[str]:
    """The report in pieces, one result at a time: 100,000 findings never sit in memory as one text.

    The pieces join to exactly what ``json.dumps(document, indent=2)`` writes.
    """
    rules = _rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    accepted = [*report.suppressed, *report.baselined]
    findings = sorted([*report.findings, *accepted], key=Finding.sort_key)
    locations: dict[str, dict[str, str]] = {}  # one per file, not one per finding
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "jwflint",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": not any(r.failed for r in report.results)}],
        "columnKind": "unicodeCodePoints",
        "results": [_PLACEHOLDER],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    if not findings:
        run["results"] = []
        yield json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        return
    head, tail = json.dumps(document, indent=2, ensure_ascii=False).split(json.dumps(_PLACEHOLDER))
    yield head
    indent = "\n" + " " * _RESULT_INDENT
    for number, finding in enumerate(findings):
        text = json.dumps(_result(finding, index, locations), indent=2, ensure_ascii=False)
        yield ("," + indent if number else "") + text.replace("\n", indent)
    yield tail + "\n"


def _rules(report: Report) -> list[dict[str, Any]]:
    """One descriptor per loaded rule, plus any rule a finding names that the report does not list."""
    descriptors = [_descriptor(rule) for rule in report.rules]
    known = {d["id"] for d in descriptors}
    for finding in [*report.findings, *report.suppressed, *report.baselined]:
        if finding.rule not in known:
            known.add(finding.rule)
            descriptors.append(
                {
                    "id": finding.rule,
                    "name": _name(finding.rule),
                    "shortDescription": {"text": finding.rule},
                    "fullDescription": {"text": finding.rule},
                    "help": {"text": finding.hint or finding.rule},
                    "defaultConfiguration": {"level": LEVELS[finding.severity]},
                }
            )
    return descriptors


def _descriptor(rule: Rule) -> dict[str, Any]:
    tags = ["jira-workflow", rule.pack]
    if rule.fixable:
        tags.append("fixable")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.docs.get("why") or rule.summary},
        "help": {"text": ruledocs.text(rule), "markdown": ruledocs.markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": tags, "problem.severity": PROBLEM_SEVERITY[rule.severity]},
    }
    see = rule.docs.get("see", "")
    if see.startswith(("https://", "http://")) and " " not in see.strip():
        descriptor["helpUri"] = see.strip()
    return descriptor


def _name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _result(finding: Finding, index: dict[str, int], locations: dict[str, dict[str, str]]) -> dict[str, Any]:
    location = locations.get(finding.file)
    if location is None:
        location = locations[finding.file] = artifact_location(finding.file)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": printable(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    # SARIF lines and columns start at 1; 0 means "unknown" to jwflint.
                    "region": {"startLine": max(1, finding.line), "startColumn": max(1, finding.column)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    subject = {
        k: v
        for k, v in (
            ("workflow", finding.workflow),
            ("status", finding.status),
            ("transition", finding.transition),
            ("permission", finding.permission),
            ("subject", finding.subject),
        )
        if v
    }
    if subject:
        result["properties"] = subject
    if finding.suppression:
        result["suppressions"] = [{"kind": "external", "justification": finding.suppression}]
    return result


def artifact_location(path: str) -> dict[str, str]:
    """Relative to the current directory (the repository root in CI), POSIX slashes, URI-escaped."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    # URIs carry a file name's bytes exactly, percent-encoded, UTF-8 or not.
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return {"uri": "file://" + quote(os.fsencode(Path(absolute).as_posix()), safe="/")}
    return {"uri": quote(os.fsencode(Path(relative).as_posix()), safe="/"), "uriBaseId": SRCROOT}


def fingerprint(finding: Finding) -> str:
    """Stable across re-exports: no line numbers, not even those quoted inside a message."""
    # A finding that gathers a workflow's occurrences keeps its fingerprint when the list in its
    # message grows: its subject stands for the message.
    message = finding.subject or _LINE_REFERENCE.sub("line", finding.message)
    parts: tuple[str, ...] = (finding.workflow, finding.rule, finding.status or "", finding.transition or "", message)
    if finding.permission:  # findings about a permission scheme; workflow findings keep their fingerprints
        parts = (*parts, finding.permission)
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]
