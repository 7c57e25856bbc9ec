"""The workflow as a networkx graph of statuses and transitions, with the queries rules need.

The graph is a ``networkx.MultiDiGraph``: nodes are step ids (data ``status``) plus two virtual
nodes, START (the create transition leaves from it) and ANY, the "Any status" node from which
global transitions leave; one edge per way a transition can be taken (data ``transition``), so a
common action shared by three steps makes three edges and a conditional result one edge per
target. Keeping global transitions on ANY instead of copying them onto every status keeps the
graph linear in the size of the workflow; the queries below treat an ANY edge as available from
every status (Jira does not offer a global transition from its own target status, and a global
loop, ``step="-1"``, is drawn as ANY → ANY). Rules query ``WorkflowGraph.graph`` directly with
networkx's algorithms or through the methods here.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from jwflint.core import jira
from jwflint.model.workflow import GLOBAL, INITIAL, Status, Transition, Workflow

START = "start"
ANY = "any"


class WorkflowGraph:
    def __init__(self, workflow: Workflow) -> None:
        # The statuses, not the workflow: the workflow caches its graph, and a graph that pointed
        # back would make a reference cycle that only the cyclic GC can free (see jwflint.core.collector.paused).
        self._steps = workflow.steps_by_id
        self._global: list[Transition] = [t for t in workflow.transitions if t.kind == GLOBAL]
        graph = nx.MultiDiGraph()
        graph.add_node(START)
        graph.add_node(ANY)
        graph.add_nodes_from(
            (status.step_id, {"status": status}) for status in workflow.statuses if status.step_id is not None
        )
        # add_edge per edge: add_edges_from calls it too, after copying each edge's data and
        # looking the new edge up again through the graph's views (a third slower in all).
        add_edge = graph.add_edge
        for source, target, transition in self._edges(workflow):
            add_edge(source, target, transition=transition)
        self.graph = graph

    def _edges(self, workflow: Workflow) -> Iterable[tuple[object, object, Transition]]:
        """(source node, target node, transition) for every way a transition can be taken, in document order."""
        steps = self._steps
        for transition in workflow.transitions:
            kind = transition.kind
            for target in self._targets(transition, steps):
                if kind == INITIAL:
                    # A new issue has no step to stay in (the model reports step -1 here); an
                    # edge would add a phantom node -1 to the graph.
                    if target != jira.STAY:
                        yield START, target, transition
                elif kind == GLOBAL:
                    yield ANY, ANY if target == jira.STAY else target, transition
                else:
                    for source in transition.sources:
                        yield source, source if target == jira.STAY else target, transition

    @staticmethod
    def _targets(transition: Transition, steps: dict[int, Status]) -> list[int]:
        target = transition.target
        if not transition.conditional_targets:  # the common case: one result, no list to build
            return [target] if target is not None and (target == jira.STAY or target in steps) else []
        targets = [] if target is None else [target]
        targets.extend(transition.conditional_targets)
        return [t for t in targets if t == jira.STAY or t in steps]

    @property
    def global_transitions(self) -> list[Transition]:
        return self._global

    def global_targets(self) -> set[int]:
        """Step ids some global transition leads to (a global loop leads to none)."""
        return {to for to in self.graph.succ[ANY] if to != ANY}

    def outgoing(self, step_id: int) -> list[tuple[Transition, int]]:
        """Every transition available from a status, with the step it leads to.

        Jira does not offer a global transition from its own target status; a global loop
        (``step="-1"``) is offered everywhere and stays.
        """
        succ = self.graph.succ
        result = [(data["transition"], to) for to, edges in succ[step_id].items() for data in edges.values()]
        for to, edges in succ[ANY].items():
            if to != step_id:
                result.extend((data["transition"], step_id if to == ANY else to) for data in edges.values())
        return result

    def transitions_into(self, step_id: int, targets: set[int]) -> list[Transition]:
        """Transitions that lead from status ``step_id`` into one of ``targets``."""
        return [t for t, to in self.outgoing(step_id) if to in targets and to != step_id]

    def global_into(self, targets: set[int]) -> list[Transition]:
        return [t for t in self._global if t.target in targets]

    def initial_targets(self) -> list[int]:
        # succ, not out_edges: networkx caches an edge view on the graph that points back at it, a
        # reference cycle that would keep the workflow and its lxml tree alive until the cyclic
        # collector runs (see jwflint.core.collector.paused).
        return [to for to, edges in self.graph.succ[START].items() for _ in edges]

    def reachable(self) -> set[int]:
        """Step ids reachable from the create transition."""
        reached = nx.descendants(self.graph, START)
        if reached:
            # A global transition is available from any status, so once one status is reachable
            # so is everything the ANY node leads to (a global's own target is reached already
            # or is reached from another status).
            reached |= nx.descendants(self.graph, ANY)
        reached.discard(ANY)
        return reached

    def dead_ends(self, statuses: Iterable[Status]) -> list[Status]:
        """Statuses with no transition to another status."""
        global_targets = self.global_targets()
        succ = self.graph.succ
        result = []
        for status in statuses:
            step = status.step_id
            if step is None:
                continue
            if len(global_targets) > 1 or (global_targets and step not in global_targets):
                continue  # some global transition leads elsewhere from here (O(1), not a set copy)
            if not any(to != step for to in succ[step]):
                result.append(status)
        return result

    def trapped(self, goals: set[int]) -> list[list[int]]:
        """Groups of step ids from which no sequence of transitions reaches any of ``goals``.

        One group per strongly connected component (statuses that can all reach each other), so a
        loop with no exit is one group and a dead end a group of one; groups in document order of
        their first status, each in document order.
        """
        graph = self.graph
        sources = [goal for goal in goals if goal in graph]
        # Everything that can reach a goal: one breadth-first walk back along the edges.
        escapes = set().union(*nx.bfs_layers(graph.reverse(copy=False), sources)) if sources else set()
        if ANY in escapes:
            # A global leads to a status that reaches a goal, and every status is offered it (bar
            # its own target, which reaches the goal itself).
            return []
        stuck = [step for step in self._steps if step not in escapes]
        if not stuck:
            return []
        # The globals now lead only to stuck statuses, but they still join them: with two or more,
        # each target reaches the others, so components are taken with an edge from every stuck
        # status to ANY (not from the only target, which is not offered its own global).
        # The subgraph of the stuck statuses and ANY, built from their successors: copying networkx's
        # subgraph view into a DiGraph costs ~100 µs even for a handful of statuses.
        nodes = [*stuck, ANY]  # a list, so the order does not depend on the string hash seed
        inside = set(nodes)
        succ = graph.succ
        reach = nx.DiGraph()
        reach.add_nodes_from(nodes)
        reach.add_edges_from((node, to) for node in nodes for to in succ[node] if to in inside)
        targets = self.global_targets()
        if targets:
            (only,) = targets if len(targets) == 1 else (None,)
            reach.add_edges_from((step, ANY) for step in stuck if step != only)
        order = {step: index for index, step in enumerate(stuck)}
        groups = [
            sorted((node for node in component if node in order), key=order.__getitem__)
            for component in nx.strongly_connected_components(reach)
        ]
        return sorted((group for group in groups if group), key=lambda group: order[group[0]])


def graph_of(workflow: Workflow) -> WorkflowGraph:
    """The workflow's graph, built once and kept on the workflow."""
    graph = workflow._graph
    if graph is None:
        graph = workflow._graph = WorkflowGraph(workflow)
    return graph  # type: ignore[return-value]
