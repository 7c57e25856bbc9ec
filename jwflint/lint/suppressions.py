"""Suppressions from the config: hide accepted findings, keep them (with the reason) for SARIF,
and report the stale ones as ``stale-suppression`` findings at the config's line.

A suppression names a workflow (a glob over workflow names, or permission scheme names), a rule,
and optionally a status, a transition, a permission key or the subject of a finding that gathers
a workflow's occurrences ("custom fields", "screen 10600"). Subjects compare like Jira names (case
and punctuation aside); a transition may be given as "Close Issue" or "Close Issue (id 2)".
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from typing import TYPE_CHECKING

from jwflint.config.settings import Config, Suppression
from jwflint.core.errors import ConfigError
from jwflint.core.findings import Finding
from jwflint.core.records import record
from jwflint.core.resources import rules_dir
from jwflint.lint.checks.config_checks import CONFIG, SuppressionUse
from jwflint.lint.rules import Rule, load_pack
from jwflint.model.buckets import normalise_name

if TYPE_CHECKING:
    from jwflint.lint.engine import Engine, FileResult

CONFIG_PACK = "config"
STALE_RULE = "stale-suppression"
_ID_SUFFIX = re.compile(r"\s*\(id [^)]*\)\s*$")


@functools.cache
def config_rules() -> tuple[Rule, ...]:
    """Rules about the configuration itself (rules/config.yaml): listed, selectable, run here."""
    return tuple(load_pack(rules_dir() / f"{CONFIG_PACK}.yaml"))


def reject_config_checks(pack_rules: Iterable[Rule]) -> None:
    """Config checks run only for jwflint's own config rules; in a workflow pack one would never run."""
    for rule in pack_rules:
        if rule.check.scope == CONFIG:
            raise ConfigError(
                f"{rule.source}: check {rule.check.name} is run by jwflint for its own config rules; "
                f"a rule pack cannot use it (rule {rule.id!r})"
            )


def workflow_matches(suppression: Suppression, workflow: str) -> bool:
    return fnmatch.fnmatchcase(workflow.casefold(), suppression.workflow.casefold())


def subject_matches(wanted: str | None, actual: str | None) -> bool:
    """None matches anything; otherwise compare names, letting "Close" match "Close (id 2)"."""
    if wanted is None:
        return True
    if actual is None:
        return False
    if normalise_name(wanted) == normalise_name(actual):
        return True
    return _ID_SUFFIX.search(wanted) is None and normalise_name(_ID_SUFFIX.sub("", actual)) == normalise_name(wanted)


def matches(suppression: Suppression, finding: Finding) -> bool:
    return (
        suppression.rule == finding.rule
        and subject_matches(suppression.status, finding.status)
        and subject_matches(suppression.transition, finding.transition)
        and subject_matches(suppression.subject, finding.subject)
        and (suppression.permission is None or suppression.permission.strip().upper() == finding.permission)
        and workflow_matches(suppression, finding.workflow)
    )


@record
class Outcome:
    """The findings config suppressions hid, and the suppressions that no longer match anything."""

    suppressed: list[Finding] = field(default_factory=list)  # each carries its reason in .suppression
    stale: list[Finding] = field(default_factory=list)  # stale-suppression findings


def apply(results: list[FileResult], engine_for: Callable[[str], Engine]) -> Outcome:
    """Remove suppressed findings from ``results`` (in place) and judge every suppression.

    A suppression is judged only where it could have matched: a linted workflow whose name fits
    its pattern and whose engine ran its rule. Files that could not be linted judge nothing.
    """
    outcome = Outcome()
    uses: dict[str | None, list[SuppressionUse]] = {}
    configs: dict[str | None, Config] = {}
    for result in results:
        if result.failed or result.skipped:
            continue
        engine = engine_for(result.path)
        config = engine.config
        if not config.suppressions:
            continue
        if config.path not in uses:
            uses[config.path] = [SuppressionUse(s) for s in config.suppressions]
            configs[config.path] = config
        names = result.names()
        ran = _rules_run(engine, result.path)
        here = [
            u
            for u in uses[config.path]
            if u.suppression.rule in ran and any(workflow_matches(u.suppression, n) for n in names)
        ]
        if not here:
            continue
        for use in here:
            use.workflows += 1
        kept = []
        for finding in result.findings:
            use = next((u for u in here if matches(u.suppression, finding)), None)
            if use is None:
                kept.append(finding)
            else:
                use.findings += 1
                outcome.suppressed.append(replace(finding, suppression=use.suppression.reason))
        result.findings = kept
    for key, config_uses in uses.items():
        outcome.stale.extend(stale_findings(configs[key], config_uses))
    return outcome


def _rules_run(engine: Engine, path: str) -> set[str]:
    ignored = engine.config.ignored_for(path) if engine.config.scoped() else set()
    return {rule.id for rule in engine.rules if rule.id not in ignored and rule.pack not in ignored}


def enabled(rule: Rule, config: Config) -> bool:
    """Config rules follow select and ignore; no --profile turns them off (they are not a workflow pack)."""
    if config.select and rule.id not in config.select and rule.pack not in config.select:
        return False
    return rule.id not in config.ignore and rule.pack not in config.ignore


def stale_findings(config: Config, uses: Iterable[SuppressionUse]) -> list[Finding]:
    rule = next((r for r in config_rules() if r.id == STALE_RULE), None)
    if rule is None or not enabled(rule, config):
        return []
    severity = config.severity.get(rule.id, rule.severity)
    findings = []
    for use in uses:
        for problem in rule.check.function(use, rule.args, None):
            suppression = use.suppression
            findings.append(
                Finding(
                    file=_shown(suppression.path),
                    line=suppression.line,
                    column=_column(suppression.path, suppression.line),
                    rule=rule.id,
                    severity=severity,
                    message=rule.message_for(problem),
                    status=problem.status,
                    transition=problem.transition,
                    subject=problem.subject,
                    workflow=suppression.workflow,
                    hint=rule.docs.get("how_to_fix", ""),
                )
            )
    return findings


def _shown(path: str) -> str:
    """The config as the user would name it: relative to the current directory when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _column(path: str, line: int) -> int:
    """Column of the suppression entry on its line: past the indentation and the YAML ``- ``."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    stripped = text.lstrip(" -\t")
                    return len(text) - len(stripped) + 1 if stripped.strip() else 1
    except (OSError, UnicodeDecodeError):
        pass
    return 1
