"""Users and groups named by app conditions (issue 15 §3: bot-can-execute says "cannot verify")."""

from __future__ import annotations

import base64

import pytest

from jwflint.lint.checks.scripted import condition_title, principals
from jwflint.model.workflow import Function

SR = "com.onresolve.jira.groovy.GroovyCondition"
CANNED = "com.onresolve.scriptrunner.canned.jira.workflow.conditions."


def condition(class_name: str, **args: str) -> Function:
    return Function("condition", class_name, {**args, "class.name": class_name}, element=None)


def scriptrunner_base64(script: str) -> str:
    return base64.b64encode(("`!`" + script).encode()).decode()


@pytest.mark.parametrize(
    ("function", "users", "groups"),
    [
        # ScriptRunner's UserCondition and GroupCondition keep lists, '|||' between names.
        (
            condition(SR, **{"canned-script": CANNED + "UserCondition", "FIELD_USER_IDS": "ann|||bob"}),
            ("ann", "bob"),
            (),
        ),
        (
            condition(SR, **{"canned-script": CANNED + "GroupCondition", "FIELD_GROUP_NAMES": "EC-HUB-team"}),
            (),
            ("EC-HUB-team",),
        ),
        # JSU's group list and BeeCom's user list, '@@' between names.
        (
            condition(
                "com.googlecode.jsu.workflow.condition.UserIsInAnyGroupsCondition", hidGroupsList="a-team@@b-team@@"
            ),
            (),
            ("a-team", "b-team"),
        ),
        (
            condition(
                "ch.beecom.jira.jsu.workflow.condition.userisinanyusers.UserIsInAnyUsersCondition", userKeys="svc"
            ),
            ("svc",),
            (),
        ),
        # A base64 ScriptRunner script (the FAAC service desk's), and its JSON form.
        (
            condition(
                SR,
                FIELD_CONDITION=scriptrunner_base64(
                    "currentUser.name == 'atlassian' || groupManager.isUserInGroup(currentUser, 'service-desk-agents')"
                ),
            ),
            ("atlassian",),
            ("service-desk-agents",),
        ),
        (
            condition(
                SR,
                FIELD_CONDITION=scriptrunner_base64('{"script":"currentUser.name == \\"svc-bot\\"","scriptPath":null}'),
            ),
            ("svc-bot",),
            (),
        ),
        # Plain Groovy in a JMWE condition; a user looked up by name.
        (
            condition(
                "com.innovalog.jmwe.plugins.conditions.GroovyCondition",
                expression='currentUser.isInGroup("jira-administrators") || currentUser == getUserByName("svc")',
            ),
            ("svc",),
            ("jira-administrators",),
        ),
        # Scripts about other things name nobody; Jira's own conditions are judged elsewhere.
        (condition(SR, FIELD_CONDITION=scriptrunner_base64("issue.issueType.name == 'Maintenance Ticket'|||")), (), ()),
        (condition("com.atlassian.jira.workflow.condition.UserInGroupCondition", group="agents"), (), ()),
    ],
)
def test_principals_named_by_app_conditions(
    function: Function, users: tuple[str, ...], groups: tuple[str, ...]
) -> None:
    named = principals(function)
    assert (named.users, named.groups) == (users, groups)


def test_principals_include_the_bot_case_insensitively() -> None:
    named = principals(condition(SR, FIELD_USER_IDS="Svc-Bot|||ann"))
    assert named.includes("svc-bot", None)
    assert not named.includes("bob", "agents")
    assert named.describe() == "users 'Svc-Bot', 'ann'"


def test_condition_title_names_the_app_and_canned_script() -> None:
    assert condition_title(condition(SR, **{"canned-script": CANNED + "UserCondition"})) == (
        "ScriptRunner condition UserCondition"
    )
    assert condition_title(condition("com.googlecode.jsu.workflow.condition.UserIsInAnyGroupsCondition")) == (
        "JSU condition UserIsInAnyGroupsCondition"
    )
