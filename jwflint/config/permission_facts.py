"""The catalogue's permission facts: ``permission_schemes``, ``project_roles`` and ``projects``.

Each is a list in the shape Jira's REST API returns (what ``jwflint pull`` writes): schemes as
``GET /rest/api/3/permissionscheme/{id}?expand=all``, role actors as ``GET
/rest/api/3/project/{key}/role/{id}``. Unknown keys inside items are ignored (REST answers carry
``self``, avatars and more); a value of the wrong kind is a one-line ``file:line`` error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jwflint.config.yaml_source import line_of
from jwflint.core.errors import ConfigError
from jwflint.model.permissions import PermissionFacts, Project, ProjectRole, RoleActor
from jwflint.sources.permission_scheme import build, scalar_text

Fail = Callable[[Any, "str | None", str], ConfigError]


def permission_facts(data: Any, path: str, fail: Fail) -> PermissionFacts:
    schemes = _list(data, "permission_schemes", fail)
    roles = _list(data, "project_roles", fail)
    projects = _list(data, "projects", fail)
    if not (schemes or roles or projects):
        return PermissionFacts()
    document = build(schemes, path, _position)
    if document.problems:
        problem = document.problems[0]
        raise ConfigError(f"{path}:{problem.line}: catalogue.permission_schemes: {problem.message}")
    return PermissionFacts(
        schemes=tuple(document.schemes),
        roles=tuple(_role(item, fail) for item in roles),
        projects=tuple(_project(item, fail) for item in projects),
        source=path,
    )


def _position(node: Any) -> tuple[int, int]:
    return line_of(node), getattr(node, "column", 0) or (1 if line_of(node) else 0)


def _list(data: Any, key: str, fail: Fail) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(data, key, f"catalogue.{key} must be a list")
    for item in value:
        if not isinstance(item, dict):
            raise fail(data, key, f"each item of catalogue.{key} must be a mapping")
    return value


def _scalar(node: Any, key: str, what: str, fail: Fail, required: bool = False) -> str | None:
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise fail(node, None, f"{what} needs {key!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise fail(node, key, f"{what}: {key} must be a single value")
    return str(value).strip()


def _role(item: Any, fail: Fail) -> ProjectRole:
    what = "a project role (catalogue.project_roles)"
    role_id = _scalar(item, "id", what, fail, required=True)
    assert role_id is not None
    actors = item.get("actors") or []
    if not isinstance(actors, list) or not all(isinstance(a, dict) for a in actors):
        raise fail(item, "actors", f"project role {role_id}: actors must be a list of role actors, as Jira returns")
    return ProjectRole(
        id=role_id,
        project=_scalar(item, "project", what, fail),
        name=_scalar(item, "name", what, fail),
        actors=tuple(_actor(actor) for actor in actors),
    )


def _actor(actor: Any) -> RoleActor:
    """Cloud nests the account in ``actorUser`` and the group in ``actorGroup``; Data Center gives
    the user key or group name as ``name``."""
    kind = str(actor.get("type") or "")
    user = actor.get("actorUser") if isinstance(actor.get("actorUser"), dict) else {}
    group = actor.get("actorGroup") if isinstance(actor.get("actorGroup"), dict) else {}
    name = scalar_text(actor.get("name"))
    return RoleActor(
        type=kind,
        account_id=scalar_text(user.get("accountId")) or (name if kind != "atlassian-group-role-actor" else None),
        group_name=scalar_text(group.get("name")) or (name if kind == "atlassian-group-role-actor" else None),
        group_id=scalar_text(group.get("groupId")),
    )


def _project(item: Any, fail: Fail) -> Project:
    what = "a project (catalogue.projects)"
    key = _scalar(item, "key", what, fail, required=True)
    assert key is not None
    scheme = item.get("permission_scheme")
    if isinstance(scheme, dict):  # {"id": 10000, ...} as GET /project/{key}/permissionscheme returns
        scheme = scheme.get("id")
    if scheme is not None and (isinstance(scheme, bool) or not isinstance(scheme, (str, int))):
        raise fail(item, "permission_scheme", f"project {key}: permission_scheme must be the scheme's id")
    return Project(key=key, id=_scalar(item, "id", what, fail), permission_scheme=scalar_text(scheme))

