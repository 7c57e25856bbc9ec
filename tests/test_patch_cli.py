"""`jwflint patch bot` and `jwflint fix` from the command line: outputs, options, errors, atomic writes."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from jwflint.cli import cli
from jwflint.core import jira
from jwflint.patch import apply, fixers, splice

from .conftest import FIXTURES

CLASSIC = FIXTURES / "corpus" / "classic_default_workflow.xml"
CLOUD = FIXTURES / "corpus" / "cloud_bugs_workflow.xml"


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def classic(tmp_path: Path) -> Path:
    target = tmp_path / "classic.xml"
    shutil.copyfile(CLASSIC, target)
    return target


def _args(function: etree._Element) -> dict[str, str]:
    return {arg.get("name"): arg.text or "" for arg in function.iter("arg")}


def _classes(element: etree._Element, tag: str) -> list[str]:
    return [_args(f)["class.name"].strip() for f in element.iter(tag)]


def test_classic_default_gets_three_restricted_global_transitions(classic: Path) -> None:
    patched = classic.with_name("classic.patched.xml")
    args = ("--group", "service-bots", "--role", "10002", "--hide-from-users", "-o", str(patched))
    result = invoke("patch", "bot", str(classic), *args)
    assert result.exit_code == 0, result.output
    root = etree.fromstring(patched.read_bytes())
    section = root.find("global-actions")
    assert [child.tag for child in root if isinstance(child.tag, str)][1:4] == [
        "initial-actions",
        "global-actions",
        "common-actions",
    ]
    actions = {a.get("name"): a for a in section.findall("action")}
    assert sorted(actions) == ["Reopen (bot)", "Resolve (bot)", "Start Progress (bot)"]
    targets = {name: a.find("results/unconditional-result").get("step") for name, a in actions.items()}
    assert targets == {"Resolve (bot)": "4", "Start Progress (bot)": "3", "Reopen (bot)": "5"}
    ids = sorted(int(a.get("id")) for a in actions.values())
    assert ids == [711, 721, 731]  # above the highest id (701), numbered as Jira's editor does
    for action in actions.values():
        top = action.find("restrict-to/conditions")
        assert top.get("type") == "AND"
        assert _classes(top, "condition") == [jira.REMOTE_ONLY, jira.USER_IN_GROUP, jira.IN_PROJECT_ROLE]
        assert top.find("conditions").get("type") == "OR"
        functions = _classes(action, "function")
        assert functions[-5:] == list(jira.BUILTIN_POST_FUNCTIONS)
    resolve = actions["Resolve (bot)"]
    assert resolve.get("view") == "fieldscreen"
    assert resolve.find("meta[@name='jira.fieldscreen.id']").text == "3"
    events = {n: _args(list(a.iter("function"))[-1])["eventTypeId"] for n, a in actions.items()}
    assert events == {"Resolve (bot)": "4", "Start Progress (bot)": "11", "Reopen (bot)": "7"}
    updates = {
        n: [
            (_args(f)["field.name"], _args(f)["field.value"])
            for f in a.iter("function")
            if _args(f)["class.name"].strip() == jira.UPDATE_ISSUE_FIELD
        ]
        for n, a in actions.items()
    }
    # No resolution id is known without a catalogue: the resolve sets none (manual step instead).
    assert updates == {
        "Resolve (bot)": [],
        "Start Progress (bot)": [("resolution", "")],
        "Reopen (bot)": [("resolution", ""), ("assignee", "")],
    }
    assert "Manual steps" in result.stdout and "GET /rest/api/3/resolution" in result.stdout
    assert f"wrote {patched}" in result.stdout


@pytest.mark.parametrize("flags", [("--diff",), ()], ids=["diff", "default"])
def test_diff_shows_only_added_lines(classic: Path, flags: tuple[str, ...]) -> None:
    """Without -o or --write, patch bot prints the diff (as `ruff format --diff`) and writes nothing."""
    result = invoke("patch", "bot", str(classic), "--unrestricted", *flags, "--resolution", "10000")
    assert result.exit_code == 0
    assert sorted(p.name for p in classic.parent.iterdir()) == ["classic.xml"]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("--- a/") and lines[1].startswith("+++ b/")
    body = [line for line in lines[2:] if not line.startswith("@@")]
    assert [line for line in body if line.startswith("-")] == []
    assert sum(1 for line in body if line.startswith("+")) > 100
    assert not classic.with_name("classic.patched.xml").exists()
    assert "added transition 'Resolve (bot)'" in result.stderr


def test_write_replaces_in_place_keeping_the_mode(classic: Path) -> None:
    classic.chmod(0o640)
    original = classic.read_bytes()
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--write")
    assert result.exit_code == 0, result.output
    assert classic.read_bytes() != original and classic.read_bytes().startswith(original[:200])
    assert stat.S_IMODE(classic.stat().st_mode) == 0o640
    assert sorted(p.name for p in classic.parent.iterdir()) == ["classic.xml"]  # no temp files left
    before = classic.stat().st_mtime_ns
    again = invoke("patch", "bot", str(classic), "--unrestricted", "--write")
    assert again.exit_code == 0 and "not rewritten" in again.stdout
    assert classic.stat().st_mtime_ns == before


def test_failed_verification_leaves_the_input_untouched(classic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = classic.read_bytes()
    before = classic.stat().st_mtime_ns

    def refuse(*args: object, **kwargs: object) -> None:
        raise apply.VerificationError(f"{classic}: refused by the test")

    monkeypatch.setattr(apply, "verify", refuse)
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--write")
    assert result.exit_code == 2
    assert "refused by the test" in result.stderr and "Traceback" not in result.output
    assert classic.read_bytes() == original and classic.stat().st_mtime_ns == before
    assert sorted(p.name for p in classic.parent.iterdir()) == ["classic.xml"]


def test_a_failing_rename_leaves_the_input_untouched(classic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = classic.read_bytes()

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--write")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert classic.read_bytes() == original
    assert sorted(p.name for p in classic.parent.iterdir()) == ["classic.xml"]


def test_verification_catches_a_broken_splice(classic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = splice.apply

    def corrupt(data: bytes, edits: object) -> bytes:
        return real(data, edits).replace(b"</global-actions>", b"</global-action>")

    monkeypatch.setattr(splice, "apply", corrupt)
    original = classic.read_bytes()
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--write")
    assert result.exit_code == 2 and "does not parse" in result.stderr
    assert classic.read_bytes() == original


def test_output_file_and_stdin(classic: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub.xml"
    assert invoke("patch", "bot", str(classic), "--unrestricted", "-o", str(out)).exit_code == 0
    piped = invoke("patch", "bot", "-", "--unrestricted", stdin=classic.read_bytes())
    assert piped.exit_code == 0
    assert piped.stdout_bytes == out.read_bytes()
    assert "added transition" in piped.stderr
    dashed = invoke("patch", "bot", str(classic), "--unrestricted", "-o", "-")
    assert dashed.exit_code == 0 and dashed.stdout_bytes == out.read_bytes()
    assert not (Path.cwd() / "-").exists()


def test_a_file_with_old_mac_line_ends_is_patched_and_linted_as_its_lf_twin(tmp_path: Path) -> None:
    # Lone CRs are line ends: findings name the lines an editor shows, and the patch writes CRs.
    lf = tmp_path / "lf.xml"
    lf.write_bytes(CLASSIC.read_bytes().replace(b"\r\n", b"\n"))
    cr = tmp_path / "cr.xml"
    cr.write_bytes(lf.read_bytes().replace(b"\n", b"\r"))
    for source in (lf, cr):
        out = source.with_suffix(".patched.xml")
        assert invoke("patch", "bot", str(source), "--unrestricted", "-o", str(out)).exit_code == 0
    patched = cr.with_suffix(".patched.xml").read_bytes()
    assert b"\n" not in patched
    assert patched.replace(b"\r", b"\n") == lf.with_suffix(".patched.xml").read_bytes()
    reports = []
    for source in (lf, cr):
        result = invoke("lint", "--format", "json", "--fail-on", "never", str(source))
        findings = json.loads(result.stdout)["findings"]
        reports.append([(f["line"], f["column"], f["rule"]) for f in findings])
    assert reports[0] == reports[1]
    assert reports[1] and all(line > 1 for line, _, _ in reports[1])


def test_markup_in_values_is_escaped_as_jira_does(classic: Path, tmp_path: Path) -> None:
    group = 'R&D <ops> "tier 2" \u00e9\u4e2d'
    out = tmp_path / "o.xml"
    assert (
        invoke("patch", "bot", str(classic), "--group", group, "-o", str(out), "--name-suffix", ' "bot"').exit_code == 0
    )
    data = out.read_bytes()
    assert b"R&amp;D &lt;ops&gt; &quot;tier 2&quot;" in data and b"&#34;" not in data
    root = etree.fromstring(data)
    groups = {_args(c)["group"] for c in root.iter("condition") if _args(c)["class.name"].strip() == jira.USER_IN_GROUP}
    assert groups == {group}
    assert {a.get("name") for a in root.find("global-actions")} == {
        'Resolve "bot"',
        'Start Progress "bot"',
        'Reopen "bot"',
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--diff", "--write"], "exclude each other"),
        (["--role", "Service Desk Team"], "project role's id"),
        (["--group", "bad\x01name"], "--group: U+0001"),
        (["--resolution", "Done"], "--resolution 'Done'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(classic: Path, args: list[str], message: str) -> None:
    result = invoke("patch", "bot", str(classic), "--unrestricted", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not classic.with_name("classic.patched.xml").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<workflow><steps>", "not well-formed"),
        (b"<?xml version='1.0'?><project/>", "not <workflow>"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    for command in (["patch", "bot"], ["fix"]):
        result = invoke(*command, str(path))
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert invoke("patch", "bot", str(tmp_path / "missing.xml")).exit_code == 2


def test_manual_steps_file_holds_the_rest_calls(classic: Path, tmp_path: Path) -> None:
    text_file, json_file = tmp_path / "steps.txt", tmp_path / "steps.json"
    assert (
        invoke("patch", "bot", str(classic), "--unrestricted", "--diff", "--manual-steps", str(text_file)).exit_code
        == 0
    )
    assert (
        invoke("patch", "bot", str(classic), "--unrestricted", "--diff", "--manual-steps", str(json_file)).exit_code
        == 0
    )
    text = text_file.read_text()
    assert 'POST /rest/api/3/screens/3/tabs/{tabId}/fields\n{"fieldId": "assignee"}' in text
    assert "GET /rest/api/3/screens/3/tabs\n" in text
    steps = json.loads(json_file.read_text())
    calls = [c for s in steps for c in s["calls"]]
    assert {"method": "POST", "path": "/rest/api/3/screens/3/tabs/{tabId}/fields", "body": {"fieldId": "assignee"}} in [
        {k: c[k] for k in ("method", "path", "body")} for c in calls
    ]
    assert {"method": "GET", "path": "/rest/api/3/resolution", "body": None} in [
        {k: c[k] for k in ("method", "path", "body")} for c in calls
    ]


def test_catalogue_values_fill_in_what_is_not_given(classic: Path, tmp_path: Path) -> None:
    config = tmp_path / "jw.yaml"
    config.write_text(
        "catalogue:\n  resolutions: {Done: '10000', Fixed: '1'}\n  bot: {group: service-bots}\n"
        "  screens:\n    10500: {name: Bot resolve, fields: [resolution, assignee]}\n"
    )
    out = tmp_path / "o.xml"
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--config", str(config), "-o", str(out))
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    resolve = root.find("global-actions/action[@name='Resolve (bot)']")
    assert resolve.find("meta[@name='jira.fieldscreen.id']").text == "10500"
    first = next(resolve.iter("function"))
    assert (_args(first)["field.name"], _args(first)["field.value"]) == ("resolution", "10000")
    assert {_args(c).get("group") for c in root.find("global-actions").iter("condition")} == {"service-bots"}
    assert "Manual steps" not in result.stdout  # the catalogue answered everything
    by_name = tmp_path / "n.xml"
    assert (
        invoke(
            "patch", "bot", str(classic), "--config", str(config), "--resolution", "Fixed", "-o", str(by_name)
        ).exit_code
        == 0
    )
    assert b'<arg name="field.value">1</arg>' in by_name.read_bytes()


def test_target_overrides_and_missing_statuses(classic: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.xml"
    # By status id (6 is Closed, step 6) and by name.
    args = ["--unrestricted", "--resolved", "6", "--in-progress", "in progress", "-o", str(out)]
    result = invoke("patch", "bot", str(classic), *args)
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    steps = {a.get("name"): a.find("results/unconditional-result").get("step") for a in root.find("global-actions")}
    assert steps["Resolve (bot)"] == "6" and steps["Start Progress (bot)"] == "3"
    # A status the workflow does not have is a typo until shown otherwise (issue 17): exit 2, nothing written.
    out.unlink()
    result = invoke("patch", "bot", str(classic), "--unrestricted", "--reopened", "Waiting", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "jwflint: error: --reopened 'Waiting': the workflow has no status of that name, status id or step id (it has: "
    )
    assert not out.exists()


def test_user_only_restriction_is_a_manual_step(classic: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.xml"
    result = invoke(
        "patch", "bot", str(classic), "--user", "5b10ac8d82e05b22cc7d4ef5", "--keep-assignee", "-o", str(out)
    )
    assert result.exit_code == 0
    root = etree.fromstring(out.read_bytes())
    assert root.find("global-actions/action/restrict-to") is None
    reopen = root.find("global-actions/action[@name='Reopen (bot)']")
    assert [_args(f)["field.name"] for f in reopen.iter("function") if "field.name" in _args(f)] == ["resolution"]
    assert '{"accountId": "5b10ac8d82e05b22cc7d4ef5"}' in result.stdout


def test_fix_applies_safe_fixes_only_unless_asked(tmp_path: Path) -> None:
    source = FIXTURES / "patch" / "fix_safe" / "input.xml"
    path = tmp_path / "w.xml"
    shutil.copyfile(source, path)
    safe = invoke("fix", str(path), "--write")
    assert safe.exit_code == 1, safe.output  # errors remain that only unsafe fixes repair
    assert "reordered" in safe.stdout and "added transition" not in safe.stdout
    assert "fixed 2 finding(s); 6 remain (2 fixable with --unsafe-fixes)" in safe.stdout
    unsafe = invoke("fix", str(path), "--unsafe-fixes", "--diff")
    assert unsafe.exit_code == 1 and "+    <action id=" in unsafe.stdout


def test_fix_exits_1_only_when_findings_at_or_above_fail_on_remain(tmp_path: Path) -> None:
    """As `ruff check --fix`: remaining findings at or above --fail-on (default error) fail the run."""
    path = tmp_path / "w.xml"
    shutil.copyfile(FIXTURES / "patch" / "fix_safe" / "input.xml", path)
    assert invoke("fix", str(path), "--diff", "--fail-on", "never").exit_code == 0
    assert invoke("fix", str(path), "--diff").exit_code == 1
    clean = tmp_path / "clean.xml"
    shutil.copyfile(FIXTURES / "demo" / "service_desk.xml", clean)
    config = tmp_path / "c.yaml"
    config.write_text("select: [standard-post-functions]\n", encoding="utf-8")
    done = invoke("fix", str(clean), "--diff", "--config", str(config))
    assert done.exit_code == 0, done.output  # nothing at error level remains
    assert invoke("fix", str(clean), "--diff", "--config", str(config), "--fail-on", "info").exit_code == 0


def test_fix_folders_skip_earlier_outputs_and_non_workflows(tmp_path: Path) -> None:
    shutil.copyfile(CLASSIC, tmp_path / "a.xml")
    shutil.copyfile(CLASSIC, tmp_path / "a.patched.xml")
    (tmp_path / "pom.xml").write_bytes(b"<project/>")
    assert invoke("fix", str(tmp_path)).exit_code == 2  # pom.xml is not a workflow
    result = invoke("fix", str(tmp_path), "--skip-non-workflow", "--unsafe-fixes", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.patched.xml", "a.xml", "pom.xml"]
    assert b"Start Progress (bot)" in (tmp_path / "a.patched.xml").read_bytes()
    assert "a.patched.xml:" not in result.stdout


def test_fix_refuses_output_for_several_files(classic: Path, tmp_path: Path) -> None:
    result = invoke("fix", str(classic), str(CLOUD), "-o", str(tmp_path / "x.xml"))
    assert result.exit_code == 2 and "single input" in result.stderr


def test_fix_gives_up_when_fixes_do_not_settle(classic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def restless(request: fixers.FixRequest) -> fixers.FixOutput:
        out = fixers.FixOutput()
        root = request.source.workflow.root
        out.edits.append(request.source.splicer.insert_after(root[0], "<!-- again -->"))
        return out

    monkeypatch.setitem(fixers.FIXERS, "any_status_to_bucket", restless)
    original = classic.read_bytes()
    result = invoke("fix", str(classic), "--unsafe-fixes", "--write")
    assert result.exit_code == 2 and "did not settle" in result.stderr
    assert classic.read_bytes() == original


def test_fix_leaves_suppressed_findings_alone(classic: Path, tmp_path: Path) -> None:
    config = tmp_path / "jw.yaml"
    config.write_text("suppressions:\n  - {workflow: '*', rule: any-to-reopened, reason: the bot never reopens here}\n")
    result = invoke("fix", str(classic), "--unsafe-fixes", "--config", str(config), "--diff")
    assert result.exit_code == 0, result.output
    assert "Start Progress (bot)" in result.stdout and "Reopen (bot)" not in result.stdout
    assert "remain" not in result.stderr  # the suppressed finding is not counted either


def test_devices_are_written_into_and_symlinks_kept(classic: Path, tmp_path: Path) -> None:
    """-o /dev/null must not replace the device; --write on a link replaces the file it points to."""
    result = invoke("patch", "bot", str(classic), "--unrestricted", "-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    link = tmp_path / "link.xml"
    link.symlink_to(classic)
    assert invoke("patch", "bot", str(link), "--unrestricted", "--write").exit_code == 0
    assert link.is_symlink() and b"Resolve (bot)" in classic.read_bytes()


def test_patch_bot_refuses_an_unrestricted_bot_without_asking(classic: Path) -> None:
    """Every user would see an unrestricted bot transition on every status: a one-line error."""
    result = invoke("patch", "bot", str(classic), "--diff")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "--unrestricted" in result.stderr
    assert invoke("patch", "bot", str(classic), "--diff", "--api-only").exit_code == 0


def test_seed_project_role_is_a_warning(classic: Path) -> None:
    result = invoke("patch", "bot", str(classic), "--diff", "--role", "10001")
    assert result.exit_code == 0
    assert "warning: project role 10001 is Jira's seed role 'Developers'" in result.stderr
    assert "seed role" not in invoke("patch", "bot", str(classic), "--diff", "--role", "10101").stderr


def test_hide_from_users_says_the_class_is_unverified(classic: Path) -> None:
    result = invoke("patch", "bot", str(classic), "--diff", "--hide-from-users")
    assert "class name is unverified" in result.stderr or "XML class name is unverified" in result.stderr
    assert "Data Center core does not ship it" in result.stderr


def test_patch_and_fix_refuse_a_managed_workflow_without_force(tmp_path: Path) -> None:
    managed = tmp_path / "managed.xml"
    managed.write_bytes((FIXTURES / "rules" / "managed-workflow" / "fail.xml").read_bytes())
    for command in (["patch", "bot", "--group", "bots"], ["fix", "--unsafe-fixes"]):
        result = invoke(*command, str(managed), "--diff")
        assert result.exit_code == 2 and "Jira Software manages this workflow" in result.stderr, result.output
        forced = invoke(*command, str(managed), "--diff", "--force")
        assert forced.exit_code in (0, 1) and "manages" not in forced.stderr  # fix exits 1 on what remains
