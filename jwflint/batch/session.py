"""One lint run over many paths: configuration lookup per file, engines, report and exit code.

Shared by every command that lints (lint, fix, patch, render) so they agree on what a finding is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from jwflint.batch.acceptance import Acceptance, Accepted
from jwflint.config.settings import (
    Config,
    check_rule_references,
    find_config,
    load_catalogue_file,
    load_config,
    parse_size,
)
from jwflint.core import exitcodes
from jwflint.core.errors import ConfigError, JwflintError
from jwflint.core.findings import Finding, Severity
from jwflint.lint.engine import Engine, FileResult, expand_paths
from jwflint.lint.rules import Rule
from jwflint.lint.suppressions import config_rules, reject_config_checks
from jwflint.output import Report

_FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@dataclass(frozen=True)
class LintOptions:
    config_path: str | None = None
    catalogue_path: str | None = None
    profile: str | None = None
    packs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    max_size: str | None = None
    skip_non_workflow: bool = False
    baseline: str | None = None  # hide the findings this baseline file accepts
    write_baseline: str | None = None  # record the current findings as the baseline, then accept them
    jobs: int = 1  # worker processes (jwflint.batch.parallel); 1 lints in this process


@dataclass
class LintRun:
    results: list[FileResult]
    configs: list[Config]
    rules: list[Rule] = field(default_factory=list)
    accepted: Accepted = field(default_factory=Accepted)  # suppressed, baselined, stale suppressions
    # The configuration each file was linted with (--config, --catalogue and the rest applied);
    # formatters that draw a workflow take its catalogue from here.
    config_for: Callable[[str], Config] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings] + self.accepted.config_findings

    @property
    def fail_on(self) -> str:
        return self.configs[0].fail_on if self.configs else "error"


class EngineCache:
    """One engine per configuration file, so files in different folders get their own config."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self._by_config: dict[str | None, Engine] = {}
        self._explicit: Config | None = None
        if options.config_path:
            self._explicit = self._customise(load_config(options.config_path))

    def _customise(self, config: Config) -> Config:
        options = self.options
        if options.catalogue_path:
            config = replace(config, catalogue=load_catalogue_file(options.catalogue_path))
        if options.select:
            config = replace(config, select=config.select + options.select)
        if options.ignore:
            config = replace(config, ignore=config.ignore + options.ignore)
        if options.max_size:
            try:
                config = replace(config, max_file_size=parse_size(options.max_size))
            except ValueError as error:
                raise ConfigError(f"--max-size: {error}") from None
        return config

    def config_for(self, path: str) -> Config:
        return self.engine_for(path).config

    def engine_for(self, path: str) -> Engine:
        if self._explicit is not None:
            key: str | None = self._explicit.path
            config = self._explicit
        else:
            start = Path.cwd() if path == "-" else Path(path)
            found = find_config(start if start.exists() else Path.cwd())
            key = str(found) if found else None
            if key in self._by_config:
                return self._by_config[key]
            config = self._customise(load_config(found) if found else Config())
        engine = self._by_config.get(key)
        if engine is None:
            engine = Engine.from_config(
                config,
                extra_packs=self.options.packs,
                profile=self.options.profile,
                skip_non_workflow=self.options.skip_non_workflow,
            )
            options = [("select", self.options.select), ("ignore", self.options.ignore)]
            check_rule_references(config, [*engine.all_rules, *config_rules()], options)
            reject_config_checks(engine.all_rules)
            self._by_config[key] = engine
        return engine

    @property
    def engines(self) -> list[Engine]:
        return list(self._by_config.values())


def lint_paths(paths: list[str], options: LintOptions) -> LintRun:
    cache = EngineCache(options)
    acceptance = Acceptance(options.baseline, options.write_baseline)
    files = expand_paths(paths)
    if not files:
        raise JwflintError("no workflow files found in: " + ", ".join(paths))
    from jwflint.batch import parallel

    if options.jobs > 1 and len(files) > 1:
        results = parallel.lint_parallel(files, options, cache, options.jobs)
    else:
        results = [cache.engine_for(path).lint_path(path) for path in parallel.track(files)]
    engines = cache.engines
    rules = list({r.id: r for e in engines for r in [*e.all_rules, *config_rules()]}.values())  # SARIF lists them
    run = LintRun(results=results, configs=[e.config for e in engines], rules=rules, config_for=cache.config_for)
    run.accepted = acceptance.apply(results, cache.engine_for)
    return run


def make_report(run: LintRun, quiet: bool = False, color: bool = False) -> Report:
    findings = sorted(run.findings, key=Finding.sort_key)
    accepted = run.accepted
    return Report(
        results=run.results,
        findings=findings,
        rules=run.rules,
        color=color,
        quiet=quiet,
        suppressed=accepted.suppressed,
        baselined=accepted.baselined,
        stale_baseline=accepted.stale_baseline,
        config_for=run.config_for,
    )


def exit_code(run: LintRun, report: Report, fail_on: str | None) -> int:
    if any(result.failed for result in run.results):
        return exitcodes.USAGE
    level = fail_on or run.fail_on
    if level == "never":
        return exitcodes.OK
    threshold = _FAIL_LEVELS[level]
    return exitcodes.FINDINGS if any(f.severity >= threshold for f in report.findings) else exitcodes.OK


def write_output(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(Path(output), text.encode("utf-8"))


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder, fsync, then rename: never a half-written file."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # replace the file the link points to, not the link
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(path.stat().st_mode):
            # A device or pipe (/dev/null, /dev/stdout, a FIFO): write into it, since renaming a
            # temporary file over it would replace the device itself.
            try:
                with open(path, "wb") as handle:
                    handle.write(data)
            except OSError as error:
                raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
            return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the usual
            # permissions (0666 less the umask), like any file the user's tools write.
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except OSError:
                mode = 0o666 & ~_current_umask()
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise JwflintError(f"{path}: cannot write: {error.strerror or error}") from None
