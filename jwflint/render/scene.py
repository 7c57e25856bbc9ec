"""A neutral description of a workflow picture: nodes, edges and what to highlight.

The scene is built once from the model, the buckets and the lint findings (and, for a patch,
the workflow before it); DOT, Mermaid and the HTML report only decide how it looks. Node
and edge ids are derived from step ids and document order, so the same input always gives
the same scene and the same bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import field, replace

from jwflint.core import jira
from jwflint.core.findings import Finding, Severity
from jwflint.core.records import record
from jwflint.model.buckets import BUCKET_TITLES, BUCKETS, Buckets
from jwflint.model.workflow import COMMON, GLOBAL, INITIAL, Status, Transition, Workflow
from jwflint.render import palette
from jwflint.render.restrictions import restriction

# Node kinds.
STATUS = "status"
START = "start"
ANY = "any"
PHANTOM = "phantom"  # a bucket role that no status plays (drawn for any-to-* findings)
DANGLING = "dangling"  # a step id that transitions point at but that does not exist

# Edge kinds beyond the model's transition kinds.
MISSING = "missing"

# Changes in a patch picture.
ADDED = "added"
REMOVED = "removed"

ANY_LABEL = "Any status"
# Info findings (e.g. "screen 10800 exists only on the exporting instance") are notes, not
# problems: outlining every such transition in red would drown the ones that need fixing.
OUTLINE_FROM = Severity.WARNING
WRAP = 26  # characters per label line: keeps boxes narrow on big workflows
MAX_LABEL = 200  # characters of a name drawn in a box or on an arrow

# Rules named any-to-<bucket> report a missing global transition into that bucket's role.
MISSING_GLOBAL_PREFIX = "any-to-"

Endpoint = int | str  # a step id, or START / ANY


@record
class Node:
    id: str
    label: str
    kind: str
    category: str = palette.UNKNOWN
    bucket: str | None = None
    title: str = ""
    flagged: bool = False
    change: str | None = None
    notes: list[str] = field(default_factory=list)
    hidden: bool = False  # laid out but not drawn: keeps the before and after pictures' layout identical

    @property
    def lines(self) -> list[str]:
        return wrap(self.label)

    @property
    def tooltip(self) -> list[str]:
        return [self.title or self.label, *self.notes]


@record
class Edge:
    id: str
    source: str
    target: str
    label: str
    kind: str
    title: str = ""
    restriction: str | None = None
    flagged: bool = False
    change: str | None = None
    conditional: bool = False
    notes: list[str] = field(default_factory=list)
    hidden: bool = False  # laid out but not drawn (see Node.hidden)

    @property
    def loop(self) -> bool:
        return self.source == self.target

    @property
    def lines(self) -> list[str]:
        # In a patch picture red also marks findings: removed arrows say so in words.
        return wrap(f"(removed) {self.label}" if self.change == REMOVED else self.label)

    @property
    def restriction_lines(self) -> list[str]:
        return wrap(f"[{self.restriction}]") if self.restriction else []

    @property
    def tooltip(self) -> list[str]:
        head = self.title or self.label
        if self.restriction:
            head += f" — restricted to: {self.restriction}"
        return [head, *self.notes]


@record
class Scene:
    name: str
    nodes: list[Node]
    edges: list[Edge]
    with_findings: bool = False
    diff: bool = False
    unplaced: list[Finding] = field(default_factory=list)  # findings about no drawn element

    @property
    def categories(self) -> list[str]:
        """Palette categories in use, in legend order."""
        used = {n.category for n in self.nodes if n.kind == STATUS}
        return [c for c in palette.SWATCHES if c in used]


def wrap(text: str, width: int = WRAP) -> list[str]:
    """Label lines; a long name is cut (Graphviz refuses labels past 16,384 characters), while the
    tooltip keeps it whole."""
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def step_key(step_id: int) -> str:
    return str(step_id) if step_id >= 0 else f"n{-step_id}"


@record(frozen=True)
class Route:
    """One drawn arrow of a transition: a transition may have several (common ones, one per source)."""

    transition: Transition
    source: Endpoint
    target: Endpoint
    conditional: bool = False

    @property
    def key(self) -> tuple[Endpoint, Endpoint, bool]:
        return (self.source, self.target, self.conditional)


def routes(workflow: Workflow) -> Iterator[Route]:
    """Every arrow of the workflow in document order; ``step="-1"`` loops back to its source."""
    for transition in workflow.transitions:
        targets = [(transition.target, False)] if transition.target is not None else []
        targets.extend((target, True) for target in transition.conditional_targets)
        sources: list[Endpoint]
        if transition.kind == INITIAL:
            sources = [START]
        elif transition.kind == GLOBAL:
            sources = [ANY]
        else:
            sources = list(transition.sources)
        for source in sources:
            for target, conditional in targets:
                if target == jira.STAY:
                    if source == START:
                        continue  # a new issue has no step to stay in; the model reports it
                    yield Route(transition, source, source, conditional)
                else:
                    yield Route(transition, source, target, conditional)


class _Builder:
    def __init__(self, workflow: Workflow, buckets: Buckets, before: Workflow | None) -> None:
        self.workflow = workflow
        self.buckets = buckets
        self.before = before
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.node_of_step: dict[int, str] = {}
        self.nodes_of_status: dict[int, str] = {}  # id(Status) -> node id
        self.edges_of_transition: dict[int, list[Edge]] = {}  # id(Transition) -> edges
        self.extra: list[Node] = []  # phantom, dangling and removed nodes, after the statuses

    def build(self, findings: Sequence[Finding] | None) -> Scene:
        for index, status in enumerate(self.workflow.statuses):
            self._status_node(index, status)
        if self.before is None:
            for route in routes(self.workflow):
                self._edge(route)
        else:
            self._diff(self.before)
        scene = Scene(name=self.workflow.name, nodes=[], edges=self.edges, diff=self.before is not None)
        if findings is not None:
            scene.with_findings = True
            scene.unplaced = self._place(findings)
        scene.nodes = self._ordered_nodes()
        return scene

    def _ordered_nodes(self) -> list[Node]:
        head = [self.nodes[key] for key in (START, ANY) if key in self.nodes]
        statuses = [n for n in self.nodes.values() if n.kind == STATUS and n.change is None]
        return head + statuses + self.extra

    def _status_node(self, index: int, status: Status) -> None:
        step = status.step_id
        if step is not None and step not in self.node_of_step:
            node_id = f"s{step_key(step)}"
            self.node_of_step[step] = node_id
        else:
            node_id = f"x{index}"  # no usable step id, or a duplicate one: keep it visible
        bucket = self.buckets.bucket_of(status)
        name = self.buckets.status_name(status) if not status.name else status.name
        self.nodes[node_id] = Node(
            id=node_id,
            label=name or status.label,
            kind=STATUS,
            category=palette.category(bucket),
            bucket=bucket,
            title=f"{status.label} (step {status.raw_id}, status id {status.status_id or '?'}): "
            f"{self.buckets.explain(status)}",
        )
        self.nodes_of_status[id(status)] = node_id

    def _endpoint(self, endpoint: Endpoint) -> str:
        if endpoint == START:
            return self._special(START, "", START)
        if endpoint == ANY:
            return self._special(ANY, ANY_LABEL, ANY)
        assert isinstance(endpoint, int)
        node_id = self.node_of_step.get(endpoint)
        if node_id is not None:
            return node_id
        before = self.before.steps_by_id.get(endpoint) if self.before is not None else None
        if before is not None:
            # A status that only the workflow before the patch has.
            node_id = f"s{step_key(endpoint)}"
            node = Node(
                node_id,
                before.name or before.label,
                STATUS,
                palette.UNKNOWN,
                change=REMOVED,
                title=f"{before.label}: removed by the patch",
            )
        else:
            node_id = f"d{step_key(endpoint)}"
            node = Node(
                node_id, f"step {endpoint} (missing)", DANGLING, palette.UNKNOWN, title=f"no step has id {endpoint}"
            )
        self.node_of_step[endpoint] = node_id
        self.nodes[node_id] = node
        self.extra.append(node)
        return node_id

    def _special(self, key: str, label: str, kind: str) -> str:
        if key not in self.nodes:
            self.nodes[key] = Node(key, label, kind, title=label or "Create")
        return key

    def _edge(self, route: Route, change: str | None = None) -> Edge:
        transition = route.transition
        edge = Edge(
            id=f"e{len(self.edges) + 1}",
            source=self._endpoint(route.source),
            target=self._endpoint(route.target),
            label=transition.name or f"(unnamed, id {transition.raw_id})",
            kind=transition.kind,
            title=f"{transition.label}: {_KIND_TITLES[transition.kind]}",
            restriction=restriction(transition),
            change=change,
            conditional=route.conditional,
        )
        self.edges.append(edge)
        self.edges_of_transition.setdefault(id(transition), []).append(edge)
        return edge

    def _diff(self, before: Workflow) -> None:
        """Draw the patch: arrows only the new workflow has in green, only the old one in red."""
        old_routes: dict[int, list[Route]] = {}
        for route in routes(before):
            old_routes.setdefault(id(route.transition), []).append(route)
        matches = match_transitions(before, self.workflow)
        for route in routes(self.workflow):
            old = matches.get(id(route.transition))
            old_keys = {r.key for r in old_routes.get(id(old), ())} if old is not None else set()
            self._edge(route, None if route.key in old_keys else ADDED)
        new_keys: dict[int, set[tuple[Endpoint, Endpoint, bool]]] = {}
        for route in routes(self.workflow):
            old = matches.get(id(route.transition))
            if old is not None:
                new_keys.setdefault(id(old), set()).add(route.key)
        for transition in before.transitions:
            kept = new_keys.get(id(transition), set())
            for route in old_routes.get(id(transition), ()):
                if route.key not in kept:
                    self._edge(route, REMOVED)

    def _place(self, findings: Sequence[Finding]) -> list[Finding]:
        """Mark what each finding is about; return the findings that concern nothing drawn."""
        statuses_by_name: dict[str, list[Status]] = {}
        for status in self.workflow.statuses:
            for key in {status.name, status.label}:
                statuses_by_name.setdefault(key, []).append(status)
        by_label: dict[str, list[Transition]] = {}
        by_name: dict[str, list[Transition]] = {}
        for transition in self.workflow.transitions:
            by_label.setdefault(transition.label, []).append(transition)
            by_name.setdefault(transition.name, []).append(transition)
        at = self._positions()
        unplaced: list[Finding] = []
        for finding in findings:
            note = f"{finding.severity.label} [{finding.rule}] {finding.message}"
            nodes: list[Node] = []
            edges: list[Edge] = []
            if finding.transition:
                for transition in by_label.get(finding.transition) or by_name.get(finding.transition, []):
                    edges.extend(self.edges_of_transition.get(id(transition), ()))
            bucket = missing_global_bucket(finding.rule)
            if edges:
                pass  # a finding about a transition names its target status only as context
            elif bucket is not None:
                # The status an any-to-* finding names is the target, not the culprit: the
                # culprit is the global transition that is not there.
                edges.append(self._missing(bucket, finding, statuses_by_name))
            elif finding.status:
                for status in statuses_by_name.get(finding.status, ()):
                    nodes.append(self.nodes[self.nodes_of_status[id(status)]])
            if not nodes and not edges:
                for kind, item in at.get((finding.line, finding.column), ()):
                    if kind == "node":
                        nodes.append(self.nodes[item])
                    else:
                        edges.extend(self.edges_of_transition.get(item, ()))
            if not nodes and not edges:
                unplaced.append(finding)
            for target in [*nodes, *edges]:
                if finding.severity >= OUTLINE_FROM:
                    target.flagged = True
                if note not in target.notes:
                    target.notes.append(note)
        return unplaced

    def _positions(self) -> dict[tuple[int, int], list[tuple[str, object]]]:
        """Element identity, through positions: a finding points at the start tag of its element."""
        position = self.workflow.document.position
        index: dict[tuple[int, int], list[tuple[str, object]]] = {}
        for status in self.workflow.statuses:
            index.setdefault(position(status.element), []).append(("node", self.nodes_of_status[id(status)]))
        for transition in self.workflow.transitions:
            for element in (transition.element, transition.result_element):
                if element is not None:
                    index.setdefault(position(element), []).append(("edge", id(transition)))
        return index

    def _missing(self, bucket: str, finding: Finding, statuses_by_name: dict[str, list[Status]]) -> Edge:
        """The global transition an any-to-* rule wants, drawn from "Any status" to its target."""
        named = statuses_by_name.get(finding.status or "", [])
        members, _ = self.buckets.role(bucket)
        target_status = (named or members or [None])[0]
        if target_status is not None:
            target = self.nodes_of_status[id(target_status)]
        else:
            target = f"missing_{bucket}"
            if target not in self.nodes:
                node = Node(
                    target,
                    f"{BUCKET_TITLES[bucket]} (no such status)",
                    PHANTOM,
                    palette.category(bucket),
                    bucket=bucket,
                    title=f"no status plays the {BUCKET_TITLES[bucket]} role",
                )
                self.nodes[target] = node
                self.extra.append(node)
        source = self._endpoint(ANY)
        for edge in self.edges:
            if edge.kind == MISSING and edge.source == source and edge.target == target:
                return edge
        edge = Edge(
            id=f"e{len(self.edges) + 1}",
            source=source,
            target=target,
            label=f"missing ({finding.rule})",
            kind=MISSING,
            title=f"no global transition into {BUCKET_TITLES[bucket]}",
        )
        self.edges.append(edge)
        return edge


_KIND_TITLES = {
    INITIAL: "create transition",
    GLOBAL: "global transition (from any status)",
    COMMON: "common transition",
    "step": "transition",
}


def missing_global_bucket(rule: str) -> str | None:
    """The bucket whose global transition an ``any-to-<bucket>`` rule asks for."""
    if not rule.startswith(MISSING_GLOBAL_PREFIX):
        return None
    bucket = rule[len(MISSING_GLOBAL_PREFIX) :].replace("-", "_")
    return bucket if bucket in BUCKETS else None


def match_transitions(before: Workflow, after: Workflow) -> dict[int, Transition]:
    """id(after transition) -> the before transition it continues: same kind and id, else same name and target."""
    by_id: dict[tuple[str, int], Transition] = {}
    by_name: dict[tuple[str, int | None], list[Transition]] = {}
    for transition in before.transitions:
        if transition.id is not None:
            by_id.setdefault((transition.kind, transition.id), transition)
        by_name.setdefault((transition.name.strip().casefold(), transition.target), []).append(transition)
    used: set[int] = set()
    result: dict[int, Transition] = {}
    pending: list[Transition] = []
    for transition in after.transitions:
        old = by_id.get((transition.kind, transition.id)) if transition.id is not None else None
        if old is not None and id(old) not in used:
            used.add(id(old))
            result[id(transition)] = old
        else:
            pending.append(transition)
    for transition in pending:
        for old in by_name.get((transition.name.strip().casefold(), transition.target), ()):
            if id(old) not in used:
                used.add(id(old))
                result[id(transition)] = old
                break
    return result


BEFORE = "before"
AFTER = "after"


def patch_side(scene: Scene, side: str) -> Scene:
    """One side of a patch picture, with every status where the other side has it.

    Both sides keep every node and edge of the diff scene, so Graphviz lays them out alike;
    what a side does not have is hidden (laid out, not drawn). Before: the added arrows and the
    findings' marks are hidden and removed arrows are plain; after: removed ones are hidden.
    """
    gone = ADDED if side == BEFORE else REMOVED
    nodes = [
        replace(
            node,
            hidden=node.change == gone or (side == BEFORE and node.kind == PHANTOM),
            change=None if side == BEFORE else node.change,
            flagged=node.flagged and side == AFTER,
            notes=list(node.notes) if side == AFTER else [],
        )
        for node in scene.nodes
    ]
    edges = [
        replace(
            edge,
            hidden=edge.change == gone or (side == BEFORE and edge.kind == MISSING),
            change=edge.change if side == AFTER else None,
            flagged=edge.flagged and side == AFTER,
            notes=list(edge.notes) if side == AFTER else [],
        )
        for edge in scene.edges
    ]
    return replace(scene, nodes=nodes, edges=edges)


def build_scene(
    workflow: Workflow,
    buckets: Buckets,
    findings: Sequence[Finding] | None = None,
    before: Workflow | None = None,
) -> Scene:
    """The picture of ``workflow``; ``findings=None`` draws no findings, ``before`` draws a patch."""
    return _Builder(workflow, buckets, before).build(findings)
