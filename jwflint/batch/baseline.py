"""Baselines: accept today's findings so that only new ones fail, for gradual adoption.

An entry is keyed on the workflow, the rule and the subject (status and transition; for a
permission scheme, the scheme's name in ``workflow`` and the ``permission``; for a finding that
gathers a workflow's occurrences, its ``subject`` such as "custom fields"), with a count
so two identical findings need two entries. Line numbers are never part of the key: a re-export
that moves lines does not resurrect accepted findings. The file is JSON, one entry per line,
sorted, so that a change to the baseline reads well in a diff.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import field, replace
from typing import Any

from jwflint.config.catalogue_file import read_json
from jwflint.core.errors import ConfigError
from jwflint.core.findings import Finding
from jwflint.core.records import record

VERSION = 1
ENTRY_KEYS = ("workflow", "rule", "status", "transition", "permission", "subject", "count")

Key = tuple[str, str, str | None, str | None, str | None, str | None]


def key(finding: Finding) -> Key:
    return (finding.workflow, finding.rule, finding.status, finding.transition, finding.permission, finding.subject)


def _entry(k: Key, count: int) -> dict[str, object]:
    entry: dict[str, object] = {"workflow": k[0], "rule": k[1], "status": k[2], "transition": k[3]}
    if k[4] is not None:  # only scheme findings have one: workflow baselines read as before
        entry["permission"] = k[4]
    if k[5] is not None:  # only findings that gather a workflow's occurrences have one
        entry["subject"] = k[5]
    entry["count"] = count
    return entry


@record(frozen=True)
class Baseline:
    path: str
    entries: Counter[Key] = field(default_factory=Counter)


def render(findings: Iterable[Finding]) -> str:
    counts = Counter(key(f) for f in findings)
    ordered = sorted(counts.items(), key=lambda item: tuple(part or "" for part in item[0]))
    lines = [
        json.dumps(_entry(k, count), ensure_ascii=False)
        for k, count in ordered
    ]
    body = ",\n".join(f"    {line}" for line in lines)
    findings_block = f"[\n{body}\n  ]" if lines else "[]"
    return f'{{\n  "version": {VERSION},\n  "tool": "jwflint",\n  "findings": {findings_block}\n}}\n'


def load(path: str) -> Baseline:
    try:
        data = read_json(path)
    except ConfigError as error:
        if str(error) == f"{path}: no such file":
            raise ConfigError(f"{path}: no such baseline (create it with --write-baseline {path})") from None
        raise
    return parse(data, path)


def parse(data: Any, path: str) -> Baseline:
    def fail(line: int, message: str) -> ConfigError:
        return ConfigError(f"{path}:{line}: not a jwflint baseline: {message}")

    top = getattr(data, "line", 1) or 1
    if not isinstance(data, dict) or "findings" not in data:
        raise fail(top, "expected an object with version and findings (write one with --write-baseline)")
    if data.get("version") != VERSION:
        raise fail(top, f"version is {data.get('version')!r}; this jwflint reads version {VERSION}")
    unknown = [k for k in data if k not in ("version", "tool", "findings")]
    if unknown:
        raise fail(top, f"unknown key {unknown[0]!r}")
    entries = data["findings"]
    if not isinstance(entries, list):
        raise fail(top, "findings must be a list")
    item_lines = getattr(entries, "item_lines", None) or [top] * len(entries)
    counts: Counter[Key] = Counter()
    for entry, line in zip(entries, item_lines, strict=True):
        if not isinstance(entry, dict):
            raise fail(line, "each finding is an object with workflow, rule, status, transition and count")
        unknown = [k for k in entry if k not in ENTRY_KEYS]
        if unknown:
            raise fail(line, f"unknown key {unknown[0]!r} (expected {', '.join(ENTRY_KEYS)})")
        for name in ("workflow", "rule"):
            if not isinstance(entry.get(name), str):
                raise fail(line, f"{name} must be a string")
        for name in ("status", "transition", "permission", "subject"):
            if entry.get(name) is not None and not isinstance(entry[name], str):
                raise fail(line, f"{name} must be a string or null")
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise fail(line, "count must be a positive integer")
        subject = (entry.get("status"), entry.get("transition"), entry.get("permission"), entry.get("subject"))
        counts[(entry["workflow"], entry["rule"], *subject)] += count
    return Baseline(path, counts)


def from_findings(path: str, findings: Iterable[Finding]) -> Baseline:
    return Baseline(path, Counter(key(f) for f in findings))


class Matcher:
    """Hides findings the baseline accepts, using each entry's count once across the whole run."""

    def __init__(self, baseline: Baseline) -> None:
        self.remaining = Counter(baseline.entries)
        self.justification = f"accepted in baseline {baseline.path}"

    def split(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(still reported, accepted); accepted findings carry the justification in ``.suppression``."""
        kept: list[Finding] = []
        hidden: list[Finding] = []
        for finding in findings:
            k = key(finding)
            if self.remaining[k] > 0:
                self.remaining[k] -= 1
                hidden.append(replace(finding, suppression=self.justification))
            else:
                kept.append(finding)
        return kept, hidden

    def stale(self, workflows: set[str]) -> int:
        """Unmatched entries of the workflows linted in this run.

        Linting one file against a repository-wide baseline does not make every other workflow's
        entries stale.
        """
        return sum(count for k, count in self.remaining.items() if count > 0 and k[0] in workflows)
