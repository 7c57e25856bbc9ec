"""`jwflint init`: write a starter configuration."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from jwflint.config.starter import Inventory


@click.command()
@click.argument("workflows", nargs=-1)
@click.option("--output", "-o", default=".jwflint.yaml", show_default=True, help="Where to write the config.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--bot-workflows",
    multiple=True,
    metavar="GLOB",
    help="The workflows the service bot uses: globs over paths and workflow names (repeatable, or "
    "comma-separated). The service-bot rules run on these only. Asked for on a terminal when not given.",
)
def init(workflows: Sequence[str], output: str, force: bool, bot_workflows: Sequence[str]) -> None:
    """Write a starter .jwflint.yaml, its catalogue pre-filled from WORKFLOWS (files or folders)."""
    from jwflint.config.starter import write_starter

    given = _globs(bot_workflows)
    scope = given if given or not interactive() else _ask_scope
    path, inventory = write_starter(list(workflows), output, force, scope)
    _warn_unmatched(str(path), inventory, given)
    unplaced = len(inventory.unplaced)
    click.echo(
        f"wrote {path}: {len(inventory.statuses)} status(es) with guessed buckets"
        + (f" ({unplaced} no rule could place: pick their bucket)" if unplaced else "")
        + f", {len(inventory.screens)} screen(s) referenced; review it and fill in the screens' fields and the bot"
    )


def interactive() -> bool:
    """Whether to ask questions: stdin and stdout are a terminal (never in CI or a pre-commit hook)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _globs(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(glob.strip() for value in values for glob in value.split(",") if glob.strip())


def _ask_scope(inventory: Inventory) -> tuple[str, ...]:
    names = sorted(set(inventory.names))
    if names:
        click.echo("Workflows read: " + ", ".join(names))
    answer = click.prompt(
        "Which workflows does the service bot use? Globs over names or paths, comma-separated "
        "(empty: every workflow)",
        default="",
        show_default=False,
    )
    return _globs([answer])


def _warn_unmatched(config_path: str, inventory: Inventory, globs: tuple[str, ...]) -> None:
    from jwflint.config.settings import Config

    for glob in globs:
        scoped = Config(path=config_path, bot_workflows=(glob,))
        if not any(scoped.bot_uses(source) for source in inventory.sources):
            click.echo(f"jwflint: warning: --bot-workflows {glob!r} matches none of the workflows read", err=True)
