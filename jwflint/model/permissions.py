"""Permission schemes, their grants and holders, project role actors: format-neutral.

Jira's REST API describes them (``GET /rest/api/3/permissionscheme/{id}?expand=all``,
``GET /rest/api/3/project/{key}/role/{id}``); Cloud and Data Center share the shape. Each scheme
and grant keeps the file, line and column it was read from, so a finding can point there whether
it came from a scheme document or from the catalogue.
"""

from __future__ import annotations

from dataclasses import field

from jwflint.core.records import record

# Holder types, as Jira writes them.
ANYONE = "anyone"
APPLICATION_ROLE = "applicationRole"
GROUP = "group"
PROJECT_ROLE = "projectRole"
USER = "user"
REPORTER = "reporter"
ASSIGNEE = "assignee"
PROJECT_LEAD = "projectLead"
USER_CUSTOM_FIELD = "userCustomField"
GROUP_CUSTOM_FIELD = "groupCustomField"
PORTAL_CUSTOMERS = "sd.customer.portal.only"

# Holders that include a given user only on some issues (the reporter of this one, …).
CONDITIONAL_HOLDERS = (REPORTER, ASSIGNEE, PROJECT_LEAD, USER_CUSTOM_FIELD, GROUP_CUSTOM_FIELD)

# Role actor types (GET /rest/api/3/project/{key}/role/{id}).
USER_ACTOR = "atlassian-user-role-actor"
GROUP_ACTOR = "atlassian-group-role-actor"


@record(frozen=True)
class Holder:
    """Who a grant is to: ``type`` and its ``parameter``/``value`` (either may be missing)."""

    type: str
    parameter: str | None = None
    value: str | None = None
    label: str | None = None  # a name from the expanded holder (the project role's name)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The parameter and the value, whichever are given (a group: its name and its id)."""
        return tuple(dict.fromkeys(v for v in (self.parameter, self.value) if v))

    def describe(self) -> str:
        kind = self.type
        ident = self.parameter or self.value
        if kind == ANYONE:
            return "anyone"
        if kind == APPLICATION_ROLE:
            return f"application role {ident!r}" if ident else "any user with product access (applicationRole)"
        if kind == GROUP:
            if self.parameter and self.value and self.parameter != self.value:
                return f"group {self.parameter!r} (id {self.value})"
            return f"group {ident!r}"
        if kind == PROJECT_ROLE:
            return f"project role {ident} ({self.label})" if self.label else f"project role {ident}"
        if kind == USER:
            return f"user {ident!r}"
        return f"{kind} {ident}" if ident else kind


@record(frozen=True)
class Grant:
    permission: str
    holder: Holder
    id: str | None
    line: int
    column: int


@record(frozen=True)
class PermissionScheme:
    name: str
    id: str | None
    grants: tuple[Grant, ...]
    path: str
    line: int
    column: int

    def grants_for(self, permission: str) -> list[Grant]:
        return [grant for grant in self.grants if grant.permission == permission]

    def title(self) -> str:
        return f"{self.name!r} (id {self.id})" if self.id else repr(self.name)


@record(frozen=True)
class SchemeProblem:
    """Something in a scheme that is not what Jira writes (a grant without a holder type, …)."""

    message: str
    scheme: str  # the scheme's name; empty for an entry that is no scheme at all
    line: int
    column: int
    permission: str | None = None


@record(frozen=True)
class SchemeSet:
    """The permission schemes of one file (a scheme document, or the catalogue)."""

    path: str
    schemes: tuple[PermissionScheme, ...]
    problems: tuple[SchemeProblem, ...] = ()


@record(frozen=True)
class RoleActor:
    type: str  # USER_ACTOR or GROUP_ACTOR (others are kept and match nothing)
    account_id: str | None = None
    group_name: str | None = None
    group_id: str | None = None


@record(frozen=True)
class ProjectRole:
    """Who acts in one project role of one project."""

    id: str
    project: str | None = None
    name: str | None = None
    actors: tuple[RoleActor, ...] = ()


@record(frozen=True)
class Project:
    key: str
    id: str | None = None
    permission_scheme: str | None = None  # the scheme's id


@record(frozen=True)
class PermissionFacts:
    """What the catalogue says about permissions: schemes, project roles, projects."""

    schemes: tuple[PermissionScheme, ...] = ()
    roles: tuple[ProjectRole, ...] = ()
    projects: tuple[Project, ...] = ()
    source: str = ""  # the file they were read from

    def projects_using(self, scheme: PermissionScheme) -> set[str]:
        """Keys of the projects that use the scheme; empty when the catalogue does not say."""
        return {p.key for p in self.projects if scheme.id is not None and p.permission_scheme == scheme.id}


@record(frozen=True)
class Verdicts:
    """How the holders of one permission relate to the bot."""

    sure: list[tuple[Grant, str]] = field(default_factory=list)
    conditional: list[tuple[Grant, str]] = field(default_factory=list)
    none: list[tuple[Grant, str]] = field(default_factory=list)
