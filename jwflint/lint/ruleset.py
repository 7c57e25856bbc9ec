"""``jwflint rules`` (the catalogue of rules) and ``jwflint explain RULE`` (one rule's documentation).

Both read the same rules a lint in the current directory would load: the bundled packs, the
config's packs and ``--pack`` files, plus the rules about the config itself. Severities are the
effective ones, after the config's ``severity:`` overrides.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from jwflint.config.settings import Config, find_config, load_config
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.lint import ruledocs
from jwflint.lint.engine import load_rules
from jwflint.lint.rules import Rule, unknown_rule
from jwflint.lint.suppressions import config_rules
from jwflint.model.workflow import FORMATS

WIDTH = 88


@record(frozen=True)
class RuleSet:
    """The loaded rules and the config that tuned them."""

    config: Config
    rules: list[Rule]

    def severity(self, rule: Rule) -> Severity:
        return self.config.severity.get(rule.id, rule.severity)

    def find(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise JwflintError(unknown_rule(rule_id, "", [r.id for r in self.rules]))


def load(config_path: str | None = None, packs: tuple[str, ...] = ()) -> RuleSet:
    if config_path:
        config = load_config(config_path)
    else:
        found = find_config(Path.cwd())
        config = load_config(found) if found else Config()
    return RuleSet(config, [*load_rules(config, packs), *config_rules()])


def fixable(rule: Rule) -> str:
    if rule.fix is None:
        return "no"
    return "safe" if rule.fix.safe else "unsafe"


def formats(rule: Rule) -> str:
    """``all``, or the formats a rule runs on (``xml,jwb``)."""
    return "all" if set(rule.formats) == set(FORMATS) else ",".join(rule.formats)


def list_text(ruleset: RuleSet) -> str:
    header = ("ID", "SEVERITY", "PACK", "FIXABLE", "FORMATS", "SUMMARY")
    rows = [(r.id, ruleset.severity(r).label, r.pack, fixable(r), formats(r), r.summary) for r in ruleset.rules]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in [header, *rows]
    ]
    lines.append(f"{len(rows)} rules; `jwflint explain RULE` shows one rule's documentation")
    return "\n".join(lines) + "\n"


def list_json(ruleset: RuleSet) -> str:
    rules = [
        {
            "id": r.id,
            "severity": ruleset.severity(r).label,
            "default_severity": r.severity.label,
            "pack": r.pack,
            "fixable": r.fix is not None,
            "fix_safe": r.fix.safe if r.fix is not None else None,
            "summary": r.summary,
            "formats": list(r.formats),
            "check": r.check.name,
            "docs": {key: r.docs[key] for key, _ in ruledocs.SECTIONS if r.docs.get(key)},
        }
        for r in ruleset.rules
    ]
    return json.dumps({"rules": rules}, indent=2, ensure_ascii=False) + "\n"


def explain(ruleset: RuleSet, rule_id: str) -> str:
    rule = ruleset.find(rule_id)
    severity = ruleset.severity(rule)
    shown = severity.label
    if severity != rule.severity:
        shown += f" (default {rule.severity.label}; set in {ruleset.config.path})"
    args = ", ".join(f"{k}: {v}" for k, v in rule.args.items() if v not in (None, [], {}, ""))
    lines = [
        f"{rule.id}: {rule.summary}",
        "",
        f"  severity  {shown}",
        f"  pack      {rule.pack} ({_where(rule.source)})",
        f"  check     {rule.check.name}" + (f" ({args})" if args else ""),
        f"  fix       {ruledocs.fix_safety(rule)}",
        f"  formats   {formats(rule)}",
    ]
    for key, title in ruledocs.SECTIONS:
        body = rule.docs.get(key)
        if not body:
            continue
        lines += ["", title]
        if "\n" in body:  # an example laid out by its author keeps its line breaks
            lines += ["  " + line for line in body.splitlines()]
        else:
            lines += textwrap.wrap(body, WIDTH, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines) + "\n"


def _where(source: str) -> str:
    """The pack file relative to the current directory when it is inside it."""
    path, _, line = source.rpartition(":")
    relative = os.path.relpath(path, os.getcwd()) if path else path
    shown = path if relative.startswith("..") else Path(relative).as_posix()
    return f"{shown}:{line}"
