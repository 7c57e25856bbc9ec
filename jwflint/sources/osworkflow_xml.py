"""The OSWorkflow XML export (Jira Data Center's and the old Cloud editor's) read into the model.

Building the model never fails on a well-formed document: structural breakage is recorded as a
``ModelProblem`` with the element it concerns, and the rules report it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from jwflint.core import jira
from jwflint.model.workflow import (
    COMMON,
    GLOBAL,
    INITIAL,
    STEP,
    ConditionGroup,
    Function,
    ModelProblem,
    Status,
    Transition,
    Workflow,
    parse_id,
    workflow_name,
)
from jwflint.sources.xml_document import Document


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


class _Builder:
    def __init__(self, document: Document, name: str | None) -> None:
        self.document = document
        self.name = name or workflow_name(document.path)
        self.problems: list[ModelProblem] = []
        self.transitions: list[Transition] = []
        self.statuses: list[Status] = []
        self.unusual: list[etree._Element] = []
        self.actions_by_id: dict[int, Transition] = {}
        self.steps_by_id: dict[int, Status] = {}
        # (transition label, <result> element, raw step, step id) of conditional results
        self._conditional_refs: list[tuple[str, etree._Element, str, int]] = []

    def problem(
        self,
        kind: str,
        message: str,
        element: etree._Element | None,
        status: str | None = None,
        transition: str | None = None,
    ) -> None:
        self.problems.append(ModelProblem(kind, message, element, status, transition))

    def build(self) -> Workflow:
        root = self.document.root
        if self.document.whitespace_before_declaration:
            self.problem(
                "leading-whitespace",
                f"{self.document.whitespace_before_declaration} byte(s) of whitespace before the XML declaration "
                "(a Jira Cloud export quirk); strict XML parsers reject this file",
                None,
            )
        metas: dict[str, str] = {}
        sections: dict[str, etree._Element] = {}
        for child in _elements(root):
            if child.tag == "meta":
                metas[child.get("name", "")] = child.text or ""
            elif child.tag in (jira.INITIAL_ACTIONS, jira.GLOBAL_ACTIONS, jira.COMMON_ACTIONS, jira.STEPS):
                if child.tag in sections:
                    self.problem("duplicate-section", f"second <{child.tag}> section: Jira reads only one", child)
                else:
                    sections[child.tag] = child
            else:
                # registers, trigger-functions, global-conditions, splits, joins: legal OSWorkflow
                # that Jira's editor never writes.
                self.unusual.append(child)

        initial = sections.get(jira.INITIAL_ACTIONS)
        initial_actions = [a for a in initial if a.tag == "action"] if initial is not None else []
        if not initial_actions:
            self.problem(
                "missing-initial-action",
                "the workflow has no initial (Create) action: issues cannot be created with it",
                initial if initial is not None else root,
            )
        for action in initial_actions:
            self._action(action, INITIAL)
        for kind, tag in ((GLOBAL, jira.GLOBAL_ACTIONS), (COMMON, jira.COMMON_ACTIONS)):
            section = sections.get(tag)
            if section is not None:
                for action in section:
                    if action.tag == "action":
                        self._action(action, kind)
        steps = sections.get(jira.STEPS)
        if steps is None:
            self.problem("missing-steps", "the workflow has no <steps>: it has no statuses", root)
        else:
            for step in steps:
                if step.tag == "step":
                    self._step(step)
        self._check_references()
        return Workflow(
            document=self.document,
            name=self.name,
            metas=metas,
            statuses=self.statuses,
            transitions=self.transitions,
            problems=self.problems,
            unusual=self.unusual,
            steps_by_id=self.steps_by_id,
            actions_by_id=self.actions_by_id,
        )

    def _action(self, element: etree._Element, kind: str, source: int | None = None) -> Transition:
        # Runs once per transition (50,000 times on the largest workflows): the Transition is built
        # positionally, which costs half as much as by keyword.
        get = element.get
        raw_id = get("id", "")
        action_id = parse_id(raw_id)
        name = get("name", "")
        label = f"{name} (id {raw_id})"
        metas: dict[str, str] = {}
        conditions: ConditionGroup | None = None
        validators: list[Function] = []
        post_functions: list[Function] = []
        result_element = None
        raw_target: str | None = None
        conditional_targets: list[int] = []
        for child in element:
            tag = child.tag
            if tag == "meta":
                metas[child.get("name", "")] = child.text or ""
            elif tag == "restrict-to":
                groups = [c for c in child if c.tag == "conditions"]
                if groups:
                    conditions = self._conditions(groups[0])
            elif tag == "validators":
                validators.extend(self._functions(child, "validator"))
            elif tag == "pre-functions":
                self.unusual.append(child)
            elif tag == "post-functions":
                # Jira writes post-functions under <unconditional-result>; action-level ones
                # still run (OSWorkflow), so they count, and are flagged as unusual.
                self.unusual.append(child)
                post_functions.extend(self._functions(child, "function"))
            elif tag == "results":
                for result in child:
                    if result.tag == "unconditional-result":
                        result_element = result
                        raw_target = result.get("step")
                        for part in result:
                            if part.tag == "post-functions":
                                post_functions.extend(self._functions(part, "function"))
                            elif part.tag == "validators":
                                validators.extend(self._functions(part, "validator"))
                            elif part.tag == "pre-functions":
                                self.unusual.append(part)
                        if result.get("split") or result.get("join"):
                            self.unusual.append(result)
                    elif result.tag == "result":
                        self.unusual.append(result)
                        raw_step = result.get("step")
                        target = parse_id(raw_step)
                        if target is not None:
                            conditional_targets.append(target)
                            self._conditional_refs.append((label, result, raw_step or "", target))
                        elif raw_step is not None:
                            self.problem(
                                "non-numeric-id",
                                f"a conditional result of {label} targets step {raw_step!r}: step ids are integers",
                                result,
                                transition=label,
                            )
        if action_id is None:
            self.problem(
                "non-numeric-id",
                f"action {name!r} has id {raw_id!r}: Jira ids are integers",
                element,
                transition=label,
            )
        elif action_id in self.actions_by_id:
            first = self.actions_by_id[action_id]
            self.problem(
                "duplicate-action-id",
                f"action id {raw_id} is used by {first.name!r} (line {self.document.line_of(first.element)}) "
                f"and {name!r}: action ids must be unique across the whole workflow",
                element,
                transition=label,
            )
        target = parse_id(raw_target)
        if result_element is None:
            self.problem(
                "missing-result",
                f"transition {label} has no <unconditional-result>: it leads nowhere",
                element,
                transition=label,
            )
        elif raw_target is None and not (result_element.get("split") or result_element.get("join")):
            # OSWorkflow's ResultDescriptor.validate(): "is not a split or join, and has no next step".
            self.problem(
                "missing-result",
                f"transition {label} has an <unconditional-result> without a step attribute: it leads nowhere "
                "(set step to a step id, or -1 to stay)",
                result_element,
                transition=label,
            )
        elif raw_target is not None and target is None:
            self.problem(
                "non-numeric-id",
                f"transition {label} targets step {raw_target!r}: step ids are integers",
                result_element,
                transition=label,
            )
        view = (get("view") or "").strip()
        screen_meta = metas.get(jira.META_SCREEN_ID)
        screen = self._screen(view, screen_meta, element, label)
        # Transition's fields in order: id, raw_id, name, kind, element, target, raw_target, view,
        # screen_meta, screen, conditions, validators, post_functions, metas, result_element,
        # sources, conditional_targets.
        transition = Transition(
            action_id, raw_id, name, kind, element, target, raw_target, view,
            screen_meta, screen, conditions, validators, post_functions, metas, result_element,
            [source] if source is not None else [], conditional_targets,
        )  # fmt: skip
        self.transitions.append(transition)
        if action_id is not None:
            self.actions_by_id.setdefault(action_id, transition)
        return transition

    def _screen(self, view: str, screen_meta: str | None, element: etree._Element, label: str) -> int | None:
        # WorkflowActionsBean.getFieldScreenForView: no view, no screen, whatever the meta says.
        if not view:
            return None
        if view in jira.VIEW_SCREENS:
            return jira.VIEW_SCREENS[view]
        text = (screen_meta or "").strip()
        if not text:
            return None  # reported by the view-without-screen rule
        screen = parse_id(text)
        if screen is None:
            self.problem(
                "non-numeric-id",
                f"transition {label} has screen id {text!r}: screen ids are integers",
                element,
                transition=label,
            )
        return screen

    def _conditions(self, element: etree._Element) -> ConditionGroup:
        items: list[Function | ConditionGroup] = []
        for child in element:
            if child.tag == "conditions":
                items.append(self._conditions(child))
            elif child.tag == "condition":
                items.append(self._function(child, "condition"))
        # OSWorkflow's passesConditions treats exactly "AND" as AND and anything else (no type
        # included) as OR; Jira writes an untyped group only around a single condition.
        operator = "AND" if (element.get("type") or "").strip() == "AND" else "OR"
        return ConditionGroup(operator=operator, items=items, element=element)

    def _functions(self, container: etree._Element, kind: str) -> list[Function]:
        # The hot loop of the model (five or more per transition, each with a few args): plain
        # child iteration with a tag test is about twice as fast in lxml as iterchildren(tag).
        result: list[Function] = []
        append = result.append
        wanted = "validator" if kind == "validator" else "function"
        class_key = jira.ARG_CLASS_NAME
        for element in container:
            if element.tag != wanted:
                continue
            args: dict[str, str] = {}
            for arg in element:
                if arg.tag == "arg":
                    args[arg.get("name", "")] = arg.text or ""
            append(Function(kind, args.get(class_key, "").strip(), args, element))
        return result

    def _function(self, element: etree._Element, kind: str) -> Function:
        args = {arg.get("name", ""): arg.text or "" for arg in element if arg.tag == "arg"}
        # Class names carry whitespace and even CDATA in real exports: compare them stripped.
        class_name = args.get(jira.ARG_CLASS_NAME, "").strip()
        negate = (element.get("negate") or "").strip().lower() in ("true", "yes")
        return Function(kind=kind, class_name=class_name, args=args, element=element, negate=negate)

    def _step(self, element: etree._Element) -> None:
        raw_id = element.get("id", "")
        step_id = parse_id(raw_id)
        name = element.get("name", "")
        metas: dict[str, str] = {}
        for child in element:
            if child.tag == "meta":
                metas[child.get("name", "")] = child.text or ""
        status_id = metas.get(jira.META_STATUS_ID)
        status = Status(
            step_id=step_id,
            raw_id=raw_id,
            name=name,
            status_id=status_id.strip() if status_id is not None else None,
            metas=metas,
            element=element,
        )
        if step_id is None:
            self.problem(
                "non-numeric-id", f"step {name!r} has id {raw_id!r}: step ids are integers", element, status=name
            )
        elif step_id in self.steps_by_id:
            first = self.steps_by_id[step_id]
            self.problem(
                "duplicate-step-id",
                f"step id {raw_id} is used by {first.name!r} (line {self.document.line_of(first.element)}) "
                f"and {name!r}: transitions into it are ambiguous",
                element,
                status=name,
            )
        else:
            self.steps_by_id[step_id] = status
        self.statuses.append(status)
        for child in element:
            if child.tag == "actions":
                for action in child:
                    if action.tag == "action":
                        local = self._action(action, STEP, source=step_id)
                        if local.id is not None:
                            status.action_ids.append(local.id)
                    elif action.tag == "common-action":
                        ref = parse_id(action.get("id"))
                        self._common_refs.append((status, action, ref))
                        if ref is not None:
                            status.action_ids.append(ref)
            elif child.tag in ("pre-functions", "post-functions", "external-permissions"):
                self.unusual.append(child)

    _common_refs: list[tuple[Status, etree._Element, int | None]]

    def _check_references(self) -> None:
        common_by_id = {t.id: t for t in self.transitions if t.kind == COMMON and t.id is not None}
        for status, element, ref in self._common_refs:
            raw = element.get("id", "")
            if ref is None:
                self.problem(
                    "non-numeric-id",
                    f"step {status.label!r} references common action {raw!r}: ids are integers",
                    element,
                    status=status.name,
                )
                continue
            common = common_by_id.get(ref)
            if common is None:
                where = "is not a common action" if ref in self.actions_by_id else "does not exist"
                self.problem(
                    "dangling-common-action",
                    f"step {status.label!r} references common action {raw}, which {where}: "
                    "define it under <common-actions> or remove the reference",
                    element,
                    status=status.name,
                )
                continue
            if status.step_id is not None and status.step_id not in common.sources:
                common.sources.append(status.step_id)
        status_ids: dict[str, Status] = {}
        for status in self.statuses:
            if status.status_id is None or not status.status_id:
                self.problem(
                    "missing-status-id",
                    f"step {status.label!r} has no jira.status.id meta: Jira cannot map it to a status",
                    status.element,
                    status=status.name,
                )
            elif status.status_id in status_ids:
                first = status_ids[status.status_id]
                self.problem(
                    "duplicate-status-id",
                    f"steps {first.label!r} and {status.label!r} both map to status id {status.status_id}: "
                    "Jira allows each status once per workflow",
                    status.element,
                    status=status.name,
                )
            else:
                status_ids[status.status_id] = status
        for transition in self.transitions:
            target = transition.target
            if transition.result_element is None or transition.raw_target is None or target is None:
                continue
            if target == jira.STAY:
                if transition.kind == INITIAL:
                    self.problem(
                        "dangling-step-reference",
                        f"the initial action {transition.label} targets step -1 (stay), but a new issue "
                        "has no step to stay in",
                        transition.result_element,
                        transition=transition.label,
                    )
                continue
            if target not in self.steps_by_id:
                self.problem(
                    "dangling-step-reference",
                    f"transition {transition.label} leads to step {transition.raw_target}, which does not "
                    "exist: point it at an existing step id",
                    transition.result_element,
                    transition=transition.label,
                )
        for label, element, raw, target in self._conditional_refs:
            if target != jira.STAY and target not in self.steps_by_id:
                self.problem(
                    "dangling-step-reference",
                    f"a conditional result of {label} leads to step {raw}, which does not exist: "
                    "point it at an existing step id",
                    element,
                    transition=label,
                )


def _elements(parent: etree._Element | None) -> Iterator[etree._Element]:
    """Child elements only: comments and processing instructions are kept in the tree, skipped here.

    Only loops that keep what matches no known tag need it. The others iterate children directly
    and test the tag: a comment's tag is a function, so it matches no name, and plain iteration
    is about twice as fast in lxml as ``iterchildren(tag)`` on 50,000-transition files.
    """
    if parent is None:
        return iter(())
    return parent.iterchildren(etree.Element)


def build(document: Document, name: str | None = None) -> Workflow:
    """Build the model of a parsed document whose root is ``<workflow>``."""
    builder = _Builder(document, name)
    builder._common_refs = []
    return builder.build()
