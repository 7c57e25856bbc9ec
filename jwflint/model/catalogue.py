"""Facts about a Jira instance that a workflow export does not carry.

Status names and buckets, the fields on each screen, resolution ids and the bot's identity
live in Jira's database, not in the XML. Users give them in the config's ``catalogue:`` (or a
separate ``--catalogue`` file); Jira's seed screens 1, 2 and 3 are built in and marked as
assumed, so a finding that relies on them says so.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from jwflint.core import jira
from jwflint.core.records import record

if TYPE_CHECKING:
    from jwflint.model.permissions import PermissionFacts


@record(frozen=True)
class Screen:
    """A screen of the Jira instance and the fields it shows."""

    id: int
    name: str
    fields: frozenset[str]
    assumed: bool = False  # Jira's seed contents; the instance may have changed them

    def has_field(self, field_id: str) -> bool:
        wanted = normalise_field(field_id)
        return any(normalise_field(f) == wanted for f in self.fields)


@record(frozen=True)
class StatusInfo:
    """What the catalogue says about one Jira status id: its name, the bucket it plays, its category."""

    id: str
    name: str | None = None
    bucket: str | None = None
    category: str | None = None  # Jira's status category: TODO, IN_PROGRESS or DONE


@record(frozen=True)
class BotIdentity:
    """Who the bot is on the instance: its group, project role, user, and what it is granted."""

    group: str | None = None
    role: str | None = None  # project role id
    user: str | None = None  # user name, key or Atlassian account id
    permissions: frozenset[str] | None = None  # permission keys the bot holds, when known
    account_id: str | None = None  # Cloud account id or Data Center user key
    groups: tuple[str, ...] = ()  # group names
    group_ids: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # project role ids
    # Has product access (True/False), or the application keys it has (jira-servicedesk, …).
    product_access: bool | tuple[str, ...] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.group or self.role or self.user)

    @property
    def known_for_permissions(self) -> bool:
        """Enough is known to say whether a permission scheme's holders include the bot."""
        return bool(
            self.configured or self.account_id or self.groups or self.group_ids or self.roles
        ) or self.product_access is not None

    @property
    def accounts(self) -> frozenset[str]:
        return frozenset(a for a in (self.account_id, self.user) if a)

    @property
    def group_names(self) -> frozenset[str]:
        """Casefolded: Jira compares group names case-insensitively."""
        return frozenset(g.casefold() for g in (self.group, *self.groups) if g)

    @property
    def role_ids(self) -> frozenset[str]:
        return frozenset(r.strip() for r in (self.role, *self.roles) if r)

    def describe(self) -> str:
        parts = []
        if self.group:
            parts.append(f"group {self.group!r}")
        if self.role:
            parts.append(f"project role {self.role}")
        if self.user:
            parts.append(f"user {self.user!r}")
        if self.account_id:
            parts.append(f"account {self.account_id!r}")
        if self.groups:
            parts.append("groups " + ", ".join(repr(g) for g in self.groups))
        if self.group_ids:
            parts.append("group ids " + ", ".join(self.group_ids))
        if self.roles:
            parts.append("project roles " + ", ".join(self.roles))
        if self.product_access is not None:
            access = self.product_access
            parts.append(
                ("product access " + ", ".join(access)) if isinstance(access, tuple) and access
                else ("product access" if access else "no product access")
            )
        return ", ".join(parts) or "no bot identity"


# Field display names that admins write, mapped to Jira's field ids.
_FIELD_ALIASES = {
    "assignee": "assignee",
    "resolution": "resolution",
    "fixversions": "fixversions",
    "fixversion": "fixversions",
    "fixversion/s": "fixversions",
    "timetracking": "timetracking",
    "logwork": "worklog",
    "worklog": "worklog",
}


def normalise_field(field_id: str) -> str:
    key = field_id.strip().lower().replace(" ", "")
    return _FIELD_ALIASES.get(key, key)


def default_screens() -> dict[int, Screen]:
    return {
        screen_id: Screen(screen_id, name, fields, assumed=True)
        for screen_id, (name, fields) in jira.DEFAULT_SCREENS.items()
    }


@record(frozen=True)
class Catalogue:
    """The admin's description of the target instance: statuses, screens, resolutions, the bot and its schemes."""

    statuses: dict[str, StatusInfo] = field(default_factory=dict)  # by status id
    bucket_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # bucket -> status ids/names
    screens: dict[int, Screen] = field(default_factory=default_screens)
    resolutions: dict[str, str] = field(default_factory=dict)  # resolution name -> id
    bot: BotIdentity = field(default_factory=BotIdentity)
    done_resolution: str | None = None  # name of the resolution the bot sets; "Done" by default
    # None when the catalogue describes no permission schemes, roles or projects (the default):
    # a lint of workflows alone then never imports the permission model. Read permission_facts.
    permissions: PermissionFacts | None = None

    @property
    def permission_facts(self) -> PermissionFacts:
        """The catalogue's permission facts, empty when it describes none."""
        if self.permissions is not None:
            return self.permissions
        from jwflint.model.permissions import PermissionFacts

        return PermissionFacts()

    def screen(self, screen_id: int | None) -> Screen | None:
        return None if screen_id is None else self.screens.get(screen_id)

    def resolution_id(self, name: str | None = None) -> str | None:
        wanted = (name or self.done_resolution or "Done").strip().lower()
        for resolution_name, resolution_id in self.resolutions.items():
            if resolution_name.strip().lower() == wanted:
                return resolution_id
        return None

    def status_name(self, status_id: str | None) -> str | None:
        if status_id is None:
            return None
        info = self.statuses.get(status_id)
        if info is not None and info.name:
            return info.name
        return jira.DEFAULT_STATUS_NAMES.get(status_id)
