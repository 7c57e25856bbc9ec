"""Issue 16, "first hour with jwflint": the bot's scope, init's questions, and output as ruff users expect."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jwflint.cli import init as init_command
from jwflint.config.settings import Config, load_config
from jwflint.core.findings import Finding, Severity, split_help

from .conftest import FIXTURES
from .test_cli_lint import FINDING, SUMMARY, invoke

BOT_RULES = {
    "any-to-resolved", "any-to-in-progress", "any-to-reopened", "resolve-screen-has-assignee",
    "resolve-sets-resolution", "bot-resolve-sets-done", "bot-reopen-unassigns", "bot-transition-restricted",
    "bot-can-execute",
}  # fmt: skip
SCOPE_HINT = "service-bot rules ran on every workflow"


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of mixed exports: one the bot uses, two it never touches, and a pom.xml."""
    workflows = tmp_path / "workflows"
    (workflows / "sd").mkdir(parents=True)
    (workflows / "dev" / "build").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "demo" / "service_desk.xml", workflows / "sd" / "IT Service Desk.xml")
    shutil.copyfile(FIXTURES / "corpus" / "classic_default_workflow.xml", workflows / "dev" / "Epics.xml")
    shutil.copyfile(FIXTURES / "corpus" / "cloud_bugs_workflow.xml", workflows / "dev" / "Bugs.xml")
    (workflows / "dev" / "build" / "pom.xml").write_text("<project/>\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _findings(stdout: str) -> list[re.Match[str]]:
    return [m for m in map(FINDING.match, stdout.splitlines()) if m]


# --- 1. bot_workflows ----------------------------------------------------------------------------


def test_bot_workflows_scopes_the_service_bot_pack(mixed: Path) -> None:
    unscoped = invoke(["lint", "--exclude", "build", "workflows"])
    assert {m["file"] for m in _findings(unscoped.stdout) if m["rule"] in BOT_RULES} == {
        "workflows/dev/Bugs.xml", "workflows/dev/Epics.xml", "workflows/sd/IT Service Desk.xml",
    }  # fmt: skip
    assert unscoped.stdout.count(SCOPE_HINT) == 1  # said once, in the summary line
    assert SUMMARY.match(unscoped.stdout.splitlines()[-1]) and SCOPE_HINT in unscoped.stdout.splitlines()[-1]

    (mixed / ".jwflint.yaml").write_text("bot_workflows: ['IT Service*']\nexclude: [build]\n", encoding="utf-8")
    scoped = invoke(["lint", "workflows"])
    bot_files = {m["file"] for m in _findings(scoped.stdout) if m["rule"] in BOT_RULES}
    assert bot_files == {"workflows/sd/IT Service Desk.xml"}
    assert SCOPE_HINT not in scoped.stdout
    # The other packs still run everywhere: Bugs.xml keeps its structure finding.
    assert "workflows/dev/Bugs.xml" in {m["file"] for m in _findings(scoped.stdout)}


@pytest.mark.parametrize(
    ("glob", "uses"),
    [("IT Service*", True), ("it service desk", True), ("*/sd/*", True), ("IT Service Desk.xml", True),
     ("workflows/sd/*.xml", True), ("Epics", False), ("sd/*", False), ("workflows/dev/*", False)],
)  # fmt: skip
def test_bot_workflows_globs_match_paths_file_names_and_workflow_names(tmp_path: Path, glob: str, uses: bool) -> None:
    config = Config(path=str(tmp_path / ".jwflint.yaml"), bot_workflows=(glob,))
    target = tmp_path / "workflows" / "sd" / "IT Service Desk.xml"
    assert config.bot_uses(str(target)) is uses  # paths are relative to the config's folder


def test_bot_workflows_must_be_a_list_of_strings(tmp_path: Path) -> None:
    config = tmp_path / ".jwflint.yaml"
    config.write_text("bot_workflows: {a: 1}\n", encoding="utf-8")
    run = invoke(["lint", "--config", config, FIXTURES / "demo" / "service_desk.xml"])
    assert run.code == 2 and "bot_workflows must be a list of strings" in run.stderr


# --- 1. init -------------------------------------------------------------------------------------


def test_init_writes_the_bot_scope_given_on_the_command_line(mixed: Path) -> None:
    run = invoke(["init", "workflows/sd", "workflows/dev", "--bot-workflows", "IT Service*,sd/*"])
    assert run.code == 0, run.stderr
    config = load_config(mixed / ".jwflint.yaml")
    assert config.bot_workflows == ("IT Service*", "sd/*")
    assert "pick their bucket" in run.stdout  # statuses no rule could place are called out


def test_init_marks_statuses_no_rule_could_place(mixed: Path) -> None:
    assert invoke(["init", "workflows/sd", "--bot-workflows", "IT Service*"]).code == 0
    text = (mixed / ".jwflint.yaml").read_text(encoding="utf-8")
    statuses = yaml.safe_load(text)["catalogue"]["statuses"]
    unplaced = [line for line in text.splitlines() if "TODO pick a bucket" in line]
    assert unplaced and len(unplaced) == sum(1 for entry in statuses.values() if entry["bucket"] is None)
    assert all("bucket: null" in line for line in unplaced)


def test_init_without_a_scope_leaves_a_commented_key_naming_the_workflows(mixed: Path) -> None:
    assert invoke(["init", "workflows/sd"]).code == 0
    text = (mixed / ".jwflint.yaml").read_text(encoding="utf-8")
    assert "# bot_workflows: []  # the workflows read: IT Service Desk" in text
    assert load_config(mixed / ".jwflint.yaml").bot_workflows == ()


def test_init_asks_for_the_scope_on_a_terminal(mixed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(init_command, "interactive", lambda: True)
    run = invoke(["init", "workflows/sd", "workflows/dev"], stdin=b"IT Service*, Epics\n")
    assert run.code == 0, run.stderr
    assert "Workflows read: Bugs, Epics, IT Service Desk" in run.stdout
    assert "Which workflows does the service bot use?" in run.stdout
    assert load_config(mixed / ".jwflint.yaml").bot_workflows == ("IT Service*", "Epics")


def test_init_warns_about_a_glob_that_matches_nothing(mixed: Path) -> None:
    run = invoke(["init", "workflows/sd", "--bot-workflows", "Helpdesk*"])
    assert run.code == 0
    assert "--bot-workflows 'Helpdesk*' matches none of the workflows read" in run.stderr


def test_newcomer_flow_init_then_lint_reports_only_the_bots_workflows(mixed: Path) -> None:
    """init on a repo of mixed exports, then lint: what decides the exit code is the bot's workflows only."""
    assert invoke(["init", "workflows/sd", "workflows/dev", "--bot-workflows", "IT Service*"]).code == 0
    run = invoke(["lint", "--exclude", "build", "workflows"])
    assert run.code == 1
    failing = {m["file"] for m in _findings(run.stdout) if m["severity"] == "error"}
    assert failing == {"workflows/sd/IT Service Desk.xml"}
    assert {m["file"] for m in _findings(run.stdout) if m["rule"] in BOT_RULES} == failing
    assert SCOPE_HINT not in run.stdout


# --- 4. help:/note: lines, --format concise -----------------------------------------------------


def test_help_and_note_lines_follow_their_finding() -> None:
    corpus = FIXTURES / "rules" / "any-to-resolved" / "fail.xml"
    run = invoke(["lint", "--select", "any-to-resolved", corpus])
    lines = run.stdout.splitlines()
    match = FINDING.match(lines[0])
    assert match and match["message"] == (
        "no transition leads into Resolved ('Done') from 'Open', 'Waiting for customer'"
    )
    assert lines[1] == (
        "  help: add a global transition (from Any status) into 'Done' so the bot can move issues to Resolved "
        "from every status"
    )
    assert lines[2] == "  note: took 'Done' as Resolved from its name"
    concise = invoke(["lint", "--format", "concise", "--select", "any-to-resolved", corpus]).stdout.splitlines()
    assert concise[0] == f"{lines[0]}: {lines[1][8:]} ({lines[2][8:]})"
    assert len(concise) == 2 and SUMMARY.match(concise[1])
    # JSON keeps the whole message, as before.
    document = json.loads(invoke(["lint", "--format", "json", "--select", "any-to-resolved", corpus]).stdout)
    assert document["findings"][0]["message"] == concise[0].split("[any-to-resolved] ", 1)[1]


@pytest.mark.parametrize(
    ("message", "headline", "help_text"),
    [
        ("status 'A: b' is stuck: add a way out", "status 'A: b' is stuck", "add a way out"),
        ("Jira's editor drops it: keep it", "Jira's editor drops it", "keep it"),
        ("transition X (id 5: odd) fails: fix it", "transition X (id 5: odd) fails", "fix it"),
        ('status "Won\'t: do" is stuck: map it', 'status "Won\'t: do" is stuck', "map it"),
        ("no hint here", "no hint here", ""),
        ("a:b:c has no space after colons", "a:b:c has no space after colons", ""),
    ],
)
def test_message_split_ignores_colons_inside_quotes_and_brackets(message: str, headline: str, help_text: str) -> None:
    parts = Finding("f.xml", 1, 1, "r", Severity.ERROR, message).parts()
    assert (parts.headline, parts.help, parts.note) == (headline, help_text, "")


def _split_char_by_char(message: str) -> tuple[str, str]:
    """The specification of split_help, one character at a time (its first implementation)."""
    openers, quotes = {"(": ")", "[": "]", "<": ">", "{": "}"}, "'\""
    closing: list[str] = []
    for index, char in enumerate(message):
        ends_word = index + 1 == len(message) or not message[index + 1].isalnum()
        if closing and char == closing[-1] and (char not in quotes or ends_word):
            closing.pop()
        elif closing and closing[-1] in quotes:
            continue
        elif char in openers:
            closing.append(openers[char])
        elif char in quotes and (index == 0 or message[index - 1] in " ([{,="):
            closing.append(char)
        elif char == ":" and not closing and message[index + 1 : index + 2] == " ":
            return message[:index], message[index + 2 :]
    return message, ""


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet="ab ,=:'\"()[]<>{}x1", max_size=40))
def test_message_split_agrees_with_the_character_by_character_rule(message: str) -> None:
    assert split_help(message) == _split_char_by_char(message)


# --- 5. safe and unsafe fixes counted apart -----------------------------------------------------


def test_summary_counts_safe_and_unsafe_fixes_apart() -> None:
    fixable = FIXTURES / "patch" / "fix_safe" / "input.xml"
    line = invoke(["lint", "--fail-on", "never", fixable]).stdout.splitlines()[-1]
    assert "2 fixable with `jwflint fix` (2 more with --unsafe-fixes)" in line
    demo = invoke(["lint", FIXTURES / "demo" / "service_desk.xml"]).stdout.splitlines()[-1]
    assert "3 fixable with `jwflint fix --unsafe-fixes`" in demo and "fixable with `jwflint fix`;" not in demo


# --- 7. colour -----------------------------------------------------------------------------------

ESC = "\033["


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ([], {}, False),  # not a terminal
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": ""}, False),  # empty means unset
        (["--color", "always"], {"NO_COLOR": "1"}, False),  # NO_COLOR wins
        ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
    ],
)
def test_color_choice_force_color_and_no_color(args: list[str], env: dict[str, str], colored: bool) -> None:
    run = invoke(["lint", *args, FIXTURES / "demo" / "service_desk.xml"], env=env)
    assert (ESC in run.stdout) is colored
    plain = re.sub(r"\033\[[0-9;]*m", "", run.stdout)
    assert all(FINDING.match(line) for line in plain.splitlines()[:-1] if not line.startswith("  "))


# --- 8. --statistics -----------------------------------------------------------------------------


def test_statistics_counts_findings_per_rule() -> None:
    run = invoke(["lint", "--statistics", FIXTURES / "demo" / "service_desk.xml"])
    assert run.code == 1  # the exit code still follows the findings
    lines = run.stdout.splitlines()
    # The demo's ReOpen transitions and its Resolve fire Generic Event (13): issue 15's new rules.
    assert lines[0].startswith("    3\treopen-event\twarning\t[ ] ")
    # One finding per kind of reference: its screens, and the resolution (6) that Close sets.
    assert lines[1] == (
        "    2\tinstance-specific-reference\tinfo\t[ ] The workflow refers to groups, users, roles or ids that "
        "exist only on its own Jira instance."
    )
    assert lines[3].startswith("    2\tresolve-screen-has-assignee\terror\t[ ] ")
    assert "    1\tany-to-resolved\terror\t[-] " in run.stdout
    assert SUMMARY.match(lines[-1]) and len(lines) == 9
    rows = json.loads(invoke(["lint", "--statistics", "--format", "json", FIXTURES / "demo"]).stdout)
    assert rows[1] == {
        "rule": "instance-specific-reference",
        "severity": "info",
        "count": 2,
        "fix": None,
        "summary": "The workflow refers to groups, users, roles or ids that exist only on its own Jira instance.",
    }
    assert invoke(["lint", "--statistics", "--format", "sarif", FIXTURES / "demo"]).code == 2


def test_statistics_is_not_stats() -> None:
    run = invoke(["lint", "--stats", "--fail-on", "never", FIXTURES / "demo" / "service_desk.xml"])
    assert "instance-specific-reference\tinfo" not in run.stdout


# --- 9. exclude ----------------------------------------------------------------------------------


def test_exclude_skips_files_and_folders_when_walking(mixed: Path) -> None:
    assert invoke(["lint", "workflows"]).code == 2  # pom.xml is not a workflow
    for args in (["--exclude", "pom.xml"], ["--exclude", "build"], ["--exclude", "workflows/dev/build/*"]):
        run = invoke(["lint", "--fail-on", "never", *args, "workflows"])
        assert run.code == 0, (args, run.stderr)
        assert run.stdout.splitlines()[-1].startswith("3 file(s) linted")
    (mixed / ".jwflint.yaml").write_text("exclude: ['**/build', workflows/dev/Epics.xml]\n", encoding="utf-8")
    run = invoke(["lint", "--fail-on", "never", "workflows"])
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("2 file(s) linted")
    # A file named outright is linted whatever exclude says (pre-commit passes files by name).
    assert invoke(["lint", "--fail-on", "never", "workflows/dev/Epics.xml"]).stdout.startswith("workflows/dev/Epics")


# --- 2. install: one version everywhere --------------------------------------------------------


def test_readme_install_works_from_a_clone_and_pins_this_version() -> None:
    import sys

    from jwflint import __version__

    from .conftest import REPO
    from .test_precommit import readme_precommit_snippet

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "pip install .  " in install and "YOUR-ORG" not in readme
    assert f"jwflint --version          # jwflint, version {__version__}" in install
    rev = yaml.safe_load(readme_precommit_snippet())["repos"][0]["rev"]
    assert rev == f"v{__version__}"
    assert "`rev` must name a tag or a commit" in install
    version = subprocess.run([sys.executable, "-m", "jwflint", "--version"], capture_output=True, text=True)
    assert version.stdout == f"jwflint, version {__version__}\n"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {__version__} " in changelog and "exits 1 when findings at or above `--fail-on`" in changelog
    # When the tag is here, it carries this version (a tag on another version would install that one).
    tagged = subprocess.run(
        ["git", "show", f"{rev}:jwflint/__init__.py"], cwd=REPO, capture_output=True, text=True
    )
    if tagged.returncode == 0:
        assert f'__version__ = "{__version__}"' in tagged.stdout


def test_readme_is_a_front_page() -> None:
    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    assert readme.index("make demo") < readme.index("## Install") < readme.index("## Tour: Data Center")
    assert "## Jira Cloud" in readme
    for link in re.findall(r"\]\(((?:docs/|CHANGELOG)[^)#]*)\)", readme):
        assert (REPO / link).is_file(), link
    for page in (REPO / "docs").glob("*.md"):
        for link in re.findall(r"\]\((\.\./[^)#]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).resolve().exists(), (page.name, link)


def test_make_demo_ignores_no_errors() -> None:
    """make prints "Error 1 (ignored)" for every failing `-`-prefixed recipe line: the demo has none."""
    from .conftest import REPO

    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    recipe = [line[1:] for line in demo.splitlines() if line.startswith("\t")]
    assert recipe and not [line for line in recipe if line.lstrip("@").startswith("-")]
    # The steps whose exit code 1 is the point say so instead of failing the demo.
    assert sum("|| echo" in line for line in recipe if "jwflint lint" in line) == 2


def _fake_python(folder: Path, probe_exit: int) -> Path:
    """A ``python3.11`` that answers the Makefile's probe (ensurepip, libpython linked in) with ``probe_exit``."""
    folder.mkdir()
    python = folder / "python3.11"
    python.write_text(f"#!/bin/sh\nexit {probe_exit}\n", encoding="utf-8")
    python.chmod(0o755)
    return python


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("make", "which", "echo")), reason="needs make, which and echo"
)
@pytest.mark.parametrize(
    ("probes", "chosen"),
    [((1, 0), 1), ((0, 1), 0), ((1, 1), None)],
    ids=["skips-shared-libpython", "takes-first-good", "falls-back-to-name"],
)
def test_make_picks_a_python_with_libpython_linked_in(
    tmp_path: Path, probes: tuple[int, int], chosen: int | None
) -> None:
    """The venv is made with the first python3.11 on PATH that passes the probe, else plain python3.11."""
    from .conftest import REPO

    fakes = [_fake_python(tmp_path / f"bin{index}", probe) for index, probe in enumerate(probes)]
    # Only the fakes and `which` on PATH: the machine's own python3.11 must not be found.
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("which", "echo"):
        (tools / tool).symlink_to(shutil.which(tool) or tool)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHON", "MAKEFLAGS")}
    env["PATH"] = os.pathsep.join([*(str(fake.parent) for fake in fakes), str(tools)])
    make = shutil.which("make") or "make"
    result = subprocess.run([make, "-s", "python"], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == (str(fakes[chosen]) if chosen is not None else "python3.11")


# --- 11. -o into a folder that does not exist ---------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["patch", "bot", "{demo}", "-o", "{out}/patched/desk.xml"],
        ["patch", "bot", "{demo}", "-o", "{out}/p.xml", "--manual-steps", "{out}/steps/desk.json"],
        ["render", "{demo}", "-o", "{out}/pictures/desk.mmd"],
        ["fix", "{demo}", "-o", "{out}/fixed/desk.xml", "--fail-on", "never"],
        ["init", "{demo}", "-o", "{out}/config/.jwflint.yaml"],
    ],
    ids=["patch", "manual-steps", "render", "fix", "init"],
)
def test_output_into_missing_folders_creates_them(tmp_path: Path, command: list[str]) -> None:
    demo = FIXTURES / "demo" / "service_desk.xml"
    args = [part.format(demo=demo, out=tmp_path / "new") for part in command]
    run = invoke(args)
    assert run.code == 0, run.stderr
    written = [Path(arg) for arg in args if arg.startswith(str(tmp_path))]
    assert written and all(path.is_file() and path.stat().st_size for path in written)
