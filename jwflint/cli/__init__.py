"""The command line: one module per command; ``main`` is the console entry point."""

from jwflint.cli import init, lint, patch, pull, push, render, rules  # noqa: F401  (each registers its command on cli)
from jwflint.cli.main import cli, console_main, main

__all__ = ["cli", "console_main", "main"]
