"""The Jira Cloud workflow rule keys jwflint knows, with their parameter names.

Taken from the description of ``GET /rest/api/3/workflows/capabilities`` in Atlassian's OpenAPI
("The current list of Atlassian-provided rules"); tests/test_cloud_rules.py checks every key
and parameter here against that text. The OpenAPI schema types rule parameters as a map of
strings, so it cannot tell a misspelt rule key or parameter from a real one: whatever jwflint
writes into a Cloud update request is checked against this table instead.
"""

from __future__ import annotations

from jwflint.core.records import record

CONDITION = "condition"
VALIDATOR = "validator"
ACTION = "action"  # a post-function
SCREEN = "screen"


@record(frozen=True)
class CloudRule:
    key: str
    kind: str
    parameters: frozenset[str]


def _rule(key: str, kind: str, *parameters: str) -> tuple[str, CloudRule]:
    return key, CloudRule(key, kind, frozenset(parameters))


_CONNECT = ("appKey", "config", "id", "disabled", "tag")
_FORGE = ("key", "config", "id", "disabled", "tag")
_APP_RULES = {
    "connect": (
        ("expression-validator", VALIDATOR),
        ("expression-condition", CONDITION),
        ("remote-workflow-function", ACTION),
    ),
    "forge": (
        ("expression-validator", VALIDATOR),
        ("expression-condition", CONDITION),
        ("workflow-post-function", ACTION),
    ),
}

CLOUD_RULES: dict[str, CloudRule] = dict(
    [
        # Validators
        _rule("system:check-permission-validator", VALIDATOR, "permissionKey"),
        _rule("system:parent-or-child-blocking-validator", VALIDATOR, "blocker", "statusIds"),
        _rule("system:previous-status-validator", VALIDATOR, "previousStatusIds", "mostRecentStatusOnly"),
        _rule(
            "system:validate-field-value",
            VALIDATOR,
            "ruleType",
            "fieldsRequired",
            "ignoreContext",
            "errorMessage",
            "groupsExemptFromValidation",
            "fieldKey",
            "excludeSubtasks",
            "regexp",
            "date1FieldKey",
            "date2FieldKey",
            "includeTime",
            "conditionSelected",
            "numberOfDays",
        ),
        _rule("system:proforma-forms-attached", VALIDATOR),
        _rule("system:proforma-forms-submitted", VALIDATOR),
        # Conditions
        _rule("system:check-field-value", CONDITION, "fieldId", "fieldValue", "comparator", "comparisonType"),
        _rule(
            "system:restrict-issue-transition",
            CONDITION,
            "accountIds",
            "roleIds",
            "groupIds",
            "permissionKeys",
            "groupCustomFields",
            "allowUserCustomFields",
            "denyUserCustomFields",
        ),
        _rule(
            "system:previous-status-condition",
            CONDITION,
            "previousStatusIds",
            "not",
            "mostRecentStatusOnly",
            "includeCurrentStatus",
            "ignoreLoopTransitions",
        ),
        _rule("system:parent-or-child-blocking-condition", CONDITION, "blocker", "statusIds"),
        _rule("system:separation-of-duties", CONDITION, "fromStatusId", "toStatusId"),
        _rule("system:restrict-from-all-users", CONDITION, "restrictMode"),
        _rule("system:jsd-approvals-block-until-approved", CONDITION, "approvalConfigurationJson"),
        _rule("system:jsd-approvals-block-until-rejected", CONDITION, "approvalConfigurationJson"),
        _rule("system:block-in-progress-approval", CONDITION),
        # Post-functions
        _rule("system:change-assignee", ACTION, "type", "accountId"),
        _rule("system:copy-value-from-other-field", ACTION, "sourceFieldKey", "targetFieldKey", "issueSource"),
        _rule("system:update-field", ACTION, "field", "value", "mode"),
        _rule("system:trigger-webhook", ACTION, "webhookId"),
        # Screens
        _rule(
            "system:remind-people-to-update-fields",
            SCREEN,
            "remindingFieldIds",
            "remindingMessage",
            "remindingAlwaysAsk",
        ),
        _rule("system:transition-screen", SCREEN, "screenId"),
        # Connect and Forge apps' rules
        *(_rule(f"connect:{name}", kind, *_CONNECT) for name, kind in _APP_RULES["connect"]),
        *(_rule(f"forge:{name}", kind, *_FORGE) for name, kind in _APP_RULES["forge"]),
    ]
)

# The values of the parameters jwflint itself writes.
RESTRICT_MODE_USERS = "users"  # people cannot run the transition; the REST API can
UPDATE_MODE_REPLACE = "replace"


def unknown_in(rule_key: str, parameters: dict[str, str]) -> list[str]:
    """What a rule names that the table does not know: the key itself, or its parameter names."""
    rule = CLOUD_RULES.get(rule_key)
    if rule is None:
        return [rule_key]
    return [name for name in parameters if name not in rule.parameters]
