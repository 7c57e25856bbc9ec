"""`jwflint push`: validate a Cloud workflow update on the site, and apply it with --apply."""

from __future__ import annotations

import sys

import click

from jwflint.core import exitcodes


@click.command()
@click.argument("update", type=click.Path(dir_okay=False))
@click.option("--apply", "apply", is_flag=True, help="After a clean validation, apply the update on the site.")
@click.option("--debug", is_flag=True, hidden=True)
def push(update: str, apply: bool, debug: bool) -> None:
    """Validate UPDATE.json (a WorkflowUpdateRequest, e.g. from `patch bot --update-request`) on JIRA_URL.

    Prints each error and warning the site finds, at its line in UPDATE.json; exit 1 on errors.
    Nothing changes on the site unless --apply is given and the validation has no error.
    """
    from jwflint.remote.push import push as run_push
    from jwflint.remote.site import site_from_environment

    site = site_from_environment()
    result = run_push(site, update, apply)
    for problem in result.problems:
        level = "error" if problem.level == "ERROR" else "warning"
        code = f" [{problem.code}]" if problem.code else ""
        click.echo(f"{update}:{problem.line}: {level}{code}: {problem.message} ({problem.subject})")
    errors, warnings = len(result.errors), len(result.problems) - len(result.errors)
    summary = f"{site.url}: validation found {errors} error(s), {warnings} warning(s)"
    if errors:
        click.echo(f"{summary}; {'nothing applied' if apply else 'fix them before --apply'}", err=True)
        sys.exit(exitcodes.FINDINGS)
    if not apply:
        click.echo(f"{summary}; the update is valid (run with --apply to apply it)")
        return
    click.echo(f"{summary}; applied:")
    for line in result.applied:
        click.echo(f"  {line}")
