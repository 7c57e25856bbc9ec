"""The Jira token appears in no output, file or log of any command, --debug tracebacks included."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.jira_site import SECRETS
from tests.mock_jira import SITE, Reply
from tests.test_cli_lint import invoke


def _assert_clean(texts: list[str], folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    for secret in SECRETS:
        for text in [*texts, *files, caplog.text]:
            assert secret not in text


def test_no_command_shows_the_token(cloud, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at DEBUG
    update = tmp_path / "u.json"
    shutil.copyfile(SITE / "update-request.json", update)
    out = tmp_path / "jira"
    runs = [
        invoke(["pull", "--out", out, "--bot", "it-bot@example.com"]),
        invoke(["--debug", "pull", "--out", out]),
        invoke(["push", update]),
        invoke(["push", "--apply", update]),
        invoke(["lint", out, "--catalogue", out / "catalogue.json"]),
    ]
    cloud.mock.fail("GET", "/status", Reply(401, {"errorMessages": ["Client must be authenticated"]}))
    runs.append(invoke(["pull", "--out", out]))
    assert runs[-1].code == 2
    _assert_clean([r.output for r in runs], tmp_path, caplog)
    assert len(caplog.text) > 0, "the HTTP client's debug log was captured and checked"


def test_debug_traceback_masks_a_token_in_an_exception(cloud, tmp_path: Path, monkeypatch) -> None:
    """A library that puts the request's headers in its message cannot leak them through --debug."""
    import jwflint.remote.documents
    from tests.jira_site import BASIC

    def leaky(*args: object) -> None:
        raise RuntimeError(f"request failed: headers={{'Authorization': 'Basic {BASIC}'}}")

    monkeypatch.setattr(jwflint.remote.documents, "catalogue", leaky)
    plain = invoke(["pull", "--out", tmp_path / "jira"])
    debug = invoke(["--debug", "pull", "--out", tmp_path / "jira"])
    assert plain.code == debug.code == 3
    assert plain.stderr == (
        "jwflint: internal error: RuntimeError: request failed: headers={'Authorization': 'Basic <redacted>'} "
        "(rerun with --debug for a traceback)\n"
    )
    assert "Traceback (most recent call last)" in debug.stderr and "Basic <redacted>" in debug.stderr
    for secret in SECRETS:
        assert secret not in plain.output + debug.output
    assert not (tmp_path / "jira" / "catalogue.json").exists()
