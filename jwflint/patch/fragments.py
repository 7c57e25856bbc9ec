"""What the patcher adds, as plain values the templates in templates/patch/ render.

A fragment is described here (class names, args in the order Jira writes them) and rendered
by Jinja; nothing else in the package writes XML markup.
"""

from __future__ import annotations

from jwflint.core import jira
from jwflint.core.records import record

# Arg order as Jira's own exports write each of these (jira-xml-format.md §1.4: never keyed on,
# but kept so a re-export does not reorder what jwflint wrote).


@record(frozen=True)
class FunctionSpec:
    class_name: str
    args: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        """``UpdateIssueFieldFunction resolution=10000`` / ``FireIssueEventFunction eventTypeId=4``."""
        values = dict(self.args)
        if self.class_name == jira.UPDATE_ISSUE_FIELD:
            value = values.get(jira.ARG_FIELD_VALUE, "")
            return f"{jira.short_class(self.class_name)} {values.get(jira.ARG_FIELD_NAME, '')}={value!r}"
        shown = [f"{k}={v}" for k, v in self.args if k != jira.ARG_CLASS_NAME]
        return " ".join([jira.short_class(self.class_name), *shown])


@record(frozen=True)
class ConditionSpec:
    class_name: str
    args: tuple[tuple[str, str], ...]
    kind: str = "condition"

    def describe(self) -> str:
        shown = [f"{k}={v!r}" for k, v in self.args if k != jira.ARG_CLASS_NAME]
        return " ".join([jira.short_class(self.class_name), *shown])


@record(frozen=True)
class GroupSpec:
    """``<conditions>``; operator None writes an untyped group around a single condition, as Jira does."""

    operator: str | None
    items: tuple[ConditionSpec | GroupSpec, ...]
    kind: str = "group"

    def conditions(self) -> list[ConditionSpec]:
        found: list[ConditionSpec] = []
        for item in self.items:
            found.extend(item.conditions() if isinstance(item, GroupSpec) else [item])
        return found

    def describe(self) -> str:
        parts = [item.describe() if isinstance(item, ConditionSpec) else f"({item.describe()})" for item in self.items]
        return f" {self.operator or 'AND'} ".join(parts)


@record(frozen=True)
class ActionSpec:
    id: int
    name: str
    target: int
    view: str | None
    metas: tuple[tuple[str, str], ...]
    restriction: GroupSpec | None
    functions: tuple[FunctionSpec, ...]


def update_field(field_name: str, value: str) -> FunctionSpec:
    """Update Issue Field: an empty value clears the field (resolution: none; assignee: Unassigned)."""
    return FunctionSpec(
        jira.UPDATE_ISSUE_FIELD,
        (
            (jira.ARG_FIELD_NAME, field_name),
            (jira.ARG_FULL_MODULE_KEY, jira.UPDATE_ISSUE_FIELD_MODULE),
            (jira.ARG_FIELD_VALUE, value),
            (jira.ARG_CLASS_NAME, jira.UPDATE_ISSUE_FIELD),
        ),
    )


def builtin_functions(event_type_id: str) -> tuple[FunctionSpec, ...]:
    """Jira's five post-functions of every non-initial transition, in their fixed order."""
    functions = []
    for class_name in jira.BUILTIN_POST_FUNCTIONS:
        if class_name == jira.FIRE_ISSUE_EVENT:
            functions.append(
                FunctionSpec(class_name, ((jira.ARG_EVENT_TYPE_ID, event_type_id), (jira.ARG_CLASS_NAME, class_name)))
            )
        else:
            functions.append(FunctionSpec(class_name, ((jira.ARG_CLASS_NAME, class_name),)))
    return tuple(functions)


def in_group(group: str) -> ConditionSpec:
    return ConditionSpec(jira.USER_IN_GROUP, ((jira.ARG_CLASS_NAME, jira.USER_IN_GROUP), (jira.ARG_GROUP, group)))


def in_project_role(role: str) -> ConditionSpec:
    return ConditionSpec(
        jira.IN_PROJECT_ROLE, ((jira.ARG_PROJECT_ROLE, role), (jira.ARG_CLASS_NAME, jira.IN_PROJECT_ROLE))
    )


def hidden_from_users() -> ConditionSpec:
    return ConditionSpec(jira.REMOTE_ONLY, ((jira.ARG_CLASS_NAME, jira.REMOTE_ONLY),))


def restriction(group: str | None, role: str | None, hide_from_users: bool) -> GroupSpec | None:
    """Who may run a bot transition.

    The group and the project role each identify the bot, so they are alternatives (OR): the bot
    passes through whichever is set up. Hiding from users is a separate demand that holds
    whoever runs the transition, so it is ANDed with them.
    """
    alternatives: list[ConditionSpec | GroupSpec] = []
    if group:
        alternatives.append(in_group(group))
    if role:
        alternatives.append(in_project_role(role))
    identity: ConditionSpec | GroupSpec | None = None
    if len(alternatives) == 1:
        identity = alternatives[0]
    elif alternatives:
        identity = GroupSpec("OR", tuple(alternatives))
    if not hide_from_users:
        if identity is None:
            return None
        return identity if isinstance(identity, GroupSpec) else GroupSpec(None, (identity,))
    if identity is None:
        return GroupSpec(None, (hidden_from_users(),))
    return GroupSpec("AND", (hidden_from_users(), identity))


def render_actions(actions: list[ActionSpec], section: bool) -> str:
    from jwflint.core.templating import render

    return render("patch/global-actions.xml.j2" if section else "patch/actions.xml.j2", actions=actions)


def render_function(function: FunctionSpec, wrap: bool = False) -> str:
    """One ``<function>``; with ``wrap``, inside a new ``<post-functions>``."""
    from jwflint.core.templating import render

    return render("patch/function.xml.j2", fn=function, wrap=wrap)


def render_arg(name: str, value: str) -> str:
    from jwflint.core.templating import render

    return render("patch/arg.xml.j2", name=name, value=value)


def escape(value: str) -> str:
    """A text value escaped as the templates escape it (for edits that replace a value in place)."""
    from jwflint.core.templating import xml_escape

    return str(xml_escape(value))


def render_restrict_to(group: GroupSpec) -> str:
    from jwflint.core.templating import render

    return render("patch/restrict-to.xml.j2", group=group)


def render_condition(item: ConditionSpec | GroupSpec) -> str:
    from jwflint.core.templating import render

    return render("patch/condition.xml.j2", item=item)
