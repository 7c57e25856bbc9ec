"""`jwflint pull`: bring a Jira site's workflows and instance facts into a folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click


@click.command()
@click.option(
    "--out", "out", default="jira", show_default=True, type=click.Path(file_okay=False), help="Folder to write."
)
@click.option("--project", "projects", multiple=True, metavar="KEY", help="Only this project (repeatable).")
@click.option("--workflow", "workflows", multiple=True, metavar="NAME", help="Only this workflow (repeatable).")
@click.option("--bot", metavar="ACCOUNT", help="The bot's e-mail address or account id (user key on Data Center).")
@click.option("--debug", is_flag=True, hidden=True)
def pull(out: str, projects: Sequence[str], workflows: Sequence[str], bot: str | None, debug: bool) -> None:
    """Fetch workflows and instance facts from JIRA_URL (read-only) into OUT/workflows/ and OUT/catalogue.json.

    Credentials come from the environment only: JIRA_EMAIL + JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT
    (Data Center). See docs/connect.md.
    """
    from jwflint.remote.fetch import Selection
    from jwflint.remote.pull import CATALOGUE, WORKFLOWS
    from jwflint.remote.pull import pull as run_pull
    from jwflint.remote.site import CLOUD, site_from_environment

    site = site_from_environment()
    selection = Selection(tuple(projects), tuple(workflows), bot)
    result = run_pull(site, Path(out), selection)
    snap = result.snapshot
    click.echo(
        f"pulled {site.describe()}: {len(snap.workflows)} workflow(s), {len(snap.statuses)} status(es), "
        f"{len(snap.screens)} screen(s), {len(snap.resolutions)} resolution(s), {len(snap.projects)} project(s), "
        f"{len(snap.permission_schemes)} permission scheme(s), {len(snap.project_roles)} project role(s)"
        + (f", bot {snap.bot['account_id']}" if snap.bot else "")
    )
    catalogue = Path(out) / CATALOGUE
    if site.kind == CLOUD:
        click.echo(f"wrote {Path(out) / WORKFLOWS}/ ({len(result.workflow_files)} file(s)) and {catalogue}")
        if result.removed:
            shown = ", ".join(result.removed)
            click.echo(f"removed {len(result.removed)} workflow file(s) no longer pulled: {shown}")
    else:
        click.echo(f"wrote {catalogue}")
        click.echo(
            "note: Jira Data Center's REST API has no workflow descriptor, so no workflows were pulled: export each "
            "workflow as XML (Administration > Issues > Workflows > View > Export > As XML) into "
            f"{Path(out) / WORKFLOWS}/",
            err=True,
        )
    for note in snap.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"next: jwflint lint {out} --catalogue {catalogue}")
