"""The command group loads a command's module only when it runs: `--help` and a mistyped command
still see every command, and `jwflint lint` imports no other command's code."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from jwflint.cli import cli
from jwflint.cli.main import COMMANDS

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "jwflint" / "cli"
WORKFLOW = REPO / "fixtures" / "demo" / "service_desk.xml"


def _defined_commands() -> dict[str, click.Command]:
    """Every top-level click command the command modules define, by its name."""
    found: dict[str, click.Command] = {}
    for path in sorted(CLI.glob("*.py")):
        if path.stem in ("__init__", "main"):
            continue
        module = importlib.import_module(f"jwflint.cli.{path.stem}")
        for value in vars(module).values():
            if isinstance(value, click.Command) and value.callback.__module__ == module.__name__:
                found[str(value.name)] = value
    # A subcommand (patch bot) is not a top-level one.
    nested = {name for command in found.values() if isinstance(command, click.Group) for name in command.commands}
    return {name: command for name, command in found.items() if name not in nested}


def test_the_table_names_every_command() -> None:
    defined = _defined_commands()
    assert sorted(defined) == sorted(COMMANDS)
    for name, command in defined.items():
        assert cli.get_command(click.Context(cli), name) is command


def test_help_is_what_an_eager_group_prints() -> None:
    eager = click.Group(name=cli.name, help=cli.help, context_settings=cli.context_settings, params=cli.params)
    for name, command in _defined_commands().items():
        eager.add_command(command, name)
    lazy = CliRunner().invoke(cli, ["--help"])
    assert lazy.exit_code == 0
    assert lazy.stdout == CliRunner().invoke(eager, ["--help"]).stdout
    for name in COMMANDS:
        assert f"\n  {name} " in lazy.stdout


def test_a_mistyped_command_is_still_suggested() -> None:
    code = "import sys\nfrom jwflint.cli import main\nmain(sys.argv[1:])\n"
    for typo, meant in (("lnt", "lint"), ("explian", "explain"), ("puhs", "push")):
        run = subprocess.run([sys.executable, "-c", code, typo], capture_output=True, text=True, timeout=120)
        assert run.returncode == 2
        assert f"No such command '{typo}'. Did you mean '{meant}'?" in run.stderr


_LINT_AND_LIST = """
import sys
from jwflint.cli import main
try:
    main(["lint", sys.argv[1]])
except SystemExit:
    pass
print("LOADED", sorted(m for m in sys.modules if m.startswith(("jwflint.cli.", "jwflint.patch", "jwflint.remote",
                                                                 "jwflint.render", "jwflint.config.starter"))),
      file=sys.stderr)
"""


def test_lint_loads_only_its_own_command() -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-c", _LINT_AND_LIST, str(WORKFLOW)], capture_output=True, text=True, timeout=120, env=env
    )
    assert run.stderr.strip().splitlines()[-1] == "LOADED ['jwflint.cli.lint', 'jwflint.cli.main']"
