"""Who a transition is limited to, in the words a Jira admin uses: group, role, user or hidden.

Only conditions about *who* may act count; a field-value or scripted condition limits *when*,
and a permission condition repeats the permission scheme, so neither makes an edge dashed.
"""

from __future__ import annotations

from jwflint import jira
from jwflint.model import ConditionGroup, Function, Transition

# JSU's conditions appear in real exports next to Jira's own (see jira-xml-format.md §4.1);
# they are matched by their short class name because the plugin's package has moved over time.
_JSU_ANY_GROUPS = "UserIsInAnyGroupsCondition"
_JSU_USER_IN_FIELD = "UserIsInCustomFieldCondition"
_JSU_LIST_SEPARATOR = "@@"


def restriction(transition: Transition) -> str | None:
    """``"group jira-admins or role 10002"``, or None when anyone may use the transition."""
    if transition.conditions is None:
        return None
    return _group(transition.conditions, nested=False)


def _group(group: ConditionGroup, nested: bool) -> str | None:
    parts: list[str] = []
    for item in group.items:
        if isinstance(item, ConditionGroup):
            # A nested group with the same operator reads the same without parentheses.
            text = _group(item, nested=item.operator != group.operator)
        else:
            text = _condition(item)
        if text is None:
            if group.operator == "OR":
                # One branch that does not limit who may act opens the transition to anyone
                # who satisfies it, so the group as a whole is not a who-restriction.
                return None
            continue
        parts.append(text)
    if not parts:
        return None
    joiner = " or " if group.operator == "OR" else " and "
    text = joiner.join(parts)
    return f"({text})" if nested and len(parts) > 1 else text


def _condition(condition: Function) -> str | None:
    text = _who(condition)
    if text is None:
        return None
    return f"not {text}" if condition.negate else text


def _who(condition: Function) -> str | None:
    class_name = condition.class_name
    args = condition.args
    short = condition.short_name
    if class_name == jira.USER_IN_GROUP:
        return f"group {args.get('group', '?').strip()}"
    if short == _JSU_ANY_GROUPS:
        groups = [g.strip() for g in args.get("hidGroupsList", "").split(_JSU_LIST_SEPARATOR) if g.strip()]
        return "group " + " or ".join(groups) if groups else "groups"
    if class_name == jira.IN_PROJECT_ROLE:
        return f"role {args.get('jira.projectrole.id', '?').strip()}"
    if class_name == jira.ALLOW_ONLY_ASSIGNEE:
        return "assignee"
    if class_name == jira.ALLOW_ONLY_REPORTER:
        return "reporter"
    if class_name == jira.USER_IS_IN_CUSTOM_FIELD or short == _JSU_USER_IN_FIELD:
        field = (args.get("fieldsList") or args.get("field.name") or "a field").strip()
        return f"user in {field}"
    if class_name in (jira.ALWAYS_FALSE, jira.REMOTE_ONLY):
        return "hidden"
    return None
