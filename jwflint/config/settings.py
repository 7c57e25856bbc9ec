"""Configuration: ``.jwflint.yaml`` found upward from a linted file, ``[tool.jwflint]`` in
``pyproject.toml``, or ``--config``. Every error names the file and line, and unknown keys,
severities and rule ids are errors rather than silently ignored settings."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from jwflint.config.yaml_source import LineDict, line_of, read_yaml_file, shown
from jwflint.core.errors import ConfigError
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import workflow_name
from jwflint.sources.files import DEFAULT_MAX_BYTES, LARGEST_MAX_BYTES, glob_matches, size_text

__all__ = [
    "Config",
    "RuleRef",
    "Suppression",
    "find_config",
    "load_config",
    "parse_config",
    "parse_size",
    "with_catalogue",
]

CONFIG_NAMES = (".jwflint.yaml", ".jwflint.yml")
FAIL_ON = ("error", "warning", "info", "never")
PROFILES = ("service-bot", "jira")
CONFIG_KEYS = (
    "packs",
    "profile",
    "select",
    "ignore",
    "severity",
    "fail_on",
    "per_path_ignores",
    "required_resolution_fields",
    "required_bot_permissions",
    "max_file_size",
    "catalogue",
    "suppressions",
    "bot_workflows",
    "exclude",
)
NULLABLE_KEYS = ("profile",)  # null means "not set"; any other key without a value is a mistake
BOT_PACK = "service-bot"
SUPPRESSION_KEYS = ("workflow", "rule", "status", "transition", "permission", "subject", "reason")


@record(frozen=True)
class Suppression:
    """An accepted finding, kept in config because Jira drops XML comments when it re-exports."""

    workflow: str  # glob over workflow names
    rule: str
    status: str | None
    transition: str | None
    reason: str
    path: str  # the config file
    line: int  # where the entry starts, for stale-suppression findings
    # A permission key: with ``workflow`` naming the scheme, accepts a bot-account finding.
    permission: str | None = None
    # What a workflow-wide finding gathers ("custom fields", "screen 10600"), as its ``subject``.
    subject: str | None = None

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@record(frozen=True)
class RuleRef:
    """A rule id (or pack name, where ``packs`` allows it) named in the config, checked once rules load."""

    name: str
    key: str  # select, ignore, severity, per_path_ignores or suppressions
    line: int
    packs: bool = True


@record(frozen=True)
class Config:
    """A .jwflint.yaml (or pyproject table) merged with the command line: which rules run, how, and on what."""

    path: str | None = None
    packs: tuple[str, ...] = ()
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "error"
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    required_resolution_fields: tuple[str, ...] = ()
    required_bot_permissions: tuple[str, ...] = ()  # added to bot-permission's list (SERVICEDESK_AGENT, …)
    max_file_size: int = DEFAULT_MAX_BYTES
    catalogue: Catalogue = field(default_factory=Catalogue)
    suppressions: tuple[Suppression, ...] = ()
    rule_refs: tuple[RuleRef, ...] = ()
    # Globs over paths (relative to the config's folder) and workflow names: the service-bot pack
    # runs only on these. Empty: it runs on every workflow.
    bot_workflows: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # globs skipped when a folder is walked

    def scoped(self) -> bool:
        """Whether some rules run on only part of the workflows (per_path_ignores, bot_workflows)."""
        return bool(self.per_path_ignores or self.bot_workflows)

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent if self.path else Path.cwd()

    def ignored_for(self, file_path: str) -> set[str]:
        """Rule ids and packs that ``per_path_ignores`` switches off for one file.

        Patterns match the path relative to the config's folder (POSIX slashes), or the file name.
        """
        ignored: set[str] = set()
        relative = self.relative(file_path)
        name = Path(file_path).name
        for pattern, rules in self.per_path_ignores:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern):
                ignored.update(rules)
        if self.bot_workflows and not self.bot_uses(file_path):
            ignored.add(BOT_PACK)
        return ignored

    def relative(self, file_path: str) -> str:
        try:
            return Path(file_path).resolve().relative_to(self.base_dir.resolve()).as_posix()
        except ValueError:
            return Path(file_path).as_posix()

    def bot_uses(self, file_path: str) -> bool:
        """Whether ``bot_workflows`` names the file: by path, file name or workflow name (case aside)."""
        candidates = (self.relative(file_path), Path(file_path).name, workflow_name(file_path))
        return any(
            fnmatch.fnmatch(candidate.lower(), pattern.lower())
            for pattern in self.bot_workflows
            for candidate in candidates
        )

    def excludes(self, file_path: str) -> bool:
        """Whether ``exclude`` names the file or one of its folders (relative to the config's folder)."""
        return bool(self.exclude) and glob_matches(self.relative(file_path), self.exclude)


def find_config(start: Path) -> Path | None:
    """The nearest ``.jwflint.yaml`` or ``pyproject.toml`` with ``[tool.jwflint]``, upward from start."""
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
    return None


def _has_tool_section(pyproject: Path) -> bool:
    """Whether a pyproject.toml configures jwflint; one that is not TOML is an error, not a "no"."""
    from jwflint.config.toml_source import has_table

    try:
        stat = pyproject.stat()
    except OSError:
        return False
    return has_table(str(pyproject), stat.st_mtime_ns, stat.st_size, ("tool", "jwflint"))


def load_config(path: Path | str) -> Config:
    path = str(path)
    if path.endswith(".toml"):
        from jwflint.config.toml_source import read_tool_table

        data: Any = read_tool_table(path)
    else:
        data = read_yaml_file(path)
    return parse_config(LineDict() if data is None else data, path)


def parse_config(data: Any, path: str) -> Config:
    def fail(node: Any, key: str | None, message: str) -> ConfigError:
        return ConfigError(f"{path}:{line_of(node, key)}: {message}")

    if not isinstance(data, dict):
        raise fail(data, None, "the configuration must be a mapping of settings")
    for key in data:
        if key not in CONFIG_KEYS:
            raise fail(data, str(key), f"unknown key {key!r} ({_suggest(str(key), CONFIG_KEYS)})")
        if data[key] is None and key not in NULLABLE_KEYS:
            raise fail(data, str(key), f"{key} has no value: give one or remove the key")
    base = Path(path).parent
    refs: list[RuleRef] = []

    def strings(key: str, ref: bool = False) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise fail(data, key, f"{key} must be a list of strings")
        lines = getattr(items, "item_lines", None) or [line_of(data, key)] * len(items)
        if ref:
            refs.extend(RuleRef(str(v), key, line) for v, line in zip(items, lines, strict=True))
        return tuple(str(v) for v in items)

    select = strings("select", ref=True)
    ignore = strings("ignore", ref=True)
    severity = _severities(data, fail, refs)
    fail_on = data.get("fail_on", "error")
    if not isinstance(fail_on, str) or fail_on not in FAIL_ON:
        raise fail(data, "fail_on", f"fail_on is {shown(fail_on)}; expected one of: {', '.join(FAIL_ON)}")
    profile = data.get("profile")
    if profile is not None and (not isinstance(profile, str) or profile not in PROFILES):
        raise fail(data, "profile", f"profile is {shown(profile)}; expected one of: {', '.join(PROFILES)}")
    try:
        max_file_size = parse_size(data.get("max_file_size", DEFAULT_MAX_BYTES))
    except ValueError as error:
        raise fail(data, "max_file_size", str(error)) from None
    catalogue = _catalogue(data, path, base)
    packs = tuple(p if Path(p).is_absolute() else str((base / p).resolve()) for p in strings("packs"))
    return Config(
        path=path,
        packs=packs,
        profile=profile,
        select=select,
        ignore=ignore,
        severity=severity,
        fail_on=str(fail_on),
        per_path_ignores=_per_path_ignores(data, fail, refs),
        required_resolution_fields=strings("required_resolution_fields"),
        required_bot_permissions=tuple(p.strip().upper() for p in strings("required_bot_permissions")),
        max_file_size=max_file_size,
        catalogue=catalogue,
        suppressions=_suppressions(data, path, refs),
        rule_refs=tuple(refs),
        bot_workflows=strings("bot_workflows"),
        exclude=strings("exclude"),
    )


def _severities(data: Any, fail: Any, refs: list[RuleRef]) -> dict[str, Severity]:
    overrides = data.get("severity") or {}
    if not isinstance(overrides, dict):
        raise fail(data, "severity", "severity must map rule ids to error, warning or info")
    severity: dict[str, Severity] = {}
    for rule_id, level in overrides.items():
        if not isinstance(level, str):
            raise fail(
                overrides, str(rule_id), f"severity of {rule_id} is {shown(level)}: write error, warning or info"
            )
        try:
            severity[str(rule_id)] = Severity.parse(level)
        except ValueError as error:
            raise fail(overrides, str(rule_id), f"severity of {rule_id}: {error}") from None
        refs.append(RuleRef(str(rule_id), "severity", line_of(overrides, str(rule_id)), packs=False))
    return severity


def _per_path_ignores(data: Any, fail: Any, refs: list[RuleRef]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = data.get("per_path_ignores") or {}
    if not isinstance(raw, dict):
        raise fail(data, "per_path_ignores", "per_path_ignores must map glob patterns to lists of rule ids")
    result = []
    for pattern, rules in raw.items():
        rules = [rules] if _scalar(rules) else rules
        if not isinstance(rules, list) or not all(_scalar(r) for r in rules):
            raise fail(raw, str(pattern), f"per_path_ignores {pattern!r} must list rule ids or packs")
        line = line_of(raw, str(pattern))
        refs.extend(RuleRef(str(r), "per_path_ignores", line) for r in rules)
        result.append((str(pattern), tuple(str(r) for r in rules)))
    return tuple(result)


def _catalogue(data: Any, path: str, base: Path) -> Catalogue:
    value = data.get("catalogue")
    if value is None:
        return Catalogue()
    # The catalogue's reader (and the permission schemes it may name) only for a config that has one.
    from jwflint.config.catalogue_file import load_catalogue_file, parse_catalogue

    if isinstance(value, str):  # catalogue: instance.yaml, relative to the config file
        return load_catalogue_file(str(base / value))
    return parse_catalogue(value, path, base)


def _suppressions(data: Any, path: str, refs: list[RuleRef]) -> tuple[Suppression, ...]:
    value = data.get("suppressions")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{path}:{line_of(data, 'suppressions')}: suppressions must be a list")
    result = []
    for index, entry in enumerate(value):
        line = value.item_lines[index] if hasattr(value, "item_lines") else line_of(data, "suppressions")
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}:{line}: each suppression is a mapping with workflow, rule and reason")
        for key in entry:
            if key not in SUPPRESSION_KEYS:
                raise ConfigError(
                    f"{path}:{line_of(entry, str(key))}: unknown suppression key {key!r} "
                    f"(expected one of: {', '.join(SUPPRESSION_KEYS)})"
                )
            if not _scalar(entry[key]):
                raise ConfigError(f"{path}:{line_of(entry, str(key))}: suppression {key} must be a string")
        for required in ("workflow", "rule", "reason"):
            if not str(entry.get(required) or "").strip():
                hint = "; say why the finding is accepted" if required == "reason" else ""
                raise ConfigError(f"{path}:{line}: a suppression needs {required!r}{hint}")
        refs.append(RuleRef(str(entry["rule"]), "suppressions", line_of(entry, "rule"), packs=False))
        result.append(
            Suppression(
                workflow=str(entry["workflow"]),
                rule=str(entry["rule"]),
                status=_optional(entry.get("status")),
                transition=_optional(entry.get("transition")),
                reason=str(entry["reason"]).strip(),
                path=path,
                line=line,
                permission=_optional(entry.get("permission")),
                subject=_optional(entry.get("subject")),
            )
        )
    return tuple(result)


def _suggest(name: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    import difflib  # only to suggest a name in an error

    close = difflib.get_close_matches(name, choices, n=1)
    return f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(choices)}"


def parse_size(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("max_file_size must be a number of bytes or a size like 20MB")
    if isinstance(value, int):
        return _bounded(value)
    match = re.fullmatch(r"\s*(\d+)\s*(b|kb|k|mb|m|gb|g|tb|t)?\s*", str(value).lower())
    if not match:
        raise ValueError(f"max_file_size {shown(value)} is not a size (e.g. 20MB, 512KB, 1000000)")
    unit = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    unit.update([(f"{key}b", factor) for key, factor in unit.items() if key != "b"])
    return _bounded(int(match.group(1)) * unit[match.group(2) or "b"])


def _bounded(size: int) -> int:
    if size <= 0:
        raise ValueError("max_file_size must be positive")
    if size > LARGEST_MAX_BYTES:
        limit = size_text(LARGEST_MAX_BYTES)
        raise ValueError(f"max_file_size {size} is larger than the most jwflint accepts ({limit})")
    return size


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _optional(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def with_catalogue(config: Config, catalogue: Catalogue) -> Config:
    return replace(config, catalogue=catalogue)
