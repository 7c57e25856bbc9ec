"""The `jwflint lint` contract: formats, --output, --fail-on, --quiet, colour, JSON schema, exit codes."""

from __future__ import annotations

import json
import os
import pty
import re
import stat
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwflint.cli import cli
from jwflint.cli.lint import use_color
from jwflint.core.findings import Finding, Severity
from jwflint.core.resources import schema_path
from jwflint.output import Report
from jwflint.output import text as text_format

from .conftest import CORPUS, FIXTURES, corpus_files
from .test_corpus_core import independent_counts

JWFLINT = str(Path(sys.executable).parent / "jwflint")
FINDING = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info) "
    r"\[(?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*)\] (?P<message>\S.*)$"
)
SUMMARY = re.compile(r"^\d+ file\(s\) linted: \d+ error\(s\), \d+ warning\(s\), \d+ info")
RULES = FIXTURES / "rules"
CLOUD = RULES / "leading-whitespace" / "fail.xml"  # one info finding under --select leading-whitespace
DANGLING = RULES / "dangling-step-reference" / "fail.xml"  # one error under --select dangling-step-reference
GOOD = RULES / "dangling-step-reference" / "pass.xml"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def findings(self) -> list[re.Match[str]]:
        return [m for m in map(FINDING.match, self.stdout.splitlines()) if m]


def invoke(args: Sequence[str], stdin: bytes | None = None, env: dict[str, str] | None = None) -> Run:
    """In process, through the real group's main(), which maps every failure to an exit code."""
    result = CliRunner().invoke(cli, list(map(str, args)), input=stdin, env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def run_jwflint(
    args: Sequence[str], stdin: bytes | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """The installed console script, in a subprocess."""
    process = subprocess.run(
        [JWFLINT, *map(str, args)], input=stdin, capture_output=True, env=env, cwd=cwd, timeout=120
    )
    return Run(process.returncode, process.stdout.decode("utf-8"), process.stderr.decode("utf-8"))


def _schema_validator():  # jsonschema is a dev dependency, imported only where JSON is checked
    import jsonschema

    schema = json.loads(schema_path("lint-output.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# --- text format ------------------------------------------------------------------------------


def test_text_lines_and_summary() -> None:
    run = invoke(["lint", "--select", "dangling-step-reference", DANGLING])
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 3
    match = FINDING.match(lines[0])
    assert match is not None
    assert match["file"] == str(DANGLING)
    where = (match["line"], match["column"], match["severity"], match["rule"])
    assert where == ("35", "13", "error", "dangling-step-reference")
    # The first line says what is wrong; what to do goes on an indented help: line below it.
    assert match["message"] == "transition Start Progress (id 11) leads to step 7, which does not exist"
    assert lines[1] == "  help: point it at an existing step id"
    assert lines[2] == "1 file(s) linted: 1 error(s), 0 warning(s), 0 info"
    assert run.stderr == ""


def test_text_is_sorted_by_file_then_line_whatever_the_argument_order() -> None:
    files = sorted(corpus_files())
    if not files:
        pytest.skip("shared corpus not available")
    run = invoke(["lint", "--fail-on", "never", *reversed(files)])
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert lines[-1].startswith(f"{len(files)} file(s) linted")
    matches = [FINDING.match(line) for line in lines[:-1] if not line.startswith(("  help: ", "  note: "))]
    assert all(matches), [line for line, m in zip(lines, matches, strict=False) if not m][:3]
    keys = [(m["file"], int(m["line"]), int(m["column"])) for m in matches if m]
    assert keys == sorted(keys)
    assert len({key[0] for key in keys}) > 1


def test_summary_counts_files_that_could_not_be_linted(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<workflow>", encoding="utf-8")
    run = invoke(["lint", "--select", "dangling-step-reference", GOOD, broken])
    assert run.code == 2
    assert run.stdout.splitlines()[-1] == (
        "2 file(s) linted: 1 error(s), 0 warning(s), 0 info; 1 file(s) could not be linted"
    )


# --- --fail-on, --quiet, --output ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "error_code", "warning_code", "info_code"),
    [("error", 1, 0, 0), ("warning", 1, 1, 0), ("info", 1, 1, 1), ("never", 0, 0, 0)],
)
def test_fail_on(tmp_path: Path, fail_on: str, error_code: int, warning_code: int, info_code: int) -> None:
    config = tmp_path / "warn.yaml"
    config.write_text("severity:\n  leading-whitespace: warning\n", encoding="utf-8")
    select = ["--select", "leading-whitespace", "--select", "dangling-step-reference"]
    assert invoke(["lint", *select, "--fail-on", fail_on, DANGLING]).code == error_code
    assert invoke(["lint", *select, "--fail-on", fail_on, "--config", config, CLOUD]).code == warning_code
    assert invoke(["lint", *select, "--fail-on", fail_on, CLOUD]).code == info_code
    assert invoke(["lint", *select, "--fail-on", fail_on, GOOD]).code == 0


def test_default_fail_on_is_error() -> None:
    assert invoke(["lint", "--select", "leading-whitespace", CLOUD]).code == 0
    assert invoke(["lint", "--select", "dangling-step-reference", DANGLING]).code == 1


def test_fail_on_never_still_exits_2_on_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert invoke(["lint", "--fail-on", "never", empty]).code == 2


def test_quiet_prints_every_finding_and_no_summary() -> None:
    """-q as ruff's: the findings, nothing else; it never hides a finding whatever its severity."""
    select = ["--select", "leading-whitespace", "--select", "dangling-step-reference"]
    run = invoke(["lint", "-q", *select, CLOUD, DANGLING])
    assert run.code == 1
    assert sorted(m["rule"] for m in run.findings()) == ["dangling-step-reference", "leading-whitespace"]
    assert not SUMMARY.match(run.stdout.splitlines()[-1])
    quiet_clean = invoke(["lint", "--quiet", "--select", "leading-whitespace", GOOD])
    assert (quiet_clean.code, quiet_clean.stdout) == (0, "")


def test_quiet_never_hides_the_finding_that_fails_the_run(tmp_path: Path) -> None:
    config = tmp_path / "warn.yaml"
    config.write_text("severity:\n  leading-whitespace: warning\n", encoding="utf-8")
    args = ["lint", "-q", "--select", "leading-whitespace", "--config", config, "--fail-on", "warning", CLOUD]
    run = invoke(args)
    assert run.code == 1
    assert [(m["severity"], m["rule"]) for m in run.findings()] == [("warning", "leading-whitespace")]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_output_file_holds_exactly_what_stdout_would(tmp_path: Path, output_format: str) -> None:
    args = ["lint", "--format", output_format, "--select", "dangling-step-reference", DANGLING]
    printed = invoke(args)
    target = tmp_path / f"report.{output_format}"
    written = invoke([*args, "--output", target])
    assert written.code == printed.code == 1
    assert written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # atomic write left nothing


def test_output_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "today" / "r.json"
    run = invoke(["lint", "--format", "json", "--output", target, "--fail-on", "never", GOOD])
    assert run.code == 0, run.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["files"][0]["path"] == str(GOOD)


def test_output_to_an_unwritable_place_is_one_line_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    run = invoke(["lint", "--output", blocker / "r.txt", GOOD])  # its "folder" is a file
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and "cannot write" in run.stderr
    assert "Traceback" not in run.output


# --- JSON -------------------------------------------------------------------------------------------


def test_json_for_the_corpus_validates_against_the_schema() -> None:
    files = corpus_files()
    if not files:
        pytest.skip("shared corpus not available")
    run = invoke(["lint", "--format", "json", "--fail-on", "never", CORPUS])
    assert run.code == 0
    document = json.loads(run.stdout)
    errors = sorted(_schema_validator().iter_errors(document), key=str)
    assert errors == []
    assert [entry["path"] for entry in document["files"]] == [str(p) for p in files]
    for entry, path in zip(document["files"], files, strict=True):
        counts = independent_counts(path.read_bytes())
        assert entry["statuses"] == counts["steps"]
        assert entry["transitions"] == {key: counts[key] for key in ("initial", "global", "common", "step")}
    severities = [f["severity"] for f in document["findings"]]
    assert document["summary"] == {label: severities.count(label) for label in ("error", "warning", "info")}
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in document["findings"])


def test_json_for_failed_inputs_validates_too(tmp_path: Path) -> None:
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "other.xml").write_text("<project/>", encoding="utf-8")
    run = invoke(["lint", "--format", "json", tmp_path / "empty.xml", tmp_path / "other.xml", tmp_path / "gone.xml"])
    assert run.code == 2
    document = json.loads(run.stdout)
    assert list(_schema_validator().iter_errors(document)) == []
    assert [f["rule"] for f in document["findings"]] == ["xml-syntax", "input-error", "not-a-workflow"]
    assert [f["workflow"] for f in document["files"]] == [None, None, None]


def test_json_finding_fields() -> None:
    run = invoke(["lint", "--format", "json", "--select", "dangling-step-reference", DANGLING])
    finding = json.loads(run.stdout)["findings"][0]
    assert finding == {
        "rule": "dangling-step-reference",
        "severity": "error",
        "file": str(DANGLING),
        "line": 35,
        "column": 13,
        "message": finding["message"],
        "status": None,
        "transition": "Start Progress (id 11)",
        "fixable": False,
    }


# --- colour ------------------------------------------------------------------------------------------


def _run_on_a_tty(args: Sequence[str], env: dict[str, str]) -> tuple[int, bytes]:
    try:
        master, slave = pty.openpty()
    except OSError as error:  # a container without /dev/ptmx
        pytest.skip(f"no pseudo-terminal available: {error}")
    try:
        process = subprocess.run([JWFLINT, *map(str, args)], stdout=slave, stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the slave side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.returncode, b"".join(chunks)


def _env_without_no_color() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "NO_COLOR"}


def test_colour_on_a_tty_only() -> None:
    args = ["lint", "--select", "dangling-step-reference", DANGLING]
    code, shown = _run_on_a_tty(args, _env_without_no_color())
    assert code == 1
    assert b"\x1b[31m" + b"error" in shown  # red severity
    piped = run_jwflint(args, env=_env_without_no_color())
    assert "\x1b[" not in piped.output


def test_no_color_turns_colour_off_even_on_a_tty() -> None:
    code, shown = _run_on_a_tty(
        ["lint", "--select", "dangling-step-reference", DANGLING], {**_env_without_no_color(), "NO_COLOR": "1"}
    )
    assert code == 1
    assert b"\x1b[" not in shown
    assert b"error [dangling-step-reference]" in shown


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_use_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Stream(True), None) is True
    assert use_color(_Stream(False), None) is False
    assert use_color(_Stream(True), "report.txt") is False  # never colour a file
    assert use_color(object(), None) is False  # a stream without isatty
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Stream(True), None) is False


def test_text_formatter_colours_only_when_asked() -> None:
    finding = Finding("a.xml", 3, 5, "dangling-step-reference", Severity.ERROR, "leads nowhere")
    plain = text_format.render(Report(results=[], findings=[finding]))
    coloured = text_format.render(Report(results=[], findings=[finding], color=True))
    assert plain.splitlines()[0] == "a.xml:3:5: error [dangling-step-reference] leads nowhere"
    assert "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert coloured != plain


def test_text_formatter_keeps_a_multi_line_message_on_one_line() -> None:
    finding = Finding("a.xml", 3, 5, "xml-syntax", Severity.ERROR, "first part\nsecond part\n")
    lines = text_format.render(Report(results=[], findings=[finding], quiet=True)).splitlines()
    assert lines == ["a.xml:3:5: error [xml-syntax] first part second part"]


# --- exit codes on internal errors, python -m -----------------------------------------------------


def test_internal_error_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    import jwflint.sources.osworkflow_xml

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(jwflint.sources.osworkflow_xml, "build", boom)
    run = invoke(["lint", GOOD])
    assert run.code == 3
    assert run.stdout == ""
    assert run.stderr == "jwflint: internal error: RuntimeError: boom (rerun with --debug for a traceback)\n"


_INJECT = """
import sys
import jwflint.sources.osworkflow_xml

def boom(*args, **kwargs):
    raise RuntimeError("boom")

jwflint.sources.osworkflow_xml.build = boom
from jwflint.cli import main
sys.argv = ["jwflint", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_traceback_only_with_debug(debug: bool) -> None:
    args = ["lint", *(["--debug"] if debug else []), str(GOOD)]
    process = subprocess.run([sys.executable, "-c", _INJECT, *args], capture_output=True, text=True, timeout=120)
    if debug:
        assert "Traceback" in process.stderr
        assert "RuntimeError: boom" in process.stderr
        assert process.returncode != 0
    else:
        assert process.returncode == 3
        assert "Traceback" not in process.stderr
        assert process.stderr.count("\n") == 1


def test_python_dash_m_jwflint() -> None:
    args = ["lint", "--select", "dangling-step-reference", str(DANGLING)]
    module = subprocess.run([sys.executable, "-m", "jwflint", *args], capture_output=True, text=True, timeout=120)
    script = run_jwflint(args)
    assert module.returncode == script.code == 1
    assert module.stdout == script.stdout
    version = subprocess.run([sys.executable, "-m", "jwflint", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("jwflint")


def test_usage_errors_exit_2() -> None:
    assert invoke(["lint"]).code == 2  # no path
    run = invoke(["lint", "--format", "yaml", GOOD])
    assert run.code == 2 and "Traceback" not in run.output
    assert invoke(["lint", "--fail-on", "sometimes", GOOD]).code == 2


def test_findings_carry_the_subject() -> None:
    folder = RULES / "duplicate-status-id"
    run = invoke(["lint", "--format", "json", "--select", "duplicate-status-id", folder / "fail.xml"])
    finding = json.loads(run.stdout)["findings"][0]
    assert (finding["status"], finding["transition"]) == ("Reopened", None)


def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    # The atomic writer's temporary file is 0600; the report must not stay private to its writer.
    out = tmp_path / "report.json"
    umask = os.umask(0o022)
    try:
        run = invoke(["lint", "--format", "json", "-o", str(out), str(GOOD)])
    finally:
        os.umask(umask)
    assert run.code in (0, 1) and json.loads(out.read_text())["files"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_findings_hash_and_compare_on_what_they_say_not_on_their_advice() -> None:
    # Finding is not frozen (its __init__ would cost ~4 µs more a finding), so the hash is asked for
    # explicitly: sort_findings and baselines rely on equal findings hashing alike, and on hint,
    # note and suppression (compare=False) changing neither.
    from dataclasses import replace

    from jwflint.core.findings import sort_findings

    first = Finding("a.xml", 3, 5, "any-to-resolved", Severity.ERROR, "no way in", status="Done", workflow="a")
    advised = replace(first, hint="add a global transition", note="took 'Done' as Resolved", suppression="baseline")
    moved = replace(first, line=4)
    assert first == advised and hash(first) == hash(advised)
    assert first != moved
    assert sort_findings([moved, advised, first]) == [advised, moved]
