"""The bot account's permissions: does each permission scheme give the bot's account what a
service-desk bot needs (rules/bot-account.yaml)?

These checks look at the permission schemes of one file (a scheme document, or the catalogue's
``permission_schemes``) and the bot's identity in ``catalogue.bot``. Which holders include the bot
is jwflint.model.bot_access's business; here the verdicts become findings at the scheme or grant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jwflint.core import jira
from jwflint.lint.checks.base import SCHEMES, Arg, Check, Problem, SchemeContext

if TYPE_CHECKING:
    from jwflint.model.permissions import PermissionScheme, SchemeSet

_ADD = "grant it to a group, project role or account the bot has"


def _wanted(args: dict[str, Any], ctx: SchemeContext) -> list[str]:
    """The rule's permissions, then the config's ``required_bot_permissions``, each once."""
    extra = ctx.settings.get("required_bot_permissions", ())
    return list(dict.fromkeys(p.strip().upper() for p in (*args["permissions"], *extra) if p.strip()))


def _problem(message: str, scheme: PermissionScheme, permission: str | None, at: tuple[int, int]) -> Problem:
    return Problem(message, None, position=at, scheme=scheme.name, permission=permission)


def bot_permission(schemes: SchemeSet, args: dict[str, Any], ctx: SchemeContext) -> Iterator[Problem]:
    # Imported here: these checks run only on permission schemes, which a lint of workflows lacks.
    from jwflint.model.bot_access import describe_grants, verdicts

    bot = ctx.catalogue.bot
    if not bot.known_for_permissions:
        return  # bot-identity-unknown says what to configure
    for scheme in schemes.schemes:
        for permission in _wanted(args, ctx):
            found = verdicts(scheme, permission, bot, ctx.catalogue.permission_facts)
            if found.sure or found.conditional:
                continue
            title = scheme.title()
            if not found.none:
                message = (
                    f"permission scheme {title} grants {permission} to no one, so the bot's calls that need it "
                    f"fail with 403: {_ADD}"
                )
                yield _problem(message, scheme, permission, (scheme.line, scheme.column))
                continue
            first = found.none[0][0]
            message = (
                f"permission scheme {title} grants {permission} only to {describe_grants(found.none)}: {_ADD}"
            )
            yield _problem(message, scheme, permission, (first.line, first.column))


def bot_permission_conditional(schemes: SchemeSet, args: dict[str, Any], ctx: SchemeContext) -> Iterator[Problem]:
    from jwflint.model.bot_access import describe_grants, verdicts

    bot = ctx.catalogue.bot
    if not bot.known_for_permissions:
        return
    for scheme in schemes.schemes:
        for permission in _wanted(args, ctx):
            found = verdicts(scheme, permission, bot, ctx.catalogue.permission_facts)
            if found.sure or not found.conditional:
                continue
            first = found.conditional[0][0]
            message = (
                f"permission scheme {scheme.title()} gives {permission} to the bot only through "
                f"{describe_grants(found.conditional)}; on other issues its calls fail with 403: {_ADD}"
            )
            yield _problem(message, scheme, permission, (first.line, first.column))


def bot_identity_known(schemes: SchemeSet, args: dict[str, Any], ctx: SchemeContext) -> Iterator[Problem]:
    if ctx.catalogue.bot.known_for_permissions or not schemes.schemes:
        return
    scheme = schemes.schemes[0]
    yield _problem(
        f"permission scheme {scheme.title()} cannot be checked for the bot, whose identity is not configured: "
        "put the bot's account_id, groups (or group_ids), roles and product_access in catalogue.bot",
        scheme,
        None,
        (scheme.line, scheme.column),
    )


def scheme_structure(schemes: SchemeSet, args: dict[str, Any], ctx: SchemeContext) -> Iterator[Problem]:
    for problem in schemes.problems:
        where = f" in permission scheme {problem.scheme!r}" if problem.scheme else ""
        yield Problem(
            f"{problem.message}{where}, so it is left out of the checks: repair it or fetch the scheme again",
            None,
            position=(problem.line, problem.column),
            scheme=problem.scheme or None,
            permission=problem.permission,
        )


_PERMISSIONS = Arg(
    "list",
    default=list(jira.BOT_PERMISSIONS),
    help="permission keys the bot must hold; the config's required_bot_permissions are added",
)

CHECKS = [
    Check(
        name="bot_permission",
        scope=SCHEMES,
        function=bot_permission,
        summary="Each permission scheme grants the bot each permission through a holder that surely includes it.",
        args={"permissions": _PERMISSIONS},
    ),
    Check(
        name="bot_permission_conditional",
        scope=SCHEMES,
        function=bot_permission_conditional,
        summary="The bot holds no required permission only as reporter, assignee, project lead or through a field.",
        args={"permissions": _PERMISSIONS},
    ),
    Check(
        name="bot_identity_known",
        scope=SCHEMES,
        function=bot_identity_known,
        summary="A bot identity is configured when permission schemes are checked.",
        once_per_run=True,
    ),
    Check(
        name="scheme_structure",
        scope=SCHEMES,
        function=scheme_structure,
        summary="Every grant of a permission scheme has a permission key and a holder type.",
    ),
]
