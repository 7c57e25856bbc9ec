"""The mock Jira site itself: its request checks catch what the OpenAPI description forbids, and every
answer it serves from fixtures/jira-site/ (real captures and hand-made data) validates against it."""

from __future__ import annotations

import json

import pytest

from tests.mock_jira import CAPTURED, check_request, check_response


def test_request_checks_catch_what_the_description_forbids() -> None:
    bad_body = json.dumps({"payload": {"workflows": [{"id": "x", "transitions": [{"type": "global"}]}]}}).encode()
    assert check_request("POST", "/rest/api/3/workflows/update/validation", {}, bad_body, "Basic x")
    assert check_request("GET", "/rest/api/3/status", {"bogus": ["1"]}, b"", "Basic x") == [
        "GET /rest/api/3/status: undeclared query parameter(s) ['bogus']"
    ]
    assert check_request("GET", "/rest/api/3/status", {}, b"", None) == [
        "GET /rest/api/3/status: no Authorization header"
    ]
    assert check_request("GET", "/rest/api/3/screens/abc/tabs", {}, b"", "x")
    assert check_request("DELETE", "/rest/api/3/status", {}, b"", "x") == [
        "DELETE /rest/api/3/status: no such operation in the OpenAPI description"
    ]
    assert check_request("GET", "/rest/api/3/workflows/search", {"expand": ["values.transitions"]}, b"", "x") == []


def test_response_checks_catch_a_wrong_shape() -> None:
    body = json.dumps({"values": [{"id": "not-a-number", "name": "Screen"}]}).encode()
    assert check_response("GET", "/rest/api/3/screens", {}, 200, body)


PAGED = {"/workflows/search", "/screens", "/resolution/search", "/project/search"}


def test_every_fixture_answer_validates(cloud, data_center) -> None:
    """Ask both sites for every route pull and push use; the fixtures check each answer and fail on any."""
    import httpx

    from tests.jira_site import BASIC
    from tests.mock_jira import PAT

    calls = [
        "/serverInfo", "/status", "/workflows/search?expand=values.transitions",
        "/workflowscheme/project?projectId=10000", "/workflowscheme/project?projectId=10001",
        "/screens?id=3&id=10005", "/screens/3/tabs", "/screens/10005/tabs",
        "/screens/3/tabs/10003/fields", "/screens/10005/tabs/10010/fields", "/screens/10005/tabs/10011/fields",
        "/resolution/search", "/project/search", "/project/ITS/permissionscheme", "/project/OPS/permissionscheme",
        "/permissionscheme/10100?expand=all", "/project/ITS/role", "/project/ITS/role/10002", "/project/ITS/role/10003",
        "/project/OPS/role/10002", "/user?accountId=5b10ac8d82e05b22cc7d4ef5&expand=groups,applicationRoles",
        "/user/search?query=it-bot@example.com",
    ]  # fmt: skip
    dc_calls = ["/serverInfo", "/status", "/resolution", "/project", "/screens", "/screens/1/tabs",
                "/screens/1/tabs/10000/fields", "/screens/2/tabs/10002/fields"]  # fmt: skip
    for site, api, auth, paths in (
        (cloud, "3", f"Basic {BASIC}", calls),
        (data_center, "2", f"Bearer {PAT}", dc_calls),
    ):
        for path in paths:
            paged = path.split("?")[0] in PAGED
            for page in ("?startAt=0", "?startAt=2") if paged else ("",):
                url = f"{site.mock.url}/rest/api/{api}{path}{page.replace('?', '&') if '?' in path else page}"
                answer = httpx.get(url, headers={"Authorization": auth})
                assert answer.status_code == 200, (path, answer.text)
        assert site.mock.violations == []
    update = json.loads((CAPTURED.parent / "update-request.json").read_text())
    for path, body in (
        ("/workflows/update/validation", {"payload": update}),
        ("/workflows/update", update),
    ):
        answer = httpx.post(
            f"{cloud.mock.url}/rest/api/3{path}", json=body, headers={"Authorization": f"Basic {BASIC}"}
        )
        assert answer.status_code == 200, answer.text
    assert cloud.mock.violations == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("airbytehq__airbyte__workflow_statuses.json", "/rest/api/3/status"),
        ("airbytehq__airbyte__screens.json", "/rest/api/3/screens"),
        ("airbytehq__airbyte__screen_tabs.json", "/rest/api/3/screens/1/tabs"),
        ("andygrunwald__go-jira__permissionscheme.json", "/rest/api/3/permissionscheme/10100"),
        ("andygrunwald__go-jira__all_statuses.json", "/rest/api/3/status"),
        ("andygrunwald__go-jira__all_resolutions.json", "/rest/api/3/resolution"),
    ],
)
def test_captures_served_as_they_are_validate(name: str, path: str) -> None:
    assert check_response("GET", path, {}, 200, (CAPTURED / name).read_bytes()) == []


def test_captured_resolutions_disagree_with_the_description_on_one_key() -> None:
    """Real Cloud answers say ``isDefault`` where the description says ``default`` (and forbids other
    keys), so the site serves spec-shaped resolutions and pull reads both spellings."""
    captured = (CAPTURED / "airbytehq__airbyte__issue_resolutions.json").read_bytes()
    problems = check_response("GET", "/rest/api/3/resolution/search", {}, 200, captured)
    assert len(problems) == 1 and "'isDefault' was unexpected" in problems[0]
    renamed = json.loads(captured)
    for item in renamed["values"]:
        item["default"] = item.pop("isDefault")
    assert check_response("GET", "/rest/api/3/resolution/search", {}, 200, json.dumps(renamed).encode()) == []
