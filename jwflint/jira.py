"""Every Jira and OSWorkflow constant in one place (see shared/research/jira-xml-format.md)."""

from __future__ import annotations

# Element names of the OSWorkflow 2.8 descriptor.
INITIAL_ACTIONS = "initial-actions"
GLOBAL_ACTIONS = "global-actions"
COMMON_ACTIONS = "common-actions"
STEPS = "steps"

# Meta keys.
META_STATUS_ID = "jira.status.id"
META_SCREEN_ID = "jira.fieldscreen.id"
META_DESCRIPTION = "jira.description"

# The target step id that means "stay in the current step".
STAY = -1

# Legacy `view` values that name a screen by themselves (WorkflowActionsBean).
VIEW_SCREENS = {"commentassign": 2, "resolveissue": 3}
VIEW_FIELDSCREEN = "fieldscreen"

# Jira's seed statuses; the only status ids that mean the same thing on every instance.
DEFAULT_STATUS_NAMES = {"1": "Open", "3": "In Progress", "4": "Reopened", "5": "Resolved", "6": "Closed"}

# Jira's seed screens and their fields (startupdatabase.xml); instance screens are >= 10000.
DEFAULT_SCREENS: dict[int, tuple[str, frozenset[str]]] = {
    1: (
        "Default Screen",
        frozenset(
            [
                "summary", "issuetype", "security", "priority", "duedate", "components", "versions",
                "fixVersions", "assignee", "reporter", "environment", "description", "timetracking",
                "attachment", "labels",
            ]
        ),
    ),
    2: ("Workflow Screen", frozenset({"assignee"})),
    3: ("Resolve Issue Screen", frozenset({"resolution", "fixVersions", "assignee", "worklog"})),
}

_FN = "com.atlassian.jira.workflow.function."
_COND = "com.atlassian.jira.workflow.condition."

UPDATE_ISSUE_STATUS = _FN + "issue.UpdateIssueStatusFunction"
CREATE_COMMENT = _FN + "misc.CreateCommentFunction"
GENERATE_CHANGE_HISTORY = _FN + "issue.GenerateChangeHistoryFunction"
ISSUE_REINDEX = _FN + "issue.IssueReindexFunction"
FIRE_ISSUE_EVENT = _FN + "event.FireIssueEventFunction"
ISSUE_CREATE = _FN + "issue.IssueCreateFunction"
ISSUE_STORE = _FN + "issue.IssueStoreFunction"
UPDATE_ISSUE_FIELD = _FN + "issue.UpdateIssueFieldFunction"

# Built-in post-functions on every non-initial transition, in Jira's fixed (weight) order.
BUILTIN_POST_FUNCTIONS = (
    UPDATE_ISSUE_STATUS,
    CREATE_COMMENT,
    GENERATE_CHANGE_HISTORY,
    ISSUE_REINDEX,
    FIRE_ISSUE_EVENT,
)

USER_IN_GROUP = _COND + "UserInGroupCondition"
IN_PROJECT_ROLE = _COND + "InProjectRoleCondition"
ALLOW_ONLY_ASSIGNEE = _COND + "AllowOnlyAssignee"
ALLOW_ONLY_REPORTER = _COND + "AllowOnlyReporter"
PERMISSION_CONDITION = _COND + "PermissionCondition"
ALWAYS_FALSE = _COND + "AlwaysFalseCondition"
REMOTE_ONLY = _COND + "RemoteOnlyCondition"
USER_IS_IN_CUSTOM_FIELD = _COND + "UserIsInCustomFieldCondition"

# Event type ids (EventType.java).
EVENT_GENERIC = "13"


def short_class(class_name: str) -> str:
    """The last dotted part of a class name, which is how Jira admins refer to it."""
    return class_name.rsplit(".", 1)[-1]
