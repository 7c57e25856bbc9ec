"""`jwflint patch bot` and `jwflint fix`: read, patch, verify, write, report; exit codes as for lint."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.core import exitcodes, stdout
from jwflint.core.errors import JwflintError
from jwflint.core.findings import Severity
from jwflint.core.outputs import Output
from jwflint.lint.engine import Engine
from jwflint.patch import formats
from jwflint.patch.apply import Outcome
from jwflint.patch.bot import BOT_BUCKETS, DEFAULT_SUFFIX, BotOptions
from jwflint.patch.cloud_request import check_request_path, write_update_request
from jwflint.patch.formats import CloudOptions
from jwflint.patch.manual import ManualStep
from jwflint.patch.output import (
    Destination,
    print_manual,
    report_lines,
    unified_diff,
    write_manual_steps,
    write_patched,
)
from jwflint.patch.source import NotAWorkflow
from jwflint.sources.files import read_bytes
from jwflint.sources.registry import expand_paths

Compute = Callable[[str, bytes, Engine], Outcome]


def _run(
    paths: list[str],
    compute: Compute,
    dest: Destination,
    cache: EngineCache,
    skip_non_workflow: bool = False,
    also: tuple[Output | None, ...] = (),
) -> list[Outcome] | None:
    """Patch each file; None when any failed (already reported, inputs untouched)."""
    dest.check(paths, cache.options.files_read(), also)
    outcomes: list[Outcome] = []
    failed = False
    manual: list[ManualStep] = []
    for path in paths:
        xml_out = dest.xml_to_stdout(path)
        report = sys.stderr if dest.diff or xml_out else sys.stdout
        try:
            engine = cache.engine_for(path)
            outcome = compute(path, read_bytes(path, engine.config.max_file_size), engine)
            target = dest.target(path)
            written = False
            if dest.diff:
                stdout.write(unified_diff(outcome))
            elif xml_out:
                stdout.write(outcome.patched)
            elif target is not None:
                written = write_patched(outcome, target, in_place=target == Path(path))
        except JwflintError as error:
            if skip_non_workflow and isinstance(error, NotAWorkflow):
                continue
            print(f"jwflint: error: {error}", file=sys.stderr)
            failed = True
            continue
        for line in report_lines(outcome, target, written):
            print(line, file=report)
        outcomes.append(outcome)
        manual.extend(step for step in outcome.manual if step not in manual)
    stream = sys.stderr if dest.diff or any(dest.xml_to_stdout(p) for p in paths) else sys.stdout
    print_manual(manual, stream, formats.medium(outcomes))
    if dest.manual_steps and outcomes:
        write_manual_steps(manual, dest.manual_steps)  # written even when empty: scripts can rely on it
    return None if failed else outcomes


def run_patch_bot(
    workflow: str,
    options: BotOptions,
    dest: Destination,
    lint_options: LintOptions,
    render: str | None = None,
    cloud: CloudOptions | None = None,
) -> int:
    cloud = cloud or CloudOptions()

    def compute(path: str, data: bytes, engine: Engine) -> Outcome:
        return formats.patch_bot(path, data, engine, options, cloud)

    if cloud.update_request:
        check_request_path(cloud.update_request)

    if render:
        from jwflint.render.api import choose_format

        choose_format(None, render)  # a bad --render name is a usage error before anything is written
    also = (
        Output("--render", render) if render else None,
        Output("--update-request", cloud.update_request) if cloud.update_request else None,
    )
    outcomes = _run([workflow], compute, dest, EngineCache(lint_options), also=also)
    if outcomes is None:
        return exitcodes.USAGE
    if cloud.update_request:
        stream = sys.stderr if dest.diff or dest.xml_to_stdout(workflow) else sys.stdout
        print(write_update_request(outcomes[0], cloud.update_request), file=stream)
    if render:
        from jwflint.render.api import render_patch
        from jwflint.render.report import ManualItem

        outcome, target = outcomes[0], dest.target(workflow)
        after = str(target) if target is not None else None
        manual = [ManualItem(step.text, tuple(call.text() for call in step.calls)) for step in outcome.manual]
        render_patch(
            workflow,
            outcome.patched,
            render,
            options=lint_options,
            after_path=after,
            before_bytes=outcome.original,
            manual=manual,
        )
    return exitcodes.OK


def fix_paths(paths: list[str]) -> list[str]:
    """Files as lint finds them, except earlier outputs of jwflint itself (NAME.patched.xml, .json, .jwb) in folders."""
    files = []
    for path in paths:
        expanded = expand_paths([path])
        if expanded != [path]:
            expanded = [p for p in expanded if not formats.is_patched_output(p)]
        files.extend(expanded)
    if not files:
        raise JwflintError("no workflow files found in: " + ", ".join(paths))
    return files


def run_fix(
    paths: list[str],
    unsafe: bool,
    dest: Destination,
    lint_options: LintOptions,
    skip_non_workflow: bool = False,
    fail_on: str | None = None,
    force: bool = False,
    update_request: str | None = None,
) -> int:
    options = BotOptions(force=force)
    cloud = CloudOptions(update_request=update_request)

    def compute(path: str, data: bytes, engine: Engine) -> Outcome:
        return formats.fix(path, data, engine, unsafe, options, cloud)

    files = fix_paths(paths)
    if update_request:
        if len(files) != 1:
            raise JwflintError("--update-request takes a single input workflow document")
        check_request_path(update_request)
    cache = EngineCache(lint_options)
    also = (Output("--update-request", update_request) if update_request else None,)
    outcomes = _run(files, compute, dest, cache, skip_non_workflow, also=also)
    if outcomes is None:
        return exitcodes.USAGE
    if update_request and outcomes:
        report = sys.stderr if dest.diff or dest.xml_to_stdout(files[0]) else sys.stdout
        print(write_update_request(outcomes[0], update_request), file=report)
    remaining = [f for o in outcomes for f in o.remaining]
    unsafe_left = sum(1 for f in remaining if f.fixable) if not unsafe else 0
    stream = sys.stderr if dest.diff or any(dest.xml_to_stdout(p) for p in files) else sys.stdout
    fixed = sum(len(o.claimed) for o in outcomes)
    if fixed or remaining:
        print(_fix_summary(fixed, len(remaining), unsafe_left), file=stream)
    # As `ruff check --fix`: exit 1 when findings at or above --fail-on (or the config's fail_on)
    # remain after fixing, so `fix` alone can gate a commit. Changed files fail the pre-commit hook anyway.
    level = fail_on or cache.config_for(files[0]).fail_on
    if level != "never" and any(f.severity >= Severity.parse(level) for f in remaining):
        return exitcodes.FINDINGS
    return exitcodes.OK


def _fix_summary(fixed: int, remaining: int, unsafe_left: int) -> str:
    """``fixed 2 finding(s); 3 remain (1 fixable with --unsafe-fixes): run jwflint lint to see them``."""
    text = f"fixed {fixed} finding(s)"
    if remaining:
        text += f"; {remaining} remain"
        if unsafe_left:
            text += f" ({unsafe_left} fixable with --unsafe-fixes)"
        text += ": run jwflint lint to see them"
    return text


def cli_settings(
    kwargs: dict[str, Any], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> tuple[Destination, LintOptions]:
    """The output and configuration options every patching command takes."""
    destination = Destination(
        diff=bool(kwargs.get("diff")),
        output=kwargs.get("output"),
        write=bool(kwargs.get("write")),
        manual_steps=kwargs.get("manual_steps"),
    )
    options = LintOptions(
        config_path=kwargs.get("config_path"),
        catalogue_path=kwargs.get("catalogue_path"),
        select=select,
        ignore=ignore,
        max_size=kwargs.get("max_size"),
    )
    return destination, options


def _text(flag: str, value: str | None) -> str | None:
    """A value that goes into the XML: refuse characters XML cannot carry, with the flag's name."""
    if value is None:
        return None
    from jinja2 import TemplateRuntimeError

    from jwflint.core.templating import xml_escape

    try:
        xml_escape(value)
    except TemplateRuntimeError as error:
        raise JwflintError(f"{flag}: {error}") from None
    return value


def bot_options(kwargs: dict[str, Any]) -> BotOptions:
    role = _text("--role", kwargs.get("role"))
    if role is not None and not (role.strip().isascii() and role.strip().isdigit()):
        raise JwflintError(f"--role {role!r}: give the project role's id (a number), as Jira stores it")
    # --resolved, --in-progress and --reopened arrive under the names of their buckets.
    targets = tuple((bucket, kwargs[bucket]) for bucket in BOT_BUCKETS if kwargs.get(bucket) is not None)
    return BotOptions(
        group=_text("--group", kwargs.get("group")),
        role=role.strip() if role else None,
        user=_text("--user", kwargs.get("user")),
        hide_from_users=bool(kwargs.get("hide_from_users")),
        unrestricted=bool(kwargs.get("unrestricted")),
        force=bool(kwargs.get("force")),
        targets=targets,
        screen=kwargs.get("screen"),
        resolution=_text("--resolution", kwargs.get("resolution")),
        unassign_on_reopen=bool(kwargs.get("unassign_on_reopen", True)),
        name_suffix=_text("--name-suffix", kwargs.get("name_suffix"))
        or ("" if "name_suffix" in kwargs else DEFAULT_SUFFIX),
    )
