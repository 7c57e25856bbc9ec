"""YAML loading that remembers where every mapping and key came from, for errors that say file:line.

PyYAML is imported (by jwflint.config.yaml_loader) only when a document is parsed.
"""

from __future__ import annotations

from typing import Any

from jwflint.config.yaml_lines import MAX_ALIAS_NODES, MAX_DEPTH, LineDict, LineList, line_of, shown
from jwflint.core.errors import ConfigError

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "LineDict",
    "LineList",
    "line_of",
    "load_yaml",
    "read_text",
    "read_yaml_file",
    "shown",
]


def load_yaml(text: str, path: str) -> Any:
    """Parse YAML; a syntax error becomes a ConfigError naming the file, line and column."""
    from jwflint.config import yaml_loader  # PyYAML, only when there is YAML to parse

    return yaml_loader.parse(text, path)


def read_text(path: str) -> str:
    """A YAML file's text; a file that is missing or unreadable is a ConfigError naming it."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def read_yaml_file(path: str) -> Any:
    return load_yaml(read_text(path), path)
