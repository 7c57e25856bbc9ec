"""Accepting findings: suppressions in the config (with stale-suppression) and baselines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jwflint.batch import baseline
from jwflint.config.settings import Suppression
from jwflint.core.findings import Finding, Severity
from jwflint.lint.suppressions import matches, subject_matches

from .conftest import FIXTURES
from .test_cli_lint import invoke

WORKFLOWS = FIXTURES / "config" / "workflows"
IT = "IT Support.xml"
HR = "HR Onboarding.xml"
IT_FINDINGS = [  # under select: [structure, config]
    "IT Support.xml:33:13: error [dangling-step-reference] transition Escalate (id 12) leads to step 8, which does "
    "not exist: point it at an existing step id",
    "IT Support.xml:48:13: error [dangling-step-reference] transition Park (id 22) leads to step 9, which does not "
    "exist: point it at an existing step id",
    "IT Support.xml:53:5: error [missing-status-id] step 'Done' has no jira.status.id meta: Jira cannot map it to a "
    "status",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with both fixture workflows and a config that selects the stable structure rules."""
    for name in (IT, HR):
        shutil.copy(WORKFLOWS / name, tmp_path / name)
    (tmp_path / ".jwflint.yaml").write_text("select: [structure, config]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(repo: Path, suppressions: str, extra: str = "select: [structure, config]\n") -> Path:
    path = repo / ".jwflint.yaml"
    path.write_text(extra + "suppressions:\n" + suppressions, encoding="utf-8")
    return path


def finding(**fields: object) -> Finding:
    values: dict[str, object] = {
        "file": "w.xml", "line": 1, "column": 1, "rule": "r", "severity": Severity.ERROR, "message": "m",
        "workflow": "IT Support",
    }
    values.update(fields)
    return Finding(**values)  # type: ignore[arg-type]


def suppression(**fields: object) -> Suppression:
    values: dict[str, object] = {
        "workflow": "IT*", "rule": "r", "status": None, "transition": None, "reason": "ok", "path": "c", "line": 1,
    }
    values.update(fields)
    return Suppression(**values)  # type: ignore[arg-type]


# --- matching ---------------------------------------------------------------------------------------


def test_subjects_compare_like_jira_names() -> None:
    assert subject_matches(None, None) and subject_matches(None, "Close (id 2)")
    assert subject_matches("Close", "Close (id 2)")
    assert subject_matches("close issue", "Close Issue (id 2)")
    assert subject_matches("Close (id 2)", "Close (id 2)")
    assert not subject_matches("Close (id 3)", "Close (id 2)")
    assert not subject_matches("Close", None)
    assert not subject_matches("Clos", "Close (id 2)")
    assert subject_matches("Waiting for Customer", "waiting-for-customer")


def test_a_suppression_matches_workflow_glob_rule_and_subject() -> None:
    target = finding(rule="r", transition="Escalate (id 12)", status=None)
    assert matches(suppression(), target)
    assert matches(suppression(workflow="it support", transition="Escalate"), target)
    assert not matches(suppression(workflow="HR*"), target)
    assert not matches(suppression(rule="other"), target)
    assert not matches(suppression(transition="Park"), target)
    assert not matches(suppression(status="Open"), target)


# --- suppressions through lint ----------------------------------------------------------------------


def test_suppressed_findings_leave_text_and_json(repo: Path) -> None:
    configure(
        repo,
        "  - workflow: IT*\n    rule: dangling-step-reference\n    transition: Escalate\n"
        "    reason: Escalation goes to another project's workflow\n",
    )
    run = invoke(["lint", "--format", "concise", IT])  # one line per finding, hints included
    assert run.stdout.splitlines() == [
        IT_FINDINGS[1],
        IT_FINDINGS[2],
        "1 file(s) linted: 2 error(s), 0 warning(s), 0 info; 1 suppressed",
    ]
    assert run.code == 1
    document = json.loads(invoke(["lint", "--format", "json", IT]).stdout)
    assert [f["transition"] for f in document["findings"]] == ["Park (id 22)", None]
    assert document["summary"] == {"error": 2, "warning": 0, "info": 0}


def test_stale_suppression_is_a_warning_at_the_config_line(repo: Path) -> None:
    config = configure(
        repo,
        "  - workflow: IT*\n    rule: missing-status-id\n    status: Done\n    reason: mapped on import\n"
        "  - workflow: IT Support\n    rule: dangling-step-reference\n    transition: Close\n"
        "    reason: renamed long ago\n",
    )
    run = invoke(["lint", "--format", "concise", IT, HR])
    assert run.stdout.splitlines() == [
        ".jwflint.yaml:7:5: warning [stale-suppression] suppression of dangling-step-reference for workflow "
        "'IT Support' transition 'Close' matched no finding in the 1 linted workflow it names: remove it, or "
        "correct its rule, status or transition",
        IT_FINDINGS[0],
        IT_FINDINGS[1],
        "2 file(s) linted: 2 error(s), 1 warning(s), 0 info; 1 suppressed",
    ]
    document = json.loads(invoke(["lint", "--format", "json", IT]).stdout)
    stale = [f for f in document["findings"] if f["rule"] == "stale-suppression"]
    assert stale == [
        {
            "rule": "stale-suppression",
            "severity": "warning",
            "file": str(config.relative_to(repo)),
            "line": 7,
            "column": 5,
            "message": stale[0]["message"],
            "status": None,
            "transition": "Close",
            "fixable": False,
        }
    ]


def test_a_suppression_is_judged_only_where_it_could_match(repo: Path) -> None:
    configure(
        repo,
        "  - workflow: IT*\n    rule: dangling-step-reference\n    transition: Close\n    reason: x\n",
        extra="select: [missing-status-id, config]\n",
    )
    # the rule it names did not run
    assert "stale-suppression" not in invoke(["lint", IT]).stdout
    configure(repo, "  - workflow: IT*\n    rule: dangling-step-reference\n    transition: Close\n    reason: x\n")
    # no linted workflow has a name the pattern fits
    assert "stale-suppression" not in invoke(["lint", HR]).stdout
    assert "stale-suppression" in invoke(["lint", IT]).stdout
    # a file that could not be linted judges nothing
    (repo / "IT Support.xml").write_text("<workflow>", encoding="utf-8")
    assert "stale-suppression" not in invoke(["lint", IT]).stdout


def test_stale_suppression_obeys_ignore_select_and_severity(repo: Path) -> None:
    stale = "  - workflow: IT*\n    rule: dangling-step-reference\n    transition: Close\n    reason: x\n"
    configure(repo, stale, extra="select: [structure, config]\nignore: [stale-suppression]\n")
    assert "stale-suppression" not in invoke(["lint", IT]).stdout
    configure(repo, stale, extra="select: [structure]\n")
    assert "stale-suppression" not in invoke(["lint", IT]).stdout
    configure(repo, stale, extra="select: [structure, stale-suppression]\nseverity: {stale-suppression: error}\n")
    assert ".jwflint.yaml:4:5: error [stale-suppression]" in invoke(["lint", IT]).stdout
    # --profile does not turn it off: it is about the config, not a workflow pack
    configure(repo, stale, extra="")
    assert "[stale-suppression]" in invoke(["lint", "--profile", "jira", IT]).stdout


def test_stale_suppression_in_pyproject_points_at_its_table(repo: Path) -> None:
    (repo / ".jwflint.yaml").unlink()
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "w"\n\n[tool.jwflint]\nselect = ["structure", "config"]\n\n'
        '[[tool.jwflint.suppressions]]\nworkflow = "IT*"\nrule = "missing-status-id"\nstatus = "Closed"\n'
        'reason = "x"\n',
        encoding="utf-8",
    )
    stale = [line for line in invoke(["lint", IT]).stdout.splitlines() if "[stale-suppression]" in line]
    assert len(stale) == 1
    assert stale[0].startswith("pyproject.toml:7:1: warning [stale-suppression] suppression of missing-status-id")


# --- baselines --------------------------------------------------------------------------------------


def test_write_baseline_records_every_finding_then_accepts_them(repo: Path) -> None:
    run = invoke(["lint", "--write-baseline", "baseline.json", IT, HR])
    assert run.code == 0
    assert run.stderr == "jwflint: wrote 3 finding(s) to baseline baseline.json\n"
    assert run.stdout == "2 file(s) linted: 0 error(s), 0 warning(s), 0 info; 3 accepted by the baseline\n"
    assert (repo / "baseline.json").read_text(encoding="utf-8") == (
        "{\n"
        '  "version": 1,\n'
        '  "tool": "jwflint",\n'
        '  "findings": [\n'
        '    {"workflow": "IT Support", "rule": "dangling-step-reference", "status": null, '
        '"transition": "Escalate (id 12)", "count": 1},\n'
        '    {"workflow": "IT Support", "rule": "dangling-step-reference", "status": null, '
        '"transition": "Park (id 22)", "count": 1},\n'
        '    {"workflow": "IT Support", "rule": "missing-status-id", "status": "Done", "transition": null, '
        '"count": 1}\n'
        "  ]\n"
        "}\n"
    )
    again = invoke(["lint", "--baseline", "baseline.json", IT, HR])
    assert (again.code, again.stdout) == (0, run.stdout)


def test_baseline_ignores_line_numbers(repo: Path) -> None:
    invoke(["lint", "--write-baseline", "baseline.json", IT])
    export = (repo / IT).read_text(encoding="utf-8")
    shifted = export.replace("<workflow>", "<workflow>\n  <meta name=\"jira.update.author\">admin</meta>\n\n", 1)
    (repo / IT).write_text(shifted, encoding="utf-8")
    run = invoke(["lint", "--baseline", "baseline.json", IT])
    assert run.code == 0
    assert run.stdout == "1 file(s) linted: 0 error(s), 0 warning(s), 0 info; 3 accepted by the baseline\n"


def test_new_findings_show_and_counts_are_per_key(repo: Path) -> None:
    invoke(["lint", "--write-baseline", "baseline.json", IT])
    (repo / "copy").mkdir()
    shutil.copy(repo / IT, repo / "copy" / IT)  # the same workflow again: every key now occurs twice
    run = invoke(["lint", "--format", "concise", "--baseline", "baseline.json", IT, "copy"])
    assert run.code == 1
    assert run.stdout.splitlines() == [
        *[f"copy/{line}" for line in IT_FINDINGS],
        "2 file(s) linted: 3 error(s), 0 warning(s), 0 info; 3 accepted by the baseline",
    ]


def test_stale_entries_are_counted_for_linted_workflows_only(repo: Path) -> None:
    entries = [
        {"workflow": "IT Support", "rule": "missing-status-id", "status": "Done", "transition": None, "count": 1},
        {"workflow": "IT Support", "rule": "dangling-step-reference", "status": None, "transition": "Gone (id 9)",
         "count": 2},
        {"workflow": "Elsewhere", "rule": "missing-status-id", "status": "Done", "transition": None, "count": 5},
    ]
    (repo / "baseline.json").write_text(json.dumps({"version": 1, "findings": entries}), encoding="utf-8")
    run = invoke(["lint", "--baseline", "baseline.json", IT])
    assert run.stdout.splitlines()[-1] == (
        "1 file(s) linted: 2 error(s), 0 warning(s), 0 info; 1 accepted by the baseline; "
        "2 baseline entries no longer match (refresh it with --write-baseline)"
    )


def test_files_that_cannot_be_linted_are_never_baselined(repo: Path) -> None:
    (repo / "broken.xml").write_text("<workflow>", encoding="utf-8")
    run = invoke(["lint", "--write-baseline", "baseline.json", "broken.xml"])
    assert run.code == 2
    assert "[xml-syntax]" in run.stdout
    assert json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"] == []


BAD_BASELINES = [
    ("not-json", "{\n  \"version\": 1,\n  \"findings\": [\n", "{p}:4: invalid JSON: Expecting value"),
    ("no-findings", '{"version": 1}', "{p}:1: not a jwflint baseline: expected an object with version and findings "
     "(write one with --write-baseline)"),
    ("version", '{"version": 2, "findings": []}', "{p}:1: not a jwflint baseline: version is 2; this jwflint reads "
     "version 1"),
    ("count", '{"version": 1, "findings": [\n {"workflow": "w", "rule": "r", "count": 0}\n]}',
     "{p}:2: not a jwflint baseline: count must be a positive integer"),
    ("entry-key", '{"version": 1, "findings": [\n {"workflow": "w", "rule": "r", "line": 3}\n]}',
     "{p}:2: not a jwflint baseline: unknown key 'line' (expected workflow, rule, status, transition, "
     "permission, subject, count)"),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD_BASELINES, ids=[c[0] for c in BAD_BASELINES])
def test_bad_baseline_is_one_line_and_exit_2(repo: Path, case: str, text: str, expected: str) -> None:
    (repo / "baseline.json").write_text(text, encoding="utf-8")
    run = invoke(["lint", "--baseline", "baseline.json", IT])
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == f"jwflint: error: {expected.format(p='baseline.json')}\n"


def test_missing_baseline_and_both_options(repo: Path) -> None:
    run = invoke(["lint", "--baseline", "none.json", IT])
    assert (run.code, run.stderr) == (
        2, "jwflint: error: none.json: no such baseline (create it with --write-baseline none.json)\n"
    )
    run = invoke(["lint", "--baseline", "a.json", "--write-baseline", "b.json", IT])
    assert run.code == 2
    assert "use --baseline or --write-baseline, not both" in run.stderr


def test_render_is_sorted_and_round_trips() -> None:
    findings = [
        finding(workflow="b", rule="r2"),
        finding(workflow="a", rule="r1", status="S"),
        finding(workflow="a", rule="r1", status="S", line=9),
    ]
    text = baseline.render(findings)
    assert text == baseline.render(list(reversed(findings)))
    parsed = baseline.parse(json.loads(text), "b.json")
    assert parsed.entries == {("a", "r1", "S", None, None, None): 2, ("b", "r2", None, None, None, None): 1}
    assert baseline.render([]) == '{\n  "version": 1,\n  "tool": "jwflint",\n  "findings": []\n}\n'


# --- findings that gather a workflow's occurrences (issue 15 §4) ------------------------------------

GATHERED = FIXTURES / "rules" / "instance-specific-reference" / "fail_gathered.xml"


def test_a_gathered_finding_is_keyed_on_its_subject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """instance-specific-reference gives one finding per kind: baselines, suppressions and JSON name the
    kind in ``subject``; a suppression naming a transition no longer matches it and goes stale."""
    shutil.copy(GATHERED, tmp_path / "gathered.xml")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".jwflint.yaml").write_text("select: [instance-specific-reference, config]\n", encoding="utf-8")
    document = json.loads(invoke(["lint", "--format", "json", "gathered.xml"]).stdout)
    subjects = [(f["subject"], f["status"], f["transition"]) for f in document["findings"]]
    assert sorted(subjects) == [("custom fields", None, None), ("groups", None, None), ("resolutions", None, None)]
    invoke(["lint", "--write-baseline", "baseline.json", "gathered.xml"])
    entries = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["subject"], e["transition"], e["count"]) for e in entries] == [
        ("custom fields", None, 1),
        ("groups", None, 1),
        ("resolutions", None, 1),
    ]
    assert invoke(["lint", "--baseline", "baseline.json", "gathered.xml"]).stdout.endswith(
        "0 info; 3 accepted by the baseline\n"
    )
    configure(
        tmp_path,
        "  - workflow: gathered\n    rule: instance-specific-reference\n    subject: Groups\n"
        "    reason: the target instance has these groups\n"
        "  - workflow: gathered\n    rule: instance-specific-reference\n    transition: Triage\n"
        "    reason: written before findings were gathered per kind\n",
        extra="select: [instance-specific-reference, config]\n",
    )
    lines = invoke(["lint", "--format", "concise", "gathered.xml"]).stdout.splitlines()
    assert [line.split("] ")[0].split(" [")[-1] for line in lines[:-1]] == [
        "stale-suppression",
        "instance-specific-reference",
        "instance-specific-reference",
    ]
    assert "transition 'Triage' matched no finding" in lines[0]
    assert not any("groups exist" in line for line in lines)
    assert lines[-1].endswith("1 suppressed")


def test_a_suppression_by_subject_matches_like_a_name() -> None:
    target = finding(rule="r", subject="custom fields")
    assert matches(suppression(subject="Custom Fields"), target)
    assert matches(suppression(), target)
    assert not matches(suppression(subject="groups"), target)
    assert not matches(suppression(transition="Triage"), target)
    assert not matches(suppression(subject="groups"), finding(rule="r", transition="Triage (id 11)"))
