"""The `jwflint` command group: every failure becomes a one-line message and a documented exit code.

Each command lives in a module of its own beside this one and registers itself on ``cli``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from jwflint import __version__
from jwflint.core import exitcodes
from jwflint.core.errors import JwflintError
from jwflint.core.secrets import redact


class JwflintGroup(click.Group):
    """Maps every failure to a one-line message and a documented exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        argv = kwargs.get("args") if kwargs.get("args") is not None else (args[0] if args else sys.argv[1:])
        debug = "--debug" in (argv or ())
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as exit_:
            sys.exit(exit_.exit_code)
        except click.Abort:
            click.echo("jwflint: aborted", err=True)
            sys.exit(130)
        except click.UsageError as error:
            error.show()
            sys.exit(exitcodes.USAGE)
        except click.ClickException as error:
            error.show()
            sys.exit(exitcodes.USAGE)
        except JwflintError as error:
            click.echo(redact(f"jwflint: error: {error}"), err=True)
            sys.exit(exitcodes.USAGE)
        except KeyboardInterrupt:
            click.echo("jwflint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(exitcodes.OK)
        except Exception as error:
            if debug:
                import traceback

                # printed here rather than re-raised so that a Jira token in an exception's text
                # (a library's message, a request in a chained exception) is masked like everywhere else
                sys.stderr.write(redact("".join(traceback.format_exception(error))))
                sys.exit(exitcodes.INTERNAL)
            message = f"jwflint: internal error: {type(error).__name__}: {error} (rerun with --debug for a traceback)"
            click.echo(redact(message), err=True)
            sys.exit(exitcodes.INTERNAL)


@click.group(cls=JwflintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jwflint")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Lint, patch and draw exported Jira workflows."""


def use_color(stream: Any, output: str | None) -> bool:
    if output is not None or "NO_COLOR" in os.environ:
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="jwflint")


if __name__ == "__main__":  # pragma: no cover
    main()
