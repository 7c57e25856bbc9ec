"""Checks over what reading and building the model found: input failures and structural breakage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jwflint.core.records import record
from jwflint.lint.checks.base import WORKFLOW, Arg, Check, LintContext, Problem

INPUT = "input"

INPUT_KINDS = ("xml-syntax", "unsafe-xml", "input-error", "not-a-workflow", "json-syntax", "bad-bundle")

MODEL_KINDS = (
    "leading-whitespace",
    "duplicate-section",
    "missing-initial-action",
    "missing-steps",
    "missing-result",
    "non-numeric-id",
    "duplicate-action-id",
    "duplicate-step-id",
    "duplicate-status-id",
    "missing-status-id",
    "dangling-common-action",
    "dangling-step-reference",
)


@record(frozen=True)
class InputFailure:
    """A file that could not be turned into a workflow model."""

    kind: str
    message: str
    line: int
    column: int


def input_problem(failure: InputFailure, args: dict[str, Any], ctx: LintContext | None) -> Iterator[Problem]:
    if failure.kind == args["kind"]:
        yield Problem(failure.message, None, values={"detail": failure.message})


def model_problem(workflow: Any, args: dict[str, Any], ctx: LintContext) -> Iterator[Problem]:
    for problem in ctx.workflow.problems:
        if problem.kind == args["kind"]:
            yield Problem(
                problem.message,
                problem.element,
                status=problem.status,
                transition=problem.transition,
                values={"detail": problem.message},
            )


CHECKS = [
    Check(
        name="input_problem",
        scope=INPUT,
        function=input_problem,
        summary="The file could not be read or parsed as a workflow.",
        args={"kind": Arg("str", required=True, choices=INPUT_KINDS)},
        values=("detail",),
    ),
    Check(
        name="model_problem",
        scope=WORKFLOW,
        function=model_problem,
        summary="Structural breakage recorded while building the workflow model.",
        args={"kind": Arg("str", required=True, choices=MODEL_KINDS)},
        values=("detail",),
    ),
]
