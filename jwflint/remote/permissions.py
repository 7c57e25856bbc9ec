"""What each REST call of `pull` and `push` needs, from Atlassian's OpenAPI description.

A 403 names the permission the account lacks for that call; docs/connect.md shows the same table.
Paths are matched without their ``/rest/api/N`` prefix, so Data Center's v2 calls share the rows.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Need(NamedTuple):
    method: str
    pattern: str  # path after /rest/api/N, {x} = one segment
    permission: str  # Jira permission, as the OpenAPI description states it
    scope: str  # classic OAuth 2.0 scope (an API token carries the account's own permissions)


ADMIN = "the Administer Jira global permission"
ADMIN_OR_PROJECT_ADMIN = "the Administer Jira global permission or Administer projects on the project"
WORKFLOW_ADMIN = f"{ADMIN} (Administer projects for project-scoped workflows)"
ANY_ACCESS = "access to Jira (any product access)"
BROWSE = "the Browse projects or Administer projects project permission"
CONFIGURATION, PROJECT, WORK = "manage:jira-configuration", "manage:jira-project", "read:jira-work"

NEEDS = (
    Need("GET", "/serverInfo", "nothing (any caller)", "none"),
    Need(
        "GET",
        "/workflows/search",
        f"{ADMIN} (Administer projects or View read-only workflow for project-scoped workflows)",
        CONFIGURATION,
    ),
    Need("GET", "/workflowscheme/project", ADMIN, CONFIGURATION),
    Need("GET", "/status", "the Browse projects project permission", WORK),
    Need("GET", "/screens", ADMIN, PROJECT),
    Need("GET", "/screens/{}/tabs", ADMIN, PROJECT),
    Need("GET", "/screens/{}/tabs/{}/fields", ADMIN, PROJECT),
    Need("GET", "/resolution/search", ANY_ACCESS, WORK),
    Need("GET", "/resolution", ANY_ACCESS, WORK),
    Need("GET", "/project/search", BROWSE, WORK),
    Need("GET", "/project", BROWSE, WORK),
    Need("GET", "/project/{}/permissionscheme", ADMIN_OR_PROJECT_ADMIN, WORK),
    Need("GET", "/permissionscheme/{}", ANY_ACCESS, WORK),
    Need("GET", "/project/{}/role", ADMIN_OR_PROJECT_ADMIN, WORK),
    Need("GET", "/project/{}/role/{}", ADMIN_OR_PROJECT_ADMIN, WORK),
    Need("GET", "/user", "the Browse users and groups global permission", "read:jira-user"),
    Need("GET", "/user/search", "the Browse users and groups global permission", "read:jira-user"),
    Need("POST", "/workflows/update/validation", WORKFLOW_ADMIN, CONFIGURATION),
    Need("POST", "/workflows/update", WORKFLOW_ADMIN, CONFIGURATION),
)

_API_PREFIX = re.compile(r"^/rest/api/\d+")


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(pattern).replace(r"\{\}", "[^/]+") + "$")


_COMPILED = [(need, _regex(need.pattern)) for need in NEEDS]


def find_need(method: str, path: str) -> Need | None:
    bare = _API_PREFIX.sub("", path.split("?")[0])
    for need, regex in _COMPILED:
        if need.method == method and regex.match(bare):
            return need
    return None


def needed_for(method: str, path: str) -> str:
    need = find_need(method, path)
    return need.permission if need else "a permission this call needs"
