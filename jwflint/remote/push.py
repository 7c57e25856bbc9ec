"""`jwflint push`: validate a Cloud WorkflowUpdateRequest on the site and, with --apply, apply it.

Validation (``POST /workflows/update/validation``) changes nothing. Each error or warning the site
returns is shown against the transition or status it names, with its line in the request file.
``--apply`` validates first and calls ``POST /workflows/update`` only when the site found no error.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import field
from typing import Any

from jwflint.config.catalogue_file import read_json
from jwflint.config.yaml_source import line_of
from jwflint.core.errors import InputError
from jwflint.core.records import record
from jwflint.core.shapes import items, mapping
from jwflint.remote.client import JiraClient, SiteRefused
from jwflint.remote.site import CLOUD, RemoteError, Site

MAX_REQUEST_BYTES = 20 * 1024 * 1024

DATA_CENTER_APPLY = (
    "Jira Data Center has no REST API to change a workflow: import the patched XML in "
    "Administration > Issues > Workflows > Import from XML (it creates a new workflow; then switch the "
    "workflow scheme to it), or import a .jwb bundle in Administration > Issues > Workflows > Import > "
    "Import from my computer"
)


@record(frozen=True)
class Problem:
    level: str  # ERROR or WARNING
    code: str
    message: str
    line: int
    subject: str  # what the problem concerns, e.g. transition "Resolve" (31) in workflow "IT"


@record
class PushResult:
    problems: list[Problem] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # one line per applied workflow or status

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "ERROR"]


def read_request(path: str) -> Any:
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if size > MAX_REQUEST_BYTES:
        raise InputError(f"{path}: {size} bytes is larger than a workflow update request can be (20MB)")
    request = read_json(path)
    workflows = request.get("workflows") if isinstance(request, dict) else None
    if not isinstance(workflows, list) or not workflows:
        raise InputError(
            f'{path}: not a WorkflowUpdateRequest: expected {{"statuses": [...], "workflows": [...]}} '
            "(write one with `jwflint patch bot --update-request FILE`)"
        )
    for index, workflow in enumerate(workflows):
        if not isinstance(workflow, dict) or not workflow.get("id") or not isinstance(workflow.get("version"), dict):
            raise InputError(
                f"{path}:{line_of(workflow) or line_of(request, 'workflows')}: workflow {index + 1} has no id and "
                "version; both come from a fresh `jwflint pull`"
            )
    # The arrays this command reads to place the site's errors: anything else is not a request
    # Jira would take (the OpenAPI description makes each an array), so nothing is sent.
    for node, key, where in [
        (request, "statuses", "the request"),
        *((w, k, f"workflow {i + 1}") for i, w in enumerate(workflows) for k in ("statuses", "transitions")),
    ]:
        if key in node and not isinstance(node[key], list):
            raise InputError(
                f"{path}:{line_of(node, key) or line_of(node)}: {key!r} of {where} is not a list: not a "
                "WorkflowUpdateRequest (write one with `jwflint patch bot --update-request FILE`)"
            )
    return request


def push(site: Site, path: str, apply: bool, sleep: Callable[[float], None] | None = None) -> PushResult:
    if site.kind != CLOUD:
        raise RemoteError(DATA_CENTER_APPLY)
    request = read_request(path)
    result = PushResult()
    with JiraClient(site, **({"sleep": sleep} if sleep else {})) as client:
        body = {"payload": request, "validationOptions": {"levels": ["WARNING", "ERROR"]}}
        answer = client.post(f"{site.api}/workflows/update/validation", body)
        if not isinstance(answer, dict) or not isinstance(answer.get("errors", []), list):
            raise RemoteError(
                "POST /workflows/update/validation: malformed answer from the site: expected {errors: [...]}"
            )
        result.problems = [_problem(error, request) for error in answer.get("errors") or [] if isinstance(error, dict)]
        if apply and not result.errors:
            result.applied = _apply(client, request)
    return result


def _apply(client: JiraClient, request: Any) -> list[str]:
    path = f"{client.site.api}/workflows/update"
    try:
        answer = client.post(path, request)
    except SiteRefused as refusal:
        if refusal.status == 409:
            raise RemoteError(
                f"POST {path}: version conflict: the workflow changed on the site since it was pulled; "
                "run `jwflint pull` again and regenerate the update"
            ) from None
        raise
    if not isinstance(answer, dict):
        raise RemoteError(f"POST {path}: malformed answer from the site: expected a WorkflowUpdateResponse")
    lines = []
    for workflow in map(mapping, items(answer.get("workflows"))):
        version = mapping(workflow.get("version")).get("versionNumber", "?")
        transitions, statuses = len(items(workflow.get("transitions"))), len(items(workflow.get("statuses")))
        lines.append(
            f"workflow {workflow.get('name', workflow.get('id'))!r} is now version {version} "
            f"({transitions} transition(s), {statuses} status(es))"
        )
    for status in map(mapping, items(answer.get("statuses"))):
        lines.append(f"status {status.get('name')!r} ({status.get('statusCategory', '?')}) id {status.get('id')}")
    if answer.get("taskId"):
        lines.append(f"Jira is migrating issues in the background (task {answer['taskId']})")
    return lines


def _problem(error: dict[str, Any], request: Any) -> Problem:
    reference = mapping(error.get("elementReference"))
    subject, line = _locate(reference, request)
    return Problem(
        level=str(error.get("level") or "ERROR").upper(),
        code=str(error.get("code") or error.get("type") or ""),
        message=" ".join(str(error.get("message") or "").split()),
        line=line,
        subject=subject,
    )


def _locate(reference: dict[str, Any], request: Any) -> tuple[str, int]:
    """The element a validation error names, described for people, and its line in the file."""
    transition_id = reference.get("transitionId")
    status_ref = reference.get("statusReference")
    rule_id = reference.get("ruleId")
    for workflow in map(mapping, items(request.get("workflows"))):
        where = f"in workflow {workflow.get('name') or workflow.get('id')!s}"
        for transition in map(mapping, items(workflow.get("transitions"))):
            if transition_id is not None and str(transition.get("id")) == str(transition_id):
                return f"transition {transition.get('name')!r} ({transition_id}) {where}", line_of(transition)
            if rule_id is not None:
                for rule in _rules(transition):
                    if str(rule.get("id")) == str(rule_id):
                        return f"rule {rule.get('ruleKey')} on transition {transition.get('name')!r} {where}", line_of(
                            rule
                        )
        for status in map(mapping, items(workflow.get("statuses"))):
            if status_ref is not None and str(status.get("statusReference")) == str(status_ref):
                return f"status {_status_name(request, status_ref)} {where}", line_of(status)
    for status in map(mapping, items(request.get("statuses"))):
        if status_ref is not None and str(status.get("statusReference")) == str(status_ref):
            return f"status {status.get('name')!r} ({status_ref})", line_of(status)
    if transition_id is not None:
        return f"transition {transition_id} (not in the request)", 0
    if status_ref is not None:
        return f"status {status_ref} (not in the request)", 0
    return "the request", line_of(request)


def _rules(transition: dict[str, Any]) -> list[dict[str, Any]]:
    rules = [transition.get("transitionScreen"), *items(transition.get("validators"))]
    rules += items(transition.get("actions"))
    stack = [transition.get("conditions")]
    while stack:
        group = stack.pop()
        if isinstance(group, dict):
            rules += items(group.get("conditions"))
            stack += items(group.get("conditionGroups"))
    return [rule for rule in rules if isinstance(rule, dict)]


def _status_name(request: Any, reference: str) -> str:
    for status in map(mapping, items(request.get("statuses"))):
        if str(status.get("statusReference")) == str(reference):
            return f"{status.get('name')!r} ({reference})"
    return str(reference)
