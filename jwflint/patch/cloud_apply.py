"""`jwflint patch bot` on a Jira Cloud workflow document (the new REST API's JSON).

Each workflow of the document is planned by patch/bot.py as an XML export would be; the new
transitions are spliced into its ``transitions`` list (patch/json_splice.py: every other byte of
the file is kept), the patched document is read again and re-linted as the XML patcher verifies
its output, and the ``WorkflowUpdateRequest`` for the changed workflows is built from it.
"""

from __future__ import annotations

from dataclasses import field, replace
from typing import Any

from jwflint.core.errors import InputError, JwflintError
from jwflint.core.findings import Finding
from jwflint.core.records import record
from jwflint.core.shapes import items
from jwflint.lint.engine import Engine
from jwflint.model.workflow import Workflow
from jwflint.patch import apply, bot, cloud_write, manual, splice
from jwflint.patch.apply import Outcome
from jwflint.patch.json_splice import JsonStyle, add_member, append_items, byte_offset, member
from jwflint.patch.splice import Edit
from jwflint.sources import registry
from jwflint.sources.cloud_json import workflow_entries
from jwflint.sources.json_document import JSONSyntax
from jwflint.sources.json_document import parse as parse_json


@record
class CloudOutcome(Outcome):
    # The WorkflowUpdateRequest body for the workflows the patch changed; None when none changed.
    update_request: dict[str, Any] | None = None


@record
class ModelSource:
    """What bot.plan reads of a source: its workflow model."""

    workflow: Workflow


@record
class _Planned:
    workflow: Workflow
    entry: dict[str, Any]
    plan: bot.BotPlan
    items: list[dict[str, Any]] = field(default_factory=list)


def read(path: str, data: bytes, max_bytes: int) -> list[Workflow]:
    try:
        return registry.read_cloud_json(path, data, max_bytes)
    except registry.SourceError as error:
        raise InputError(f"{path}:{error.line}:{error.column}: cannot patch: {error.message}") from None


def _cloud_only(steps: list[manual.ManualStep], identity: Any) -> list[manual.ManualStep]:
    """The plan's manual steps less the XML-only ones: Cloud conditions can name one account."""
    xml_only = [manual.remote_only_unverified()]
    if identity.user:
        xml_only.append(manual.user_restriction(identity.user))
    return [step for step in steps if step not in xml_only]


def _uses_old_shape(entry: dict[str, Any]) -> bool:
    transitions = [t for t in items(entry.get("transitions")) if isinstance(t, dict)]
    return bool(transitions) and all("to" in t and "toStatusReference" not in t for t in transitions)


def _edits(data: bytes, planned: _Planned, style: JsonStyle) -> list[Edit]:
    entry = planned.entry
    start = byte_offset(data, entry.offset)  # type: ignore[attr-defined]
    span = member(data, start, "transitions")
    if span is None or data[span[0] : span[0] + 1] != b"[":
        if span is not None:
            raise JwflintError(f"workflow {planned.workflow.name!r}: 'transitions' is not a list; cannot patch")
        return [add_member(data, start, "transitions", planned.items, style, "patch bot")]
    return [append_items(data, span, planned.items, style, "patch bot")]


def patch_bot(
    path: str,
    data: bytes,
    engine: Engine,
    options: bot.BotOptions,
    api_only: bool = False,
    request: bool = False,
) -> CloudOutcome:
    """Patch every workflow of the document; with ``request``, also build the update request
    (which needs each changed workflow's id and version, and its statuses' categories)."""
    config = replace(engine.config, catalogue=options.catalogue(engine.config.catalogue))
    engine = replace(engine, config=config)
    workflows = read(path, data, config.max_file_size)
    identity = config.catalogue.bot
    # On Cloud, hiding from people is the API-only condition whatever the flag was called.
    restriction = cloud_write.CloudRestriction.of(identity, api_only or options.hide_from_users)
    plan_options = replace(options, hide_from_users=False)
    style = JsonStyle.of(data)
    outcome = CloudOutcome(path=path, original=data, patched=data)
    several = len(workflows) > 1
    planned_all: list[_Planned] = []
    edits: list[Edit] = []
    for workflow in workflows:
        entry = workflow.document.root
        plan = bot.plan(ModelSource(workflow), config.catalogue, plan_options, bot.Allocator(workflow))
        planned = _Planned(workflow, entry, plan)
        old_shape = _uses_old_shape(entry)
        prefix = f"workflow {workflow.name!r}: " if several else ""
        for transition in plan.transitions:
            item = cloud_write.transition(transition, restriction, old_shape)
            planned.items.append(item)
            outcome.changes.extend(prefix + line for line in cloud_write.change_lines(transition, item))
        outcome.notes.extend(prefix + note for note in plan.served)
        for step in _cloud_only(plan.manual, identity):
            if step not in outcome.manual:
                outcome.manual.append(step)
        if planned.items:
            edits.extend(_edits(data, planned, style))
        planned_all.append(planned)
    patched = splice.apply(data, edits)
    outcome.patched = patched
    outcome.remaining = _verify(path, patched, engine, planned_all, config.max_file_size)
    changed = [index for index, planned in enumerate(planned_all) if planned.items]
    if request and changed:
        outcome.update_request = request_for(path, patched, changed)
    return outcome


def _verify(path: str, patched: bytes, engine: Engine, planned: list[_Planned], max_bytes: int) -> list[Finding]:
    """Read the patched document back and re-lint each changed workflow (apply.verify_model)."""
    try:
        after = registry.read_cloud_json(path, patched, max_bytes)
    except registry.SourceError as error:
        message = f"{path}: the patched document does not parse ({error.message}); nothing written"
        raise apply.VerificationError(message) from None
    if len(after) != len(planned):
        raise apply.VerificationError(f"{path}: the patched document lost a workflow; nothing written")
    findings: list[Finding] = []
    for item, workflow in zip(planned, after, strict=True):
        claimed, before = apply.bot_claims(item.workflow, item.plan, engine)
        if item.items:
            findings.extend(apply.verify_model(path, item.workflow, workflow, engine, claimed))
        else:
            findings.extend(before)
    return apply.shown_findings(engine.config, findings)


def request_for(path: str, patched: bytes, indexes: list[int]) -> dict[str, Any]:
    """The update request for the workflows at ``indexes`` of the patched document."""
    try:
        root = parse_json(path, patched).root
    except JSONSyntax as error:  # verified just before: cannot happen, but never a traceback
        raise apply.VerificationError(f"{path}: {error.message}") from None
    entries = workflow_entries(root) or []
    return cloud_write.update_request(root, [entries[i] for i in indexes])
