"""Checks over the configuration itself, run once per lint run after every file is linted.

Their targets are not workflow parts, so their scope is ``config``: the engine's per-workflow
loop never selects them; jwflint.lint.suppressions runs them with what the whole run matched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jwflint.config.settings import Suppression
from jwflint.core.records import record
from jwflint.lint.checks.base import Check, Problem

CONFIG = "config"


@record
class SuppressionUse:
    """What one suppression matched over a run: workflows it applied to, and findings it hid."""

    suppression: Suppression
    workflows: int = 0  # linted workflows whose name matched and where the suppressed rule ran
    findings: int = 0


def stale_suppression(use: SuppressionUse, args: dict[str, Any], ctx: object) -> Iterator[Problem]:
    """A suppression that applied to some linted workflow but hid nothing there is stale."""
    if use.workflows == 0 or use.findings > 0:
        return
    suppression = use.suppression
    subject = ""
    if suppression.status is not None:
        subject += f" status {suppression.status!r}"
    if suppression.transition is not None:
        subject += f" transition {suppression.transition!r}"
    fields = "rule, status or transition"
    if suppression.subject is not None:
        subject += f" subject {suppression.subject!r}"
        fields = "rule, status, transition or subject"
    count = f"{use.workflows} linted workflow" + ("s" if use.workflows != 1 else "")
    yield Problem(
        f"suppression of {suppression.rule} for workflow {suppression.workflow!r}{subject} matched no finding "
        f"in the {count} it names: remove it, or correct its {fields}",
        None,
        status=suppression.status,
        transition=suppression.transition,
        subject=suppression.subject,
        values={
            "rule": suppression.rule,
            "workflow": suppression.workflow,
            "subject": subject.strip(),
            "reason": suppression.reason,
            "workflows": str(use.workflows),
        },
    )


CHECKS = [
    Check(
        name="stale_suppression",
        scope=CONFIG,
        function=stale_suppression,
        summary="A suppression in the config that hid no finding in the workflows it names.",
        values=("rule", "workflow", "subject", "reason", "workflows"),
    ),
]
