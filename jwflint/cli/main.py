"""The `jwflint` command group: every failure becomes a one-line message and a documented exit code.

Each command lives in a module of its own beside this one and registers itself on ``cli``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from jwflint import __version__
from jwflint.core import exitcodes, stdout
from jwflint.core.errors import JwflintError
from jwflint.core.secrets import redact
from jwflint.core.text import printable

# Every character str.splitlines() breaks at, written as Python writes it in a repr.
_LINE_BREAKS = {
    code: ascii(chr(code))[1:-1] for code in (10, 11, 12, 13, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)
}


def one_line(message: str) -> str:
    """An error names what the user gave (a path, a value): its line breaks must not break the line."""
    return printable(message).translate(_LINE_BREAKS)


class _Internal(Exception):
    """An internal error already reported; carries its exit code out of a nested handler."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class JwflintGroup(click.Group):
    """Maps every failure to a one-line message and a documented exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        argv = kwargs.get("args") if kwargs.get("args") is not None else (args[0] if args else sys.argv[1:])
        # A name that is not UTF-8 must not crash a print: formats escape names themselves; this is the net.
        with contextlib.suppress(AttributeError, ValueError):
            sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        code = self._run(bool("--debug" in (argv or ())), *args, **kwargs)
        try:
            stdout.flush()  # what print() buffered: a full disk shows here, not as a warning at exit
        except JwflintError as error:
            click.echo(redact(f"jwflint: error: {one_line(str(error))}"), err=True)
            code = max(code, exitcodes.USAGE) if code != exitcodes.INTERNAL else code
        sys.exit(code)

    def _run(self, debug: bool, *args: Any, **kwargs: Any) -> int:
        try:
            super().main(*args, standalone_mode=False, **kwargs)
            return exitcodes.OK
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else exitcodes.USAGE
        except click.exceptions.Exit as exit_:
            return exit_.exit_code
        except click.Abort:
            click.echo("jwflint: aborted", err=True)
            return 130
        except click.ClickException as error:  # usage errors included
            error.show()
            return exitcodes.USAGE
        except JwflintError as error:
            click.echo(redact(f"jwflint: error: {one_line(str(error))}"), err=True)
            return exitcodes.USAGE
        except KeyboardInterrupt:
            click.echo("jwflint: interrupted", err=True)
            return 130
        except BrokenPipeError:
            stdout.silence()  # the reader went away: print nothing more
            return exitcodes.OK
        except OSError as error:
            if not stdout.is_write_failure(error):
                raise self._internal(error, debug) from None
            stdout.silence()
            click.echo(f"jwflint: error: cannot write to stdout: {error.strerror}", err=True)
            return exitcodes.USAGE
        except RecursionError:
            click.echo("jwflint: error: input nested too deeply", err=True)
            return exitcodes.USAGE
        except _Internal as internal:
            return internal.code
        except Exception as error:
            return self._internal(error, debug).code

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # A name that is no command loads them all, for click's "Did you mean ...?".
            for name in [cmd_name] if cmd_name in COMMANDS else COMMANDS:
                module, _, attribute = COMMANDS[name].partition(":")
                self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, cmd_name)

    @staticmethod
    def _internal(error: Exception, debug: bool) -> _Internal:
        if debug:
            import traceback

            # Printed here rather than re-raised so that a Jira token in an exception's text (a
            # library's message, a request in a chained exception) is masked like everywhere else.
            sys.stderr.write(redact("".join(traceback.format_exception(error))))
            return _Internal(exitcodes.INTERNAL)
        message = f"jwflint: internal error: {type(error).__name__}: {error} (rerun with --debug for a traceback)"
        click.echo(redact(one_line(message)), err=True)
        return _Internal(exitcodes.INTERNAL)


# Each command, as "module:object": its module is imported only when the command runs (or when
# --help lists every command with its short help), so `jwflint lint` loads no patch, render or
# remote code. The command modules do not import this one.
COMMANDS = {
    "explain": "jwflint.cli.rules:explain",
    "fix": "jwflint.cli.patch:fix",
    "init": "jwflint.cli.init:init",
    "lint": "jwflint.cli.lint:lint",
    "patch": "jwflint.cli.patch:patch",
    "pull": "jwflint.cli.pull:pull",
    "push": "jwflint.cli.push:push",
    "render": "jwflint.cli.render:render",
    "rules": "jwflint.cli.rules:rules_list",
}


@click.group(cls=JwflintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jwflint")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Lint, patch and draw exported Jira workflows."""


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; ends with SystemExit, as a Python caller expects."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="jwflint")


def console_main() -> None:
    """The ``jwflint`` console script (and ``python -m jwflint``): ``main``, then a fast exit.

    Tearing the interpreter down (freeing every module: networkx alone has hundreds) costs a
    cold ``jwflint lint one.xml`` 35-80 ms, about a fifth of the run, and frees nothing the OS
    does not free anyway. So once the command has finished (its files written and closed, its
    worker pool shut down, stdout flushed by JwflintGroup.main), what is still buffered is
    flushed and the process leaves with ``os._exit`` and the same exit code. Only what is known
    to be safe takes that path: the normal exit stays in place whenever a thread or a worker
    process is still alive, a flush fails (Python's own exit then reports it as it always did), or
    the command ended by an exception rather than its exit code. No atexit hook of jwflint's is
    skipped: it registers none, and logging (the only one a plain run registers, through
    networkx) is shut down here. Python callers of ``main`` (tests, embedding) keep SystemExit.
    """
    try:
        main()
    except SystemExit as done:
        if isinstance(done.code, int) and _quiet_at_exit():
            os._exit(done.code)
        raise


def _quiet_at_exit() -> bool:
    """Flush what Python's exit would flush; True when nothing else is left for it to do."""
    import threading

    if threading.active_count() > 1:
        return False
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return False
    logging = sys.modules.get("logging")
    try:
        if logging is not None:
            logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


if __name__ == "__main__":  # pragma: no cover
    console_main()
