"""What a YAML document becomes: mappings and lists that know the lines they were read from.

No PyYAML here (jwflint.config.yaml_loader parses): data read back from the parsed-pack cache is
made of these types too.
"""

from __future__ import annotations

from typing import Any


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows its own line and column and the line of each key (1-based)."""

    line: int = 0
    column: int = 0
    key_lines: dict[str, int]


class LineList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]


# Configs and packs are untrusted: aliases may repeat a node, but not multiply a document
# (a 425-byte "billion laughs" expands to 10^8 nodes), and nesting stays far below what the
# parser and the recursive code after it can take.
MAX_ALIAS_NODES = 10_000  # nodes aliases may add beyond the document's own
MAX_DEPTH = 64


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message quotes it: its repr, cut short (a config value may be any size)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def line_of(data: Any, key: str | None = None) -> int:
    if isinstance(data, LineDict):
        if key is not None and key in data.key_lines:
            return data.key_lines[key]
        return data.line
    if isinstance(data, LineList):
        return data.line
    return 0
