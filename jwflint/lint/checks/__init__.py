"""The closed vocabulary of checks that rules may name. One registry, built from one list."""

from __future__ import annotations

from jwflint.lint.checks import (
    bot,
    bot_account,
    conditions,
    config_checks,
    coverage,
    graph_checks,
    hygiene,
    managed,
    portability,
    post_functions,
    resolution,
    screens,
    structure,
    unverified,
)
from jwflint.lint.checks.base import Check

_MODULES = (
    structure,
    coverage,
    bot,
    bot_account,
    post_functions,
    resolution,
    conditions,
    graph_checks,
    screens,
    hygiene,
    managed,
    portability,
    unverified,
    config_checks,
)

CHECKS: dict[str, Check] = {check.name: check for module in _MODULES for check in module.CHECKS}
