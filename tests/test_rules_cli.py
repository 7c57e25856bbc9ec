"""`jwflint rules` and `jwflint explain RULE`: the rule catalogue, as text and JSON, and one rule's docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jwflint.config.settings import Config
from jwflint.lint.engine import load_rules
from jwflint.lint.suppressions import config_rules

from .conftest import REPO
from .test_cli_lint import invoke

ALL_IDS = [r.id for r in load_rules(Config())] + [r.id for r in config_rules()]


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # no .jwflint.yaml here: the bundled rules as shipped


def rows(text: str) -> dict[str, list[str]]:
    table = [re.split(r" {2,}", line, maxsplit=5) for line in text.splitlines()[:-1]]
    return {cells[0]: cells for cells in table}


def test_rules_lists_every_rule_with_its_columns() -> None:
    run = invoke(["rules"])
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert re.match(r"^ID +SEVERITY +PACK +FIXABLE +FORMATS +SUMMARY$", lines[0])
    table = rows(run.stdout)
    assert list(table)[1:] == ALL_IDS
    assert table["missing-status-id"] == ["missing-status-id", "error", "structure", "no", "all",
                                          "A step has no jira.status.id meta."]
    stale = "A suppression in the config hid no finding in the linted workflows it names."
    assert table["stale-suppression"] == ["stale-suppression", "warning", "config", "no", "all", stale]
    fixable = {cells[3] for cells in table.values()}
    assert fixable <= {"FIXABLE", "no", "safe", "unsafe"} and len(fixable) > 2
    assert lines[-1] == f"{len(ALL_IDS)} rules; `jwflint explain RULE` shows one rule's documentation"
    # the summary column starts at the same place on every line
    assert table["standard-post-functions"][4] == "xml,jwb"  # Cloud JSON does not list the built-ins
    starts = {line.index(cells[5]) for line, cells in zip(lines[1:-1], list(table.values())[1:], strict=True)}
    assert len(starts) == 1


def test_rules_json() -> None:
    run = invoke(["rules", "--format", "json"])
    assert run.code == 0
    rules = json.loads(run.stdout)["rules"]
    assert [r["id"] for r in rules] == ALL_IDS
    stale = next(r for r in rules if r["id"] == "stale-suppression")
    assert stale == {
        "id": "stale-suppression",
        "severity": "warning",
        "default_severity": "warning",
        "pack": "config",
        "fixable": False,
        "fix_safe": None,
        "summary": "A suppression in the config hid no finding in the linted workflows it names.",
        "formats": ["xml", "jwb", "cloud"],
        "check": "stale_suppression",
        "docs": stale["docs"],
    }
    post_functions = next(r for r in rules if r["id"] == "standard-post-functions")
    assert post_functions["formats"] == ["xml", "jwb"]
    assert set(stale["docs"]) == {"why", "bad", "good", "how_to_fix"}
    assert all(r["fix_safe"] in (True, False) for r in rules if r["fixable"])


def test_rules_follow_the_config_and_extra_packs(tmp_path: Path) -> None:
    pack = tmp_path / "org.yaml"
    pack.write_text(
        "pack: org\nrules:\n  - id: org-naming\n    summary: Org naming.\n    check: model_problem\n"
        "    args: {kind: missing-steps}\n",
        encoding="utf-8",
    )
    config = tmp_path / ".jwflint.yaml"
    config.write_text("severity: {missing-status-id: info}\npacks: [org.yaml]\n", encoding="utf-8")
    table = rows(invoke(["rules", "--config", config]).stdout)
    assert table["missing-status-id"][1] == "info"
    assert table["org-naming"][:4] == ["org-naming", "warning", "org", "no"]
    assert "org-naming" not in rows(invoke(["rules"]).stdout)
    assert "org-naming" in rows(invoke(["rules", "--pack", pack]).stdout)


def test_explain_prints_the_whole_documentation() -> None:
    run = invoke(["explain", "stale-suppression"])
    assert run.code == 0
    assert run.stdout == (
        "stale-suppression: A suppression in the config hid no finding in the linted workflows it names.\n"
        "\n"
        "  severity  warning\n"
        "  pack      config (rules/config.yaml:6)\n"
        "  check     stale_suppression\n"
        "  fix       No automatic fix.\n"
        "  formats   all\n"
        "\n"
        "Why\n"
        "  A suppression accepts one finding. When the workflow is fixed, or the status or\n"
        "  transition is renamed, the suppression matches nothing, yet it would silently hide the\n"
        "  problem if it came back, perhaps for a different reason. Stale suppressions are\n"
        "  reported so the list of accepted findings stays short and true. A suppression is only\n"
        "  judged in a run that linted a workflow its pattern names and ran its rule there.\n"
        "\n"
        "Bad\n"
        "  suppressions: [{workflow: \"IT Support\", rule: any-to-resolved, status: Waiting for\n"
        "  customer, reason: \"...\"}] after \"Waiting for customer\" gained a global Resolve\n"
        "  transition.\n"
        "\n"
        "Good\n"
        "  Only suppressions that still hide a finding; each with a reason that says why the\n"
        "  finding is accepted.\n"
        "\n"
        "How to fix\n"
        "  Delete the suppression at the line given, or correct its workflow, rule, status or\n"
        "  transition so that it matches the finding it was meant to accept.\n"
    )


@pytest.mark.parametrize("rule_id", ALL_IDS)
def test_explain_every_rule(rule_id: str) -> None:
    rule = next(r for r in [*load_rules(Config()), *config_rules()] if r.id == rule_id)
    run = invoke(["explain", rule_id])
    assert run.code == 0
    assert run.stdout.startswith(f"{rule_id}: {rule.summary}\n")
    assert f"  check     {rule.check.name}" in run.stdout
    assert f"  pack      {rule.pack} (rules/{rule.source.rsplit('/', 1)[1].split(':')[0]}:" in run.stdout
    for key, title in (("why", "Why"), ("bad", "Bad"), ("good", "Good"), ("how_to_fix", "How to fix")):
        assert (f"\n{title}\n" in run.stdout) == bool(rule.docs.get(key)), title
    fix = re.search(r"^  fix       (.*)$", run.stdout, re.MULTILINE)
    assert fix is not None
    if rule.fix is None:
        assert fix.group(1) == "No automatic fix."
    elif rule.fix.safe:
        assert fix.group(1).startswith("Fixable (`jwflint fix` applies it).")
    else:
        assert fix.group(1).startswith("Fixable (unsafe: `jwflint fix --unsafe-fixes` applies it).")


def test_explain_shows_a_severity_override(tmp_path: Path) -> None:
    config = tmp_path / ".jwflint.yaml"
    config.write_text("severity: {stale-suppression: error}\n", encoding="utf-8")
    run = invoke(["explain", "stale-suppression", "--config", config])
    assert f"  severity  error (default warning; set in {config})\n" in run.stdout


def test_explain_unknown_rule_suggests_one() -> None:
    run = invoke(["explain", "stale-supression"])
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == (
        "jwflint: error: unknown rule 'stale-supression' (did you mean 'stale-suppression'? see `jwflint rules`)\n"
    )
    run = invoke(["explain", "qqq"])
    assert run.stderr == "jwflint: error: unknown rule 'qqq' (see `jwflint rules`)\n"
