"""Workflows Jira Software manages itself ("Do not manually modify this workflow"): Jira rewrites
them when the board changes, so hand edits (and jwflint's patches) are lost or break the board."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from jwflint.core import jira
from jwflint.lint.checks.base import WORKFLOW, Check, LintContext, Problem
from jwflint.model.workflow import Workflow

_MARKERS = ("do not manually modify", "managed internally by jira")


def managed_description(workflow: Workflow) -> etree._Element | None:
    """The workflow's own jira.description meta when it says Jira Software manages the workflow.

    Only the XML export (and a bundle's workflow.xml) carries the meta; Cloud JSON has none.
    """
    root = workflow.root
    if not isinstance(root, etree._Element):
        return None
    for meta in root.iterchildren("meta"):
        if meta.get("name") == jira.META_DESCRIPTION:
            text = " ".join((meta.text or "").split()).casefold()
            if any(marker in text for marker in _MARKERS):
                return meta
    return None


def managed_workflow(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    meta = managed_description(ctx.workflow)
    if meta is not None:
        yield Problem(
            "this workflow is managed by Jira Software (its description says \"Do not manually modify\"): Jira "
            "rewrites it when the board changes; change the board's columns, or copy the workflow and edit the "
            "copy (jwflint patch and fix refuse it without --force)",
            meta,
        )


CHECKS = [
    Check(
        name="managed_workflow",
        scope=WORKFLOW,
        function=managed_workflow,
        summary="The workflow's description says Jira Software manages it.",
    ),
]
