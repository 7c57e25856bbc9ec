"""Where the bundled rule packs, templates and schemas are.

A wheel carries them inside the package (``jwflint/_bundled``, mapped by pyproject.toml);
a source checkout or editable install finds them at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # jwflint/


def _locate(name: str) -> Path:
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def rules_dir() -> Path:
    return _locate("rules")


def templates_dir() -> Path:
    return _locate("templates")


def schema_path(name: str) -> Path:
    return _PACKAGE / "schemas" / name
