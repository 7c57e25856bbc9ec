"""The workflow as a graph of statuses and transitions, with the queries rules need.

Nodes are step ids plus two virtual nodes: START (the create transition leaves from it) and
ANY, the "Any status" node from which global transitions leave. Keeping global transitions
on ANY instead of copying them onto every status keeps the graph linear in the size of the
workflow; the queries below treat an ANY edge as available from every status.

The edges are kept as adjacency lists, which is all the rules' queries read, and
``WorkflowGraph.graph`` turns them into a networkx MultiDiGraph on first use. networkx
costs ~75 ms to import and ~1 us per edge to build, so ``jwflint lint`` (run by pre-commit on
every commit) never pays for it; analyses that want networkx's algorithms get the same graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jwflint.core import jira
from jwflint.model.workflow import GLOBAL, INITIAL, Status, Transition, Workflow

if TYPE_CHECKING:
    import networkx as nx

START = "start"
ANY = "any"


class WorkflowGraph:
    def __init__(self, workflow: Workflow) -> None:
        # The statuses, not the workflow: the workflow caches its graph, and a graph that pointed
        # back would make a reference cycle that only the cyclic GC can free (see jwflint.lint.engine.gc_paused).
        self._statuses = workflow.statuses
        self._steps = workflow.steps_by_id
        self._local_out: dict[int, list[tuple[Transition, int]]] = {}
        self._global: list[Transition] = []
        self._initial: list[int] = []
        # (source node, target node, transition) in document order: the MultiDiGraph's edges.
        self._edges: list[tuple[object, object, Transition]] = []
        self._nx: nx.MultiDiGraph | None = None
        edges = self._edges
        steps = self._steps
        for transition in workflow.transitions:
            kind = transition.kind
            if kind == GLOBAL:
                self._global.append(transition)
            for target in self._targets(transition, steps):
                if kind == INITIAL:
                    # A new issue has no step to stay in (the model reports step -1 here); an
                    # edge would add a phantom node -1 to the graph.
                    if target != jira.STAY:
                        edges.append((START, target, transition))
                        self._initial.append(target)
                elif kind == GLOBAL:
                    edges.append((ANY, ANY if target == jira.STAY else target, transition))
                else:
                    for source in transition.sources:
                        resolved = source if target == jira.STAY else target
                        edges.append((source, resolved, transition))
                        self._local_out.setdefault(source, []).append((transition, resolved))

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx MultiDiGraph: nodes START, ANY and every step id (data ``status``), one edge
        per way a transition can be taken (data ``transition``). Built on first use."""
        if self._nx is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            graph.add_node(START)
            graph.add_node(ANY)
            graph.add_nodes_from(
                (status.step_id, {"status": status})
                for status in self._statuses
                if status.step_id is not None
            )
            # One bulk call: per-edge add_edge costs a dict lookup chain each time.
            graph.add_edges_from((source, target, {"transition": t}) for source, target, t in self._edges)
            self._nx = graph
        return self._nx

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

    def outgoing(self, step_id: int) -> list[tuple[Transition, int]]:
        """Every transition available from a status, with the step it leads to.

        Jira does not offer a global transition from its own target status; a global loop
        (``step="-1"``) is offered everywhere and stays.
        """
        result = list(self._local_out.get(step_id, ()))
        for transition in self._global:
            target = transition.target
            if target == jira.STAY:
                result.append((transition, step_id))
            elif target is not None and target != step_id and target in self._steps:
                result.append((transition, target))
        return result

    def transitions_into(self, step_id: int, targets: set[int]) -> list[Transition]:
        """Transitions that lead from status ``step_id`` into one of ``targets``."""
        return [t for t, to in self.outgoing(step_id) if to in targets and to != step_id]

    def global_into(self, targets: set[int]) -> list[Transition]:
        return [t for t in self._global if t.target in targets]

    def initial_targets(self) -> list[int]:
        return list(self._initial)

    def reachable(self) -> set[int]:
        """Step ids reachable from the create transition."""
        seen: set[int] = set()
        queue = deque(self.initial_targets())
        global_targets = [t.target for t in self._global if t.target is not None and t.target >= 0]
        globals_added = False
        while queue:
            step = queue.popleft()
            if step in seen or step not in self._steps:
                continue
            seen.add(step)
            for _, to in self._local_out.get(step, ()):
                if to not in seen:
                    queue.append(to)
            if not globals_added:
                # A global transition is available from any status, so once one status is
                # reachable, all global targets are (except from itself, handled by the loop).
                globals_added = True
                queue.extend(global_targets)
        return seen

    def dead_ends(self, statuses: Iterable[Status]) -> list[Status]:
        """Statuses with no transition to another status."""
        global_targets = {t.target for t in self._global if t.target in self._steps}
        result = []
        for status in statuses:
            step = status.step_id
            if step is None:
                continue
            if len(global_targets) > 1 or (global_targets and step not in global_targets):
                continue  # some global transition leads elsewhere from here (O(1), not a set copy)
            if not any(to != step for _, to in self._local_out.get(step, ())):
                result.append(status)
        return result


def graph_of(workflow: Workflow) -> WorkflowGraph:
    """The workflow's graph, built once and kept on the workflow."""
    graph = workflow._graph
    if graph is None:
        graph = workflow._graph = WorkflowGraph(workflow)
    return graph  # type: ignore[return-value]
