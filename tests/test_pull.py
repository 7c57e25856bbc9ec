"""`jwflint pull` against the mock Jira site: what it writes, and each failure's one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mock_jira import Reply
from tests.test_cli_lint import invoke


def _pull(tmp_path: Path, *args: str):
    return invoke(["pull", "--out", tmp_path / "jira", *args])


def test_pull_writes_cloud_workflows_and_catalogue(cloud, tmp_path: Path) -> None:
    run = _pull(tmp_path, "--bot", "it-bot@example.com")
    assert run.code == 0, run.output
    out = tmp_path / "jira"
    assert sorted(p.name for p in (out / "workflows").iterdir()) == [
        "IT Support.json",
        "Ops Tasks.json",
        "Unused Draft.json",
    ]
    document = json.loads((out / "workflows" / "IT Support.json").read_text())
    assert [w["name"] for w in document["values"]] == ["IT Support"]
    assert {t["name"] for t in document["values"][0]["transitions"]} >= {"Resolve", "Reopen"}
    assert sorted(s["id"] for s in document["statuses"]) == ["10000", "10002", "3", "5"]
    catalogue = json.loads((out / "catalogue.json").read_text())
    assert catalogue["statuses"]["5"] == {"name": "Resolved", "category": "DONE"}
    assert catalogue["statuses"]["10000"] == {"name": "To Do", "category": "TODO"}
    assert catalogue["screens"]["3"]["name"] == "Resolve Issue Screen"
    tabs = catalogue["screens"]["10005"]["fields"]
    assert [(t["name"], [f["id"] for f in t["fields"]]) for t in tabs] == [
        ("Field Tab", ["resolution"]),
        ("Details", ["comment"]),
    ]
    assert catalogue["resolutions"][0] == {"id": "10000", "name": "Done", "default": True}
    assert [p["key"] for p in catalogue["projects"]] == ["ITS", "OPS"]
    assert {p["permission_scheme"] for p in catalogue["projects"]} == {10100}
    assert len(catalogue["permission_schemes"]) == 1 and len(catalogue["permission_schemes"][0]["permissions"]) == 66
    assert [(r["project"], r["id"]) for r in catalogue["project_roles"]] == [
        ("ITS", 10002),
        ("ITS", 10003),
        ("OPS", 10002),
    ]
    assert catalogue["bot"] == {
        "account_id": "5b10ac8d82e05b22cc7d4ef5",
        "groups": ["jira-servicedesk-users"],
        "group_ids": ["3bcf8e02-7d5b-4a61-9a2c-1e5f0a6d7c11"],
        "roles": [10002],
        "product_access": True,
    }
    assert "3 workflow(s)" in run.stdout and "next: jwflint lint" in run.stdout
    assert set(cloud.mock.calls()) == set(cloud.mock.calls("GET")), "pull only reads"


def test_pull_pages_through_every_listing(cloud, tmp_path: Path) -> None:
    assert _pull(tmp_path).code == 0
    starts = [q.get("startAt") for m, p, q in cloud.mock.requests if p.endswith("/workflows/search")]
    assert starts == [["0"], ["2"]]  # the site gives 2 per page: 3 workflows take two pages
    resolution_pages = [p for m, p, q in cloud.mock.requests if p.endswith("/resolution/search")]
    assert len(resolution_pages) == 2


def test_project_selects_its_workflows_and_schemes(cloud, tmp_path: Path) -> None:
    run = _pull(tmp_path, "--project", "OPS")
    assert run.code == 0, run.output
    out = tmp_path / "jira"
    assert [p.name for p in (out / "workflows").iterdir()] == ["Ops Tasks.json"]
    catalogue = json.loads((out / "catalogue.json").read_text())
    assert [p["key"] for p in catalogue["projects"]] == ["OPS"]
    assert list(catalogue["screens"]) == ["10005"]
    assert not any("/project/ITS/" in call for call in cloud.mock.calls())


def test_workflow_selects_by_name(cloud, tmp_path: Path) -> None:
    assert _pull(tmp_path, "--workflow", "IT Support").code == 0
    assert [p.name for p in (tmp_path / "jira" / "workflows").iterdir()] == ["IT Support.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workflow", "Nope"], "no workflow named 'Nope' on the site, or the account cannot read it"),
        (["--project", "ZZZ"], "no project ZZZ on the site, or the account cannot browse it"),
    ],
)
def test_unknown_selection_is_a_one_line_error(cloud, tmp_path: Path, args: list[str], message: str) -> None:
    run = _pull(tmp_path, *args)
    assert (run.code, run.stderr.strip()) == (2, f"jwflint: error: {message}")
    assert not (tmp_path / "jira").exists()


WS = "/workflows/search"


@pytest.mark.parametrize(
    ("pattern", "reply", "message"),
    [
        (
            WS,
            Reply(401, {"errorMessages": ["Client must be authenticated"]}),
            "GET /rest/api/3/workflows/search: the site refused the credentials (401 Unauthorized); check JIRA_EMAIL "
            "+ JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center)",
        ),
        (
            "/screens/{id}/tabs",
            Reply(403, {"errorMessages": ["You are not allowed"]}),
            "GET /rest/api/3/screens/3/tabs: forbidden (403): the account lacks the Administer Jira global permission: "
            "You are not allowed",
        ),
        (
            "/project/{key}/role",
            Reply(404, {"errorMessages": ["No project could be found with key 'ITS'."]}),
            "GET /rest/api/3/project/ITS/role: not found (404): No project could be found with key 'ITS'.; check "
            "JIRA_URL and the names given",
        ),
        (
            "/status",
            Reply(500, {"errorMessages": ["Internal server error"]}),
            "GET /rest/api/3/status: the site failed (500 Internal Server Error): Internal server error; "
            "try again later",
        ),
        (
            "/status",
            Reply(503, b"<html>maintenance</html>"),
            "GET /rest/api/3/status: the site failed (503 Service Unavailable); try again later",
        ),
        (
            WS,
            Reply(200, b"<html><body>Log in</body></html>", {"Content-Type": "text/html"}),
            "GET /rest/api/3/workflows/search: malformed answer from the site: the answer is not JSON "
            "(text/html: Expecting value: line 1 column 1 (char 0))",
        ),
        (
            "/resolution/search",
            Reply(200, {"startAt": 0, "total": 3}),
            "GET /rest/api/3/resolution/search: malformed answer from the site: expected a page with a 'values' list",
        ),
        (
            "/serverInfo",
            Reply(302, b"", {"Location": "https://id.atlassian.com/login"}),
            "GET /rest/api/3/serverInfo: the site redirects to https://id.atlassian.com/login; set JIRA_URL to the "
            "site's own base URL",
        ),
    ],
    ids=["401", "403", "404", "500", "503-html", "not-json", "no-values", "redirect"],
)
def test_failures_are_one_line_errors_and_write_nothing(cloud, tmp_path: Path, pattern, reply, message) -> None:
    cloud.mock.fail("GET", pattern, reply)
    run = _pull(tmp_path)
    assert (run.code, run.stdout, run.stderr) == (2, "", f"jwflint: error: {message}\n")
    assert not (tmp_path / "jira").exists()


def test_cut_off_answer(cloud, tmp_path: Path) -> None:
    cloud.mock.fail("GET", WS, Reply(200, {"values": [1, 2, 3]}, cut_off=True))
    run = _pull(tmp_path)
    assert run.code == 2
    assert run.stderr.startswith("jwflint: error: GET /rest/api/3/workflows/search: malformed answer from the site: ")
    assert "the answer was cut off" in run.stderr and run.stderr.count("\n") == 1


def test_truncated_json(cloud, tmp_path: Path) -> None:
    cloud.mock.fail("GET", "/status", Reply(200, b'[{"id": "1", "name": "Op', {"Content-Type": "application/json"}))
    run = _pull(tmp_path)
    assert (run.code, run.stderr) == (
        2,
        "jwflint: error: GET /rest/api/3/status: malformed answer from the site: the answer is not JSON "
        "(application/json: Unterminated string starting at: line 1 column 22 (char 21))\n",
    )


def test_slow_answer_times_out(cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWFLINT_HTTP_TIMEOUT", "0.2")
    cloud.mock.fail("GET", "/status", Reply(200, [], delay=0.6))
    run = _pull(tmp_path)
    assert (run.code, run.stderr) == (
        2,
        f"jwflint: error: GET /rest/api/3/status: no answer from {cloud.mock.url} within 0.2s "
        "(set JWFLINT_HTTP_TIMEOUT to wait longer)\n",
    )


def test_rate_limit_is_retried_then_succeeds(cloud, tmp_path: Path) -> None:
    cloud.mock.fail("GET", WS, Reply(429, {"errorMessages": ["Rate limited"]}, {"Retry-After": "0"}), times=2)
    run = _pull(tmp_path)
    assert run.code == 0, run.output
    assert [c for c in cloud.mock.calls() if c.endswith(WS)] == [f"GET /rest/api/3{WS}"] * 4  # 2 refused, 2 pages


def test_rate_limit_gives_up_after_bounded_retries(cloud, tmp_path: Path) -> None:
    cloud.mock.fail("GET", "/status", Reply(429, {}, {"Retry-After": "0"}), times=50)
    run = _pull(tmp_path)
    assert (run.code, run.stderr) == (
        2,
        "jwflint: error: GET /rest/api/3/status: the site is still rate limiting (429) after 4 retries; "
        "try again later\n",
    )
    assert cloud.mock.calls().count("GET /rest/api/3/status") == 5


def test_failed_pull_keeps_the_previous_one(cloud, tmp_path: Path) -> None:
    assert _pull(tmp_path).code == 0
    out = tmp_path / "jira"
    (out / "notes.md").write_text("mine\n")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    cloud.mock.fail("GET", "/project/{key}/role/{id}", Reply(500, {}))
    assert _pull(tmp_path).code == 2
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".jwflint-pull-")] == []  # no staging left


def test_second_pull_replaces_its_own_files_and_keeps_the_others(cloud, tmp_path: Path) -> None:
    assert _pull(tmp_path).code == 0
    out = tmp_path / "jira"
    (out / ".jwflint.yaml").write_text("catalogue: catalogue.json\n")
    (out / "workflows" / "IT Support.patched.json").write_text("{}\n")  # patch bot's output, not pull's
    run = _pull(tmp_path, "--workflow", "Ops Tasks")
    assert run.code == 0, run.output
    assert sorted(p.name for p in (out / "workflows").iterdir()) == ["IT Support.patched.json", "Ops Tasks.json"]
    assert "removed 2 workflow file(s) no longer pulled: IT Support.json, Unused Draft.json" in run.stdout
    assert (out / ".jwflint.yaml").read_text() == "catalogue: catalogue.json\n"
    assert json.loads((out / ".jwflint-pull.json").read_text())["workflows"] == ["Ops Tasks.json"]


def test_out_must_be_a_folder(cloud, tmp_path: Path) -> None:
    (tmp_path / "jira").write_text("x")
    run = _pull(tmp_path)
    assert run.code == 2 and "is a file" in run.stderr
    assert cloud.mock.requests == []


def test_data_center_pulls_everything_but_workflows(data_center, tmp_path: Path) -> None:
    run = _pull(tmp_path, "--bot", "no-such-key")
    assert (run.code, run.stderr) == (
        2,
        "jwflint: error: GET /rest/api/2/user: not found (404): The user was not found.; check JIRA_URL and the "
        "names given\n",
    )
    run = _pull(tmp_path, "--bot", "it-bot")
    assert run.code == 0, run.output
    out = tmp_path / "jira"
    assert not (out / "workflows").exists()
    assert (
        "Data Center's REST API has no workflow descriptor" in run.stderr
        and "export each workflow as XML" in run.stderr
    )
    catalogue = json.loads((out / "catalogue.json").read_text())
    assert catalogue["statuses"]["10601"] == {"name": "Done", "category": "DONE"}
    assert "10000" in catalogue["statuses"] and "category" not in catalogue["statuses"]["10000"]  # "No Category"
    assert sorted(catalogue["screens"], key=int) == ["1", "2", "3", "10005"]
    assert catalogue["resolutions"][0] == {"id": "1", "name": "Fixed"}
    assert all(call.startswith("GET /rest/api/2/") for call in data_center.mock.calls())
    # on Data Center the bot is its user key; it is in role 10002 of ITS through its group
    assert catalogue["bot"] == {
        "account_id": "it-bot",
        "groups": ["jira-servicedesk-users"],
        "group_ids": ["3bcf8e02-7d5b-4a61-9a2c-1e5f0a6d7c11"],
        "roles": [10002],
        "product_access": True,
    }


def test_bot_by_account_id(cloud, tmp_path: Path) -> None:
    assert _pull(tmp_path, "--bot", "5b10ac8d82e05b22cc7d4ef5").code == 0
    bot = json.loads((tmp_path / "jira" / "catalogue.json").read_text())["bot"]
    assert (bot["account_id"], bot["roles"]) == ("5b10ac8d82e05b22cc7d4ef5", [10002])
    assert not any("/user/search" in call for call in cloud.mock.calls())


def test_bot_not_found_by_email(cloud, tmp_path: Path) -> None:
    run = _pull(tmp_path, "--bot", "ghost@example.com")
    assert run.stderr == (
        "jwflint: error: --bot ghost@example.com: no user found by that e-mail address (it may be hidden by the "
        "user's profile visibility); pass the bot's account id instead\n"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JIRA_URL": ""}, "set JIRA_URL to the Jira site, e.g. https://your-site.atlassian.net"),
        ({"JIRA_URL": "ftp://x"}, "JIRA_URL must be an http(s) URL such as https://your-site.atlassian.net"),
        ({"JIRA_URL": "https://u:p@x.atlassian.net"}, "JIRA_URL must not carry a user name or password"),
        ({"JIRA_API_TOKEN": ""}, "set JIRA_API_TOKEN too: Jira Cloud signs in with JIRA_EMAIL + JIRA_API_TOKEN"),
        ({"JIRA_API_TOKEN": "", "JIRA_EMAIL": ""}, "no Jira credentials: set JIRA_EMAIL + JIRA_API_TOKEN"),
        ({"JWFLINT_HTTP_TIMEOUT": "soon"}, "JWFLINT_HTTP_TIMEOUT must be a number of seconds between 0 and 3600"),
    ],
)
def test_environment_errors(cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env, message) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = _pull(tmp_path)
    assert run.code == 2 and run.stderr.startswith(f"jwflint: error: {message}"), run.stderr
    assert cloud.mock.requests == []


def test_cloud_credentials_on_a_data_center_site(cloud, tmp_path: Path) -> None:
    cloud.data["serverInfo"]["deploymentType"] = "Server"
    run = _pull(tmp_path)
    assert (
        run.stderr
        == "jwflint: error: JIRA_URL is a Jira Server site: sign in with JIRA_PAT instead of JIRA_API_TOKEN\n"
    )


def test_team_managed_project_takes_its_scoped_workflow(cloud, tmp_path: Path) -> None:
    cloud.data["workflow_schemes"] = []  # team-managed projects have no workflow scheme
    cloud.data["workflows"][2]["scope"] = {"type": "PROJECT", "project": {"id": "10001"}}
    assert _pull(tmp_path, "--project", "OPS").code == 0
    assert [p.name for p in (tmp_path / "jira" / "workflows").iterdir()] == ["Unused Draft.json"]


def test_a_deleted_screen_is_left_out(cloud, tmp_path: Path) -> None:
    cloud.data["screens"] = [s for s in cloud.data["screens"] if s["id"] != 10005]
    assert _pull(tmp_path).code == 0
    assert list(json.loads((tmp_path / "jira" / "catalogue.json").read_text())["screens"]) == ["3"]
    assert not any("/screens/10005/" in call for call in cloud.mock.calls())


def test_data_center_without_a_screen_listing(data_center, tmp_path: Path) -> None:
    data_center.mock.fail("GET", "/screens", Reply(404, {"errorMessages": ["null for uri"]}))
    run = _pull(tmp_path)
    assert run.code == 0, run.output
    assert "note: this Jira version has no screen listing (GET /rest/api/2/screens)" in run.stderr
    assert json.loads((tmp_path / "jira" / "catalogue.json").read_text())["screens"] == {}


@pytest.mark.parametrize(
    ("args", "path", "body"),
    [
        ([], "/project/{key}/role/{id}", {"name": "Odd", "actors": 5}),
        ([], "/screens/{id}/tabs", [{"name": "no id"}, "x", {"id": {"nested": 1}}]),
        ([], "/status", [{"id": "1", "name": "Open", "statusCategory": "done"}, "x"]),
        (["--bot", "5b10ac8d82e05b22cc7d4ef5"], "/user", {"accountId": "5b1", "groups": "x", "applicationRoles": 5}),
        (["--bot", "5b10ac8d82e05b22cc7d4ef5"], "/user", ["not", "a", "user"]),
        (["--project", "ITS"], "/workflowscheme/project", {"values": [{"workflowScheme": {"issueTypeMappings": 5}}]}),
        (["--project", "ITS"], "/workflowscheme/project", ["x"]),
    ],
    ids=["role actors", "tabs", "statuses", "user groups", "user a list", "scheme mappings", "schemes a list"],
)
def test_answers_of_an_unexpected_shape_are_read_as_empty(cloud, tmp_path: Path, args, path, body) -> None:
    # A proxy, an app or another Jira version may answer with anything where Jira's description
    # says an object or an array: what is not one reads as empty, never a traceback.
    cloud.mock.fail("GET", path, Reply(200, body), times=100)
    run = _pull(tmp_path, *args)
    assert run.code == 0, run.output
    assert (tmp_path / "jira" / "catalogue.json").is_file()


def test_an_unexpected_user_search_answer_finds_no_bot(cloud, tmp_path: Path) -> None:
    cloud.mock.fail("GET", "/user/search", Reply(200, ["x", 5, None]))
    run = _pull(tmp_path, "--bot", "it-bot@example.com")
    assert run.code == 2 and run.stderr.count("\n") == 1
    assert "--bot it-bot@example.com: no user found by that e-mail address" in run.stderr
