"""What a bot patch adds to a Jira Cloud workflow, as the new REST API writes it; and the update request.

The decisions are the XML patcher's (patch/bot.py plans which buckets lack a transition, into
which status, with which screen and post-functions); only the writing differs. A planned
transition becomes a GLOBAL ``TransitionUpdateDTO``: ``system:transition-screen`` for its screen,
``system:update-field`` for each Update Issue Field post-function, and its restriction as
``system:restrict-issue-transition`` (group id, role id, account id; true when any matches) ANDed
with ``system:restrict-from-all-users`` ``restrictMode=users`` for --api-only. Jira's built-in
post-functions are not listed in Cloud JSON, so they are left out.

``update_request`` builds the ``WorkflowUpdateRequest`` body for ``POST /rest/api/3/workflows/update``
(and, wrapped as ``{"payload": …}``, for ``/update/validation``) from a patched document: every
workflow the patch changed, with its ``id`` and ``version`` echoed and all its statuses and
transitions, keeping only the fields that request schema names.
"""

from __future__ import annotations

from typing import Any

from jwflint.core import cloud_rules, jira
from jwflint.core.errors import JwflintError
from jwflint.core.records import record
from jwflint.core.shapes import items
from jwflint.model.catalogue import BotIdentity
from jwflint.model.workflow import Status
from jwflint.patch.bot import PlannedTransition

UPDATE_FIELD = "system:update-field"
TRANSITION_SCREEN = "system:transition-screen"
RESTRICT = "system:restrict-issue-transition"
RESTRICT_FROM_ALL = "system:restrict-from-all-users"
GLOBAL = "GLOBAL"


@record(frozen=True)
class CloudRestriction:
    """Who may run the bot's transitions on Cloud: ids, as the new API's conditions take them."""

    group_ids: tuple[str, ...] = ()
    role_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    api_only: bool = False

    @classmethod
    def of(cls, identity: BotIdentity, api_only: bool) -> CloudRestriction:
        """The bot's group ids, role ids and account id.

        Cloud conditions name groups by id: the catalogue's ``bot.group_ids`` when it has them,
        else ``group`` (--group), which on Cloud must be the id. Likewise ``roles`` else ``role``,
        and ``account_id`` else ``user``. (``group_ids``, ``roles`` and ``account_id`` are the
        catalogue keys of the permissions work, read here only when the identity has them.)
        """

        def listed(many: object, one: str | None) -> tuple[str, ...]:
            values = [str(v) for v in many] if isinstance(many, (list, tuple)) and many else [one]
            return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))

        return cls(
            listed(getattr(identity, "group_ids", None), identity.group),
            listed(getattr(identity, "roles", None), identity.role),
            listed(
                [getattr(identity, "account_id", None)] if getattr(identity, "account_id", None) else None,
                identity.user,
            ),
            api_only,
        )

    def rules(self) -> list[dict[str, Any]]:
        found = []
        if self.api_only:
            found.append(rule(RESTRICT_FROM_ALL, restrictMode=cloud_rules.RESTRICT_MODE_USERS))
        parameters = {
            name: ",".join(values)
            for name, values in (
                ("groupIds", self.group_ids),
                ("roleIds", self.role_ids),
                ("accountIds", self.account_ids),
            )
            if values
        }
        if parameters:
            found.append(rule(RESTRICT, **parameters))
        return found

    def describe(self) -> str:
        parts = [describe_rule(r) for r in self.rules()]
        return " AND ".join(parts) if parts else "unrestricted"


def rule(key: str, **parameters: str) -> dict[str, Any]:
    """A ``WorkflowRuleConfiguration``; refuses a key or parameter jwflint's table does not know."""
    unknown = cloud_rules.unknown_in(key, parameters)
    if unknown:
        raise JwflintError(f"internal: {key} with {', '.join(unknown)} is not a rule jwflint knows")
    return {"ruleKey": key, "parameters": dict(parameters)}


def describe_rule(configuration: dict[str, Any]) -> str:
    parameters = configuration.get("parameters") or {}
    shown = " ".join(f"{k}={v!r}" for k, v in parameters.items())
    return f"{configuration['ruleKey']} {shown}".strip()


def status_reference(status: Status) -> str:
    """The reference transitions use for a status of a Cloud workflow (the reader's anchor)."""
    element = status.element
    if isinstance(element, dict):
        for key in ("statusReference", "id"):
            value = element.get(key)
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value).strip()
    if status.status_id:
        return status.status_id
    raise JwflintError(f"status {status.label!r} has no statusReference: cannot point a transition at it")


def transition(planned: PlannedTransition, restriction: CloudRestriction, old_shape: bool) -> dict[str, Any]:
    """The planned transition as the document's workflows write theirs (``toStatusReference`` + ``links``,
    or the older ``to`` + ``from``)."""
    spec = planned.spec
    metas = dict(spec.metas)
    actions = [
        update_field_rule(dict(f.args).get(jira.ARG_FIELD_NAME, ""), dict(f.args).get(jira.ARG_FIELD_VALUE, ""))
        for f in spec.functions
        if f.class_name == jira.UPDATE_ISSUE_FIELD
    ]
    reference = status_reference(planned.target)
    item: dict[str, Any] = {"id": str(spec.id), "type": GLOBAL}
    if old_shape:
        item.update({"to": reference, "from": []})
    else:
        item.update({"toStatusReference": reference, "links": []})
    item.update(
        {
            "name": spec.name,
            "description": metas.get(jira.META_DESCRIPTION, ""),
            "actions": actions,
            "validators": [],
            "triggers": [],
            "properties": {},
            "conditions": {"operation": "ALL", "conditions": restriction.rules(), "conditionGroups": []},
        }
    )
    if planned.screen is not None:
        item["transitionScreen"] = rule(TRANSITION_SCREEN, screenId=str(planned.screen))
    return item


def update_field_rule(field: str, value: str) -> dict[str, Any]:
    """``system:update-field``; an empty value is left out, which clears the field (resolution: none;
    assignee: Unassigned), as Salto's Cloud deployments write it."""
    if value:
        return rule(UPDATE_FIELD, field=field, value=value, mode=cloud_rules.UPDATE_MODE_REPLACE)
    return rule(UPDATE_FIELD, field=field, mode=cloud_rules.UPDATE_MODE_REPLACE)


def change_lines(planned: PlannedTransition, item: dict[str, Any]) -> list[str]:
    target = planned.target
    screen = f"screen {planned.screen}" if planned.screen is not None else "no screen"
    conditions = item["conditions"]["conditions"]
    restricted = "restricted: " + " AND ".join(describe_rule(r) for r in conditions) if conditions else "unrestricted"
    lines = [
        f"added GLOBAL transition {item['name']!r} (id {item['id']}): any status -> {target.label!r} "
        f"(statusReference {status_reference(target)}), {screen}, {restricted}"
    ]
    lines.extend(f"  added condition {describe_rule(r)}" for r in conditions)
    lines.extend(f"  added post-function {describe_rule(r)}" for r in item["actions"])
    return lines


# --- the update request ---------------------------------------------------------------------------

# The fields of each request schema (jira-platform-v3.openapi.json); a search page or bulk-get
# response has more (scope, created, isEditable …) that the update request does not take.
_WORKFLOW_FIELDS = ("id", "version", "description", "startPointLayout", "loopedTransitionContainerLayout")
_STATUS_LAYOUT_FIELDS = ("statusReference", "layout", "properties", "approvalConfiguration")
_TRANSITION_FIELDS = (
    "id",
    "type",
    "toStatusReference",
    "links",
    "name",
    "description",
    "actions",
    "validators",
    "triggers",
    "properties",
    "conditions",
    "transitionScreen",
    "customIssueEventId",
)
_LINK_FIELDS = ("fromStatusReference", "fromPort", "toPort")
_VERSION_FIELDS = ("id", "versionNumber")
_LAYOUT_FIELDS = ("x", "y")


def _reference(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("statusReference", value.get("id"))
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def _strings(mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): v if isinstance(v, str) else "" if v is None else str(v) for k, v in mapping.items()}


def _rule_configuration(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not isinstance(value.get("ruleKey"), str):
        return None
    found: dict[str, Any] = {}
    if isinstance(value.get("id"), str):
        found["id"] = value["id"]
    found["ruleKey"] = value["ruleKey"]
    found["parameters"] = _strings(value.get("parameters"))
    return found


def _rules(values: Any) -> list[dict[str, Any]]:
    found = [_rule_configuration(v) for v in values] if isinstance(values, list) else []
    return [r for r in found if r is not None]


def _condition_group(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    operation = str(value.get("operation") or "ALL").upper()
    groups = [_condition_group(g) for g in items(value.get("conditionGroups")) if isinstance(g, dict)]
    return {
        "operation": operation if operation in ("ALL", "ANY") else "ALL",
        "conditions": _rules(value.get("conditions")),
        "conditionGroups": [g for g in groups if g is not None],
    }


def _layout(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return {k: value[k] for k in _LAYOUT_FIELDS if isinstance(value.get(k), (int, float))}


def _transition(item: dict[str, Any]) -> dict[str, Any]:
    """A transition as ``TransitionUpdateDTO``: the older ``to`` / ``from`` become ``toStatusReference`` / ``links``."""
    found: dict[str, Any] = {}
    for key in _TRANSITION_FIELDS:
        value = item.get(key)
        if key == "toStatusReference":
            reference = _reference(item.get("toStatusReference", item.get("to")))
            if reference is not None:
                found[key] = reference
        elif key == "links":
            links = item.get("links")
            if isinstance(links, list) and links:
                found[key] = [
                    {k: link[k] for k in _LINK_FIELDS if link.get(k) is not None}
                    for link in links
                    if isinstance(link, dict)
                ]
            else:
                found[key] = [{"fromStatusReference": r} for r in map(_reference, items(item.get("from"))) if r]
        elif key == "type":
            kind = str(value or "DIRECTED").upper()
            found[key] = kind if kind in ("INITIAL", "GLOBAL", "DIRECTED") else "DIRECTED"
        elif key in ("actions", "validators"):
            found[key] = _rules(value)
        elif key == "triggers":
            found[key] = (
                [
                    {
                        "ruleKey": t["ruleKey"],
                        "parameters": _strings(t.get("parameters")),
                        **({"id": t["id"]} if isinstance(t.get("id"), str) else {}),
                    }
                    for t in value or ()
                    if isinstance(t, dict) and isinstance(t.get("ruleKey"), str)
                ]
                if isinstance(value, list)
                else []
            )
        elif key == "properties":
            found[key] = _strings(value)
        elif key == "conditions":
            group = _condition_group(value)
            if group is not None:
                found[key] = group
        elif key == "transitionScreen":
            screen = _rule_configuration(value)
            if screen is not None:
                found[key] = screen
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            found[key] = str(value)
    return found


def _status_layout(item: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"statusReference": _reference(item.get("statusReference", item.get("id"))) or ""}
    layout = _layout(item.get("layout"))
    if layout is not None:
        found["layout"] = layout
    found["properties"] = _strings(item.get("properties"))
    if isinstance(item.get("approvalConfiguration"), dict):
        found["approvalConfiguration"] = item["approvalConfiguration"]
    return found


def _workflow(entry: dict[str, Any]) -> dict[str, Any]:
    name = entry.get("name")
    version = entry.get("version")
    if not isinstance(entry.get("id"), str) or not entry["id"].strip():
        raise JwflintError(f"workflow {name!r} has no id: the update request must name the workflow it changes")
    if not isinstance(version, dict) or not any(k in version for k in _VERSION_FIELDS):
        raise JwflintError(
            f"workflow {name!r} has no version: Jira refuses an update without the version it was read at; "
            "read the workflow again with GET /rest/api/3/workflows/search?expand=values.transitions"
        )
    found: dict[str, Any] = {"id": entry["id"]}
    found["version"] = {k: version[k] for k in _VERSION_FIELDS if version.get(k) is not None}
    if isinstance(entry.get("description"), str):
        found["description"] = entry["description"]
    for key in ("startPointLayout", "loopedTransitionContainerLayout"):
        layout = _layout(entry.get(key))
        if layout is not None:
            found[key] = layout
    found["statuses"] = [_status_layout(s) for s in items(entry.get("statuses")) if isinstance(s, dict)]
    found["transitions"] = [_transition(t) for t in items(entry.get("transitions")) if isinstance(t, dict)]
    return found


def _status_update(reference: str, known: dict[str, Any], name: str) -> dict[str, Any]:
    category = known.get("statusCategory")
    if isinstance(category, dict):  # GET /status style: {"key": "done"}
        category = jira.STATUS_CATEGORY_KEYS.get(str(category.get("key", "")).lower())
    category = str(category or "").upper()
    if category not in jira.STATUS_CATEGORIES:
        raise JwflintError(
            f"status {reference} of workflow {name!r} has no statusCategory (TODO, IN_PROGRESS or DONE): the update "
            "request must give one; read the workflow with its statuses[] (GET /rest/api/3/workflows/search)"
        )
    found: dict[str, Any] = {}
    if known.get("id") is not None:
        found["id"] = str(known["id"])
    found["statusReference"] = reference
    found["name"] = str(known.get("name") or reference)
    found["statusCategory"] = category
    if isinstance(known.get("description"), str):
        found["description"] = known["description"]
    return found


def update_request(root: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``WorkflowUpdateRequest`` that makes Jira's workflows what ``entries`` (of document ``root``) say."""
    catalogue: dict[str, dict[str, Any]] = {}
    for item in items(root.get("statuses")) if isinstance(root, dict) else ():
        if isinstance(item, dict):
            for key in ("id", "statusReference"):
                reference = _reference(item.get(key))
                if reference:
                    catalogue[reference] = item
    statuses: dict[str, dict[str, Any]] = {}
    workflows = []
    for entry in entries:
        workflow = _workflow(entry)
        for item in items(entry.get("statuses")):
            reference = _reference(item.get("statusReference", item.get("id"))) if isinstance(item, dict) else None
            if reference and reference not in statuses:
                known = {**item, **catalogue.get(reference, {})}
                statuses[reference] = _status_update(reference, known, str(entry.get("name")))
        workflows.append(workflow)
    return {"statuses": list(statuses.values()), "workflows": workflows}


def unknown_rules(request: dict[str, Any]) -> list[str]:
    """Rule keys and parameter names in ``request`` that jwflint's table (core.cloud_rules) does not know."""
    found: list[str] = []

    def visit(configuration: dict[str, Any]) -> None:
        for name in cloud_rules.unknown_in(configuration["ruleKey"], configuration.get("parameters") or {}):
            if name not in found:
                found.append(name)

    def group(node: dict[str, Any]) -> None:
        for item in node.get("conditions") or ():
            visit(item)
        for child in node.get("conditionGroups") or ():
            group(child)

    for workflow in request.get("workflows") or ():
        for item in workflow.get("transitions") or ():
            for key in ("actions", "validators"):
                for configuration in item.get(key) or ():
                    visit(configuration)
            if item.get("transitionScreen"):
                visit(item["transitionScreen"])
            if item.get("conditions"):
                group(item["conditions"])
    return found
