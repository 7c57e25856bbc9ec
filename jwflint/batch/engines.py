"""What a lint run is asked for (LintOptions) and the engines it needs, one per configuration file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jwflint.config.settings import Config, find_config, load_config, parse_size
from jwflint.core.errors import ConfigError
from jwflint.core.records import record
from jwflint.lint.engine import Engine
from jwflint.lint.rules import check_rule_references
from jwflint.lint.suppressions import config_rules, reject_config_checks
from jwflint.sources.files import glob_matches


@record(frozen=True)
class LintOptions:
    """The command line of a lint run that is not output: config, catalogue, rule selection, jobs."""

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
    auto_jobs: bool = False  # -j auto: the batch may stay serial when workers would not pay
    exclude: tuple[str, ...] = ()  # --exclude: globs skipped when walking folders, besides the config's
    stats: bool = False  # --stats: each result keeps its workflow's inventory (jwflint.batch.stats)

    def excluded(self, path: str, config: Config) -> bool:
        return glob_matches(path, self.exclude) or config.excludes(path)

    def files_read(self) -> list[str]:
        """The files besides the workflows that these options make a run read: never a destination."""
        named = [self.config_path, self.catalogue_path, self.baseline, *self.packs]
        return [path for path in named if path]


class EngineCache:
    """One engine per configuration file, so files in different folders get their own config."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        self._by_config: dict[str | None, Engine] = {}
        # The config file found per folder: every file is looked up twice (parallel runs resolve
        # engines first) and a folder's files share one answer, so the walk up runs once per folder.
        self._found: dict[Path, Path | None] = {}
        self._explicit: Config | None = None
        if options.config_path:
            self._explicit = self._customise(load_config(options.config_path))

    def _customise(self, config: Config) -> Config:
        options = self.options
        if options.catalogue_path:
            from jwflint.config.catalogue_file import load_catalogue_file

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
            found = self._config_file(path)
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

    def _config_file(self, path: str) -> Path | None:
        start = Path.cwd() if path == "-" else Path(path)
        if not start.exists():
            start = Path.cwd()
        folder = start if start.is_dir() else start.parent
        if folder not in self._found:
            self._found[folder] = find_config(folder)
        return self._found[folder]

    @property
    def engines(self) -> list[Engine]:
        return list(self._by_config.values())
