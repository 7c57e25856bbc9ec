"""`jwflint init`: write a starter configuration."""

from __future__ import annotations

from collections.abc import Sequence

import click

from jwflint.cli.main import cli


@cli.command()
@click.argument("workflows", nargs=-1)
@click.option("--output", "-o", default=".jwflint.yaml", show_default=True, help="Where to write the config.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(workflows: Sequence[str], output: str, force: bool) -> None:
    """Write a starter .jwflint.yaml, its catalogue pre-filled from WORKFLOWS (files or folders)."""
    from jwflint.config.starter import write_starter

    path, inventory = write_starter(list(workflows), output, force)
    click.echo(
        f"wrote {path}: {len(inventory.statuses)} status(es) with guessed buckets, "
        f"{len(inventory.screens)} screen(s) referenced; review it and fill in the screens' fields and the bot"
    )
