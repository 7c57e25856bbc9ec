"""Read everything `pull` needs from a site, GET only, into one :class:`Snapshot`.

Cloud: the workflows (new API, ``expand=values.transitions``) with their statuses, and the
screens their transitions show. Data Center has no REST workflow descriptor, so it gets
everything else (all screens, since no workflow says which ones matter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

from jwflint.core.records import record
from jwflint.core.shapes import items, mapping
from jwflint.remote.client import JiraClient, SiteRefused
from jwflint.remote.progress import progress
from jwflint.remote.site import CLOUD, RemoteError

# Jira's status category keys (GET /status) -> the workflow API's enum (catalogue statuses.<id>.category)
CATEGORY_BY_KEY = {"new": "TODO", "indeterminate": "IN_PROGRESS", "done": "DONE"}


@record(frozen=True)
class Selection:
    projects: tuple[str, ...] = ()  # project keys; empty = every project the account can browse
    workflows: tuple[str, ...] = ()  # workflow names; empty = the projects' workflows, or all
    bot: str | None = None  # e-mail address or account id (user key on Data Center)


@record
class Snapshot:
    deployment: str
    workflows: list[dict[str, Any]] = field(default_factory=list)
    workflow_statuses: list[dict[str, Any]] = field(default_factory=list)  # JiraWorkflowStatus, as searched
    statuses: list[dict[str, Any]] = field(default_factory=list)  # StatusDetails (GET /status)
    screens: list[dict[str, Any]] = field(default_factory=list)  # {id, name, tabs: [{id, name, fields}]}
    resolutions: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)  # {key, id, permission_scheme}
    permission_schemes: list[dict[str, Any]] = field(default_factory=list)
    project_roles: list[dict[str, Any]] = field(default_factory=list)
    bot: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # what could not be pulled, and what to do instead


def fetch(client: JiraClient, selection: Selection) -> Snapshot:
    site = client.site
    api = site.api
    info = client.get(f"{api}/serverInfo")
    deployment = str(info.get("deploymentType") or "unknown") if isinstance(info, dict) else "unknown"
    _check_deployment(site.kind, deployment)
    snapshot = Snapshot(deployment=deployment)
    snapshot.projects = _projects(client, selection)
    if site.kind == CLOUD:
        _workflows(client, selection, snapshot)
    snapshot.statuses = client.get_list(f"{api}/status")
    snapshot.screens = _screens(client, snapshot)
    snapshot.resolutions = _resolutions(client)
    _project_facts(client, snapshot)
    if selection.bot:
        snapshot.bot = _bot(client, selection.bot, snapshot.project_roles)
    return snapshot


def _check_deployment(kind: str, deployment: str) -> None:
    if kind == CLOUD and deployment not in ("Cloud", "unknown"):
        raise RemoteError(f"JIRA_URL is a Jira {deployment} site: sign in with JIRA_PAT instead of JIRA_API_TOKEN")
    if kind != CLOUD and deployment == "Cloud":
        raise RemoteError("JIRA_URL is a Jira Cloud site: sign in with JIRA_EMAIL + JIRA_API_TOKEN instead of JIRA_PAT")


def _projects(client: JiraClient, selection: Selection) -> list[dict[str, Any]]:
    api = client.site.api
    if client.site.kind == CLOUD:
        params = {"keys": list(selection.projects)} if selection.projects else {}
        found = client.values(f"{api}/project/search", params)
    else:
        found = client.get_list(f"{api}/project")
    wanted = {key.upper() for key in selection.projects}
    projects = [p for p in found if isinstance(p, dict) and (not wanted or str(p.get("key", "")).upper() in wanted)]
    missing = sorted(wanted - {str(p.get("key", "")).upper() for p in projects})
    if missing:
        raise RemoteError(f"no project {', '.join(missing)} on the site, or the account cannot browse it")
    return [{"key": str(p["key"]), "id": str(p.get("id", ""))} for p in projects if p.get("key")]


def _workflows(client: JiraClient, selection: Selection, snapshot: Snapshot) -> None:
    api = client.site.api
    wanted = _workflow_filter(client, selection, snapshot.projects)
    statuses: dict[str, dict[str, Any]] = {}
    for page in client.pages(f"{api}/workflows/search", {"expand": "values.transitions"}):
        for workflow in page["values"]:
            if not isinstance(workflow, dict) or not isinstance(workflow.get("name"), str):
                raise RemoteError(
                    f"GET {api}/workflows/search: malformed answer from the site: a workflow without a name"
                )
            if wanted(workflow):
                snapshot.workflows.append(workflow)
        for status in items(page.get("statuses")):
            if isinstance(status, dict):
                statuses.setdefault(str(status.get("statusReference") or status.get("id")), status)
    missing = sorted(set(selection.workflows) - {w["name"] for w in snapshot.workflows})
    if missing:
        shown = ", ".join(repr(name) for name in missing)
        raise RemoteError(f"no workflow named {shown} on the site, or the account cannot read it")
    snapshot.workflow_statuses = list(statuses.values())


def _workflow_filter(
    client: JiraClient, selection: Selection, projects: list[dict[str, Any]]
) -> Callable[[dict[str, Any]], bool]:
    """Which workflows to keep: the named ones; else the projects' (their workflow schemes' workflows
    and, for team-managed projects, the workflows scoped to them); else all."""
    if selection.workflows:
        names = set(selection.workflows)
        return lambda workflow: workflow["name"] in names
    if not selection.projects:
        return lambda workflow: True
    names = _project_workflow_names(client, projects)
    ids = {p["id"] for p in projects}

    def wanted(workflow: dict[str, Any]) -> bool:
        project = mapping(mapping(workflow.get("scope")).get("project"))
        return workflow["name"] in names or str(project.get("id")) in ids

    return wanted


def _project_workflow_names(client: JiraClient, projects: list[dict[str, Any]]) -> set[str]:
    """The workflows the projects' workflow schemes map their issue types to (and the default)."""
    answer = client.get(f"{client.site.api}/workflowscheme/project", {"projectId": [p["id"] for p in projects]})
    names: set[str] = set()
    for association in items(mapping(answer).get("values")):
        scheme = mapping(mapping(association).get("workflowScheme"))
        if scheme.get("defaultWorkflow"):
            names.add(str(scheme["defaultWorkflow"]))
        names |= {str(name) for name in mapping(scheme.get("issueTypeMappings")).values()}
    return names


def screen_ids(workflows: list[dict[str, Any]]) -> list[int]:
    """Screens the workflows' transitions show (system:transition-screen's screenId)."""
    found: set[int] = set()
    for workflow in workflows:
        for transition in items(mapping(workflow).get("transitions")):
            screen = mapping(transition).get("transitionScreen")
            if not isinstance(screen, dict):
                continue
            # Atlassian's own examples write "params" where the schema says "parameters"
            parameters = mapping(screen.get("parameters") or screen.get("params"))
            value = str(parameters.get("screenId", "")).strip()
            if value.isdigit():
                found.add(int(value))
    return sorted(found)


def _screens(client: JiraClient, snapshot: Snapshot) -> list[dict[str, Any]]:
    """Each screen with its tabs and their fields: on Cloud the screens the pulled workflows show,
    on Data Center every screen (no workflow says which matter)."""
    api = client.site.api
    if client.site.kind == CLOUD:
        ids = screen_ids(snapshot.workflows)
        listed = client.values(f"{api}/screens", {"id": ids}) if ids else []
    else:
        try:
            listed = client.listing(f"{api}/screens")
        except SiteRefused as refusal:
            if refusal.status != 404:
                raise
            snapshot.notes.append(
                "this Jira version has no screen listing (GET /rest/api/2/screens), so no screens were pulled: "
                "describe the workflows' screens in the catalogue (catalogue.screens)"
            )
            return []
    # a screen the site does not list (deleted since) is left out; lint says it cannot verify it
    names = {
        int(s["id"]): str(s.get("name") or "") for s in listed if isinstance(s, dict) and str(s.get("id")).isdigit()
    }
    screens = []
    with progress(sorted(names), "screens") as bar:
        for screen_id in bar:
            tabs = []
            for tab in client.get_list(f"{api}/screens/{screen_id}/tabs"):
                if not isinstance(tab, dict) or not str(tab.get("id")).isdigit():
                    continue  # not a tab Jira would list: no fields to ask for
                fields = client.get_list(f"{api}/screens/{screen_id}/tabs/{tab['id']}/fields")
                tabs.append({"id": tab["id"], "name": tab.get("name", ""), "fields": fields})
            screens.append({"id": screen_id, "name": names[screen_id] or f"screen {screen_id}", "tabs": tabs})
    return screens


def _resolutions(client: JiraClient) -> list[dict[str, Any]]:
    api = client.site.api
    if client.site.kind == CLOUD:
        found = client.values(f"{api}/resolution/search")
    else:
        found = client.get_list(f"{api}/resolution")
    resolutions = []
    for item in found:
        if isinstance(item, dict) and "id" in item and "name" in item:
            entry: dict[str, Any] = {"id": str(item["id"]), "name": str(item["name"])}
            # the OpenAPI description says "default"; captured Cloud answers say "isDefault"
            default = item.get("isDefault", item.get("default"))
            if default is not None:
                entry["default"] = bool(default)
            resolutions.append(entry)
    return resolutions


def _project_facts(client: JiraClient, snapshot: Snapshot) -> None:
    """Each project's permission scheme (fetched once per scheme) and its roles with their actors."""
    api = client.site.api
    schemes: dict[int, dict[str, Any]] = {}
    with progress(snapshot.projects, "projects") as bar:
        for project in bar:
            key = project["key"]
            scheme = client.get(f"{api}/project/{key}/permissionscheme")
            scheme_id = scheme.get("id") if isinstance(scheme, dict) else None
            if not isinstance(scheme_id, int):
                raise RemoteError(f"GET {api}/project/{key}/permissionscheme: malformed answer: no scheme id")
            project["permission_scheme"] = scheme_id
            if scheme_id not in schemes:
                schemes[scheme_id] = client.get(f"{api}/permissionscheme/{scheme_id}", {"expand": "all"})
            roles = client.get(f"{api}/project/{key}/role")
            if not isinstance(roles, dict):
                raise RemoteError(f"GET {api}/project/{key}/role: malformed answer: expected a mapping of role names")
            for url in roles.values():
                role_id = str(url).rstrip("/").rpartition("/")[2]
                if not role_id.isdigit():
                    continue
                role = mapping(client.get(f"{api}/project/{key}/role/{role_id}"))
                snapshot.project_roles.append(
                    {
                        "project": key,
                        "id": int(role_id),
                        "name": str(role.get("name", "")),
                        "actors": items(role.get("actors")),
                    }
                )
    snapshot.permission_schemes = list(schemes.values())


def _bot(client: JiraClient, who: str, project_roles: list[dict[str, Any]]) -> dict[str, Any]:
    api = client.site.api
    expand = {"expand": "groups,applicationRoles"}
    if client.site.kind == CLOUD:
        account_id = _account_id(client, who) if "@" in who else who
        user = mapping(client.get(f"{api}/user", {"accountId": account_id, **expand}))
    else:
        user = mapping(client.get(f"{api}/user", {"key": who, **expand}))
        account_id = str(user.get("key") or who)
    groups = items(mapping(user.get("groups")).get("items"))
    names = sorted({str(g["name"]) for g in groups if isinstance(g, dict) and g.get("name")})
    ids = sorted({str(g["groupId"]) for g in groups if isinstance(g, dict) and g.get("groupId")})
    access = items(mapping(user.get("applicationRoles")).get("items"))
    user_names = {account_id, str(user.get("name") or ""), str(user.get("key") or "")} - {""}
    roles = sorted(
        {
            role["id"]
            for role in project_roles
            for actor in role["actors"]
            if _actor_is(actor, user_names, set(names), set(ids))
        }
    )
    return {"account_id": account_id, "groups": names, "group_ids": ids, "roles": roles, "product_access": bool(access)}


def _account_id(client: JiraClient, email: str) -> str:
    answer = client.get_list(f"{client.site.api}/user/search", {"query": email})
    found = [user for user in answer if isinstance(user, dict)]
    exact = [u for u in found if str(u.get("emailAddress", "")).casefold() == email.casefold()]
    candidates = exact or found
    if len(candidates) != 1 or not candidates[0].get("accountId"):
        what = "no user" if not candidates else f"{len(candidates)} users"
        raise RemoteError(
            f"--bot {email}: {what} found by that e-mail address (it may be hidden by the user's profile "
            "visibility); pass the bot's account id instead"
        )
    return str(candidates[0]["accountId"])


def _actor_is(actor: Any, user_names: set[str], groups: set[str], group_ids: set[str]) -> bool:
    if not isinstance(actor, dict):
        return False
    user = mapping(actor.get("actorUser"))
    group = mapping(actor.get("actorGroup"))
    if actor.get("type") == "atlassian-user-role-actor":
        return bool({str(user.get("accountId", "")), str(actor.get("name", ""))} & user_names)
    return str(group.get("groupId", "")) in group_ids or str(group.get("name") or actor.get("name", "")) in groups
