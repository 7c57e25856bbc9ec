"""Which grants of a permission scheme surely include the bot's account, which only on some issues,
and which never: the holder semantics behind the bot-account rules and bot-can-execute.

A holder surely includes the bot when it is ``anyone``; an ``applicationRole`` and the bot has
product access; a group the bot is in (by name or id); a project role the bot holds (declared in
``catalogue.bot.roles`` or found among the role's actors in ``catalogue.project_roles``); or the
bot's own account. ``reporter``, ``assignee``, ``projectLead`` and the custom-field holders include
it only on some issues. ``sd.customer.portal.only`` never includes it (portal customers are not
agents).
"""

from __future__ import annotations

import enum

from jwflint.model import permissions as p
from jwflint.model.catalogue import BotIdentity
from jwflint.model.permissions import Grant, Holder, PermissionFacts, PermissionScheme, Verdicts


class Cover(enum.Enum):
    SURE = "sure"
    CONDITIONAL = "conditional"
    NO = "no"


def cover(holder: Holder, bot: BotIdentity, facts: PermissionFacts, scheme: PermissionScheme) -> tuple[Cover, str]:
    """Whether the holder includes the bot, and why (a clause for a message)."""
    kind = holder.type
    if kind == p.ANYONE:
        return Cover.SURE, "anyone has it"
    if kind == p.APPLICATION_ROLE:
        return _application_role(holder, bot)
    if kind == p.GROUP:
        ids = set(holder.identifiers)
        if {i.casefold() for i in ids} & bot.group_names or ids & set(bot.group_ids):
            return Cover.SURE, "the bot is in this group"
        return Cover.NO, "which the bot is not in (catalogue.bot.groups, group_ids)"
    if kind == p.PROJECT_ROLE:
        return _project_role(holder, bot, facts, scheme)
    if kind == p.USER:
        if set(holder.identifiers) & bot.accounts:
            return Cover.SURE, "this is the bot's account"
        return Cover.NO, "which is not the bot's account (catalogue.bot.account_id)"
    if kind in p.CONDITIONAL_HOLDERS:
        return Cover.CONDITIONAL, f"only on issues where the bot is the {_ROLE_WORDS[kind]}"
    if kind == p.PORTAL_CUSTOMERS:
        return Cover.NO, "which never includes an agent account such as the bot's"
    return Cover.NO, "a holder type jwflint does not know"


_ROLE_WORDS = {
    p.REPORTER: "reporter",
    p.ASSIGNEE: "assignee",
    p.PROJECT_LEAD: "project lead",
    p.USER_CUSTOM_FIELD: "user in the custom field",
    p.GROUP_CUSTOM_FIELD: "member of the group in the custom field",
}


def _application_role(holder: Holder, bot: BotIdentity) -> tuple[Cover, str]:
    access = bot.product_access
    application = holder.parameter or holder.value
    if access is None:
        return Cover.NO, "but catalogue.bot.product_access is not set"
    if access is False or access == ():
        return Cover.NO, "but the bot has no product access (catalogue.bot.product_access)"
    if application is None:
        return Cover.SURE, "the bot has product access"
    if access is True:
        return Cover.SURE, f"the bot has product access (taken to include {application})"
    if application in access:
        return Cover.SURE, f"the bot has {application} access"
    return Cover.NO, f"but the bot's product access is {', '.join(access)}, not {application}"


def _project_role(
    holder: Holder, bot: BotIdentity, facts: PermissionFacts, scheme: PermissionScheme
) -> tuple[Cover, str]:
    ids = set(holder.identifiers)
    if ids & bot.role_ids:
        return Cover.SURE, "the bot holds this project role (catalogue.bot.roles)"
    projects = facts.projects_using(scheme)
    for role in facts.roles:
        if role.id not in ids or (projects and role.project not in projects):
            continue
        for actor in role.actors:
            if _is_bot(actor, bot):
                where = f" in project {role.project}" if role.project else ""
                return Cover.SURE, f"the bot acts in this role{where} (catalogue.project_roles)"
    return Cover.NO, "which the bot does not hold (catalogue.bot.roles, project_roles)"


def _is_bot(actor: p.RoleActor, bot: BotIdentity) -> bool:
    if actor.type == p.USER_ACTOR:
        return actor.account_id is not None and actor.account_id in bot.accounts
    if actor.type == p.GROUP_ACTOR:
        named = actor.group_name is not None and actor.group_name.casefold() in bot.group_names
        return named or (actor.group_id is not None and actor.group_id in bot.group_ids)
    return False


def verdicts(scheme: PermissionScheme, permission: str, bot: BotIdentity, facts: PermissionFacts) -> Verdicts:
    result = Verdicts()
    buckets = {Cover.SURE: result.sure, Cover.CONDITIONAL: result.conditional, Cover.NO: result.none}
    for grant in scheme.grants_for(permission):
        verdict, why = cover(grant.holder, bot, facts, scheme)
        buckets[verdict].append((grant, why))
    return result


def lacking(schemes: tuple[PermissionScheme, ...], permission: str, bot: BotIdentity, facts: PermissionFacts) -> list[
    PermissionScheme
]:
    """The schemes that give the bot the permission on no issue at all (conditional grants count as held)."""
    missing = []
    for scheme in schemes:
        found = verdicts(scheme, permission, bot, facts)
        if not found.sure and not found.conditional:
            missing.append(scheme)
    return missing


def describe_grants(grants: list[tuple[Grant, str]]) -> str:
    return "; ".join(f"{grant.holder.describe()} (line {grant.line}), {why}" for grant, why in grants)
