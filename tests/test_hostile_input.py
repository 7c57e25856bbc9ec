"""Bad and hostile input through the CLI: one line or one positioned finding, exit 2, never a traceback."""

from __future__ import annotations

import http.server
import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jwflint.sources import xml_document as xmlio

from .conftest import FIXTURES, corpus_files
from .test_cli_lint import FINDING, Run, invoke, run_jwflint

SECRET = "jwflint-canary-0f9e2d71"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "rules" / "dangling-step-reference" / "pass.xml"


def only_finding(run: Run, path: Path | str, rule: str) -> re.Match[str]:
    """The run failed the file with exactly one positioned finding of ``rule``, and no traceback."""
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    lines = [line for line in run.stdout.splitlines() if line.startswith(f"{path}:")]
    assert len(lines) == 1, run.stdout
    match = FINDING.match(lines[0])
    assert match is not None, lines[0]
    assert match["rule"] == rule
    assert match["severity"] == "error"
    return match


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    match = only_finding(invoke(["lint", path]), path, "xml-syntax")
    assert (match["line"], match["column"]) == ("1", "1")


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xml"
    path.write_bytes(random.Random(7).randbytes(4096) + b"\x00\xff\xfe")
    only_finding(invoke(["lint", path]), path, "xml-syntax")


def test_invalid_utf8_inside_a_workflow(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<workflow>\n<meta name="d">caf\xe9</meta>\n</workflow>')
    match = only_finding(invoke(["lint", path]), path, "xml-syntax")
    assert match["line"] == "3"


def test_non_workflow_xml(tmp_path: Path) -> None:
    path = tmp_path / "pom.xml"
    path.write_text('<?xml version="1.0"?>\n<project xmlns="urn:maven"><a/></project>\n', encoding="utf-8")
    match = only_finding(invoke(["lint", path]), path, "not-a-workflow")
    assert (match["line"], match["column"]) == ("2", "1")
    assert "<project>" in match["message"]


def test_skip_non_workflow_skips_instead(tmp_path: Path) -> None:
    path = tmp_path / "pom.xml"
    path.write_text("<project/>", encoding="utf-8")
    run = invoke(["lint", "--skip-non-workflow", path])
    assert run.code == 0
    assert run.findings() == []


def test_truncated_export(tmp_path: Path) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("shared corpus not available")
    data = files[1].read_bytes()
    half = data[: len(data) // 2]
    path = tmp_path / "half.xml"
    path.write_bytes(half)
    match = only_finding(invoke(["lint", path]), path, "xml-syntax")
    assert int(match["line"]) == half.count(b"\n") + 1
    assert int(match["column"]) >= 1


def test_billion_laughs_is_refused_quickly() -> None:
    path = BAD / "billion-laughs.xml"
    started = time.perf_counter()
    run = invoke(["lint", path])
    assert time.perf_counter() - started < 5
    match = only_finding(run, path, "unsafe-xml")
    assert (match["line"], match["column"]) == ("3", "3")


def _xxe(tmp_path: Path, kind: str) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    template = (BAD / f"external-entity-{kind}.xml.in").read_text(encoding="utf-8")
    path = tmp_path / f"xxe-{kind}.xml"
    path.write_text(template.replace("@SECRET_URI@", secret.as_uri()), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["general", "parameter", "hidden"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_external_entity_never_leaks_a_local_file(tmp_path: Path, kind: str, output_format: str) -> None:
    path = _xxe(tmp_path, kind)
    run = invoke(["lint", "--format", output_format, path])
    assert SECRET not in run.output
    assert run.code == 2
    assert "Traceback" not in run.output
    if output_format == "json":
        document = json.loads(run.stdout)
        assert [f["rule"] for f in document["findings"]] == ["unsafe-xml"]
    else:
        only_finding(run, path, "unsafe-xml")
    through_subprocess = run_jwflint(["lint", "--format", output_format, path])
    assert SECRET not in through_subprocess.output
    assert through_subprocess.code == 2


# --- no network, proven two ways -------------------------------------------------------------------


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any Python-level network attempt is recorded and fails."""
    attempts: list[str] = []

    def refuse(name: str):
        def attempt(*args: object, **kwargs: object) -> None:
            attempts.append(name)
            raise OSError(f"network access attempted: {name}")

        return attempt

    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    monkeypatch.setattr(socket, "socket", refuse("socket"))
    yield attempts


def test_dtd_url_makes_no_python_network_attempt(no_sockets: list[str], tmp_path: Path) -> None:
    files = corpus_files()[:3] or [GOOD]
    assert all(b"http://www.opensymphony.com/osworkflow/" in p.read_bytes() for p in files)
    run = invoke(["lint", "--fail-on", "never", *files])
    assert run.code == 0, run.output
    assert no_sockets == []


def test_parser_options_forbid_libxml2_network_and_dtd(monkeypatch: pytest.MonkeyPatch) -> None:
    # lxml fetches at the libxml2 level, below Python's socket module: pin the options too.
    captured: dict[str, object] = {}
    real = xmlio.etree.XMLParser

    def spy(**options: object):
        captured.update(options)
        return real(**options)

    monkeypatch.setattr(xmlio, "_parser", None)
    monkeypatch.setattr(xmlio.etree, "XMLParser", spy)
    assert invoke(["lint", "--fail-on", "never", GOOD]).code == 0
    assert (captured["no_network"], captured["load_dtd"], captured["resolve_entities"]) == (True, False, False)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'<!ATTLIST workflow leaked CDATA "yes">\n'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


def test_libxml2_never_fetches_a_dtd_from_a_live_server(tmp_path: Path) -> None:
    # A real HTTP server on localhost: if libxml2 fetched the DTD, it would see a request.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/workflow_2_8.dtd"
        path = tmp_path / "dtd.xml"
        path.write_text(
            GOOD.read_text(encoding="utf-8").replace("http://www.opensymphony.com/osworkflow/workflow_2_8.dtd", url),
            encoding="utf-8",
        )
        assert url in path.read_text(encoding="utf-8")
        _Recorder.requests = []
        assert run_jwflint(["lint", "--fail-on", "never", path]).code == 0
        assert invoke(["lint", "--fail-on", "never", path]).code == 0
        assert _Recorder.requests == []
    finally:
        server.shutdown()
        server.server_close()


# --- files that cannot be read -----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.xml"
    match = only_finding(invoke(["lint", path]), path, "input-error")
    assert "no such file" in match["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.xml"
    path.write_bytes(GOOD.read_bytes())
    path.chmod(0)
    try:
        match = only_finding(invoke(["lint", path]), path, "input-error")
        assert "permission denied" in match["message"]
    finally:
        path.chmod(0o644)


def test_directory_named_like_a_file_is_expanded_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.xml"
    folder.mkdir()
    (folder / "inner.xml").write_bytes(GOOD.read_bytes())
    run = invoke(["lint", "--fail-on", "never", folder])
    assert run.code == 0
    assert "1 file(s) linted" in run.stdout


def test_directory_with_no_xml_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    run = invoke(["lint", tmp_path])
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("jwflint: error: no workflow files found in")
    assert "Traceback" not in run.output


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(GOOD.read_bytes())
    match = only_finding(invoke(["lint", "--max-size", "1KB", path]), path, "input-error")
    assert "larger than the 1 KB limit" in match["message"]
    bad_size = invoke(["lint", "--max-size", "lots", path])
    assert bad_size.code == 2 and bad_size.stderr.count("\n") == 1


# --- stdin --------------------------------------------------------------------------------------------


def test_stdin_dash_lints_the_piped_workflow() -> None:
    run = invoke(["lint", "--select", "dangling-step-reference", "-"], stdin=GOOD.read_bytes())
    assert run.code == 0
    assert run.stdout.startswith("1 file(s) linted")
    failing = FIXTURES / "rules" / "dangling-step-reference" / "fail.xml"
    run = invoke(["lint", "--select", "dangling-step-reference", "-"], stdin=failing.read_bytes())
    assert run.code == 1
    assert run.findings()[0]["file"] == "-"
    assert (run.findings()[0]["line"], run.findings()[0]["column"]) == ("35", "13")


def test_stdin_dash_with_garbage(tmp_path: Path) -> None:
    run = run_jwflint(["lint", "-"], stdin=b"\x00\x01 not xml at all")
    only_finding(run, "-", "xml-syntax")


# --- one bad file does not stop the others ---------------------------------------------------------------


def test_a_failing_file_does_not_stop_the_next(tmp_path: Path) -> None:
    empty = tmp_path / "a-empty.xml"
    empty.write_bytes(b"")
    hostile = tmp_path / "b-laughs.xml"
    hostile.write_bytes((BAD / "billion-laughs.xml").read_bytes())
    # A copy beside the others: findings sort by path, and the checkout may live anywhere.
    failing = tmp_path / "d-dangling.xml"
    failing.write_bytes((FIXTURES / "rules" / "dangling-step-reference" / "fail.xml").read_bytes())
    run = invoke(
        ["lint", "--format", "json", "--select", "dangling-step-reference", empty, hostile, tmp_path / "c.xml", failing]
    )
    assert run.code == 2
    document = json.loads(run.stdout)
    assert [f["rule"] for f in document["findings"]] == [
        "xml-syntax",
        "unsafe-xml",
        "input-error",
        "dangling-step-reference",
    ]
    assert document["files"][-1]["statuses"] == 3


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.xml")))
def test_every_bad_fixture_fails_cleanly(name: str) -> None:
    path = BAD / name
    run = run_jwflint(["lint", path])
    assert run.code == 2
    assert "Traceback" not in run.output
    lines = [line for line in run.stdout.splitlines() if FINDING.match(line)]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:")


# --- Unicode digits where Jira expects an id ----------------------------------------------------------

_UPDATE_FIELD = (
    '<function type="class"><arg name="field.name">resolution</arg><arg name="field.value">10000</arg>'
    '<arg name="class.name">com.atlassian.jira.workflow.function.issue.UpdateIssueFieldFunction</arg></function>'
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<step id="2" name="In Progress">', '<step id="²" name="In Progress">'),
        ('<action id="21" name="Done"', '<action id="²" name="Done"'),
        ('step="3"/>', 'step="²"/>'),
        ('<meta name="jira.status.id">3</meta>', '<meta name="jira.status.id">²</meta>'),
        ('name="Reopen" view="">', 'name="Reopen" view="fieldscreen"><meta name="jira.fieldscreen.id">²</meta>'),
        ('<arg name="eventTypeId">1</arg>', '<arg name="eventTypeId">²</arg>'),
        ("<post-functions>\n", "<post-functions>\n" + _UPDATE_FIELD.replace(">10000<", ">²<")),
        ("<post-functions>\n", "<post-functions>\n" + _UPDATE_FIELD.replace(">10000<", ">١٢<")),
    ],
    ids=["step-id", "action-id", "target", "status-id", "screen-id", "event-id", "resolution", "arabic-indic"],
)
def test_unicode_digits_in_ids_never_crash_any_rule(tmp_path: Path, old: str, new: str) -> None:
    # str.isdigit() is True for "²" and "١٢", and int("²") raises: found by fuzzing the model.
    text = GOOD.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "digits.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = invoke(["lint", "--fail-on", "never", path])
    assert run.code == 0, run.output
    assert "internal error" not in run.output
