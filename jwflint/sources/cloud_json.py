"""Jira Cloud workflow JSON (the new REST API) read into the model.

Two documents hold workflows, each with the statuses they use beside them:
- a page of ``GET /rest/api/3/workflows/search?expand=values.transitions``: ``values[]`` + ``statuses[]``;
- the response of ``POST /rest/api/3/workflows`` (bulk get): ``workflows[]`` + ``statuses[]``.
Every workflow in the document becomes its own ``Workflow``, named by its ``name``.

How Cloud maps onto the model (format-neutral, built for OSWorkflow XML first):
- Statuses are numbered 1, 2, … in the workflow's ``statuses[]`` order; that number is their step
  id. ``status_id`` is the Jira status id (the side-car entry's ``id``), ``category`` its
  ``statusCategory``, ``metas`` its ``properties``.
- Transitions: INITIAL → initial, GLOBAL → global, DIRECTED → a step action from its one
  ``links[]`` status, or a common action when it has several. Both documented shapes are read:
  ``toStatusReference`` / ``links[].fromStatusReference`` and the older ``to`` / ``from[]`` (each a
  status reference string or ``{statusReference, port}``).
- ``transitionScreen`` (``system:transition-screen``) gives the screen; ``conditions`` (ALL/ANY,
  nested ``conditionGroups``), ``validators`` and ``actions`` become conditions, validators and
  post-functions, each rule translated by ``core.jira.cloud_rule_equivalents`` with its rule key
  kept on the ``Function``; ``properties`` become metas.
Every anchor is the JSON object concerned (a ``JsonObject``), so findings point at it.

What writers (the patch generator) may rely on, kept stable:
- ``Workflow.document`` is a ``WorkflowView``: ``.document`` the whole ``JsonDocument`` (``path``,
  ``data`` = the original bytes, ``root`` = the parsed document), ``.root`` this workflow's object
  in it (``id``, ``version``, ``statuses``, ``transitions`` as read); ``Workflow.format`` is
  ``model.workflow.FORMAT_CLOUD``.
- ``Transition.element`` is the transition's object; ``Status.element`` the workflow's status
  entry (``statusReference``), ``Status.status_id`` / ``category`` from ``statuses[]``;
  ``Function.element`` the rule's object and ``Function.rule_key`` its ``ruleKey``.
- ``status_catalogue(root)`` gives the document's ``statuses[]`` by reference.
The JSON objects are plain dicts (``JsonObject``): copy them before changing anything.
"""

from __future__ import annotations

import json
from typing import Any

from jwflint.core import jira, shapes
from jwflint.core.records import record
from jwflint.model.workflow import (
    COMMON,
    GLOBAL,
    INITIAL,
    STEP,
    ConditionGroup,
    Function,
    ModelProblem,
    Status,
    Transition,
    Workflow,
    parse_id,
)
from jwflint.sources.json_document import JsonDocument

WORKFLOW_LISTS = ("workflows", "values")  # bulk get, search page


@record
class WorkflowView:
    """One workflow of a JSON document: the document's bytes and positions, rooted at the workflow."""

    document: JsonDocument
    root: Any

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def data(self) -> bytes:
        return self.document.data

    def position(self, anchor: Any) -> tuple[int, int]:
        return self.document.position(anchor)

    def line_of(self, anchor: Any) -> int:
        return self.document.position(anchor)[0]


def _looks_like_workflow(item: Any) -> bool:
    return isinstance(item, dict) and "name" in item and ("transitions" in item or "statuses" in item)


def workflow_entries(root: Any) -> list[dict[str, Any]] | None:
    """The workflow objects of a Cloud workflow document, or None when ``root`` is not one.

    A list of workflows (``workflows`` or ``values``) whose items carry statuses or transitions; an
    empty list counts when the document also has its ``statuses`` list (an empty page).
    """
    if not isinstance(root, dict):
        return None
    for key in WORKFLOW_LISTS:
        items = root.get(key)
        if not isinstance(items, list):
            continue
        if items and all(_looks_like_workflow(item) for item in items):
            return items
        if not items and isinstance(root.get("statuses"), list):
            return []
    return None


def is_legacy_search(root: Any) -> bool:
    """A page of the removed ``GET /rest/api/3/workflow/search``: ``values[]`` named by ``id.name``."""
    values = root.get("values") if isinstance(root, dict) else None
    return isinstance(values, list) and bool(values) and all(
        isinstance(item, dict) and isinstance(item.get("id"), dict) and "name" in item["id"] for item in values
    )


def _text(value: Any) -> str:
    """Rule parameters and ids are strings in the spec; numbers and lists are tolerated."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _strings(mapping: Any) -> dict[str, str]:
    return {str(k): _text(v) for k, v in mapping.items()} if isinstance(mapping, dict) else {}


def _category(value: Any) -> str | None:
    if isinstance(value, dict):  # GET /status style: {"key": "done", …}
        value = jira.STATUS_CATEGORY_KEYS.get(str(value.get("key", "")).lower())
    text = _text(value).strip().upper()
    return text if text in jira.STATUS_CATEGORIES else None


def _reference(value: Any) -> str | None:
    """A status reference: a string, or ``{statusReference, port}`` / ``{id}`` (older shapes)."""
    if isinstance(value, dict):
        value = value.get("statusReference", value.get("id"))
    text = _text(value).strip()
    return text or None


class _Builder:
    def __init__(self, view: WorkflowView, entry: dict[str, Any], catalogue: dict[str, dict[str, Any]]) -> None:
        self.view = view
        self.entry = entry
        self.catalogue = catalogue
        self.problems: list[ModelProblem] = []
        self.statuses: list[Status] = []
        self.transitions: list[Transition] = []
        self.steps_by_id: dict[int, Status] = {}
        self.actions_by_id: dict[int, Transition] = {}
        self.step_of_reference: dict[str, int] = {}

    def problem(self, kind: str, message: str, anchor: Any, status: str | None = None,
                transition: str | None = None) -> None:
        self.problems.append(ModelProblem(kind, message, anchor, status, transition))

    def build(self) -> Workflow:
        name = _text(self.entry.get("name")) or "<unnamed>"
        statuses = self.entry.get("statuses")
        if not isinstance(statuses, list) or not statuses:
            self.problem("missing-steps", f"workflow {name!r} lists no statuses", self.entry)
        else:
            for item in statuses:
                if isinstance(item, dict):
                    self._status(item)
        transitions = self.entry.get("transitions")
        if not isinstance(transitions, list):
            transitions = []
        for item in transitions:
            if isinstance(item, dict):
                self._transition(item)
        if not any(t.kind == INITIAL for t in self.transitions):
            hint = "" if "transitions" in self.entry else " (fetch it with expand=values.transitions)"
            self.problem(
                "missing-initial-action",
                f"the workflow has no INITIAL (Create) transition{hint}: issues cannot be created with it",
                self.entry,
            )
        metas = {"description": _text(self.entry.get("description"))} if self.entry.get("description") else {}
        return Workflow(
            document=self.view,
            name=name,
            metas=metas,
            statuses=self.statuses,
            transitions=self.transitions,
            problems=self.problems,
            unusual=[],
            steps_by_id=self.steps_by_id,
            actions_by_id=self.actions_by_id,
        )

    def _status(self, item: dict[str, Any]) -> None:
        step_id = len(self.statuses) + 1
        reference = _reference(item.get("statusReference", item.get("id")))
        info = self.catalogue.get(reference or "", {})
        name = _text(info.get("name", item.get("name"))) or (reference or f"status {step_id}")
        raw_status = info.get("id", item.get("id"))
        status_id = _text(raw_status).strip() or None
        if status_id is None and reference and parse_id(reference) is not None:
            status_id = reference
        status = Status(
            step_id=step_id,
            raw_id=str(step_id),
            name=name,
            status_id=status_id,
            metas=_strings(item.get("properties")),
            element=item,
            category=_category(info.get("statusCategory", item.get("statusCategory"))),
        )
        self.statuses.append(status)
        self.steps_by_id[step_id] = status
        if reference is None:
            self.problem("missing-status-id", f"status {name!r} has no statusReference: transitions cannot reach it",
                         item, status=name)
        elif reference in self.step_of_reference:
            first = self.steps_by_id[self.step_of_reference[reference]]
            self.problem(
                "duplicate-status-id",
                f"statuses {first.label!r} and {name!r} both have statusReference {reference}: "
                "Jira allows each status once per workflow",
                item,
                status=name,
            )
        else:
            self.step_of_reference[reference] = step_id

    def _step(self, reference: str | None, label: str, anchor: Any, what: str) -> int | None:
        if reference is None:
            return None
        step = self.step_of_reference.get(reference)
        if step is None:
            self.problem(
                "dangling-step-reference",
                f"transition {label} {what} status {reference}, which is not among the workflow's statuses: "
                "add the status to the workflow or point the transition at one of its statuses",
                anchor,
                transition=label,
            )
        return step

    def _transition(self, item: dict[str, Any]) -> None:
        raw_id = _text(item.get("id")).strip()
        action_id = parse_id(raw_id)
        name = _text(item.get("name"))
        label = f"{name} (id {raw_id})"
        kind_text = _text(item.get("type")).strip().upper()
        to_reference = _reference(item.get("toStatusReference", item.get("to")))
        links = item.get("links")
        if isinstance(links, list) and links:
            from_references = [_reference(link.get("fromStatusReference")) if isinstance(link, dict) else None
                               for link in links]
        else:
            raw_from = item.get("from")
            from_references = [_reference(value) for value in raw_from] if isinstance(raw_from, list) else []
        sources: list[int] = []
        for reference in from_references:
            step = self._step(reference, label, item, "leads from")
            if step is not None and step not in sources:
                sources.append(step)
        if kind_text == "INITIAL":
            kind = INITIAL
        elif kind_text == "GLOBAL":
            kind = GLOBAL
        else:  # DIRECTED, and the older lower-case "directed"
            kind = STEP if len(sources) == 1 else COMMON
        target = self._step(to_reference, label, item, "leads to")
        if to_reference is None:
            self.problem("missing-result", f"transition {label} has no toStatusReference: it leads nowhere",
                         item, transition=label)
        if action_id is None:
            self.problem("non-numeric-id", f"transition {name!r} has id {raw_id!r}: Jira ids are integers",
                         item, transition=label)
        elif action_id in self.actions_by_id:
            first = self.actions_by_id[action_id]
            self.problem(
                "duplicate-action-id",
                f"transition id {raw_id} is used by {first.name!r} (line {self.view.line_of(first.element)}) "
                f"and {name!r}: transition ids must be unique across the whole workflow",
                item,
                transition=label,
            )
        screen_rule = item.get("transitionScreen")
        screen_meta: str | None = None
        screen: int | None = None
        if isinstance(screen_rule, dict):
            screen_meta = _strings(screen_rule.get("parameters")).get(jira.CLOUD_PARAM_SCREEN_ID, "").strip()
            screen = parse_id(screen_meta)
            if screen_meta and screen is None:
                self.problem("non-numeric-id", f"transition {label} has screen id {screen_meta!r}: screen ids are "
                             "integers", screen_rule, transition=label)
        conditions = item.get("conditions")
        group = self._group(conditions) if isinstance(conditions, dict) else None
        if group is not None and not group.items:
            group = None  # Cloud writes an empty ALL group on every unrestricted transition
        transition = Transition(
            id=action_id,
            raw_id=raw_id,
            name=name,
            kind=kind,
            element=item,
            target=target,
            raw_target=str(target) if target is not None else None,
            view=jira.VIEW_FIELDSCREEN if screen_meta else "",
            screen_meta=screen_meta,
            screen=screen,
            conditions=group,
            validators=self._rules(item.get("validators"), "validator"),
            post_functions=self._rules(item.get("actions"), "function"),
            metas=_strings(item.get("properties")),
            result_element=item,
            sources=sources if kind in (STEP, COMMON) else [],
        )
        self.transitions.append(transition)
        if action_id is not None:
            self.actions_by_id.setdefault(action_id, transition)
        for step in transition.sources:
            if action_id is not None:
                self.steps_by_id[step].action_ids.append(action_id)

    def _group(self, node: dict[str, Any]) -> ConditionGroup:
        items: list[Function | ConditionGroup] = []
        for rule in shapes.items(node.get("conditions")):
            items.extend(self._rule(rule, "condition", grouped=True))
        for child in shapes.items(node.get("conditionGroups")):
            if isinstance(child, dict):
                items.append(self._group(child))
        operation = _text(node.get("operation")).strip().upper()
        return ConditionGroup(operator="OR" if operation == "ANY" else "AND", items=items, element=node)

    def _rules(self, rules: Any, kind: str) -> list[Function]:
        found: list[Function] = []
        for rule in shapes.items(rules):
            for item in self._rule(rule, kind, grouped=False):
                if isinstance(item, Function):
                    found.append(item)
        return found

    def _rule(self, rule: Any, kind: str, grouped: bool) -> list[Function | ConditionGroup]:
        if not isinstance(rule, dict):
            return []
        key = _text(rule.get("ruleKey")).strip()
        parameters = _strings(rule.get("parameters"))
        equivalents = jira.cloud_rule_equivalents(key, parameters)
        if not equivalents:
            return [Function(kind, key, parameters, rule, rule_key=key)]
        functions = [Function(kind, cls, args, rule, rule_key=key) for cls, args in equivalents]
        if grouped and len(functions) > 1:  # restrict-issue-transition holds when ANY of its parts does
            return [ConditionGroup(operator="OR", items=list(functions), element=rule)]
        return list(functions)


def status_catalogue(root: Any) -> dict[str, dict[str, Any]]:
    """The document's ``statuses[]`` by status reference (and by id, which older shapes use)."""
    catalogue: dict[str, dict[str, Any]] = {}
    statuses = root.get("statuses") if isinstance(root, dict) else None
    for status in statuses if isinstance(statuses, list) else ():
        if not isinstance(status, dict):
            continue
        for key in ("id", "statusReference"):  # the reference wins when both name an entry
            reference = _reference(status.get(key))
            if reference:
                catalogue[reference] = status
    return catalogue


def build_all(document: JsonDocument) -> list[Workflow]:
    """Every workflow of a Cloud workflow document (``workflow_entries`` must have accepted it)."""
    entries = workflow_entries(document.root) or []
    catalogue = status_catalogue(document.root)
    return [_Builder(WorkflowView(document, entry), entry, catalogue).build() for entry in entries]
