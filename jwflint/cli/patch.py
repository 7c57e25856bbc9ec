"""`jwflint fix` and `jwflint patch bot`: options only; the work is jwflint.patch.commands."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

JAVA_LONG_MAX = 2**63 - 1


def _patch_output_options(function: Any) -> Any:
    """--diff, -o, --write and --manual-steps, shared by `fix` and `patch bot`."""
    for option in reversed(
        [
            click.option(
                "--diff", is_flag=True, help="Print a unified diff to stdout (patch bot's default without -o/--write)."
            ),
            click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the patched workflow to FILE."),
            click.option("--write", is_flag=True, help="Replace the input in place (atomically, mode kept)."),
            click.option(
                "--manual-steps",
                type=click.Path(dir_okay=False),
                help="Write the manual steps as Jira REST calls to FILE (.json for JSON).",
            ),
            click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file."),
            click.option(
                "--catalogue", "catalogue_path", type=click.Path(dir_okay=False), help="Catalogue file (YAML/JSON)."
            ),
            click.option("--max-size", help="Refuse files larger than this (default 20MB)."),
            click.option("--debug", is_flag=True, hidden=True),
            click.option("--force", is_flag=True, help="Also change a workflow Jira Software manages."),
        ]
    ):
        function = option(function)
    return function


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply fixes that change who can do what (transitions, conditions, post-functions).",
)
@click.option("--select", multiple=True, help="Only these rules or packs (repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (repeatable).")
@click.option("--skip-non-workflow", is_flag=True, help="Skip XML files whose root is not <workflow>.")
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning", "info", "never")),
    default=None,
    help="Exit 1 when findings at or above this remain after fixing (default: error, or the config's fail_on).",
)
@click.option(
    "--update-request",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Jira Cloud JSON (one input): also write the body of POST /rest/api/3/workflows/update to FILE.",
)
@_patch_output_options
def fix(
    paths: Sequence[str],
    unsafe_fixes: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    skip_non_workflow: bool,
    fail_on: str | None,
    update_request: str | None,
    **kwargs: Any,
) -> None:
    """Apply the fixes rules offer, re-linting until nothing is left to fix (default: write NAME.patched.xml).

    Exits 1 when findings at or above --fail-on remain after fixing, as `ruff check --fix` does.
    """
    from jwflint.patch import commands

    destination, options = commands.cli_settings(kwargs, select=tuple(select), ignore=tuple(ignore))
    sys.exit(
        commands.run_fix(
            list(paths),
            unsafe_fixes,
            destination,
            options,
            skip_non_workflow,
            fail_on,
            bool(kwargs.get("force")),
            update_request,
        )
    )


@click.group()
def patch() -> None:
    """Generate patched workflows."""


@patch.command("bot")
@click.argument("workflow")
@click.option(
    "--group", help="Restrict the bot's transitions to this group (UserInGroupCondition; Cloud JSON: the group id)."
)
@click.option("--role", help="Restrict them to this project role id (InProjectRoleCondition); ORed with --group.")
@click.option(
    "--user",
    help="The bot's account; XML has no condition for one user (a manual step); Cloud JSON: its account id.",
)
@click.option(
    "--hide-from-users",
    is_flag=True,
    help="Hide them from people, API only (RemoteOnlyCondition: class name unverified, not in DC core); ANDed.",
)
@click.option(
    "--api-only",
    is_flag=True,
    help="Only the REST API may run them: on Cloud JSON system:restrict-from-all-users restrictMode=users; "
    "on XML the same as --hide-from-users. ANDed.",
)
@click.option(
    "--unrestricted", is_flag=True, help="Allow bot transitions without any restriction (every user sees them)."
)
@click.option(
    "--update-request",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Jira Cloud JSON: also write the body of POST /rest/api/3/workflows/update to FILE.",
)
@click.option("--resolved", metavar="STATUS", help="Target status for Resolve (name, status id or step id).")
@click.option("--in-progress", metavar="STATUS", help="Target status for Start Progress.")
@click.option("--reopened", metavar="STATUS", help="Target status for Reopen.")
@click.option(
    "--screen",
    type=click.IntRange(1, JAVA_LONG_MAX),  # Jira's ids are positive Java longs
    metavar="ID",
    help="Screen of the resolve transition (default: one with Assignee).",
)
@click.option("--resolution", metavar="ID", help="Resolution id the resolve sets (default: the catalogue's Done).")
@click.option("--unassign-on-reopen/--keep-assignee", default=True, show_default=True, help="Reopen sets Unassigned.")
@click.option("--name-suffix", default=" (bot)", show_default=True, help="Appended to the new transitions' names.")
@click.option(
    "--render",
    "render_out",
    type=click.Path(dir_okay=False),
    help="Also draw the patch to FILE (.svg .png .pdf .dot .mmd, or .html with the diff and before/after pictures).",
)
@_patch_output_options
def bot(workflow: str, render_out: str | None, api_only: bool, update_request: str | None, **kwargs: Any) -> None:
    """Add the global Resolve / Start Progress / Reopen transitions a service-desk bot needs.

    WORKFLOW is an XML export, a .jwb bundle, or Jira Cloud workflow JSON (written back as JSON;
    --group then takes a group id, --role a role id, --user an account id). Without -o or --write
    it prints the patch as a unified diff (as `ruff format --diff` does), so a run never leaves a
    NAME.patched.xml beside the input for the next `jwflint lint` to pick up; from stdin (-) it
    prints the patched workflow, as a filter.
    """
    from jwflint.patch import commands
    from jwflint.patch.formats import CloudOptions

    if not (kwargs.get("output") or kwargs.get("write")) and workflow != "-":
        kwargs["diff"] = True

    destination, options = commands.cli_settings(kwargs)
    cloud = CloudOptions(api_only=api_only, update_request=update_request)
    sys.exit(commands.run_patch_bot(workflow, commands.bot_options(kwargs), destination, options, render_out, cloud))
