"""The workflow graph (jwflint/model/graph.py): edges by transition kind, outgoing, reachability, dead ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwflint.core import jira
from jwflint.model.graph import ANY, START, WorkflowGraph, graph_of
from jwflint.model.workflow import GLOBAL, INITIAL, Workflow
from jwflint.sources.osworkflow_xml import build as build_model
from jwflint.sources.xml_document import parse

from .conftest import FIXTURES, corpus_files
from .test_model import WORKFLOW, model


def edges(graph: WorkflowGraph) -> list[tuple[object, object, str]]:
    return sorted(
        ((str(a), str(b), data["transition"].label) for a, b, data in graph.graph.edges(data=True)),
    )


def _step(step_id: int, name: str, status: str, actions: str = "") -> str:
    return (
        f'<step id="{step_id}" name="{name}"><meta name="jira.status.id">{status}</meta>'
        f"<actions>{actions}</actions></step>"
    )


def _action(action_id: int, name: str, target: int) -> str:
    return (
        f'<action id="{action_id}" name="{name}"><results>'
        f'<unconditional-result old-status="null" status="null" step="{target}"/></results></action>'
    )


def _workflow(steps: str, globals_: str = "", initial_target: int = 1) -> Workflow:
    text = (
        f"<workflow><initial-actions>{_action(1, 'Create', initial_target)}</initial-actions>"
        f"<global-actions>{globals_}</global-actions><steps>{steps}</steps></workflow>"
    )
    return model(text)


def test_edges_by_transition_kind() -> None:
    graph = graph_of(model(WORKFLOW))
    assert isinstance(graph, WorkflowGraph)
    assert graph_of(model(WORKFLOW)) is not graph  # one per model
    assert set(graph.graph.nodes) == {START, ANY, 1, 2, 3}
    assert edges(graph) == sorted(
        [
            ("start", "1", "Create (id 1)"),
            ("any", "any", "Comment (id 51)"),  # the global loop stays: drawn on ANY
            ("1", "2", "Resolve (id 005)"),  # one common action, one edge per source step
            ("3", "2", "Resolve (id 005)"),
            ("1", "3", "Start (id 11)"),
            ("1", "2", "Start (id 11)"),  # its conditional result
        ]
    )
    assert [t.label for t in graph.global_transitions] == ["Comment (id 51)"]
    assert graph.initial_targets() == [1]


def test_outgoing_includes_global_transitions() -> None:
    graph = graph_of(model(WORKFLOW))
    assert sorted((t.label, to) for t, to in graph.outgoing(1)) == [
        ("Comment (id 51)", 1),
        ("Resolve (id 005)", 2),
        ("Start (id 11)", 2),
        ("Start (id 11)", 3),
    ]
    # step 2 has no local transitions: only the global loop, which stays
    assert [(t.label, to) for t, to in graph.outgoing(2)] == [("Comment (id 51)", 2)]


def test_global_transition_is_not_offered_from_its_own_target() -> None:
    workflow = _workflow(
        _step(1, "To Do", "1") + _step(2, "Done", "6"),
        globals_=_action(11, "To Do", 1) + _action(21, "Done", 2),
    )
    graph = graph_of(workflow)
    assert [(t.name, to) for t, to in graph.outgoing(1)] == [("Done", 2)]
    assert [(t.name, to) for t, to in graph.outgoing(2)] == [("To Do", 1)]
    assert [t.name for t in graph.transitions_into(1, {2})] == ["Done"]
    assert [t.name for t in graph.global_into({2})] == ["Done"]
    assert graph.reachable() == {1, 2}
    assert graph.dead_ends(workflow.statuses) == []


def test_transitions_into_ignores_loops() -> None:
    graph = graph_of(model(WORKFLOW))
    assert sorted(t.label for t in graph.transitions_into(1, {1, 2})) == ["Resolve (id 005)", "Start (id 11)"]
    assert graph.transitions_into(2, {2}) == []


def test_reachable_and_dead_ends() -> None:
    workflow = _workflow(
        _step(1, "Open", "1", _action(11, "Go", 2))
        + _step(2, "Done", "6", _action(21, "Again", 2))  # a self loop is still a dead end
        + _step(3, "Orphan", "10000", _action(31, "Back", 1))
    )
    graph = graph_of(workflow)
    assert graph.reachable() == {1, 2}
    assert [s.name for s in graph.dead_ends(workflow.statuses)] == ["Done"]


def test_globals_make_every_reached_status_a_way_out() -> None:
    workflow = _workflow(
        _step(1, "Open", "1") + _step(2, "Done", "6") + _step(3, "Later", "3"),
        globals_=_action(41, "Finish", 2),
    )
    graph = graph_of(workflow)
    assert graph.reachable() == {1, 2}
    # from Done the only global leads to Done itself: a dead end; the others can leave
    assert [s.name for s in graph.dead_ends(workflow.statuses)] == ["Done"]


def test_global_loop_does_not_rescue_a_dead_end() -> None:
    workflow = _workflow(_step(1, "Open", "1"), globals_=_action(41, "Comment", jira.STAY))
    assert [s.name for s in graph_of(workflow).dead_ends(workflow.statuses)] == ["Open"]


def test_dangling_targets_make_no_edges_or_nodes() -> None:
    workflow = _workflow(_step(1, "Open", "1", _action(11, "Lost", 99)), globals_=_action(41, "Gone", 98))
    graph = graph_of(workflow)
    assert set(graph.graph.nodes) == {START, ANY, 1}
    assert edges(graph) == [("start", "1", "Create (id 1)")]
    assert graph.outgoing(1) == []


def test_initial_action_that_stays_adds_no_phantom_step() -> None:
    workflow = _workflow(_step(1, "Open", "1"), initial_target=jira.STAY)
    graph = graph_of(workflow)
    assert set(graph.graph.nodes) == {START, ANY, 1}
    assert graph.initial_targets() == []
    assert graph.reachable() == set()


def test_globals_are_stored_once_not_per_status() -> None:
    # Linear size: 300 statuses and 10 global transitions make 10 edges, not 3,000.
    steps = "".join(_step(i, f"S{i}", str(10_000 + i)) for i in range(1, 301))
    globals_ = "".join(_action(100 + i, f"G{i}", i) for i in range(1, 11))
    graph = graph_of(_workflow(steps, globals_))
    assert graph.graph.number_of_edges() == 1 + 10
    assert len(graph.outgoing(150)) == 10
    assert len(graph.outgoing(5)) == 9


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[-50:])
def test_corpus_graph_matches_its_model(path: Path) -> None:
    from jwflint.sources.osworkflow_xml import build

    workflow = build(parse(str(path), path.read_bytes()))
    graph = graph_of(workflow)
    expected = 0
    for transition in workflow.transitions:
        targets = [t for t in [transition.target, *transition.conditional_targets] if t is not None]
        targets = [t for t in targets if t == jira.STAY or t in workflow.steps_by_id]
        if transition.kind in (INITIAL, GLOBAL):
            expected += len(targets)
        else:
            expected += len(targets) * len(transition.sources)
    assert graph.graph.number_of_edges() == expected
    reachable = graph.reachable()
    assert reachable <= set(workflow.steps_by_id)
    assert graph.initial_targets()[0] in reachable


def test_outgoing_matches_the_model_on_the_corpus() -> None:
    # What the graph offers from each status, read back from the MultiDiGraph, against the model's
    # own transitions: local ones from their sources, globals from every status but their target.
    for path in corpus_files():
        document = parse(str(path), path.read_bytes())
        if document.root.tag != "workflow":
            continue
        workflow = build_model(document)
        graph = graph_of(workflow)
        steps = workflow.steps_by_id
        for step in steps:
            expected = []
            for transition in workflow.transitions:
                targets = [t for t in [transition.target, *transition.conditional_targets] if t is not None]
                targets = [step if t == jira.STAY else t for t in targets if t == jira.STAY or t in steps]
                stays = transition.target == jira.STAY
                if transition.kind == GLOBAL:
                    expected += [(transition.label, to) for to in targets if to != step or stays]
                elif transition.kind != INITIAL:
                    expected += [(transition.label, to) for to in targets] * transition.sources.count(step)
            assert sorted((t.label, to) for t, to in graph.outgoing(step)) == sorted(expected)


def _names(workflow: Workflow, groups: list[list[int]]) -> list[list[str]]:
    return [[workflow.steps_by_id[step].name for step in group] for group in groups]


def test_trapped_groups_a_loop_with_no_exit_once() -> None:
    workflow = _workflow(
        _step(1, "Open", "1", _action(11, "Ask", 2) + _action(12, "Resolve", 4))
        + _step(2, "Waiting", "10001", _action(21, "Chase", 3))
        + _step(3, "Chasing", "10002", _action(31, "Wait", 2))
        + _step(4, "Resolved", "5", _action(41, "Reopen", 1))
        + _step(5, "Parked", "10003")
    )
    assert _names(workflow, graph_of(workflow).trapped({4})) == [["Waiting", "Chasing"], ["Parked"]]


def test_a_global_into_a_status_that_reaches_the_goal_frees_every_trap() -> None:
    steps = (
        _step(1, "Open", "1", _action(11, "Resolve", 3))
        + _step(2, "Waiting", "10001", _action(21, "Again", 2))
        + _step(3, "Resolved", "5")
    )
    assert graph_of(_workflow(steps, globals_=_action(51, "Back", 1))).trapped({3}) == []
    # a global leading only into the trap itself frees nothing
    workflow = _workflow(steps, globals_=_action(51, "Wait", 2))
    assert _names(workflow, graph_of(workflow).trapped({3})) == [["Waiting"]]




def _trapped_by_search(graph: WorkflowGraph, steps: list[int], goals: set[int]) -> list[list[int]]:
    """trapped() worked out the slow, obvious way: a search from every status along outgoing()."""
    reach: dict[int, set[int]] = {}
    for start in steps:
        seen, todo = {start}, [start]
        while todo:
            for _, to in graph.outgoing(todo.pop()):
                if to not in seen:
                    seen.add(to)
                    todo.append(to)
        reach[start] = seen
    stuck = [step for step in steps if not reach[step] & goals]
    groups: list[list[int]] = []
    for step in stuck:
        if not any(step in group for group in groups):
            groups.append([other for other in stuck if other in reach[step] and step in reach[other]])
    return groups


@pytest.mark.parametrize("path", [*corpus_files(), *sorted((FIXTURES / "rules" / "no-path-to-resolved").glob("*.xml"))])
def test_trapped_agrees_with_a_search_from_every_status(path: Path) -> None:
    document = parse(str(path), path.read_bytes())
    if document.root.tag != "workflow":
        pytest.skip("not a workflow")
    workflow = build_model(document)
    graph = graph_of(workflow)
    steps = list(workflow.steps_by_id)
    goal_sets = [set(), set(steps), *({step} for step in steps[:6]), set(steps[-3:])]
    for goals in goal_sets:
        assert graph.trapped(goals) == _trapped_by_search(graph, steps, goals), goals
