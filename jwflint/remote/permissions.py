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


NEEDS = (
    Need("GET", "/serverInfo", "nothing (any caller)", "none"),
    Need(
        "GET",
        "/workflows/search",
        "the Administer Jira global permission (or Administer projects / View read-only workflow "
        "for project-scoped workflows)",
        "manage:jira-configuration",
    ),
    Need("GET", "/workflowscheme/project", "the Administer Jira global permission", "manage:jira-configuration"),
    Need("GET", "/status", "the Browse projects project permission", "read:jira-work"),
    Need("GET", "/screens", "the Administer Jira global permission", "manage:jira-project"),
    Need("GET", "/screens/{}/tabs", "the Administer Jira global permission", "manage:jira-project"),
    Need("GET", "/screens/{}/tabs/{}/fields", "the Administer Jira global permission", "manage:jira-project"),
    Need("GET", "/resolution/search", "access to Jira (any product access)", "read:jira-work"),
    Need("GET", "/resolution", "access to Jira (any product access)", "read:jira-work"),
    Need("GET", "/project/search", "the Browse projects or Administer projects project permission", "read:jira-work"),
    Need("GET", "/project", "the Browse projects or Administer projects project permission", "read:jira-work"),
    Need(
        "GET",
        "/project/{}/permissionscheme",
        "the Administer Jira global permission or Administer projects on the project",
        "read:jira-work",
    ),
    Need("GET", "/permissionscheme/{}", "access to Jira (any product access)", "read:jira-work"),
    Need(
        "GET",
        "/project/{}/role",
        "the Administer projects project permission or the Administer Jira global permission",
        "read:jira-work",
    ),
    Need(
        "GET",
        "/project/{}/role/{}",
        "the Administer projects project permission or the Administer Jira global permission",
        "read:jira-work",
    ),
    Need("GET", "/user", "the Browse users and groups global permission", "read:jira-user"),
    Need("GET", "/user/search", "the Browse users and groups global permission", "read:jira-user"),
    Need(
        "POST",
        "/workflows/update/validation",
        "the Administer Jira global permission (Administer projects for project-scoped workflows)",
        "manage:jira-configuration",
    ),
    Need(
        "POST",
        "/workflows/update",
        "the Administer Jira global permission (Administer projects for project-scoped workflows)",
        "manage:jira-configuration",
    ),
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
