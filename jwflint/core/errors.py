"""Fatal errors: each becomes one line on stderr and exit code 2."""

from __future__ import annotations


class JwflintError(Exception):
    """Base of every error jwflint reports to the user instead of a traceback."""


class InputError(JwflintError):
    """An input could not be read or is not a workflow."""


class ConfigError(JwflintError):
    """A configuration file, catalogue or rule pack is invalid."""
