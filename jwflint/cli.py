"""Command line: argument parsing, configuration lookup and exit codes. No linting logic lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from jwflint import __version__, exitcodes
from jwflint.errors import JwflintError

FAIL_ON = ("error", "warning", "info", "never")
STATS_FORMATS = ("text", "json")  # the reports jwflint.stats.attach can extend


class JwflintGroup(click.Group):
    """Maps every failure to a one-line message and a documented exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        argv = kwargs.get("args") if kwargs.get("args") is not None else (args[0] if args else sys.argv[1:])
        debug = "--debug" in (argv or ())
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as exit_:
            sys.exit(exit_.exit_code)
        except click.Abort:
            click.echo("jwflint: aborted", err=True)
            sys.exit(130)
        except click.UsageError as error:
            error.show()
            sys.exit(exitcodes.USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(exitcodes.USAGE)
        except JwflintError as error:
            click.echo(f"jwflint: error: {error}", err=True)
            sys.exit(exitcodes.USAGE)
        except KeyboardInterrupt:
            click.echo("jwflint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(exitcodes.OK)
        except Exception as error:
            if debug:
                raise
            click.echo(
                f"jwflint: internal error: {type(error).__name__}: {error} (rerun with --debug for a traceback)",
                err=True,
            )
            sys.exit(exitcodes.INTERNAL)


@click.group(cls=JwflintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jwflint")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Lint, patch and draw exported Jira workflows."""


def use_color(stream: Any, output: str | None) -> bool:
    if output is not None or "NO_COLOR" in os.environ:
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _format_choices() -> list[str]:
    from jwflint.formatters import FORMATTERS

    return sorted(FORMATTERS)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(_format_choices()),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the exit code 1 (default: error, or the config's fail_on).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, without the summary.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), help="Catalogue file (YAML/JSON).")
@click.option("--profile", type=click.Choice(["service-bot", "jira"]), help="Run one rule pack only.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
@click.option("--select", multiple=True, help="Only these rules or packs (repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (repeatable).")
@click.option("--max-size", help="Refuse files larger than this (default 20MB).")
@click.option("--skip-non-workflow", is_flag=True, help="Skip XML files whose root is not <workflow>.")
@click.option(
    "--explain-buckets",
    is_flag=True,
    help="First print each status's bucket and why, and which statuses play each role "
    "(to stdout; to stderr when a non-text report goes to stdout).",
)
@click.option("--jobs", "-j", default="1", metavar="N|auto", help="Lint in N processes (auto: one per CPU).")
@click.option("--stats", "show_stats", is_flag=True, help="Add an inventory of each workflow (text and json).")
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(dir_okay=False),
    help="Hide the findings this baseline accepts; the summary counts entries that no longer match.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record the current findings in FILE as the baseline (and accept them in this run).",
)
@click.option("--debug", is_flag=True, hidden=True)
def lint(
    paths: Sequence[str],
    output_format: str,
    output: str | None,
    fail_on: str | None,
    quiet: bool,
    config_path: str | None,
    catalogue_path: str | None,
    profile: str | None,
    packs: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    max_size: str | None,
    skip_non_workflow: bool,
    explain_buckets: bool,
    jobs: str,
    show_stats: bool,
    baseline: str | None,
    write_baseline: str | None,
    debug: bool,
) -> None:
    """Lint workflow exports (files, folders of *.xml, or - for stdin)."""
    if baseline and write_baseline:
        raise click.UsageError("use --baseline or --write-baseline, not both (--write-baseline records every finding)")
    from jwflint import parallel, session

    if show_stats and output_format not in STATS_FORMATS:
        raise click.UsageError(f"--stats works with --format {' or '.join(STATS_FORMATS)}")
    # Workers send back findings and summaries, not workflow trees; these outputs need the trees.
    job_count = 1 if explain_buckets or output_format == "html" else parallel.parse_jobs(jobs)

    options = session.LintOptions(
        config_path=config_path,
        catalogue_path=catalogue_path,
        profile=profile,
        packs=tuple(packs),
        select=tuple(select),
        ignore=tuple(ignore),
        max_size=max_size,
        skip_non_workflow=skip_non_workflow,
        jobs=job_count,
        baseline=baseline,
        write_baseline=write_baseline,
    )
    run = session.lint_paths(list(paths), options)
    if run.accepted.written is not None:
        click.echo(f"jwflint: wrote {run.accepted.written} finding(s) to baseline {write_baseline}", err=True)
    if explain_buckets:
        from jwflint.buckets import Buckets, explain_text

        cache = session.EngineCache(options)
        stream = sys.stderr if output is None and output_format != "text" else sys.stdout
        for result in run.results:
            if result.workflow is not None:
                stream.write(explain_text(Buckets(result.workflow, cache.config_for(result.path).catalogue)))
        stream.flush()
    report = session.make_report(run, quiet=quiet, color=use_color(sys.stdout, output) and output_format == "text")
    from jwflint.formatters import formatter

    text = formatter(output_format)(report)
    if show_stats:
        from jwflint import stats

        text = stats.attach(text, output_format, stats.collect(run.results))
    session.write_output(text, output)
    sys.exit(session.exit_code(run, report, fail_on))


RENDER_FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "html")


@cli.command()
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
    debug: bool,
) -> None:
    """Draw a workflow as SVG, PNG, PDF, DOT, Mermaid or an HTML report."""
    from jwflint.render.api import render_file
    from jwflint.session import LintOptions

    options = LintOptions(config_path=config_path, catalogue_path=catalogue_path, profile=profile)
    render_file(workflow, output, output_format, with_findings=findings, before_path=before, options=options)


@cli.command()
@click.argument("workflows", nargs=-1)
@click.option("--output", "-o", default=".jwflint.yaml", show_default=True, help="Where to write the config.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(workflows: Sequence[str], output: str, force: bool) -> None:
    """Write a starter .jwflint.yaml, its catalogue pre-filled from WORKFLOWS (files or folders)."""
    from jwflint.init import write_starter

    path, inventory = write_starter(list(workflows), output, force)
    click.echo(
        f"wrote {path}: {len(inventory.statuses)} status(es) with guessed buckets, "
        f"{len(inventory.screens)} screen(s) referenced; review it and fill in the screens' fields and the bot"
    )


def _patch_output_options(function: Any) -> Any:
    """--diff, -o, --write and --manual-steps, shared by `fix` and `patch bot`."""
    for option in reversed(
        [
            click.option("--diff", is_flag=True, help="Print a unified diff to stdout instead of writing a file."),
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
        ]
    ):
        function = option(function)
    return function


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply fixes that change who can do what (transitions, conditions, post-functions).",
)
@click.option("--select", multiple=True, help="Only these rules or packs (repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (repeatable).")
@click.option("--skip-non-workflow", is_flag=True, help="Skip XML files whose root is not <workflow>.")
@_patch_output_options
def fix(
    paths: Sequence[str],
    unsafe_fixes: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    skip_non_workflow: bool,
    **kwargs: Any,
) -> None:
    """Apply the fixes rules offer, re-linting until nothing is left to fix (default: write NAME.patched.xml)."""
    from jwflint.patch import commands

    destination, options = commands.cli_settings(kwargs, select=tuple(select), ignore=tuple(ignore))
    sys.exit(commands.run_fix(list(paths), unsafe_fixes, destination, options, skip_non_workflow))


@cli.group()
def patch() -> None:
    """Generate patched workflows."""


@patch.command("bot")
@click.argument("workflow")
@click.option("--group", help="Restrict the bot's transitions to this group (UserInGroupCondition).")
@click.option("--role", help="Restrict them to this project role id (InProjectRoleCondition); ORed with --group.")
@click.option("--user", help="The bot's account; Jira has no XML condition for one user, so this is a manual step.")
@click.option("--hide-from-users", is_flag=True, help="Hide them from people, API only (RemoteOnlyCondition); ANDed.")
@click.option("--resolved", metavar="STATUS", help="Target status for Resolve (name, status id or step id).")
@click.option("--in-progress", metavar="STATUS", help="Target status for Start Progress.")
@click.option("--reopened", metavar="STATUS", help="Target status for Reopen.")
@click.option("--screen", type=int, metavar="ID", help="Screen of the resolve transition (default: one with Assignee).")
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
def bot(workflow: str, render_out: str | None, **kwargs: Any) -> None:
    """Add the global Resolve / Start Progress / Reopen transitions a service-desk bot needs."""
    from jwflint.patch import commands

    destination, options = commands.cli_settings(kwargs)
    sys.exit(commands.run_patch_bot(workflow, commands.bot_options(kwargs), destination, options, render_out))


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
def rules_list(output_format: str, config_path: str | None, packs: Sequence[str]) -> None:
    """List every rule: id, severity, pack, whether it is fixable, and summary."""
    from jwflint.commands import rules_cmd

    ruleset = rules_cmd.load(config_path, tuple(packs))
    click.echo(rules_cmd.list_json(ruleset) if output_format == "json" else rules_cmd.list_text(ruleset), nl=False)


@cli.command()
@click.argument("rule")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
def explain(rule: str, config_path: str | None, packs: Sequence[str]) -> None:
    """Show one rule's documentation: why, bad and good examples, how to fix, and fix safety."""
    from jwflint.commands import rules_cmd

    click.echo(rules_cmd.explain(rules_cmd.load(config_path, tuple(packs)), rule), nl=False)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="jwflint")


if __name__ == "__main__":  # pragma: no cover
    main()
