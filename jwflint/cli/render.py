"""`jwflint render`: draw a workflow."""

from __future__ import annotations

import click

RENDER_FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "html")


@click.command()
@click.argument("workflow")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(RENDER_FORMATS),
    help="Output format (default: from OUT's extension).",
)
@click.option("--output", "-o", help="Write to FILE; - or no -o prints text formats to stdout.")
@click.option(
    "--before",
    "before",
    type=click.Path(dir_okay=False),
    help="Draw a patch: transitions added since this older export in green, removed ones in red.",
)
@click.option(
    "--findings/--no-findings", default=True, show_default=True, help="Outline what findings are about in red."
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), help="Catalogue file (YAML/JSON).")
@click.option("--profile", type=click.Choice(["service-bot", "jira"]), help="Findings of one rule pack only.")
@click.option(
    "--workflow",
    "workflow_name",
    metavar="NAME",
    help="Which workflow of a Cloud document to draw (default: the first).",
)
@click.option("--debug", is_flag=True, hidden=True)
def render(
    workflow: str,
    output_format: str | None,
    output: str | None,
    before: str | None,
    findings: bool,
    config_path: str | None,
    catalogue_path: str | None,
    profile: str | None,
    workflow_name: str | None,
    debug: bool,
) -> None:
    """Draw a workflow as SVG, PNG, PDF, DOT, Mermaid or an HTML report."""
    from jwflint.core import collector

    with collector.frozen():  # the lint and render stacks' modules: long-lived, no garbage to look for
        from jwflint.batch.engines import LintOptions
        from jwflint.render.api import render_file

    options = LintOptions(config_path=config_path, catalogue_path=catalogue_path, profile=profile)
    render_file(
        workflow, output, output_format, with_findings=findings, before_path=before, options=options,
        workflow=workflow_name,
    )
