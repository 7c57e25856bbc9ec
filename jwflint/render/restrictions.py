"""Who a transition is limited to, in the words a Jira admin uses: group, role, user or hidden.

Only conditions about *who* may act count; a field-value or scripted condition limits *when*,
and a permission condition repeats the permission scheme, so neither makes an edge dashed.
"""

from __future__ import annotations

from jwflint.core import jira
from jwflint.model.workflow import ConditionGroup, Function, Transition

# JSU's conditions appear in real exports next to Jira's own (see jira-xml-format.md §4.1);
# they are matched by their short class name because the plugin's package has moved over time.
_JSU_ANY_GROUPS = "UserIsInAnyGroupsCondition"
_JSU_USER_IN_FIELD = "UserIsInCustomFieldCondition"
_JSU_LIST_SEPARATOR = "@@"


def restriction(transition: Transition) -> str | None:
    """``"group jira-admins or role 10002"``, or None when anyone may use the transition."""
    if transition.conditions is None:
        return None
    found = _group(transition.conditions)
    return found[0] if found else None


def _group(group: ConditionGroup) -> tuple[str, str | None] | None:
    """(text, the operator joining its top level or None for a single condition), or None."""
    parts: list[tuple[str, str | None]] = []
    for item in group.items:
        found = _group(item) if isinstance(item, ConditionGroup) else _condition(item)
        if found is None:
            if group.operator == "OR":
                # One branch that does not limit who may act opens the transition to anyone
                # who satisfies it, so the group as a whole is not a who-restriction.
                return None
            continue
        parts.append(found)
    if len(parts) <= 1:
        return parts[0] if parts else None
    joiner = " or " if group.operator == "OR" else " and "
    # Parentheses only where a nested group's operator differs from its parent's.
    texts = [f"({text})" if inner not in (None, group.operator) else text for text, inner in parts]
    return joiner.join(texts), group.operator


def _condition(condition: Function) -> tuple[str, str | None] | None:
    found = _who(condition)
    if found is None:
        return None
    text, inner = found
    if condition.negate:
        return f"not ({text})" if inner else f"not {text}", None
    return found


def _who(condition: Function) -> tuple[str, str | None] | None:
    class_name = condition.class_name
    args = condition.args
    short = condition.short_name
    if class_name == jira.USER_IN_GROUP:
        return f"group {args.get(jira.ARG_GROUP, '?').strip()}", None
    if short == _JSU_ANY_GROUPS:
        groups = [g.strip() for g in args.get("hidGroupsList", "").split(_JSU_LIST_SEPARATOR) if g.strip()]
        if not groups:
            return "groups", None
        return " or ".join(f"group {g}" for g in groups), ("OR" if len(groups) > 1 else None)
    if class_name == jira.IN_PROJECT_ROLE:
        return f"role {args.get(jira.ARG_PROJECT_ROLE, '?').strip()}", None
    if class_name == jira.ALLOW_ONLY_ASSIGNEE:
        return "assignee", None
    if class_name == jira.ALLOW_ONLY_REPORTER:
        return "reporter", None
    if class_name == jira.USER_IS_IN_CUSTOM_FIELD or short == _JSU_USER_IN_FIELD:
        field = (args.get("fieldsList") or args.get("field.name") or "a field").strip()
        return f"user in {field}", None
    if class_name == jira.ALWAYS_FALSE or class_name.endswith(jira.REMOTE_ONLY_SUFFIX):
        return "hidden", None
    return None
