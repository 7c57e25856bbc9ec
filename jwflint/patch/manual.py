"""What a workflow XML cannot express, as steps for the admin and the Jira REST calls that do them.

Screens, statuses, resolutions and group members live in Jira's database, not in the export.
Every step says what to do and why; where Jira's REST API can do it, the exact calls follow,
with ``{placeholders}`` only for ids the export does not carry (a screen's tab id, say).
Paths are Jira Cloud's ``/rest/api/3``; Data Center has the same resources under ``/rest/api/2``.
"""

from __future__ import annotations

import json
from typing import Any

from jwflint.core.records import record
from jwflint.model.buckets import BUCKET_TITLES
from jwflint.model.catalogue import Screen

API = "/rest/api/3"


@record(frozen=True)
class RestCall:
    method: str
    path: str
    body: dict[str, Any] | None = None
    purpose: str = ""

    def text(self) -> str:
        line = f"{self.method} {self.path}"
        if self.body is not None:
            line += "\n" + json.dumps(self.body, ensure_ascii=False)
        return line


@record(frozen=True)
class ManualStep:
    text: str  # what to do and why, one paragraph
    calls: tuple[RestCall, ...] = ()


def screen_needs_assignee(screen_id: int, screen: Screen | None, transition: str) -> ManualStep | None:
    """Assignee on the resolve screen: verify Jira's assumed seed contents, or add the field."""
    if screen is not None and not screen.assumed and screen.has_field("assignee"):
        return None
    where = f"screen {screen_id}" + (f" ({screen.name})" if screen is not None else "")
    tabs = RestCall("GET", f"{API}/screens/{screen_id}/tabs", purpose="find the tab id")
    fields = RestCall("GET", f"{API}/screens/{screen_id}/tabs/{{tabId}}/fields", purpose="list the tab's fields")
    add = RestCall(
        "POST", f"{API}/screens/{screen_id}/tabs/{{tabId}}/fields", {"fieldId": "assignee"}, purpose="add Assignee"
    )
    if screen is not None and not screen.assumed:
        text = (
            f"Add the Assignee field to {where}, which {transition!r} shows: the catalogue lists its fields without "
            "Assignee, and the bot can only set fields that are on the transition's screen."
        )
        return ManualStep(text, (tabs, add))
    basis = "Jira's default contents were assumed" if screen is not None else "the catalogue does not list its fields"
    text = (
        f"Check that {where}, which {transition!r} shows, has the Assignee field ({basis}); add it if it is "
        "missing, since the bot can only set fields that are on the transition's screen. List the screen's fields "
        "in catalogue.screens so jwflint can verify it."
    )
    return ManualStep(text, (tabs, fields, add))


def unknown_resolution(name: str, transition: str) -> ManualStep:
    return ManualStep(
        f"The id of resolution {name!r} is unknown, so {transition!r} sets no resolution by post-function: the "
        f"bot must send the resolution in its transition request (the screen's Resolution field). Find the id, "
        f"then rerun with --resolution ID or add it to catalogue.resolutions, or add the post-function "
        f"'Update Issue Field: Resolution = {name}' in the workflow editor.",
        (RestCall("GET", f"{API}/resolution", purpose="list resolutions with their ids"),),
    )


def missing_status(bucket: str, wanted: str | None, reason: str) -> ManualStep:
    title = BUCKET_TITLES[bucket]
    what = f"status {wanted!r}" if wanted else f"a status for the {title} role"
    search = wanted or title
    return ManualStep(
        f"No bot transition into {title} was added: {reason}. Add {what} to the workflow in Jira's workflow editor "
        f"(a status lives in Jira, not in the export), then export the workflow and run jwflint again.",
        (
            RestCall(
                "GET", f"{API}/statuses/search?searchString={_query(search)}", purpose="find the status and its id"
            ),
        ),
    )


def user_restriction(user: str) -> ManualStep:
    return ManualStep(
        f"Jira has no built-in workflow condition for one user, so the restriction to user {user!r} is not in the "
        "patch. Put the bot's account in a group of its own and rerun with --group NAME (or set catalogue.bot.group).",
        (
            RestCall("POST", f"{API}/group", {"name": "{groupName}"}, purpose="create the bot's group"),
            RestCall(
                "POST",
                f"{API}/group/user?groupname={{groupName}}",
                {"accountId": user},
                purpose="add the bot's account to it",
            ),
        ),
    )


def remote_only_unverified() -> ManualStep:
    return ManualStep(
        "The class name com.atlassian.jira.workflow.condition.RemoteOnlyCondition (Hide From User) is "
        "unverified: it is taken from Jira Cloud's REST rule name and has not been seen in an export, and Data "
        "Center core does not ship it. After the import, open each bot transition's Conditions tab and check it "
        "shows 'Hide From User Condition'; if Jira dropped it, add the condition there. On Data Center, restrict "
        "the transitions to the bot's group or project role instead (--group / --role)."
    )


def _query(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def render_text(steps: list[ManualStep]) -> str:
    """The manual steps as printed after a patch: numbered, each with its REST calls indented."""
    lines = []
    for number, step in enumerate(steps, 1):
        lines.append(f"{number}. {step.text}")
        for call in step.calls:
            purpose = f"  # {call.purpose}" if call.purpose else ""
            lines.append(f"     {call.method} {call.path}{purpose}")
            if call.body is not None:
                lines.append(f"     {json.dumps(call.body, ensure_ascii=False)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_rest(steps: list[ManualStep], as_json: bool) -> str:
    """The ``--manual-steps FILE`` contents: JSON for a .json file, else a commented list of calls."""
    if as_json:
        data = [
            {
                "step": step.text,
                "calls": [
                    {"method": c.method, "path": c.path, "body": c.body, "purpose": c.purpose} for c in step.calls
                ],
            }
            for step in steps
        ]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    blocks = []
    for number, step in enumerate(steps, 1):
        block = [f"# {number}. {step.text}"]
        for call in step.calls:
            if call.purpose:
                block.append(f"# {call.purpose}")
            block.append(call.text())
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
