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
                "summary",
                "issuetype",
                "security",
                "priority",
                "duedate",
                "components",
                "versions",
                "fixVersions",
                "assignee",
                "reporter",
                "environment",
                "description",
                "timetracking",
                "attachment",
                "labels",
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
EVENT_RESOLVED = "4"  # not 5: that is Issue Closed
EVENT_REOPENED = "7"
EVENT_WORK_STARTED = "11"

# What the patch generator writes as Jira does: the module key on UpdateIssueFieldFunction,
# the submit label of a resolve screen.
ARG_FULL_MODULE_KEY = "full.module.key"
UPDATE_ISSUE_FIELD_MODULE = "com.atlassian.jira.plugin.system.workflowupdate-issue-field-function"
META_I18N_SUBMIT = "jira.i18n.submit"
I18N_SUBMIT_RESOLVE = "resolveissue.resolve"

# Jira's seed "Resolve Issue Screen" (resolution, fixVersions, assignee, worklog).
RESOLVE_SCREEN = 3

# Jira's editor numbers new actions 11, 21, 31 …: the next id ending in 1 above the highest.
ACTION_ID_STEP = 10


def short_class(class_name: str) -> str:
    """The last dotted part of a class name, which is how Jira admins refer to it."""
    return class_name.rsplit(".", 1)[-1]


# UpdateIssueFieldFunction args; an empty field.value clears the field (assignee: Unassigned).
ARG_FIELD_NAME = "field.name"
ARG_FIELD_VALUE = "field.value"
FIELD_RESOLUTION = "resolution"
FIELD_ASSIGNEE = "assignee"
# Post-functions that assign the issue to someone, whatever ran before them.
ASSIGN_FUNCTIONS = (
    _FN + "issue.AssignToCurrentUserFunction",
    _FN + "issue.AssignToReporterFunction",
    _FN + "issue.AssignToLeadFunction",
)

# Condition args.
ARG_GROUP = "group"
ARG_PROJECT_ROLE = "jira.projectrole.id"
ARG_PERMISSIONS = ("permissionKey", "permission")  # newer key style first, then the legacy arg
# Cloud's "Hide from user" (API only); its XML package is unverified, so match the suffix.
REMOTE_ONLY_SUFFIX = "RemoteOnlyCondition"
# ScriptRunner stores scripts as base64 behind this prefix (base64 of "`!`").
SCRIPTRUNNER_BASE64_PREFIX = "YCFg"

# Project permission keys (REST style), the form jwflint reports permissions in.
PERMISSION_KEYS = (
    "ADMINISTER_PROJECTS",
    "BROWSE_PROJECTS",
    "CREATE_ISSUES",
    "EDIT_ISSUES",
    "SCHEDULE_ISSUES",
    "MOVE_ISSUES",
    "ASSIGN_ISSUES",
    "ASSIGNABLE_USER",
    "RESOLVE_ISSUES",
    "CLOSE_ISSUES",
    "TRANSITION_ISSUES",
    "MODIFY_REPORTER",
    "ADD_COMMENTS",
    "DELETE_ISSUES",
    "WORK_ON_ISSUES",
    "LINK_ISSUES",
    "CREATE_ATTACHMENTS",
    "SET_ISSUE_SECURITY",
    "VIEW_VOTERS_AND_WATCHERS",
    "MANAGE_WATCHERS",
    "EDIT_ALL_COMMENTS",
    "EDIT_OWN_COMMENTS",
    "DELETE_ALL_COMMENTS",
    "DELETE_OWN_COMMENTS",
    "DELETE_ALL_ATTACHMENTS",
    "DELETE_OWN_ATTACHMENTS",
    "EDIT_ALL_WORKLOGS",
    "EDIT_OWN_WORKLOGS",
    "DELETE_ALL_WORKLOGS",
    "DELETE_OWN_WORKLOGS",
    "VIEW_READONLY_WORKFLOW",
    "SERVICEDESK_AGENT",
)
# What a service-desk bot's account must hold in the project's permission scheme: the vendors' six
# (Browse, Create, Comment, Edit, Transition, Attach) plus Assign and Resolve, to set Assignee and
# Resolution while resolving.
BOT_PERMISSIONS = (
    "BROWSE_PROJECTS",
    "CREATE_ISSUES",
    "ADD_COMMENTS",
    "EDIT_ISSUES",
    "TRANSITION_ISSUES",
    "CREATE_ATTACHMENTS",
    "ASSIGN_ISSUES",
    "RESOLVE_ISSUES",
)
# Legacy short names and display names ("resolve", "Resolve Issue"), matched by prefix in this
# order as Jira's Permissions.getType does, mapped to the keys above.
PERMISSION_PREFIXES = (
    ("sysadmin", "SYSTEM_ADMIN"),
    ("admin", "ADMINISTER"),
    ("use", "USE"),
    ("project", "ADMINISTER_PROJECTS"),
    ("browse", "BROWSE_PROJECTS"),
    ("create", "CREATE_ISSUES"),
    ("edit", "EDIT_ISSUES"),
    ("update", "EDIT_ISSUES"),
    ("scheduleissue", "SCHEDULE_ISSUES"),
    ("assignable", "ASSIGNABLE_USER"),
    ("assign", "ASSIGN_ISSUES"),
    ("resolv", "RESOLVE_ISSUES"),
    ("close", "CLOSE_ISSUES"),
    ("transition", "TRANSITION_ISSUES"),
    ("worklogeditall", "EDIT_ALL_WORKLOGS"),
    ("worklogeditown", "EDIT_OWN_WORKLOGS"),
    ("worklogdeleteown", "DELETE_OWN_WORKLOGS"),
    ("worklogdeleteall", "DELETE_ALL_WORKLOGS"),
    ("work", "WORK_ON_ISSUES"),
    ("link", "LINK_ISSUES"),
    ("delete", "DELETE_ISSUES"),
    ("move", "MOVE_ISSUES"),
    ("setsecurity", "SET_ISSUE_SECURITY"),
    ("modifyreporter", "MODIFY_REPORTER"),
    ("viewvotersandwatchers", "VIEW_VOTERS_AND_WATCHERS"),
    ("managewatcherlist", "MANAGE_WATCHERS"),
    ("commenteditall", "EDIT_ALL_COMMENTS"),
    ("commenteditown", "EDIT_OWN_COMMENTS"),
    ("commentdeleteown", "DELETE_OWN_COMMENTS"),
    ("commentdeleteall", "DELETE_ALL_COMMENTS"),
    ("attachdeleteown", "DELETE_OWN_ATTACHMENTS"),
    ("attachdeleteall", "DELETE_ALL_ATTACHMENTS"),
    ("attach", "CREATE_ATTACHMENTS"),
    ("comment", "ADD_COMMENTS"),
    ("viewworkflowreadonly", "VIEW_READONLY_WORKFLOW"),
)

# --- Jira hygiene pack ---------------------------------------------------------------------------
# Built-in post-functions of the create transition, in Jira's weight order (90, 310, 400, 600).
# IssueStore and IssueReindex are optional there: older exports and Jira's own files lack them.
INITIAL_BUILTIN_POST_FUNCTIONS = (ISSUE_CREATE, ISSUE_STORE, ISSUE_REINDEX, FIRE_ISSUE_EVENT)
INITIAL_REQUIRED_POST_FUNCTIONS = (ISSUE_CREATE, FIRE_ISSUE_EVENT)
# How Jira's transition view lists the built-ins (system-workflow-plugin.xml descriptions).
POST_FUNCTION_TITLES = {
    UPDATE_ISSUE_STATUS: "Set issue status to the linked status of the destination workflow step",
    CREATE_COMMENT: "Add a comment to an issue if one is entered during a transition",
    GENERATE_CHANGE_HISTORY: "Update change history for an issue and store the issue in the database",
    ISSUE_REINDEX: "Re-index an issue to keep indexes in sync with the database",
    FIRE_ISSUE_EVENT: "Fire an event that can be processed by the listeners",
    ISSUE_CREATE: "Creates the issue originally",
    ISSUE_STORE: "Stores updates to an issue (no change history is created)",
}

ARG_EVENT_TYPE_ID = "eventTypeId"
EVENT_ISSUE_CREATED = "1"
# EventType.java; ids >= CUSTOM_ID_MIN are the instance's own events.
EVENT_NAMES = {
    "1": "Issue Created",
    "2": "Issue Updated",
    "3": "Issue Assigned",
    "4": "Issue Resolved",
    "5": "Issue Closed",
    "6": "Issue Commented",
    "7": "Issue Reopened",
    "8": "Issue Deleted",
    "9": "Issue Moved",
    "10": "Work Logged On Issue",
    "11": "Work Started On Issue",
    "12": "Work Stopped On Issue",
    "13": "Generic Event",
    "14": "Issue Comment Edited",
    "15": "Issue Worklog Updated",
    "16": "Issue Worklog Deleted",
    "17": "Issue Comment Deleted",
}
# Jira numbers what an instance creates (statuses, screens, events, resolutions, roles) from 10000.
CUSTOM_ID_MIN = 10000
# The resolutions a new Jira ships with (Fixed, Won't Fix, Duplicate, Incomplete, Cannot Reproduce):
# any other id, 6 as much as 10000, was made on (or migrated into) the exporting instance.
SEED_RESOLUTION_IDS = frozenset(range(1, 6))
CUSTOM_FIELD_PREFIX = "customfield_"
# UpdateIssueFieldFunction's assignee value for "Automatic" (not a user).
ASSIGNEE_AUTOMATIC = "-1"

# Service Desk's marker on transitions that clear the resolution (it goes with UpdateIssueField).
META_SD_RESOLUTION_CLEAR = "sd.resolution.clear"
META_SD_STEP_KEY = "sd.step.key"  # JSM: the service-desk role of a step, e.g. sdWFCustomer
# JSU "Clear Field Value"; scopeType SAME (or none) clears the field on the transitioned issue itself.
JSU_CLEAR_FIELD_VALUE = "com.googlecode.jsu.workflow.function.ClearFieldValuePostFunction"
JSU_ARG_FIELD = "field"
JSU_ARG_SCOPE = "scopeType"
JSU_SCOPE_SAME = "SAME"

# ScriptRunner classes, and the arg its "disable" switch writes on a condition/validator/function.
SCRIPTRUNNER_PACKAGE = "com.onresolve."
ARG_DISABLED = "disabled"
ARG_CANNED_SCRIPT = "canned-script"
ARG_CLASS_NAME = "class.name"  # every function's class, as an arg

# App post-functions that send mail, by the short name of their class or of ScriptRunner's canned
# script: ScriptRunner's Send Custom Email (canned script …postfunctions.SendCustomEmail, in the
# corpus), JMWE's Email Issue (com.innovalog.jmwe.plugins.functions.EmailIssueFunction), Jira Workflow
# Toolbox's Send an Email (…workflowToolbox.SendEmailFunction) and JSU's SendCustomEmailFunction.
MAIL_POST_FUNCTIONS = frozenset(
    {"SendCustomEmail", "EmailIssueFunction", "SendEmailFunction", "SendCustomEmailFunction"}
)
ARG_INVERT_CONDITION = "FIELD_INVERT_CONDITION"  # ScriptRunner's "invert" switch on a condition

# Step metas jira.permission.[subtasks.]{permission}.{type}[.n]; the types whose value names an
# instance object, and what it is.
META_PERMISSION_PREFIX = "jira.permission."
PERMISSION_META_TYPES = {"group": "group", "user": "user", "projectrole": "project role", "userCF": "custom field"}
TRIGGER_WEBHOOK = "com.atlassian.jira.plugins.webhooks.workflow.TriggerWebhookFunction"
ARG_WEBHOOK_ID = "field.webhookId"

# --- Jira Cloud: the new workflow REST API (/rest/api/3/workflows) ---------------------------------
# Rule keys and parameters as the spec's GET /workflows/capabilities description lists them
# (shared/research/jira-cloud-apply.md §3). Checks speak OSWorkflow: the Cloud reader translates
# each rule into the classes and args that mean the same thing (cloud_rule_equivalents), here and
# nowhere else, and keeps the rule key on the model's Function for messages.
CLOUD_UPDATE_FIELD = "system:update-field"
CLOUD_CHANGE_ASSIGNEE = "system:change-assignee"
CLOUD_RESTRICT = "system:restrict-issue-transition"
CLOUD_RESTRICT_FROM_ALL = "system:restrict-from-all-users"
CLOUD_TRANSITION_SCREEN = "system:transition-screen"
CLOUD_CHECK_PERMISSION = "system:check-permission-validator"
CLOUD_TRIGGER_WEBHOOK = "system:trigger-webhook"
CLOUD_RESTRICT_MODE_USERS = "users"  # hidden from people, the API may still run it
CLOUD_RESTRICT_MODE_ALL = "usersAndAPI"  # nobody may run it
CLOUD_ALLOW_ASSIGNEE = "allow-assignee"
CLOUD_ALLOW_REPORTER = "allow-reporter"
CLOUD_PARAM_SCREEN_ID = "screenId"

# Status categories: the new API's enum, and the classic ids a .jwb's statuses.json carries.
CATEGORY_TODO = "TODO"
CATEGORY_IN_PROGRESS = "IN_PROGRESS"
CATEGORY_DONE = "DONE"
STATUS_CATEGORIES = (CATEGORY_TODO, CATEGORY_IN_PROGRESS, CATEGORY_DONE)
# StatusCategoryImpl: 2 new (To Do), 4 indeterminate (In Progress), 3 done; 1 is "No Category".
STATUS_CATEGORY_IDS = {"2": CATEGORY_TODO, "4": CATEGORY_IN_PROGRESS, "3": CATEGORY_DONE}
STATUS_CATEGORY_KEYS = {"new": CATEGORY_TODO, "indeterminate": CATEGORY_IN_PROGRESS, "done": CATEGORY_DONE}

PERMISSION_VALIDATOR = "com.atlassian.jira.workflow.validator.PermissionValidator"

_ASSIGNEE_BY_TYPE = {  # system:change-assignee type -> (class, assignee value for UpdateIssueField)
    "to-unassigned": (UPDATE_ISSUE_FIELD, ""),
    "to-default-user": (UPDATE_ISSUE_FIELD, ASSIGNEE_AUTOMATIC),
    "to-current-user": (ASSIGN_FUNCTIONS[0], None),
    "to-reporter": (ASSIGN_FUNCTIONS[1], None),
    "to-lead": (ASSIGN_FUNCTIONS[2], None),
}


def split_list(value: str) -> list[str]:
    """Cloud rule parameters hold lists as comma-separated strings."""
    return [part.strip() for part in value.split(",") if part.strip()]


def cloud_rule_equivalents(rule_key: str, parameters: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """The OSWorkflow (class name, args) that mean what a Cloud rule means; [] when none does.

    ``system:restrict-issue-transition`` gives one condition per group, role, permission or
    account it names; the rule holds when ANY of them does (the caller groups them with OR).
    The rule's own parameters stay in every args dict, so nothing the rule said is lost.
    """
    if rule_key == CLOUD_UPDATE_FIELD:
        field, value = parameters.get("field", ""), parameters.get("value", "")  # no value clears the field
        return [(UPDATE_ISSUE_FIELD, {**parameters, ARG_FIELD_NAME: field, ARG_FIELD_VALUE: value})]
    if rule_key == CLOUD_CHANGE_ASSIGNEE:
        kind = parameters.get("type", "")
        if kind == "to-selected-user":
            return [
                (
                    UPDATE_ISSUE_FIELD,
                    {**parameters, ARG_FIELD_NAME: FIELD_ASSIGNEE, ARG_FIELD_VALUE: parameters.get("accountId", "")},
                )
            ]
        if kind in _ASSIGNEE_BY_TYPE:
            class_name, value = _ASSIGNEE_BY_TYPE[kind]
            if value is None:
                return [(class_name, dict(parameters))]
            return [(class_name, {**parameters, ARG_FIELD_NAME: FIELD_ASSIGNEE, ARG_FIELD_VALUE: value})]
        return []
    if rule_key == CLOUD_RESTRICT_FROM_ALL:
        mode = parameters.get("restrictMode", "")
        if mode == CLOUD_RESTRICT_MODE_USERS:
            return [(REMOTE_ONLY, dict(parameters))]
        if mode == CLOUD_RESTRICT_MODE_ALL:
            return [(ALWAYS_FALSE, dict(parameters))]
        return []
    if rule_key == CLOUD_TRIGGER_WEBHOOK:
        return [(TRIGGER_WEBHOOK, {**parameters, ARG_WEBHOOK_ID: parameters.get("webhookId", "")})]
    if rule_key == CLOUD_CHECK_PERMISSION:
        return [(PERMISSION_VALIDATOR, {**parameters, ARG_PERMISSIONS[0]: parameters.get("permissionKey", "")})]
    if rule_key == CLOUD_RESTRICT:
        found: list[tuple[str, dict[str, str]]] = []
        for group in split_list(parameters.get("groupIds", "")):
            found.append((USER_IN_GROUP, {**parameters, ARG_GROUP: group}))
        for role in split_list(parameters.get("roleIds", "")):
            found.append((IN_PROJECT_ROLE, {**parameters, ARG_PROJECT_ROLE: role}))
        for key in split_list(parameters.get("permissionKeys", "")):
            found.append((PERMISSION_CONDITION, {**parameters, ARG_PERMISSIONS[0]: key}))
        for account in split_list(parameters.get("accountIds", "")):
            if account == CLOUD_ALLOW_ASSIGNEE:
                found.append((ALLOW_ONLY_ASSIGNEE, dict(parameters)))
            elif account == CLOUD_ALLOW_REPORTER:
                found.append((ALLOW_ONLY_REPORTER, dict(parameters)))
            else:  # a named account: the rule key stays the class; checks find the bot's id in args
                found.append((CLOUD_RESTRICT, {**parameters, "accountIds": account}))
        for name in ("groupCustomFields", "allowUserCustomFields"):
            for custom_field in split_list(parameters.get(name, "")):
                found.append((USER_IS_IN_CUSTOM_FIELD, {**parameters, "fieldName": custom_field}))
        return found
    return []
