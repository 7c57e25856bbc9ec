"""Configuration: ``.jwflint.yaml`` found upward from a linted file, ``[tool.jwflint]`` in
``pyproject.toml``, or ``--config``. Unknown keys are errors that name the file and line."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jwflint.buckets import BUCKETS
from jwflint.catalogue import BotIdentity, Catalogue, Screen, StatusInfo, default_screens
from jwflint.errors import ConfigError
from jwflint.findings import Severity
from jwflint.xmlio import DEFAULT_MAX_BYTES
from jwflint.yamlsource import LineDict, line_of, load_yaml, read_yaml_file

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
    "max_file_size",
    "catalogue",
    "suppressions",
)
CATALOGUE_KEYS = ("statuses", "buckets", "screens", "resolutions", "done_resolution", "bot")
BOT_KEYS = ("group", "role", "user", "permissions")
SUPPRESSION_KEYS = ("workflow", "rule", "status", "transition", "reason")


@dataclass(frozen=True)
class Suppression:
    workflow: str
    rule: str
    status: str | None
    transition: str | None
    reason: str
    source: str  # file:line, for stale-suppression reports

    def matches(self, workflow: str, rule: str, status: str | None, transition: str | None) -> bool:
        return (
            fnmatch.fnmatchcase(workflow, self.workflow)
            and self.rule == rule
            and (self.status is None or _same_name(self.status, status))
            and (self.transition is None or _same_name(self.transition, transition))
        )


def _same_name(wanted: str, actual: str | None) -> bool:
    if actual is None:
        return False
    return wanted.strip().casefold() == actual.strip().casefold() or (
        # a transition subject reads "Name (id N)"; let users write the name alone
        actual.strip().casefold().startswith(wanted.strip().casefold() + " (id ")
    )


@dataclass(frozen=True)
class Config:
    path: str | None = None
    packs: tuple[str, ...] = ()
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "error"
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    required_resolution_fields: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_BYTES
    catalogue: Catalogue = field(default_factory=Catalogue)
    suppressions: tuple[Suppression, ...] = ()

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent if self.path else Path.cwd()

    def ignored_for(self, file_path: str) -> set[str]:
        ignored: set[str] = set()
        try:
            relative = Path(file_path).resolve().relative_to(self.base_dir.resolve()).as_posix()
        except ValueError:
            relative = Path(file_path).as_posix()
        for pattern, rules in self.per_path_ignores:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(file_path).name, pattern):
                ignored.update(rules)
        return ignored


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
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\[tool\.jwflint[\].]", text, re.MULTILINE) is not None


def load_config(path: Path | str) -> Config:
    path = str(path)
    data = _read_pyproject(path) if path.endswith(".toml") else read_yaml_file(path)
    if data is None:
        data = LineDict()
    return parse_config(data, path)


def _read_pyproject(path: str) -> Any:
    import tomllib

    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    return document.get("tool", {}).get("jwflint", {})


def parse_config(data: Any, path: str) -> Config:
    def fail(key: str | None, message: str, node: Any = None) -> ConfigError:
        return ConfigError(f"{path}:{line_of(node if node is not None else data, key)}: {message}")

    if not isinstance(data, dict):
        raise fail(None, "the configuration must be a mapping")
    for key in data:
        if key not in CONFIG_KEYS:
            raise fail(key, f"unknown key {key!r} (expected one of: {', '.join(CONFIG_KEYS)})")
    base = Path(path).parent

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise fail(key, f"{key} must be a list of strings")
        return tuple(str(v) for v in value)

    severity: dict[str, Severity] = {}
    overrides = data.get("severity") or {}
    if not isinstance(overrides, dict):
        raise fail("severity", "severity must map rule ids to error, warning or info")
    for rule_id, level in overrides.items():
        try:
            severity[str(rule_id)] = Severity.parse(str(level))
        except ValueError as error:
            raise fail(str(rule_id), str(error), overrides) from None
    fail_on = str(data.get("fail_on", "error"))
    if fail_on not in FAIL_ON:
        raise fail("fail_on", f"fail_on must be one of: {', '.join(FAIL_ON)}")
    profile = data.get("profile")
    if profile is not None and profile not in PROFILES:
        raise fail("profile", f"profile must be one of: {', '.join(PROFILES)}")
    per_path = data.get("per_path_ignores") or {}
    if not isinstance(per_path, dict):
        raise fail("per_path_ignores", "per_path_ignores must map glob patterns to lists of rule ids")
    per_path_ignores = []
    for pattern, rules in per_path.items():
        rules = [rules] if isinstance(rules, str) else rules
        if not isinstance(rules, list):
            raise fail(str(pattern), "each per_path_ignores entry must be a list of rule ids", per_path)
        per_path_ignores.append((str(pattern), tuple(str(r) for r in rules)))
    max_size = data.get("max_file_size", DEFAULT_MAX_BYTES)
    try:
        max_file_size = parse_size(max_size)
    except ValueError as error:
        raise fail("max_file_size", str(error)) from None
    catalogue_data = data.get("catalogue")
    catalogue = parse_catalogue(catalogue_data, path, base) if catalogue_data is not None else Catalogue()
    packs = tuple(str((base / p).resolve()) if not Path(p).is_absolute() else p for p in strings("packs"))
    return Config(
        path=path,
        packs=packs,
        profile=profile,
        select=strings("select"),
        ignore=strings("ignore"),
        severity=severity,
        fail_on=fail_on,
        per_path_ignores=tuple(per_path_ignores),
        required_resolution_fields=strings("required_resolution_fields"),
        max_file_size=max_file_size,
        catalogue=catalogue,
        suppressions=_parse_suppressions(data.get("suppressions"), path, data),
    )


def parse_size(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("max_file_size must be a number of bytes or a size like 20MB")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("max_file_size must be positive")
        return value
    match = re.fullmatch(r"\s*(\d+)\s*(b|kb|k|mb|m|gb|g)?\s*", str(value).lower())
    if not match:
        raise ValueError(f"max_file_size {value!r} is not a size (e.g. 20MB, 512KB, 1000000)")
    number = int(match.group(1))
    unit = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
    size = number * unit.get(match.group(2) or "b", 1)
    if size <= 0:
        raise ValueError("max_file_size must be positive")
    return size


def _parse_suppressions(value: Any, path: str, parent: Any) -> tuple[Suppression, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{path}:{line_of(parent, 'suppressions')}: suppressions must be a list")
    result = []
    for index, entry in enumerate(value):
        line = value.item_lines[index] if hasattr(value, "item_lines") else 0
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}:{line}: each suppression must be a mapping")
        for key in entry:
            if key not in SUPPRESSION_KEYS:
                raise ConfigError(
                    f"{path}:{line_of(entry, key)}: unknown suppression key {key!r} "
                    f"(expected one of: {', '.join(SUPPRESSION_KEYS)})"
                )
        for required in ("workflow", "rule", "reason"):
            if not str(entry.get(required) or "").strip():
                raise ConfigError(f"{path}:{line}: a suppression needs {required!r}; say why it is accepted")
        result.append(
            Suppression(
                workflow=str(entry["workflow"]),
                rule=str(entry["rule"]),
                status=str(entry["status"]) if entry.get("status") is not None else None,
                transition=str(entry["transition"]) if entry.get("transition") is not None else None,
                reason=str(entry["reason"]),
                source=f"{path}:{line}",
            )
        )
    return tuple(result)


def parse_catalogue(data: Any, path: str, base: Path) -> Catalogue:
    """Parse a ``catalogue:`` mapping (from the config or a ``--catalogue`` file)."""

    def fail(node: Any, key: str | None, message: str) -> ConfigError:
        return ConfigError(f"{path}:{line_of(node, key)}: {message}")

    if not isinstance(data, dict):
        raise fail(data, None, "catalogue must be a mapping")
    for key in data:
        if key not in CATALOGUE_KEYS:
            raise fail(data, key, f"unknown catalogue key {key!r} (expected one of: {', '.join(CATALOGUE_KEYS)})")

    statuses: dict[str, StatusInfo] = {}
    raw_statuses = data.get("statuses") or {}
    if not isinstance(raw_statuses, dict):
        raise fail(data, "statuses", "catalogue.statuses must map status ids to a name or {name, bucket}")
    for status_id, info in raw_statuses.items():
        if isinstance(info, str):
            statuses[str(status_id)] = StatusInfo(str(status_id), info, None)
        elif isinstance(info, dict):
            unknown = [k for k in info if k not in ("name", "bucket")]
            if unknown:
                raise fail(info, unknown[0], f"unknown status key {unknown[0]!r} (expected name, bucket)")
            bucket = info.get("bucket")
            if bucket is not None and bucket not in BUCKETS:
                raise fail(info, "bucket", f"unknown bucket {bucket!r} (expected one of: {', '.join(BUCKETS)})")
            statuses[str(status_id)] = StatusInfo(str(status_id), info.get("name"), bucket)
        else:
            raise fail(raw_statuses, str(status_id), "a status is a name or a mapping {name, bucket}")

    bucket_names: dict[str, tuple[str, ...]] = {}
    raw_buckets = data.get("buckets") or {}
    if not isinstance(raw_buckets, dict):
        raise fail(data, "buckets", "catalogue.buckets must map a bucket to status names or ids")
    for bucket, entries in raw_buckets.items():
        if bucket not in BUCKETS:
            raise fail(raw_buckets, str(bucket), f"unknown bucket {bucket!r} (expected one of: {', '.join(BUCKETS)})")
        entries = [entries] if isinstance(entries, (str, int)) else entries
        if not isinstance(entries, list):
            raise fail(raw_buckets, str(bucket), "a bucket lists status names or ids")
        bucket_names[str(bucket)] = tuple(str(e) for e in entries)

    screens = default_screens()
    raw_screens = data.get("screens") or {}
    if isinstance(raw_screens, str):
        raw_screens = {"file": raw_screens}
    if not isinstance(raw_screens, dict):
        raise fail(data, "screens", "catalogue.screens must map screen ids to fields")
    for screen_key, info in raw_screens.items():
        screen_id = _int_key(screen_key)
        if screen_id is None:
            raise fail(raw_screens, str(screen_key), f"screen id {screen_key!r} must be an integer")
        screens[screen_id] = _parse_screen(screen_id, info, raw_screens, str(screen_key), path, base)

    resolutions = data.get("resolutions") or {}
    if not isinstance(resolutions, dict):
        raise fail(data, "resolutions", "catalogue.resolutions must map resolution names to ids")
    bot_data = data.get("bot") or {}
    if not isinstance(bot_data, dict):
        raise fail(data, "bot", "catalogue.bot must be a mapping with group, role, user or permissions")
    for key in bot_data:
        if key not in BOT_KEYS:
            raise fail(bot_data, key, f"unknown bot key {key!r} (expected one of: {', '.join(BOT_KEYS)})")
    permissions = bot_data.get("permissions")
    bot = BotIdentity(
        group=_optional_str(bot_data.get("group")),
        role=_optional_str(bot_data.get("role")),
        user=_optional_str(bot_data.get("user")),
        permissions=frozenset(str(p).upper() for p in permissions) if permissions is not None else None,
    )
    return Catalogue(
        statuses=statuses,
        bucket_names=bucket_names,
        screens=screens,
        resolutions={str(k): str(v) for k, v in resolutions.items()},
        bot=bot,
        done_resolution=_optional_str(data.get("done_resolution")),
    )


def _optional_str(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _int_key(key: Any) -> int | None:
    text = str(key).strip()
    return int(text) if text.isdigit() else None


def _parse_screen(screen_id: int, info: Any, parent: Any, key: str, path: str, base: Path) -> Screen:
    """A screen is a field list, a mapping {name, fields}, or {rest: file.json} of Jira REST output."""
    if isinstance(info, list):
        return Screen(screen_id, f"screen {screen_id}", frozenset(str(f) for f in info))
    if isinstance(info, dict):
        unknown = [k for k in info if k not in ("name", "fields", "rest")]
        if unknown:
            raise ConfigError(
                f"{path}:{line_of(info, unknown[0])}: unknown screen key {unknown[0]!r} (expected name, fields, rest)"
            )
        fields: set[str] = {str(f) for f in (info.get("fields") or [])}
        if info.get("rest"):
            fields |= _rest_screen_fields(base / str(info["rest"]), path, line_of(info, "rest"))
        return Screen(screen_id, str(info.get("name") or f"screen {screen_id}"), frozenset(fields))
    raise ConfigError(f"{path}:{line_of(parent, key)}: screen {key} must be a list of fields or {{name, fields, rest}}")


def _rest_screen_fields(file: Path, path: str, line: int) -> set[str]:
    """Field ids from Jira REST output: /screens/{id}/tabs/{tab}/fields, or tabs with their fields."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}:{line}: screen REST file {file} does not exist") from None
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}:{line}: screen REST file {file} is not JSON: {error}") from None
    fields: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, dict):
            if "fields" in node:
                collect(node["fields"])
            elif "values" in node:
                collect(node["values"])
            elif "id" in node and isinstance(node["id"], str):
                fields.add(node["id"])

    collect(data)
    if not fields:
        raise ConfigError(f"{path}:{line}: screen REST file {file} lists no fields (expected [{{id, name}}, ...])")
    return fields


def load_catalogue_file(path: str) -> Catalogue:
    data = read_yaml_file(path) if not path.endswith(".json") else _json_as_yaml(path)
    if isinstance(data, dict) and "catalogue" in data and len(data) == 1:
        data = data["catalogue"]
    return parse_catalogue(data, path, Path(path).parent)


def _json_as_yaml(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return load_yaml(text, path)  # JSON is YAML; keeps line numbers for errors


def with_catalogue(config: Config, catalogue: Catalogue) -> Config:
    return replace(config, catalogue=catalogue)
