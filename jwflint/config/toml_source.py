"""``[tool.jwflint]`` from pyproject.toml, with the line of every key, so config errors say file:line.

tomllib gives values but no positions; the positions come from a light scan of the text for
table headers and ``key =`` lines. Keys inside inline tables get the line of their table.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import Any

from jwflint.config.yaml_source import MAX_DEPTH, LineDict, LineList
from jwflint.core.errors import ConfigError

MAX_BYTES = 16 * 1024 * 1024
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(dotted))


def _positions(text: str) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], list[int]]]:
    """First line of every key path, and the header lines of every array of tables.

    Items of an array of tables get a ``#<index>`` path part, so each item's keys keep their own lines.
    """
    lines: dict[tuple[str, ...], int] = {}
    arrays: dict[tuple[str, ...], list[int]] = {}

    def locate(parts: tuple[str, ...]) -> tuple[str, ...]:
        # [a.b] after [[a]] belongs to the last item of a, as in TOML itself
        located: tuple[str, ...] = ()
        for part in parts:
            located += (part,)
            if located in arrays:
                located += (f"#{len(arrays[located]) - 1}",)
        return located

    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            parts = _parts(header.group(2))
            if header.group(1) == "[[":
                array = locate(parts[:-1]) + parts[-1:]
                lines.setdefault(array, number)
                arrays.setdefault(array, []).append(number)
            table = locate(parts)
            for end in range(1, len(table) + 1):  # [a.b.c] also defines a and a.b here
                lines.setdefault(table[:end], number)
            continue
        key = _KEY.match(line)
        if key:
            dotted = table + _parts(key.group(1))
            for end in range(len(table) + 1, len(dotted) + 1):
                lines.setdefault(dotted[:end], number)
    return lines, arrays


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _with_lines(value: Any, path: tuple[str, ...], lines: dict, arrays: dict, fallback: int, depth: int = 0) -> Any:
    line = lines.get(path, fallback)
    if depth > MAX_DEPTH:
        raise _TooDeep(line)
    if isinstance(value, dict):
        result = LineDict()
        result.line = line
        result.key_lines = {}
        for key, item in value.items():
            result[key] = _with_lines(item, (*path, key), lines, arrays, line, depth + 1)
            result.key_lines[str(key)] = lines.get((*path, key), line)
        return result
    if isinstance(value, list):
        items = LineList()
        items.line = line
        headers = arrays.get(path, [])
        items.item_lines = [headers[i] if i < len(headers) else line for i in range(len(value))]
        for index, item in enumerate(value):
            item_path = (*path, f"#{index}") if index < len(headers) else path
            items.append(_with_lines(item, item_path, lines, arrays, items.item_lines[index], depth + 1))
        return items
    return value


def _read(path: str) -> tuple[str, dict[str, Any]]:
    """The text and the parsed document; every failure is a ConfigError naming the file (and line)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB; not a configuration file")
    try:
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: cannot read: not UTF-8 ({error.reason})") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested more than {MAX_DEPTH} levels deep") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_LINE.search(message)
        line = f":{where.group(1)}" if where else ""
        raise ConfigError(f"{path}{line}: invalid TOML: {_TOML_LINE.sub('', message).strip()}") from None


@lru_cache(maxsize=64)
def has_table(path: str, mtime_ns: int, size: int, table: tuple[str, ...]) -> bool:
    """Whether the TOML file has the table; cached per version of the file, as lint asks once per input."""
    node: Any = _read(path)[1]
    for part in table:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def read_tool_table(path: str, table: tuple[str, ...] = ("tool", "jwflint")) -> LineDict:
    """The ``[tool.jwflint]`` table of a pyproject.toml as a LineDict; errors name the file and line."""
    text, document = _read(path)
    node: Any = document
    for part in table:
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"{path}: no [{'.'.join(table)}] table")
        node = node[part]
    lines, arrays = _positions(text)
    try:
        result = _with_lines(node, table, lines, arrays, lines.get(table, 1))
    except _TooDeep as deep:
        raise ConfigError(f"{path}:{deep.line}: nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(result, LineDict):
        raise ConfigError(f"{path}:{lines.get(table, 1)}: {'.'.join(table)} must be a table")
    return result
