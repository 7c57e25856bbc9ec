"""A transition's `view` attribute against its jira.fieldscreen.id meta, read as Jira reads them.

WorkflowActionsBean.getFieldScreenForView: an empty view means no screen whatever the meta says;
"commentassign" and "resolveissue" name screens 2 and 3 by themselves; any other view takes the
screen id from the meta and throws "Unknown workflow view" when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jwflint.core import jira
from jwflint.lint.checks.base import TRANSITION, Check, LintContext, Problem
from jwflint.model.workflow import Transition


def screen_without_view(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    if transition.view:
        return ()  # the usual case, decided before stripping the meta
    screen = (transition.screen_meta or "").strip()
    if not screen:
        return ()
    return (
        Problem(
            f"transition {transition.label} names screen {screen} (jira.fieldscreen.id) but has no view "
            f'attribute, so Jira shows no screen: add view="{jira.VIEW_FIELDSCREEN}" to the <action>, or delete '
            "the meta if no screen is wanted",
            transition.element,
            transition=transition.label,
            values={"screen": screen},
        ),
    )


def view_without_screen(transition: Transition, args: dict[str, Any], ctx: LintContext) -> Iterable[Problem]:
    view = transition.view
    if not view or view in jira.VIEW_SCREENS or (transition.screen_meta or "").strip():
        return ()
    return (
        Problem(
            f"transition {transition.label} has view={view!r} but no jira.fieldscreen.id meta: Jira fails with "
            f'"Unknown workflow view" when the transition runs; add <meta name="{jira.META_SCREEN_ID}">SCREEN_ID'
            "</meta>, or remove the view attribute for a transition without a screen",
            transition.element,
            transition=transition.label,
            values={"view": view},
        ),
    )


CHECKS = [
    Check(
        name="screen_without_view",
        scope=TRANSITION,
        function=screen_without_view,
        summary="A transition that names a screen has a view attribute, so Jira shows the screen.",
        values=("screen",),
    ),
    Check(
        name="view_without_screen",
        scope=TRANSITION,
        function=view_without_screen,
        summary="A transition with a screen view (other than the legacy ones) names its screen.",
        values=("view",),
    ),
]
