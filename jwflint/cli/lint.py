"""`jwflint lint`: argument parsing only; the run itself is jwflint.batch.session."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from jwflint.core import collector, exitcodes
from jwflint.core.findings import Severity

if TYPE_CHECKING:
    from jwflint.batch.session import LintRun
    from jwflint.output import Report

FAIL_ON = ("error", "warning", "info", "never")
STATS_FORMATS = ("text", "json")
COLORED_FORMATS = ("text", "concise")  # the reports jwflint.batch.stats.attach can extend
_FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
COLOR_CHOICES = ("auto", "always", "never")


def _format_choices() -> list[str]:
    from jwflint.output import FORMATTERS

    return sorted(FORMATTERS)


@click.command()
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
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, without the summary (as ruff's -q).")
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text output (FORCE_COLOR forces it; NO_COLOR always turns it off).",
)
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has instead of the findings.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files and folders matching GLOB when walking folders (repeatable; adds to the config's exclude).",
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), help="Catalogue file (YAML/JSON).")
@click.option("--profile", type=click.Choice(["service-bot", "jira"]), help="Run one rule pack only.")
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False), help="Extra rule pack (repeatable).")
@click.option("--select", multiple=True, help="Only these rules or packs (repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (repeatable).")
@click.option("--max-size", help="Refuse files larger than this (default 20MB).")
@click.option(
    "--skip-non-workflow",
    is_flag=True,
    help="Skip files that are not workflows (XML whose root is not <workflow>, JSON that is no Cloud workflow).",
)
@click.option(
    "--explain-buckets",
    is_flag=True,
    help="First print each status's bucket and why, and which statuses play each role "
    "(to stdout; to stderr when a non-text report goes to stdout).",
)
@click.option(
    "--jobs",
    "-j",
    default="auto",
    show_default=True,
    metavar="N|auto",
    help="Lint in N processes; auto: one per CPU once the batch is big enough (4 MB) to pay for them.",
)
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
    color: str,
    statistics: bool,
    exclude: Sequence[str],
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
    with collector.frozen():  # the lint stack's modules: long-lived, no garbage to look for
        from jwflint.batch import engines, parallel, session
        from jwflint.core.files import write_output
        from jwflint.output import make_report

    if statistics and output_format not in (*COLORED_FORMATS, "json"):
        raise click.UsageError("--statistics works with --format text, concise or json")
    if show_stats and output_format not in STATS_FORMATS:
        raise click.UsageError(f"--stats works with --format {' or '.join(STATS_FORMATS)}")
    # Workers send back findings and summaries, not workflow trees; these outputs need the trees.
    job_count = 1 if explain_buckets or output_format == "html" else parallel.parse_jobs(jobs)

    options = engines.LintOptions(
        config_path=config_path,
        catalogue_path=catalogue_path,
        profile=profile,
        packs=tuple(packs),
        select=tuple(select),
        ignore=tuple(ignore),
        max_size=max_size,
        skip_non_workflow=skip_non_workflow,
        jobs=job_count,
        auto_jobs=jobs.strip().lower() == parallel.AUTO,
        baseline=baseline,
        write_baseline=write_baseline,
        exclude=tuple(exclude),
        stats=show_stats,
    )
    run = session.lint_paths(list(paths), options, report=output, keep_workflows=explain_buckets)
    if run.accepted.written is not None:
        click.echo(f"jwflint: wrote {run.accepted.written} finding(s) to baseline {write_baseline}", err=True)
    if explain_buckets:
        from jwflint.model.buckets import Buckets, explain_text

        cache = engines.EngineCache(options)
        stream = sys.stderr if output is None and output_format != "text" else sys.stdout
        for result in run.results:
            # every workflow of a Cloud document; parallel runs keep only the first one's model
            for workflow in result.workflows or ([result.workflow] if result.workflow is not None else []):
                stream.write(explain_text(Buckets(workflow, cache.config_for(result.path).catalogue)))
        stream.flush()
    colored = use_color(sys.stdout, output, color) and output_format in COLORED_FORMATS
    report = make_report(run, quiet=quiet, color=colored)
    from jwflint.output import formatter, streamer

    if statistics or show_stats:
        text = _statistics(report, output_format) if statistics else formatter(output_format)(report)
        if show_stats:
            from jwflint.batch import stats

            text = stats.attach(text, output_format, stats.collect(run.results))
        write_output(text, output)
    else:
        write_output(streamer(output_format)(report), output)  # large reports are written as made
    sys.exit(_exit_code(run, report, fail_on))


def _statistics(report: Report, output_format: str) -> str:
    """--statistics: counts per rule in place of the findings (a JSON list with --format json)."""
    from jwflint.output import text as text_format

    if output_format == "json":
        import json

        return json.dumps(text_format.statistics_rows(report), indent=2) + "\n"
    table = text_format.statistics(report)
    return table if report.quiet else table + text_format.summary_line(report) + "\n"


def _exit_code(run: LintRun, report: Report, fail_on: str | None) -> int:
    if any(result.failed for result in run.results):
        return exitcodes.USAGE
    level = fail_on or run.fail_on
    if level == "never":
        return exitcodes.OK
    threshold = _FAIL_LEVELS[level]
    return exitcodes.FINDINGS if any(f.severity >= threshold for f in report.findings) else exitcodes.OK


def use_color(stream: Any, output: str | None, choice: str = "auto") -> bool:
    """``--color``: NO_COLOR (any value) always wins; then always/never; then FORCE_COLOR (non-empty,
    as CI logs set it); auto colours a terminal only, never a file written with -o."""
    if "NO_COLOR" in os.environ or choice == "never":
        return False
    if choice == "always" or os.environ.get("FORCE_COLOR"):
        return True
    if output is not None:
        return False
    return bool(getattr(stream, "isatty", lambda: False)())
