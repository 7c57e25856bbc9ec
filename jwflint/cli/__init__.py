"""The command line: one module per command; ``console_main`` is the console entry point.

The command modules are imported when their command runs (jwflint.cli.main.COMMANDS), not here.
"""

from jwflint.cli.main import cli, console_main, main

__all__ = ["cli", "console_main", "main"]
