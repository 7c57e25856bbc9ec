"""`jwflint rules` and `jwflint explain RULE`: the rule catalogue, as jwflint.lint.ruleset builds it."""

from __future__ import annotations

from collections.abc import Sequence

import click

from jwflint.core import stdout


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
def rules_list(output_format: str, config_path: str | None, packs: Sequence[str]) -> None:
    """List every rule: id, severity, pack, whether it is fixable, and summary."""
    from jwflint.lint import ruleset as ruleset_module  # the whole linter: loaded when the command runs

    ruleset = ruleset_module.load(config_path, tuple(packs))
    listing = ruleset_module.list_json if output_format == "json" else ruleset_module.list_text
    stdout.write(listing(ruleset))


@click.command()
@click.argument("rule")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
def explain(rule: str, config_path: str | None, packs: Sequence[str]) -> None:
    """Show one rule's documentation: why, bad and good examples, how to fix, and fix safety."""
    from jwflint.lint import ruleset as ruleset_module

    stdout.write(ruleset_module.explain(ruleset_module.load(config_path, tuple(packs)), rule))
