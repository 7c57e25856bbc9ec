"""The HTTP client's own rules: Retry-After waits (injected, never slept), paging ends, site and credentials."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jwflint.remote.client import MAX_WAIT, JiraClient, _retry_after
from jwflint.remote.site import CLOUD, DATA_CENTER, RemoteError, site_from_environment
from tests.mock_jira import EMAIL, TOKEN, Reply


@pytest.mark.parametrize(
    ("header", "attempt", "wait"),
    [("3", 0, 3.0), ("0.5", 0, 0.5), (None, 0, 1.0), (None, 2, 4.0), ("junk", 1, 2.0), ("9999", 0, MAX_WAIT),
     ("-4", 0, 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0, 0.0)],
)  # fmt: skip
def test_retry_after(header: str | None, attempt: int, wait: float) -> None:
    assert _retry_after(header, attempt) == wait


def test_429_waits_what_the_site_asks(cloud) -> None:
    cloud.mock.fail("GET", "/status", Reply(429, {}, {"Retry-After": "7"}), times=2)
    waits: list[float] = []
    site = site_from_environment({"JIRA_URL": cloud.mock.url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": TOKEN})
    with JiraClient(site, timeout=1.0, sleep=waits.append) as client:
        assert len(client.get_list("/rest/api/3/status")) == 5
    assert waits == [7.0, 7.0]


def test_paging_stops_on_total_when_is_last_is_missing(cloud) -> None:
    cloud.mock.fail(
        "GET", "/resolution/search", Reply(200, {"startAt": 0, "total": 1, "values": [{"id": "1", "name": "Done"}]})
    )
    site = site_from_environment({"JIRA_URL": cloud.mock.url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": TOKEN})
    with JiraClient(site, timeout=1.0) as client:
        assert client.values("/rest/api/3/resolution/search") == [{"id": "1", "name": "Done"}]
    assert len(cloud.mock.requests) == 1


def test_credentials_choose_the_site_kind_and_stay_out_of_repr() -> None:
    cloud = site_from_environment(
        {"JIRA_URL": "https://x.atlassian.net/", "JIRA_EMAIL": "a@b", "JIRA_API_TOKEN": "s3cret"}
    )
    dc = site_from_environment({"JIRA_URL": "https://jira.example.com", "JIRA_PAT": "p4t-value"})
    assert (cloud.kind, cloud.api, cloud.url) == (CLOUD, "/rest/api/3", "https://x.atlassian.net")
    assert (dc.kind, dc.api) == (DATA_CENTER, "/rest/api/2")
    for site, secret in ((cloud, "s3cret"), (dc, "p4t-value")):
        assert secret not in repr(site) and secret not in site.describe() and secret not in repr(site.httpx_auth())
    with pytest.raises(RemoteError, match="JIRA_URL must be the site's base URL"):
        site_from_environment({"JIRA_URL": "https://x.atlassian.net/?a=1", "JIRA_PAT": "p"})


def test_lint_start_up_does_not_import_the_http_client() -> None:
    modules = "('httpx', 'httpcore', 'jwflint.remote.client')"
    code = f"import sys, jwflint.cli; print(sorted(m for m in {modules} if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tty: bool) -> None:
    from jwflint.remote.progress import progress

    stderr = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", stderr)
    with progress(range(8), "screens") as items:
        assert list(items) == list(range(8))
    assert ("screens" in stderr.text) is tty
    if not tty:
        assert stderr.text == ""


def test_workflow_file_names_are_safe_and_distinct() -> None:
    from jwflint.remote.documents import file_names

    names = ["IT Support", "it support", "../etc/passwd", "a/b\\c", "Ärger: Flow?", "", "  .hidden"]
    assert file_names(names) == [
        "IT Support.json",
        "it support (2).json",
        "_etc_passwd.json",
        "a_b_c.json",
        "Ärger_ Flow_.json",
        "workflow.json",
        "hidden.json",
    ]
