"""pytest fixtures: a mock Jira Cloud or Data Center site, with the environment pointing at it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.mock_jira import EMAIL, PAT, TOKEN, MockJira, PushSite, serve_push, serve_site


@dataclass
class Site:
    mock: MockJira
    push: PushSite
    data: dict


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    mock = MockJira("3").start()
    data = serve_site(mock)
    push = serve_push(mock, data)
    monkeypatch.setenv("JIRA_URL", mock.url)
    monkeypatch.setenv("JIRA_EMAIL", EMAIL)
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    monkeypatch.delenv("JIRA_PAT", raising=False)
    monkeypatch.setenv("JWFLINT_HTTP_TIMEOUT", "0.5")
    try:
        yield Site(mock, push, data)
    finally:
        mock.stop()
    assert mock.violations == [], "requests or answers that break the OpenAPI description"


@pytest.fixture
def data_center(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    mock = MockJira("2", expected_auth=f"Bearer {PAT}").start()
    data = serve_site(mock)
    data["serverInfo"] = {**data["serverInfo"], "deploymentType": "Server"}
    monkeypatch.setenv("JIRA_URL", mock.url)
    monkeypatch.setenv("JIRA_PAT", PAT)
    monkeypatch.delenv("JIRA_EMAIL", raising=False)
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.setenv("JWFLINT_HTTP_TIMEOUT", "0.5")
    try:
        yield Site(mock, PushSite(data), data)
    finally:
        mock.stop()
    assert mock.violations == [], "requests or answers that break the OpenAPI description"


BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
SECRETS = (TOKEN, PAT, BASIC)
