"""The ``catalogue:`` section (or a ``--catalogue`` file): facts about the Jira instance, validated.

Screens accept Jira's own REST output, so admins can paste what
``GET /rest/api/3/screens/{id}/tabs/{tab}/fields`` returns (``[{"id": "assignee", "name": "Assignee"}]``)
or a list of tabs each with its ``fields``, inline or from a JSON file (``rest: screen-10.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jwflint.config.yaml_source import line_of, load_yaml, read_yaml_file
from jwflint.core import jira
from jwflint.core.errors import ConfigError
from jwflint.model.buckets import BUCKETS
from jwflint.model.catalogue import BotIdentity, Catalogue, Screen, StatusInfo, default_screens

# permission_schemes, project_roles, projects and the bot's account_id ... product_access are written
# by `jwflint pull` (issue 13) and read by the permission checks (issue 14); accepted here so a
# pulled catalogue loads before those checks use them.
PERMISSION_KEYS = ("permission_schemes", "project_roles", "projects")
CATALOGUE_KEYS = ("statuses", "buckets", "screens", "resolutions", "done_resolution", "bot", *PERMISSION_KEYS)
BOT_KEYS = ("group", "role", "user", "permissions", "account_id", "groups", "group_ids", "roles", "product_access")
STATUS_KEYS = ("name", "bucket", "category")
SCREEN_KEYS = ("name", "fields", "rest")


class _Fail:
    """Builds ``file:line: message`` errors for one catalogue source."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, node: Any, key: str | None, message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{line_of(node, key)}: {message}")


def parse_catalogue(data: Any, path: str, base: Path) -> Catalogue:
    """Parse a ``catalogue:`` mapping; ``base`` resolves the JSON files screens may name."""
    fail = _Fail(path)
    if not isinstance(data, dict):
        raise fail(data, None, "catalogue must be a mapping")
    _known_keys(data, CATALOGUE_KEYS, "catalogue", fail)
    resolutions = _resolutions(data, fail)
    done = _optional_str(data.get("done_resolution"))
    if done is not None and resolutions and done.casefold() not in {n.casefold() for n in resolutions}:
        known = ", ".join(resolutions)
        raise fail(data, "done_resolution", f"done_resolution {done!r} is not in catalogue.resolutions ({known})")
    return Catalogue(
        statuses=_statuses(data, fail),
        bucket_names=_buckets(data, fail),
        screens=_screens(data, fail, base),
        resolutions=resolutions,
        bot=_bot(data, fail),
        done_resolution=done,
    )


def _statuses(data: Any, fail: _Fail) -> dict[str, StatusInfo]:
    raw = data.get("statuses") or {}
    if not isinstance(raw, dict):
        raise fail(data, "statuses", "catalogue.statuses must map status ids to a name or {name, bucket}")
    statuses: dict[str, StatusInfo] = {}
    for status_id, info in raw.items():
        if isinstance(info, (str, int)) and not isinstance(info, bool):
            statuses[str(status_id)] = StatusInfo(str(status_id), str(info), None)
            continue
        if not isinstance(info, dict):
            raise fail(raw, str(status_id), f"status {status_id}: a status is a name or a mapping {{name, bucket}}")
        _known_keys(info, STATUS_KEYS, "status", fail)
        bucket = info.get("bucket")
        if bucket is not None and bucket not in BUCKETS:
            raise fail(info, "bucket", f"unknown bucket {bucket!r} (expected one of: {', '.join(BUCKETS)})")
        category = info.get("category")
        if category is not None and category not in jira.STATUS_CATEGORIES:
            expected = ", ".join(jira.STATUS_CATEGORIES)
            raise fail(info, "category", f"unknown category {category!r} (expected one of: {expected})")
        statuses[str(status_id)] = StatusInfo(str(status_id), _optional_str(info.get("name")), bucket, category)
    return statuses


def _buckets(data: Any, fail: _Fail) -> dict[str, tuple[str, ...]]:
    raw = data.get("buckets") or {}
    if not isinstance(raw, dict):
        raise fail(data, "buckets", "catalogue.buckets must map a bucket to status names or ids")
    result: dict[str, tuple[str, ...]] = {}
    for bucket, entries in raw.items():
        if bucket not in BUCKETS:
            raise fail(raw, str(bucket), f"unknown bucket {bucket!r} (expected one of: {', '.join(BUCKETS)})")
        entries = [entries] if isinstance(entries, (str, int)) else entries
        if not isinstance(entries, list) or not all(_scalar(e) for e in entries):
            raise fail(raw, str(bucket), f"bucket {bucket} must list status names or ids")
        result[str(bucket)] = tuple(str(e) for e in entries)
    return result


def _screens(data: Any, fail: _Fail, base: Path) -> dict[int, Screen]:
    screens = default_screens()
    raw = data.get("screens") or {}
    if not isinstance(raw, dict):
        raise fail(data, "screens", "catalogue.screens must map screen ids to their fields")
    for key, info in raw.items():
        text = str(key).strip()
        if not text.isascii() or not text.isdigit():
            raise fail(raw, str(key), f"screen id {key!r} must be an integer (the id in Jira's screen URL)")
        screen_id = int(text)
        where = f"screen {screen_id}"
        if isinstance(info, list):
            fields = _fields(info, fail, raw, str(key), where)
            screens[screen_id] = Screen(screen_id, where, frozenset(fields))
            continue
        if not isinstance(info, dict):
            raise fail(raw, str(key), f"{where} must be a list of fields or a mapping {{name, fields, rest}}")
        _known_keys(info, SCREEN_KEYS, "screen", fail)
        fields = _fields(info.get("fields") or [], fail, info, "fields", where)
        if info.get("rest"):
            fields |= _rest_file(base / str(info["rest"]), fail, info, where)
        screens[screen_id] = Screen(screen_id, str(info.get("name") or where), frozenset(fields))
    return screens


def _fields(value: Any, fail: _Fail, node: Any, key: str | None, where: str) -> set[str]:
    try:
        return rest_fields(value)
    except ValueError as error:
        raise fail(node, key, f"{where}: {error}") from None


def rest_fields(node: Any) -> set[str]:
    """Field ids from a field list: ids, ``{id, name}`` objects, tabs with ``fields``, or a paged ``values``."""
    if isinstance(node, (str, int)) and not isinstance(node, bool):
        return {str(node)}
    if isinstance(node, list):
        fields: set[str] = set()
        for item in node:
            fields |= rest_fields(item)
        return fields
    if isinstance(node, dict):
        if "fields" in node:  # a tab: {"id": 10000, "name": "Field Tab", "fields": [...]}
            return rest_fields(node["fields"])
        if "values" in node:  # a paged REST answer
            return rest_fields(node["values"])
        if isinstance(node.get("id"), str):  # a field: {"id": "assignee", "name": "Assignee"}
            return {node["id"]}
        if "name" in node:
            raise ValueError(
                f"tab {node['name']!r} has no fields; "
                "export them with GET /rest/api/3/screens/{id}/tabs/{tab}/fields"
            )
    raise ValueError(f"expected a field id, a {{id, name}} field or a tab with fields, got {node!r}")


def _rest_file(file: Path, fail: _Fail, node: Any, where: str) -> set[str]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail(node, "rest", f"{where}: REST file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise fail(node, "rest", f"{where}: cannot read REST file {file}: {error}") from None
    except ValueError as error:
        raise fail(node, "rest", f"{where}: REST file {file} is not JSON: {error}") from None
    fields = _fields(data, fail, node, "rest", f"{where}: REST file {file}")
    if not fields:
        raise fail(node, "rest", f"{where}: REST file {file} lists no fields (expected [{{id, name}}, ...])")
    return fields


def _resolutions(data: Any, fail: _Fail) -> dict[str, str]:
    """Resolution name -> id, from a mapping or from GET /rest/api/3/resolution's list of {id, name}."""
    raw = data.get("resolutions") or {}
    if isinstance(raw, list):
        result: dict[str, str] = {}
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not _scalar(item.get("id")) or not _scalar(item.get("name")):
                line = raw.item_lines[index] if hasattr(raw, "item_lines") else line_of(data, "resolutions")
                raise ConfigError(
                    f"{fail.path}:{line}: each resolution in a list is {{id, name}}, as Jira's REST API returns"
                )
            result[str(item["name"])] = str(item["id"])
        return result
    if not isinstance(raw, dict):
        raise fail(data, "resolutions", "catalogue.resolutions must map resolution names to ids")
    for name, value in raw.items():
        if not _scalar(value):
            raise fail(raw, str(name), f"resolution {name!r} must map to its id (a number such as 10000)")
    return {str(k): str(v) for k, v in raw.items()}


def _bot(data: Any, fail: _Fail) -> BotIdentity:
    raw = data.get("bot") or {}
    if not isinstance(raw, dict):
        raise fail(data, "bot", "catalogue.bot must be a mapping with group, role, user or permissions")
    _known_keys(raw, BOT_KEYS, "bot", fail)
    for key in ("group", "role", "user"):
        if raw.get(key) is not None and not _scalar(raw[key]):
            raise fail(raw, key, f"bot.{key} must be a single value")
    role = _optional_str(raw.get("role"))
    # InProjectRoleCondition stores the role's id (jira.projectrole.id), never its name.
    if role is not None and not (role.strip().isascii() and role.strip().isdigit()):
        raise fail(raw, "role", f"bot.role must be a project role id (a number such as 10002), not {role!r}")
    permissions = raw.get("permissions")
    if permissions is not None and (not isinstance(permissions, list) or not all(_scalar(p) for p in permissions)):
        raise fail(raw, "permissions", "bot.permissions must list permission keys (e.g. TRANSITION_ISSUES)")
    return BotIdentity(
        group=_optional_str(raw.get("group")),
        role=role.strip() if role else None,
        user=_optional_str(raw.get("user")),
        permissions=frozenset(str(p).upper() for p in permissions) if permissions is not None else None,
    )


def _known_keys(node: Any, allowed: tuple[str, ...], kind: str, fail: _Fail) -> None:
    for key in node:
        if key not in allowed:
            raise fail(node, str(key), f"unknown {kind} key {key!r} (expected one of: {', '.join(allowed)})")


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _optional_str(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def load_catalogue_file(path: str) -> Catalogue:
    """A catalogue on its own (``--catalogue``), YAML or JSON, optionally under a ``catalogue:`` key."""
    data = read_json(path) if path.lower().endswith(".json") else read_yaml_file(path)
    if isinstance(data, dict) and set(data) == {"catalogue"}:
        data = data["catalogue"]
    return parse_catalogue(data if data is not None else {}, path, Path(path).parent)


def read_json(path: str) -> Any:
    """JSON with line numbers kept for error messages; a missing file is ``<path>: no such file``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    try:
        return load_yaml(text, path)  # JSON is YAML 1.2; this keeps line numbers for errors
    except ConfigError:
        pass
    try:  # tabs and some escapes are JSON but not YAML: fall back to the JSON parser
        return json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", 0)
        raise ConfigError(f"{path}:{line}: invalid JSON: {getattr(error, 'msg', error)}") from None
