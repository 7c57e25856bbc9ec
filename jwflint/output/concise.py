"""One line per finding, its fix hint and note included, as ruff's ``--output-format concise``."""

from __future__ import annotations

from jwflint.output.text import render_concise as render

__all__ = ["render"]
