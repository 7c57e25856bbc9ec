"""The users and groups an app's condition (ScriptRunner, JSU, JMWE …) admits: in its lists of users
and groups, or named in its Groovy script (plain, or base64 behind ScriptRunner's marker).

jwflint cannot run a script, so whether the bot's account meets such a condition cannot be verified;
bot-can-execute names what the condition names so the admin can check it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from jwflint.core import jira, vendors
from jwflint.core.records import record
from jwflint.model.workflow import Function

# List args of the apps' user and group conditions, and the separator each writes between names:
# ScriptRunner's UserCondition / GroupCondition, JSU's UserIsInAnyGroupsCondition and (BeeCom)
# UserIsInAnyUsersCondition.
USER_LISTS = {"FIELD_USER_IDS": "|||", "userKeys": "@@"}
GROUP_LISTS = {"FIELD_GROUP_NAMES": "|||", "hidGroupsList": "@@"}

_NAME = r"""["']([^"'\r\n]{1,100})["']"""
# groupManager.isUserInGroup(currentUser, 'agents'), currentUser.isInGroup("agents") (JMWE),
# getGroup("agents").
_GROUP_CALL = re.compile(
    r"\b(?:isUserInGroup|isInGroup|inGroup|isMemberOfGroup|memberOf|getGroup|getGroupObject)\s*\(\s*"
    r"(?:[\w.()]+\s*,\s*)?" + _NAME
)
# currentUser.name == 'bot', user.getKey() == "bot", getUserByName("bot").
_USER_TEST = re.compile(
    r"\b(?:currentUser|user|loggedInUser|getLoggedInUser\(\)|getUser\(\))"
    r"(?:\.(?:name|key|username|getName\(\)|getKey\(\)|getUsername\(\)))?\s*==\s*" + _NAME
)
_USER_LOOKUP = re.compile(r"\bgetUserBy(?:Name|Key)\s*\(\s*" + _NAME)
_MARKER = "`!`"  # what ScriptRunner's base64 prefix decodes to
# The apps whose conditions may hold such lists or scripts: not Jira's own classes.
_APPS = frozenset(vendors.VENDOR_KEYS) - {"jira", "servicedesk"}


def decoded(value: str) -> str:
    """ScriptRunner args are base64 behind a marker; decode them so what a script names is seen."""
    text = value.strip()
    if not text.startswith(jira.SCRIPTRUNNER_BASE64_PREFIX):
        return value
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


@record(frozen=True)
class Principals:
    """Who an app condition names."""

    users: tuple[str, ...]
    groups: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.users or self.groups)

    def describe(self) -> str:
        """``user 'a', groups 'b', 'c'``"""
        parts = []
        for kind, names in (("user", self.users), ("group", self.groups)):
            if names:
                plural = "s" if len(names) > 1 else ""
                parts.append(f"{kind}{plural} " + ", ".join(repr(n) for n in names))
        return " and ".join(parts)

    def includes(self, user: str | None, group: str | None) -> bool:
        """The bot identity (its user or group) is among the names."""
        return bool(
            (user and user.casefold() in {u.casefold() for u in self.users})
            or (group and group.casefold() in {g.casefold() for g in self.groups})
        )


def principals(function: Function) -> Principals:
    """The users and groups an app condition names in its lists or its script; empty for Jira's own."""
    if vendors.vendor_of(function.class_name) not in _APPS:
        return Principals((), ())
    users: list[str] = []
    groups: list[str] = []
    for name, raw in function.args.items():
        if not raw or name == jira.ARG_CLASS_NAME:
            continue
        if name in USER_LISTS:
            users.extend(_split(raw, USER_LISTS[name]))
        elif name in GROUP_LISTS:
            groups.extend(_split(raw, GROUP_LISTS[name]))
        else:
            text = _script(raw)
            # A cheap test first: most args are ids, flags and field names, not scripts about users.
            if "roup" in text:
                groups.extend(m.group(1) for m in _GROUP_CALL.finditer(text))
            if "ser" in text:
                users.extend(m.group(1) for m in _USER_TEST.finditer(text))
                users.extend(m.group(1) for m in _USER_LOOKUP.finditer(text))
    return Principals(_unique(users), _unique(groups))


def _script(raw: str) -> str:
    """An arg's script: decoded, and out of the JSON newer ScriptRunner versions wrap it in."""
    text = decoded(raw)
    body = text.removeprefix(_MARKER).lstrip()
    if body.startswith("{") and '"script"' in body:
        try:
            script = json.loads(body).get("script")
        except (ValueError, AttributeError):
            return text
        return script if isinstance(script, str) else text
    return text


def _split(raw: str, separator: str) -> list[str]:
    return [part.strip() for part in raw.split(separator) if part.strip()]


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def condition_title(function: Function) -> str:
    """``ScriptRunner condition UserCondition``: the app, and the canned script's name or the class's."""
    canned = function.args.get(jira.ARG_CANNED_SCRIPT, "").strip()
    name = jira.short_class(canned) if canned else function.short_name
    return f"{vendors.VENDOR_TITLES[vendors.vendor_of(function.class_name)]} condition {name}"
