"""no-path-to-resolved beyond its goldens: what it leaves to other rules, and what counts as an end."""

from __future__ import annotations

from .test_jira_pack import act, lint, wf

RULE = "no-path-to-resolved"


def test_silent_when_no_status_plays_the_resolved_role() -> None:
    steps = [(1, "Open", "10000", act(11, "Park", 2)), (2, "Parked", "10001", "")]
    assert lint(wf(steps), RULE) == []


def test_unreachable_traps_are_left_to_unreachable_status() -> None:
    steps = [
        (1, "Open", "1", act(11, "Resolve", 2)),
        (2, "Resolved", "5", act(21, "Reopen", 1)),
        (3, "Orphan", "10001", act(31, "Again", 3)),
    ]
    assert [f.rule for f in lint(wf(steps), RULE, "unreachable-status")] == ["unreachable-status"]


def test_a_final_status_named_as_an_end_is_no_trap_but_on_hold_is() -> None:
    steps = [
        (1, "Open", "1", act(11, "Resolve", 2) + act(12, "Reject", 3) + act(13, "Hold", 4)),
        (2, "Resolved", "5", act(21, "Reopen", 1)),
        (3, "Won't Do", "10001", ""),
        (4, "On Hold", "10002", ""),
    ]
    assert [f.status for f in lint(wf(steps), RULE)] == ["On Hold"]


def test_a_transition_to_a_missing_step_is_not_called_a_trap() -> None:
    # The transition may have been meant as the way out: dangling-step-reference reports it.
    steps = [
        (1, "Open", "1", act(11, "Wait", 2) + act(12, "Resolve", 3)),
        (2, "Waiting", "10001", act(21, "Lost", 99)),
        (3, "Resolved", "5", act(31, "Reopen", 1)),
    ]
    assert lint(wf(steps), RULE) == []
    steps[1] = (2, "Waiting", "10001", act(21, "Again", 2))
    assert [f.status for f in lint(wf(steps), RULE)] == ["Waiting"]
