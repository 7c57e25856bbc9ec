"""`jwflint push` against the mock Jira site: validation mapped to the file, and --apply only when clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.mock_jira import SITE, Reply
from tests.test_cli_lint import invoke

UPDATE = SITE / "update-request.json"
VALIDATE = "POST /rest/api/3/workflows/update/validation"
APPLY = "POST /rest/api/3/workflows/update"


@pytest.fixture
def update(tmp_path: Path) -> Path:
    path = tmp_path / "u.json"
    shutil.copyfile(UPDATE, path)
    return path


def test_clean_validation_changes_nothing(cloud, update: Path) -> None:
    run = invoke(["push", update])
    assert (run.code, run.stdout) == (
        0,
        f"{cloud.mock.url}: validation found 0 error(s), 0 warning(s); the update is valid "
        "(run with --apply to apply it)\n",
    )
    assert cloud.mock.calls() == [VALIDATE]
    sent = cloud.mock.bodies[0]
    assert sent["payload"] == json.loads(UPDATE.read_text())
    assert sent["validationOptions"] == {"levels": ["WARNING", "ERROR"]}


ERRORS = [
    {
        "code": "INVALID_TRANSITION",
        "level": "ERROR",
        "message": "The transition has an invalid rule.",
        "type": "TRANSITION",
        "elementReference": {"transitionId": "51"},
    },
    {
        "code": "STATUS_UNUSED",
        "level": "WARNING",
        "message": "Status is not reachable.",
        "type": "STATUS",
        "elementReference": {"statusReference": "5"},
    },
    {
        "code": "NO_SCREEN",
        "level": "ERROR",
        "message": "Screen 99 does not exist.",
        "type": "RULE",
        "elementReference": {"ruleId": "a1"},
    },
    {"code": "SCOPE", "level": "WARNING", "message": "Something about the whole request.", "type": "WORKFLOW"},
]


@pytest.mark.parametrize("apply", [False, True])
def test_errors_and_warnings_point_at_the_file(cloud, update: Path, apply: bool) -> None:
    cloud.push.errors = ERRORS
    run = invoke(["push", update, *(["--apply"] if apply else [])])
    assert run.code == 1
    assert run.stdout.splitlines() == [
        f"{update}:184: error [INVALID_TRANSITION]: The transition has an invalid rule. "
        "(transition 'Resolve (bot)' (51) in workflow 0b1f6c3e-2a4d-4b8e-9c1a-7d5e3f2a1b00)",
        f"{update}:69: warning [STATUS_UNUSED]: Status is not reachable. "
        "(status 'Resolved' (5) in workflow 0b1f6c3e-2a4d-4b8e-9c1a-7d5e3f2a1b00)",
        f"{update}:152: error [NO_SCREEN]: Screen 99 does not exist. "
        "(rule system:update-field on transition 'Resolve' in workflow 0b1f6c3e-2a4d-4b8e-9c1a-7d5e3f2a1b00)",
        f"{update}:1: warning [SCOPE]: Something about the whole request. (the request)",
    ]
    tail = "nothing applied" if apply else "fix them before --apply"
    assert run.stderr == f"{cloud.mock.url}: validation found 2 error(s), 2 warning(s); {tail}\n"
    assert APPLY not in cloud.mock.calls(), "a request the site rejects is never applied"


def test_apply_after_clean_validation(cloud, update: Path) -> None:
    run = invoke(["push", "--apply", update])
    assert run.code == 0, run.output
    assert cloud.mock.calls() == [VALIDATE, APPLY]
    assert run.stdout.splitlines()[1:] == ["  workflow 'IT Support' is now version 8 (6 transition(s), 4 status(es))"]
    assert cloud.data["workflows"][0]["transitions"][-1]["name"] == "Resolve (bot)"


def test_warnings_alone_do_not_stop_apply(cloud, update: Path) -> None:
    cloud.push.errors = [e for e in ERRORS if e["level"] == "WARNING"]
    run = invoke(["push", "--apply", update])
    assert run.code == 0 and cloud.mock.calls() == [VALIDATE, APPLY]


def test_version_conflict_says_pull_again(cloud, update: Path) -> None:
    cloud.data["workflows"][0]["version"]["versionNumber"] = 9  # someone edited it on the site
    run = invoke(["push", "--apply", update])
    assert (run.code, run.stderr) == (
        2,
        "jwflint: error: POST /rest/api/3/workflows/update: version conflict: the workflow changed on the site "
        "since it was pulled; run `jwflint pull` again and regenerate the update\n",
    )


def test_apply_refused_by_permissions(cloud, update: Path) -> None:
    cloud.mock.fail("POST", "/workflows/update", Reply(403, {"errorMessages": ["Forbidden"]}))
    run = invoke(["push", "--apply", update])
    assert (run.code, run.stderr) == (
        2,
        "jwflint: error: POST /rest/api/3/workflows/update: forbidden (403): the account lacks the Administer Jira "
        "global permission (Administer projects for project-scoped workflows): Forbidden\n",
    )


def test_data_center_says_how_it_applies_workflows(data_center, update: Path) -> None:
    run = invoke(["push", update])
    assert run.code == 2
    assert run.stderr.startswith("jwflint: error: Jira Data Center has no REST API to change a workflow: import")
    assert "Administration > Issues > Workflows > Import from XML" in run.stderr and ".jwb" in run.stderr
    assert data_center.mock.requests == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "invalid JSON"),
        ('{"statuses": []}', 'not a WorkflowUpdateRequest: expected {"statuses": [...], "workflows": [...]}'),
        ('{"workflows": [{"id": "x"}]}', "workflow 1 has no id and version; both come from a fresh `jwflint pull`"),
    ],
)
def test_bad_request_files(cloud, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "u.json"
    path.write_text(text)
    run = invoke(["push", path])
    assert run.code == 2 and message in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert cloud.mock.requests == []


def test_missing_file(cloud, tmp_path: Path) -> None:
    run = invoke(["push", tmp_path / "nope.json"])
    assert run.code == 2 and "nope.json" in run.stderr and cloud.mock.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        {"errors": [{"level": "ERROR", "message": "odd", "elementReference": "transition 11"}]},
        {"errors": [{"level": "WARNING", "message": "odd", "elementReference": {"transitionId": ["11"]}}]},
    ],
    ids=["reference a string", "reference id a list"],
)
def test_validation_errors_of_an_unexpected_shape_are_still_reported(cloud, update: Path, answer) -> None:
    cloud.mock.fail("POST", "/workflows/update/validation", Reply(200, answer))
    run = invoke(["push", update])
    assert run.code in (0, 1), run.output
    assert "odd" in run.output and "internal error" not in run.output


def test_an_apply_answer_of_an_unexpected_shape_is_summed_up_as_far_as_it_goes(cloud, update: Path) -> None:
    odd = {"workflows": [None, {"name": "IT Support", "version": "8", "transitions": True}], "statuses": ["x"]}
    cloud.mock.fail("POST", "/workflows/update", Reply(200, odd))
    run = invoke(["push", "--apply", update])
    assert run.code == 0, run.output
    assert "workflow 'IT Support' is now version ? (0 transition(s), 0 status(es))" in run.stdout


def test_a_request_of_an_unexpected_shape_is_refused_before_anything_is_sent(cloud, update: Path) -> None:
    request = json.loads(update.read_text())
    request["workflows"][0]["transitions"] = 5
    update.write_text(json.dumps(request, indent=2))
    run = invoke(["push", update])
    assert run.code == 2 and run.stdout == "" and run.stderr.count("\n") == 1
    assert f"{update}:" in run.stderr and "'transitions' of workflow 1 is not a list" in run.stderr
    assert cloud.mock.calls() == []
