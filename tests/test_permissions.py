"""The bot account's permissions: permission scheme documents, the catalogue's schemes and roles,
the bot-account rules through the CLI, and every output format on a scheme document.

The table of real samples below was made by reading the JSON files (their grants of the eight
permissions, holder by holder), not by running jwflint.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jwflint.core import jira
from jwflint.model.bot_access import verdicts
from jwflint.model.catalogue import BotIdentity
from jwflint.model.permissions import PermissionFacts, Project, ProjectRole, RoleActor
from jwflint.sources import permission_scheme

from .conftest import FIXTURES, SHARED
from .test_cli_lint import _schema_validator, invoke, run_jwflint

SAMPLES = SHARED / "cloud-samples"
GO_JIRA_ONE = SAMPLES / "andygrunwald__go-jira__permissionscheme.json"
GO_JIRA_ALL = SAMPLES / "andygrunwald__go-jira__all_permissionschemes.json"
AVLANE = SAMPLES / "avlane__jira-admin-scripts__permissionscheme.json"
EIGHT = set(jira.BOT_PERMISSIONS)
WORKFLOW = FIXTURES / "rules" / "dangling-step-reference" / "pass.xml"

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/cloud-samples is not present")

# (file, scheme, who the bot is, which of the eight permissions that holder surely has there)
HAND_MADE = [
    # go-jira's Default Permission Scheme (no 'value' on any holder): FooBarGroup and role 10302
    # hold all eight; role 10201 only Transition Issues; role 10002 none of them.
    (GO_JIRA_ONE, "Default Permission Scheme", {"groups": ("FooBarGroup",)}, EIGHT),
    (GO_JIRA_ONE, "Default Permission Scheme", {"groups": ("foobargroup",)}, EIGHT),  # names ignore case
    (GO_JIRA_ONE, "Default Permission Scheme", {"roles": ("10302",)}, EIGHT),
    (GO_JIRA_ONE, "Default Permission Scheme", {"roles": ("10201",)}, {"TRANSITION_ISSUES"}),
    (GO_JIRA_ONE, "Default Permission Scheme", {"roles": ("10002",)}, set()),
    (GO_JIRA_ONE, "Default Permission Scheme", {"product_access": True}, set()),
    (GO_JIRA_ALL, "Default Permission Scheme", {"roles": ("10201",)}, {"TRANSITION_ISSUES"}),
    # Default software scheme: Add Comments also to applicationRole without parameter; Transition
    # Issues also to the assignee (conditional, not counted here).
    (GO_JIRA_ALL, "Default software scheme", {"groups": ("FooBarGroup",)}, {"ADD_COMMENTS", "BROWSE_PROJECTS"}),
    (GO_JIRA_ALL, "Default software scheme", {"product_access": True}, {"ADD_COMMENTS"}),
    (GO_JIRA_ALL, "Default software scheme", {"roles": ("10302",)}, EIGHT),
    (
        GO_JIRA_ALL,
        "Default software scheme",
        {"roles": ("10002",)},
        {"ASSIGN_ISSUES", "CREATE_ATTACHMENTS", "EDIT_ISSUES", "RESOLVE_ISSUES", "TRANSITION_ISSUES"},
    ),
    (
        GO_JIRA_ALL,
        "Default software scheme",
        {"roles": ("10303",)},
        {"ASSIGN_ISSUES", "CREATE_ATTACHMENTS", "EDIT_ISSUES", "RESOLVE_ISSUES"},
    ),
    (GO_JIRA_ALL, "Default software scheme", {"roles": ("10304",)}, {"ASSIGN_ISSUES", "CREATE_ATTACHMENTS"}),
    # avlane's mock (current holder shape, with 'value'): the applicationRole grant has no parameter.
    (AVLANE, "Default Permission Scheme", {"roles": ("10001",)}, {"CREATE_ISSUES", "EDIT_ISSUES"}),
    (AVLANE, "Default Permission Scheme", {"product_access": True}, {"BROWSE_PROJECTS"}),
    (AVLANE, "Default Permission Scheme", {"product_access": False}, set()),
    (AVLANE, "Default Permission Scheme", {"groups": ("jira-administrators",)}, set()),  # only Delete Issues
    (AVLANE, "Open Intake", {"account_id": "557058:anyone-at-all"}, {"BROWSE_PROJECTS", "CREATE_ISSUES"}),
    (AVLANE, "Legacy Scheme", {"groups": ("jira-users",)}, {"BROWSE_PROJECTS"}),
    (AVLANE, "Legacy Scheme", {"group_ids": ("a1b2c3d4-0000-4000-8000-000000000009",)}, {"BROWSE_PROJECTS"}),
    (AVLANE, "Legacy Scheme", {"group_ids": ("a1b2c3d4-0000-4000-8000-000000000001",)}, set()),
]


def _schemes(path: Path) -> dict[str, object]:
    document = permission_scheme.read(str(path), path.read_bytes())
    assert document.problems == ()
    return {scheme.name: scheme for scheme in document.schemes}


@needs_samples
@pytest.mark.parametrize(("path", "name", "identity", "held"), HAND_MADE)
def test_real_schemes_grant_what_the_hand_made_table_says(
    path: Path, name: str, identity: dict[str, object], held: set[str]
) -> None:
    scheme = _schemes(path)[name]
    bot = BotIdentity(**identity)  # type: ignore[arg-type]
    found = {p for p in EIGHT if verdicts(scheme, p, bot, PermissionFacts()).sure}  # type: ignore[arg-type]
    assert found == held


@needs_samples
def test_real_samples_read_every_grant() -> None:
    # Counted by reading the files: 66 grants in the single scheme, 66 + 81 in the page, 5 + 4 + 1.
    assert [len(s.grants) for s in _schemes(GO_JIRA_ONE).values()] == [66]  # type: ignore[attr-defined]
    assert [len(s.grants) for s in _schemes(GO_JIRA_ALL).values()] == [66, 81]  # type: ignore[attr-defined]
    assert [len(s.grants) for s in _schemes(AVLANE).values()] == [5, 4, 1]  # type: ignore[attr-defined]


def test_project_role_actors_count_only_in_the_schemes_projects() -> None:
    path = FIXTURES / "rules" / "bot-permission" / "fail.json"
    scheme = permission_scheme.read(str(path), path.read_bytes()).schemes[0]  # id 10001, role 10003 grants
    bot = BotIdentity(account_id="557058:bot")
    actor = RoleActor("atlassian-user-role-actor", account_id="557058:bot")
    in_itsd = ProjectRole("10003", project="ITSD", actors=(actor,))
    anywhere = PermissionFacts(roles=(in_itsd,))
    assert verdicts(scheme, "ADD_COMMENTS", bot, anywhere).sure
    elsewhere = PermissionFacts(roles=(in_itsd,), projects=(Project("HR", permission_scheme="10001"),))
    assert not verdicts(scheme, "ADD_COMMENTS", bot, elsewhere).sure


# --- through the command line -----------------------------------------------------------------------


def _catalogue(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BOT_IN_10002 = "catalogue:\n  bot:\n    account_id: '557058:bot'\n    roles: [10002]\n"


@needs_samples
def test_lint_lists_exactly_the_permissions_the_bot_lacks_with_their_lines(tmp_path: Path) -> None:
    run = invoke(["lint", "--catalogue", _catalogue(tmp_path, BOT_IN_10002), GO_JIRA_ALL])
    assert run.code == 1, run.output
    found = run.findings()
    lacking = {(m["message"].split("'")[1], m["message"].split(" grants ")[1].split()[0]) for m in found}
    expected = {("Default Permission Scheme", p) for p in EIGHT} | {
        ("Default software scheme", p) for p in ("BROWSE_PROJECTS", "CREATE_ISSUES", "ADD_COMMENTS")
    }
    assert lacking == expected
    assert {m["rule"] for m in found} == {"bot-permission"} and len(found) == len(expected)
    lines = GO_JIRA_ALL.read_text(encoding="utf-8").splitlines()
    for match in found:  # every finding points at the '{' of a scheme or of a grant of its permission
        line, column = int(match["line"]), int(match["column"])
        assert lines[line - 1][column - 1] == "{"
        permission = match["message"].split(" grants ")[1].split()[0]
        if " only to " in match["message"]:
            assert f'"permission": "{permission}"' in "\n".join(lines[line - 1 : line + 8])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("truncated", b'{"permissionSchemes": [{"id": 1, "permissions": [', "not well-formed JSON"),
        ("duplicate", b'{"permissionSchemes": [], "permissionSchemes": []}', "duplicate key"),
        ("nan", b'{"permissionSchemes": [{"id": NaN, "permissions": []}]}', "NaN is not JSON"),
        ("deep", b'{"permissionSchemes": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "nested more than"),
        ("huge-number", b'{"permissionSchemes": [{"id": 1' + b"0" * 500 + b', "permissions": []}]}', "a number of"),
        ("not-utf8", b'{"permissionSchemes": [{"name": "\xff", "permissions": []}]}', "not UTF-8"),
    ],
)
def test_malformed_and_hostile_scheme_json_is_one_line_and_exit_2(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / f"{name}.json"
    path.write_bytes(data)
    run = run_jwflint(["lint", path])
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    found = run.findings()
    assert len(found) == 1 and found[0]["rule"] == "json-syntax" and message in found[0]["message"], run.output


def test_json_of_another_shape_that_mentions_grants_is_not_a_workflow(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text('{"permissions": {"holder": "nobody"}}', encoding="utf-8")
    run = run_jwflint(["lint", path])
    assert run.code == 2 and "Traceback" not in run.output
    [finding] = run.findings()
    assert finding["rule"] == "not-a-workflow" and "not a permission scheme" in finding["message"]


def test_bot_identity_unknown_is_reported_once_per_run() -> None:
    folder = FIXTURES / "rules"
    run = invoke(["lint", folder / "bot-permission" / "fail.json", folder / "bot-permission-conditional" / "fail.json"])
    unknown = [m for m in run.findings() if m["rule"] == "bot-identity-unknown"]
    assert len(unknown) == 1 and unknown[0]["file"].endswith("bot-permission/fail.json")
    assert not [m for m in run.findings() if m["rule"].startswith("bot-permission")]


CATALOGUE_WITH_SCHEME = """\
catalogue:
  bot:
    groups: [service-bots]
  permission_schemes:
    - id: 10000
      name: IT Service Desk scheme
      permissions:
        - id: 10100
          permission: BROWSE_PROJECTS
          holder: {type: group, parameter: service-bots}
        - id: 10101
          permission: CREATE_ISSUES
          holder: {type: projectRole, parameter: "10001"}
"""


def test_a_catalogues_schemes_are_checked_once_at_the_catalogues_lines(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, CATALOGUE_WITH_SCHEME)
    run = invoke(["lint", "--catalogue", catalogue, "--select", "bot-account", WORKFLOW, WORKFLOW])
    found = run.findings()
    assert {m["file"] for m in found} == {str(catalogue)}
    by_permission = {m["message"].split(" grants ")[1].split()[0]: m for m in found}
    assert set(by_permission) == EIGHT - {"BROWSE_PROJECTS"}  # once, though two workflows were linted
    assert by_permission["CREATE_ISSUES"]["line"] == "11"  # the grant's mapping
    assert by_permission["ADD_COMMENTS"]["line"] == "5"  # the scheme's mapping
    assert run.stdout.rstrip().endswith("linted: 7 error(s), 0 warning(s), 0 info")


def test_required_bot_permissions_add_to_the_rule(tmp_path: Path) -> None:
    config = tmp_path / ".jwflint.yaml"
    config.write_text(CATALOGUE_WITH_SCHEME + "required_bot_permissions: [servicedesk_agent]\n", encoding="utf-8")
    run = invoke(["lint", "--config", config, "--select", "bot-permission", WORKFLOW])
    lacking = {m["message"].split(" grants ")[1].split()[0] for m in run.findings()}
    assert lacking == (EIGHT - {"BROWSE_PROJECTS"}) | {"SERVICEDESK_AGENT"}


def test_suppressions_and_baselines_key_on_scheme_and_permission(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme.json"
    source = FIXTURES / "rules" / "bot-permission" / "fail_page.json"
    scheme.write_bytes(source.read_bytes())
    config = tmp_path / ".jwflint.yaml"
    config.write_text(
        (FIXTURES / "rules" / "bot-permission" / "config.yaml").read_text(encoding="utf-8")
        + "suppressions:\n  - {workflow: Legacy*, rule: bot-permission, permission: browse_projects, reason: x}\n",
        encoding="utf-8",
    )
    run = invoke(["lint", "--config", config, "--select", "bot-permission", scheme])
    reported = {m["message"].split(" grants ")[1].split()[0] for m in run.findings()}
    assert "BROWSE_PROJECTS" not in reported and len(reported) == 6
    assert "1 suppressed" in run.stdout

    baseline = tmp_path / "baseline.json"
    invoke(["lint", "--config", config, "--select", "bot-permission", "--write-baseline", baseline, scheme])
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert {(e["workflow"], e["permission"]) for e in entries} == {("Legacy scheme", p) for p in reported}
    # Re-exported with other line breaks: nothing comes back.
    scheme.write_text(json.dumps(json.loads(source.read_bytes()), indent=4), encoding="utf-8")
    run = invoke(["lint", "--config", config, "--select", "bot-permission", "--baseline", baseline, scheme])
    assert run.code == 0 and run.findings() == [], run.output


def test_every_format_handles_a_scheme_document(tmp_path: Path) -> None:
    folder = FIXTURES / "rules" / "bot-permission"
    args = ["lint", "--config", folder / "config.yaml", folder / "fail.json"]
    document = json.loads(invoke([*args, "--format", "json"]).stdout)
    _schema_validator().validate(document)
    [entry] = document["files"]
    assert entry["workflow"] is None and entry["permission_schemes"] == ["Locked-down scheme"]
    assert {f["permission"] for f in document["findings"]} >= {"CREATE_ATTACHMENTS", "EDIT_ISSUES"}
    assert {f["scheme"] for f in document["findings"]} == {"Locked-down scheme"}

    sarif = json.loads(invoke([*args, "--format", "sarif"]).stdout)
    properties = [r["properties"] for r in sarif["runs"][0]["results"]]
    assert {p["workflow"] for p in properties} == {"Locked-down scheme"} and all("permission" in p for p in properties)

    github = invoke([*args, "--format", "github"]).stdout.splitlines()
    assert github[0].startswith("::error file=") and ",line=1,col=1,title=jwflint [bot-permission]::" in github[0]

    html = invoke([*args, "--format", "html"]).stdout
    assert "Permission schemes: Locked-down scheme (9 grants)" in html and "could not be read" not in html

    stats = invoke([*args, "--stats", "--format", "json"])
    assert json.loads(stats.stdout)["stats"]["total"]["statuses"] == 0

    drawn = run_jwflint(["render", folder / "fail.json", "--format", "mermaid"])
    assert drawn.code == 2 and drawn.stdout == ""
    assert drawn.stderr.strip().endswith("a permission scheme document, not a workflow (check it with `jwflint lint`)")
    assert len(drawn.stderr.strip().splitlines()) == 1


def test_folders_pick_up_scheme_documents_only(tmp_path: Path) -> None:
    (tmp_path / "scheme.json").write_bytes((FIXTURES / "rules" / "bot-permission" / "pass.json").read_bytes())
    (tmp_path / "package.json").write_text('{"name": "x", "permissions": []}', encoding="utf-8")
    (tmp_path / "workflow.xml").write_bytes(WORKFLOW.read_bytes())
    run = invoke(["lint", "--format", "json", tmp_path])
    assert sorted(Path(f["path"]).name for f in json.loads(run.stdout)["files"]) == ["scheme.json", "workflow.xml"]


def test_parallel_runs_report_schemes_like_serial_ones() -> None:
    folder = FIXTURES / "rules" / "bot-permission"
    files = [folder / "fail.json", folder / "fail_page.json"]
    args = ["lint", "--config", folder / "config.yaml", "--format", "json", *files]
    assert invoke([*args, "-j", "2"]).stdout == invoke(args).stdout
