"""The closed vocabulary of checks that rules may name. One registry, built from one list."""

from __future__ import annotations

from jwflint.checks import bot, coverage, structure
from jwflint.checks.base import Check

_MODULES = (structure, coverage, bot)

CHECKS: dict[str, Check] = {check.name: check for module in _MODULES for check in module.CHECKS}
