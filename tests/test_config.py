"""Configuration: discovery, every setting, the catalogue (with Jira REST screens), and the exact
one-line message of every config and rule-pack error (file:line: message, exit code 2)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.batch.session import lint_paths
from jwflint.config.catalogue_file import load_catalogue_file, rest_fields
from jwflint.config.settings import Config, find_config, load_config, parse_config
from jwflint.config.yaml_source import load_yaml
from jwflint.core.errors import ConfigError
from jwflint.core.findings import Severity
from jwflint.core.resources import rules_dir
from jwflint.lint.engine import load_rules
from jwflint.lint.rules import check_rule_references
from jwflint.lint.suppressions import config_rules

from .conftest import FIXTURES, REPO
from .test_cli_lint import invoke

CONFIG_FIXTURES = FIXTURES / "config"
WORKFLOWS = CONFIG_FIXTURES / "workflows"
IT_SUPPORT = WORKFLOWS / "IT Support.xml"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        check_rule_references(config := load_config(path), [*load_rules(config), *config_rules()])
    return str(caught.value)


# --- discovery --------------------------------------------------------------------------------------


def test_nearest_config_upward_from_the_file_wins(tmp_path: Path) -> None:
    outer = write(tmp_path, ".jwflint.yaml", "fail_on: warning\n")
    inner = write(tmp_path, "team/a/.jwflint.yml", "fail_on: info\n")
    workflow = write(tmp_path, "team/a/deep/wf.xml", "<workflow/>")
    assert find_config(workflow) == inner.resolve()
    assert find_config(tmp_path / "team") == outer.resolve()


def test_pyproject_counts_only_with_a_tool_jwflint_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.jwflint]\nfail_on = "info"\n')
    assert find_config(tmp_path) == (tmp_path / "pyproject.toml").resolve()
    assert load_config(tmp_path / "pyproject.toml").fail_on == "info"
    write(tmp_path, ".jwflint.yaml", "fail_on: warning\n")  # the YAML file beats pyproject in one folder
    assert find_config(tmp_path) == (tmp_path / ".jwflint.yaml").resolve()


def test_each_file_is_linted_with_its_own_config(tmp_path: Path) -> None:
    strict = write(tmp_path, "strict/.jwflint.yaml", "select: [dangling-step-reference]\n")
    loose = write(tmp_path, "loose/.jwflint.yaml", "select: [missing-status-id]\n")
    for folder in ("strict", "loose"):
        (tmp_path / folder / "IT Support.xml").write_bytes(IT_SUPPORT.read_bytes())
    run = lint_paths([str(tmp_path / "strict"), str(tmp_path / "loose")], LintOptions())
    rules = {(Path(f.file).parent.name, f.rule) for f in run.findings}
    assert rules == {("strict", "dangling-step-reference"), ("loose", "missing-status-id")}
    assert sorted(c.path for c in run.configs) == sorted([str(loose.resolve()), str(strict.resolve())])


def test_defaults_without_a_config() -> None:
    config = parse_config({}, "x.yaml")
    assert (config.fail_on, config.select, config.ignore, config.profile, config.suppressions) == (
        "error", (), (), None, ()
    )
    assert config.max_file_size == 20 * 1024 * 1024


# --- settings ---------------------------------------------------------------------------------------


def test_every_setting_is_read(tmp_path: Path) -> None:
    pack = write(tmp_path, "rules/org.yaml", "pack: org\nrules: []\n")
    path = write(
        tmp_path,
        ".jwflint.yaml",
        """
        packs: [rules/org.yaml]
        profile: jira
        select: [structure, any-to-resolved]
        ignore: instance-specific-reference
        severity: {dead-end-status: error, any-to-resolved: info}
        fail_on: warning
        per_path_ignores: {"legacy/*.xml": [service-bot]}
        required_resolution_fields: [resolution, customfield_10020]
        max_file_size: 512KB
        """,
    )
    config = load_config(path)
    assert config.packs == (str(pack.resolve()),)
    assert config.profile == "jira"
    assert config.select == ("structure", "any-to-resolved")
    assert config.ignore == ("instance-specific-reference",)
    assert config.severity == {"dead-end-status": Severity.ERROR, "any-to-resolved": Severity.INFO}
    assert config.fail_on == "warning"
    assert config.per_path_ignores == (("legacy/*.xml", ("service-bot",)),)
    assert config.required_resolution_fields == ("resolution", "customfield_10020")
    assert config.max_file_size == 512 * 1024
    assert config.ignored_for(str(tmp_path / "legacy" / "old.xml")) == {"service-bot"}
    assert config.ignored_for(str(tmp_path / "new" / "old.xml")) == set()


def test_severity_override_and_ignore_change_the_findings(tmp_path: Path) -> None:
    write(tmp_path, ".jwflint.yaml", "select: [structure]\nseverity: {missing-status-id: info}\n")
    (tmp_path / "IT Support.xml").write_bytes(IT_SUPPORT.read_bytes())
    run = lint_paths([str(tmp_path)], LintOptions())
    assert sorted((f.rule, f.severity.label) for f in run.findings) == [
        ("dangling-step-reference", "error"),
        ("dangling-step-reference", "error"),
        ("missing-status-id", "info"),
    ]
    run = lint_paths([str(tmp_path)], LintOptions(ignore=("dangling-step-reference",)))
    assert [f.rule for f in run.findings] == ["missing-status-id"]


def test_per_path_ignores_are_relative_to_the_config(tmp_path: Path) -> None:
    write(tmp_path, ".jwflint.yaml", 'select: [structure]\nper_path_ignores: {"legacy/*": [dangling-step-reference]}\n')
    for folder in ("legacy", "current"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "IT Support.xml").write_bytes(IT_SUPPORT.read_bytes())
    run = lint_paths([str(tmp_path)], LintOptions())
    rules = sorted((Path(f.file).parent.name, f.rule) for f in run.findings)
    assert rules == [
        ("current", "dangling-step-reference"),
        ("current", "dangling-step-reference"),
        ("current", "missing-status-id"),
        ("legacy", "missing-status-id"),
    ]


def test_profile_runs_one_pack_and_the_structure_rules(tmp_path: Path) -> None:
    demo = FIXTURES / "demo" / "service_desk.xml"
    everything = {f.rule for f in lint_paths([str(demo)], LintOptions()).findings}
    rules = {r.id: r.pack for r in load_rules(Config())}
    assert {rules[r] for r in everything} >= {"service-bot", "jira"}
    for profile in ("service-bot", "jira"):
        packs = {rules[f.rule] for f in lint_paths([str(demo)], LintOptions(profile=profile)).findings}
        assert packs <= {profile, "structure"}, profile
        assert profile in packs
    path = write(tmp_path, ".jwflint.yaml", "profile: jira\n")
    packs = {rules[f.rule] for f in lint_paths([str(demo)], LintOptions(config_path=str(path))).findings}
    assert packs <= {"jira", "structure"}


def test_pyproject_settings_and_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "workflows"

        [tool.jwflint]
        fail_on = "warning"
        ignore = ["instance-specific-reference"]

        [tool.jwflint.catalogue.statuses]
        "10001" = {name = "Waiting for support", bucket = "waiting"}

        [[tool.jwflint.suppressions]]
        workflow = "IT*"
        rule = "missing-status-id"
        reason = "Done is mapped on import"

        [[tool.jwflint.suppressions]]
        workflow = "HR*"
        rule = "dangling-step-reference"
        reason = "Archived"
        """,
    )
    config = load_config(path)
    assert config.fail_on == "warning"
    assert config.catalogue.statuses["10001"].bucket == "waiting"
    lines = [(s.rule, s.line) for s in config.suppressions]
    assert lines == [("missing-status-id", 11), ("dangling-step-reference", 16)]


# --- catalogue --------------------------------------------------------------------------------------


def test_catalogue_statuses_buckets_resolutions_and_bot(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ".jwflint.yaml",
        """
        catalogue:
          statuses:
            "10001": {name: Waiting for support, bucket: waiting}
            "10002": Escalated
          buckets: {resolved: [Done, "10005"]}
          resolutions: {Done: "10000", "Won't Do": 10001}
          done_resolution: done
          bot: {group: service-desk-bots, role: 10002, user: svc-bot, permissions: [transition_issues]}
        """,
    )
    catalogue = load_config(path).catalogue
    assert catalogue.statuses["10001"].name == "Waiting for support"
    assert catalogue.statuses["10002"].name == "Escalated"
    assert catalogue.bucket_names == {"resolved": ("Done", "10005")}
    assert catalogue.resolution_id() == "10000"
    assert catalogue.resolutions == {"Done": "10000", "Won't Do": "10001"}
    assert (catalogue.bot.group, catalogue.bot.role, catalogue.bot.user) == ("service-desk-bots", "10002", "svc-bot")
    assert catalogue.bot.permissions == frozenset({"TRANSITION_ISSUES"})


def test_screens_accept_field_lists_and_jira_rest_json(tmp_path: Path) -> None:
    for name in ("screen-10600-fields.json", "screen-10601-tabs.json"):
        (tmp_path / name).write_bytes((CONFIG_FIXTURES / name).read_bytes())
    path = write(
        tmp_path,
        ".jwflint.yaml",
        """
        catalogue:
          screens:
            "10500": [assignee, Resolution]
            "10600": {name: Resolve, rest: screen-10600-fields.json}
            "10601": {rest: screen-10601-tabs.json, fields: [comment]}
            "10602": [{"id": "assignee", "name": "Assignee"}, {"id": "customfield_10020", "name": "Root cause"}]
            "10603": [{"id": 1, "name": "Tab", "fields": [{"id": "resolution", "name": "Resolution"}]}]
        """,
    )
    screens = load_config(path).catalogue.screens
    assert screens[10500].has_field("resolution")
    assert screens[10600].name == "Resolve"
    assert screens[10600].fields == frozenset({"assignee", "resolution", "comment"})
    assert screens[10601].fields == frozenset({"summary", "resolution", "customfield_10020", "comment"})
    assert screens[10602].fields == frozenset({"assignee", "customfield_10020"})
    assert screens[10603].fields == frozenset({"resolution"})
    assert screens[1].assumed and not screens[10600].assumed  # Jira's seed screens stay, marked assumed


def test_rest_fields_reads_a_paged_answer() -> None:
    paged = {"startAt": 0, "isLast": True, "values": [{"id": "assignee", "name": "Assignee"}]}
    assert rest_fields(paged) == {"assignee"}


def test_catalogue_file_yaml_json_and_a_catalogue_key(tmp_path: Path) -> None:
    catalogue = load_catalogue_file(str(CONFIG_FIXTURES / "catalogue.json"))
    assert catalogue.screens[10600].fields == frozenset({"assignee", "resolution"})
    assert catalogue.bot.group == "service-desk-bots"
    nested = write(tmp_path, "instance.yaml", "catalogue:\n  resolutions: {Done: 1}\n")
    assert load_catalogue_file(str(nested)).resolutions == {"Done": "1"}
    # a JSON file that YAML cannot read (tab indentation) still loads
    tabbed = tmp_path / "tabbed.json"
    tabbed.write_text('{\n\t"resolutions": {"Done": "10000"}\n}\n', encoding="utf-8")
    assert load_catalogue_file(str(tabbed)).resolutions == {"Done": "10000"}
    # catalogue: FILE in a config names a file next to it
    config = write(tmp_path, ".jwflint.yaml", "catalogue: instance.yaml\n")
    assert load_config(config).catalogue.resolutions == {"Done": "1"}


def test_catalogue_option_replaces_the_configs_catalogue(tmp_path: Path) -> None:
    config = write(tmp_path, ".jwflint.yaml", "catalogue: {resolutions: {Fixed: 7}}\n")
    options = LintOptions(config_path=str(config), catalogue_path=str(CONFIG_FIXTURES / "catalogue.json"))
    catalogue = EngineCache(options).config_for(str(IT_SUPPORT)).catalogue
    assert catalogue.resolutions == {"Done": "10000"}


# --- errors: config ---------------------------------------------------------------------------------

CONFIG_ERRORS = [
    ("bad-yaml", "fail_on: [error\nselect: x\n", "{p}:2:7: invalid YAML: expected ',' or ']', but got ':'"),
    ("duplicate-key", "fail_on: error\nfail_on: info\n", "{p}:2:1: invalid YAML: duplicate key 'fail_on'"),
    ("not-a-mapping", "- select\n", "{p}:1: the configuration must be a mapping of settings"),
    ("unknown-key", "fail_on: error\nselct: [x]\n", "{p}:2: unknown key 'selct' (did you mean 'select'?)"),
    (
        "unknown-key-far",
        "colour: red\n",
        "{p}:1: unknown key 'colour' (expected one of: packs, profile, select, ignore, severity, fail_on, "
        "per_path_ignores, required_resolution_fields, required_bot_permissions, max_file_size, catalogue, "
        "suppressions, bot_workflows, exclude)",
    ),
    (
        "bad-severity",
        "severity:\n  dead-end-status: fatal\n",
        "{p}:2: severity of dead-end-status: unknown severity 'fatal' (expected error, warning or info)",
    ),
    (
        "bad-fail-on",
        "fail_on: sometimes\n",
        "{p}:1: fail_on is 'sometimes'; expected one of: error, warning, info, never",
    ),
    ("bad-profile", "profile: all\n", "{p}:1: profile is 'all'; expected one of: service-bot, jira"),
    ("bad-select", "select: {a: 1}\n", "{p}:1: select must be a list of strings"),
    ("bad-size", "max_file_size: lots\n", "{p}:1: max_file_size 'lots' is not a size (e.g. 20MB, 512KB, 1000000)"),
    (
        "bad-status-bucket",
        "catalogue:\n  statuses:\n    '10001': {name: Waiting, bucket: parked}\n",
        "{p}:3: unknown bucket 'parked' (expected one of: resolved, in_progress, reopened, new, waiting)",
    ),
    (
        "bad-bucket-key",
        "catalogue:\n  buckets:\n    done: [Closed]\n",
        "{p}:3: unknown bucket 'done' (expected one of: resolved, in_progress, reopened, new, waiting)",
    ),
    (
        "unknown-catalogue-key",
        "catalogue:\n  fields: {}\n",
        "{p}:2: unknown catalogue key 'fields' (expected one of: statuses, buckets, screens, resolutions, "
        "done_resolution, bot, permission_schemes, project_roles, projects)",
    ),
    (
        "bad-screen-id",
        "catalogue:\n  screens:\n    resolve: [assignee]\n",
        "{p}:3: screen id 'resolve' must be an integer (the id in Jira's screen URL)",
    ),
    (
        "tab-without-fields",
        "catalogue:\n  screens:\n    '10600': [{id: 10000, name: Field Tab}]\n",
        "{p}:3: screen 10600: tab 'Field Tab' has no fields; export them with "
        "GET /rest/api/3/screens/{{id}}/tabs/{{tab}}/fields",
    ),
    (
        "missing-rest-file",
        "catalogue:\n  screens:\n    '10600': {rest: nowhere.json}\n",
        "{p}:3: screen 10600: REST file {d}/nowhere.json does not exist",
    ),
    (
        "bot-role-name",
        "catalogue:\n  bot:\n    role: Service Desk Team\n",
        "{p}:3: bot.role must be a project role id (a number such as 10002), not 'Service Desk Team'",
    ),
    (
        "unknown-bot-key",
        "catalogue:\n  bot:\n    account: svc\n",
        "{p}:3: unknown bot key 'account' (expected one of: group, role, user, permissions, account_id, groups, "
        "group_ids, roles, product_access)",
    ),
    (
        "bot-roles-names",
        "catalogue:\n  bot:\n    roles: [10002, Service Desk Team]\n",
        "{p}:3: bot.roles must list project role ids (numbers such as 10002), not 'Service Desk Team'",
    ),
    (
        "bot-groups-not-a-list",
        "catalogue:\n  bot:\n    groups: service-bots\n",
        "{p}:3: bot.groups must list group names",
    ),
    (
        "bot-product-access",
        "catalogue:\n  bot:\n    product_access: yes please\n",
        "{p}:3: bot.product_access must be true, false or a list of application keys (e.g. jira-servicedesk)",
    ),
    (
        "bot-account-id-list",
        "catalogue:\n  bot:\n    account_id: [a, b]\n",
        "{p}:3: bot.account_id must be a single value (a Cloud account id or a user key)",
    ),
    (
        "permission-schemes-not-a-list",
        "catalogue:\n  permission_schemes: {name: x}\n",
        "{p}:2: catalogue.permission_schemes must be a list",
    ),
    (
        "grant-without-holder",
        "catalogue:\n  permission_schemes:\n    - name: S\n      permissions:\n"
        "        - {permission: BROWSE_PROJECTS}\n",
        "{p}:5: catalogue.permission_schemes: this BROWSE_PROJECTS grant has no holder type (holder.type is missing)",
    ),
    (
        "project-role-without-id",
        "catalogue:\n  project_roles:\n    - {project: ITSD, actors: []}\n",
        "{p}:3: a project role (catalogue.project_roles) needs 'id'",
    ),
    (
        "project-role-actors",
        "catalogue:\n  project_roles:\n    - {id: 10002, actors: bot}\n",
        "{p}:3: project role 10002: actors must be a list of role actors, as Jira returns",
    ),
    (
        "project-scheme-id",
        "catalogue:\n  projects:\n    - {key: ITSD, permission_scheme: [1]}\n",
        "{p}:3: project ITSD: permission_scheme must be the scheme's id",
    ),
    (
        "done-resolution-unknown",
        "catalogue:\n  resolutions: {Fixed: 1}\n  done_resolution: Done\n",
        "{p}:3: done_resolution 'Done' is not in catalogue.resolutions (Fixed)",
    ),
    (
        "suppression-without-reason",
        "suppressions:\n  - workflow: IT*\n    rule: missing-status-id\n",
        "{p}:2: a suppression needs 'reason'; say why the finding is accepted",
    ),
    (
        "unknown-suppression-key",
        "suppressions:\n  - workflow: IT*\n    rule: missing-status-id\n    step: Done\n    reason: x\n",
        "{p}:4: unknown suppression key 'step' (expected one of: workflow, rule, status, transition, permission, "
        "subject, reason)",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CONFIG_ERRORS, ids=[c[0] for c in CONFIG_ERRORS])
def test_config_errors_name_the_file_and_line(tmp_path: Path, case: str, text: str, expected: str) -> None:
    path = write(tmp_path, ".jwflint.yaml", text)
    assert config_error(path) == expected.format(p=path, d=tmp_path)


UNKNOWN_RULES = [
    (
        "select",
        "select: [structure, no-such-rule]\n",
        "{p}:1: unknown rule 'no-such-rule' in select (see `jwflint rules`)",
    ),
    (
        "ignore",
        "ignore:\n  - service-bot\n  - any-to-resolve\n",
        "{p}:3: unknown rule 'any-to-resolve' in ignore (did you mean 'any-to-resolved'? see `jwflint rules`)",
    ),
    ("severity", "severity:\n  structure: info\n", "{p}:2: unknown rule 'structure' in severity (see `jwflint rules`)"),
    (
        "per-path",
        "per_path_ignores:\n  'a/*': [jira]\n  'b/*': [nope]\n",
        "{p}:3: unknown rule 'nope' in per_path_ignores (see `jwflint rules`)",
    ),
    (
        "suppression",
        "suppressions:\n  - workflow: '*'\n    rule: missing-status\n    reason: x\n",
        "{p}:3: unknown rule 'missing-status' in suppressions (did you mean 'missing-status-id'? see `jwflint rules`)",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), UNKNOWN_RULES, ids=[c[0] for c in UNKNOWN_RULES])
def test_unknown_rules_are_errors_naming_the_rule(tmp_path: Path, case: str, text: str, expected: str) -> None:
    path = write(tmp_path, ".jwflint.yaml", text)
    assert config_error(path) == expected.format(p=path)


def test_rule_config_and_config_rules_are_known_names(tmp_path: Path) -> None:
    path = write(tmp_path, ".jwflint.yaml", "ignore: [stale-suppression]\nselect: [config, structure]\n")
    check_rule_references(config := load_config(path), [*load_rules(config), *config_rules()])


def test_pyproject_errors_name_the_line(tmp_path: Path) -> None:
    toml = '[tool.jwflint]\nfail_on = "error"\n\n[tool.jwflint.catalogue]\nscreen = 1\n'
    path = write(tmp_path, "pyproject.toml", toml)
    assert config_error(path) == (
        f"{path}:5: unknown catalogue key 'screen' (expected one of: statuses, buckets, "
        "screens, resolutions, done_resolution, bot, permission_schemes, project_roles, projects)"
    )
    path = write(tmp_path, "pyproject.toml", '[tool.jwflint]\nfail_on = "error\n')
    assert config_error(path) == f"{path}:2: invalid TOML: Illegal character '\\n'"
    path = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert config_error(path) == f"{path}: no [tool.jwflint] table"


# --- errors: rule packs -----------------------------------------------------------------------------

RULE = "  - id: my-rule\n    summary: Something the org wants.\n"
PACK_ERRORS = [
    (
        "unknown-check",
        RULE + "    check: no_such_check\n",
        "{p}:5: unknown check 'no_such_check' (expected one of: {checks}) (rule 'my-rule')",
    ),
    (
        "bad-args",
        RULE + "    check: any_status_to_bucket\n    args: {bucket: nowhere}\n",
        "{p}:6: argument 'bucket' of check any_status_to_bucket is 'nowhere'; expected one of: resolved, in_progress, "
        "reopened, new, waiting (rule 'my-rule')",
    ),
    (
        "unknown-arg",
        RULE + "    check: any_status_to_bucket\n    args: {bucket: resolved, to: x}\n",
        "{p}:6: check any_status_to_bucket has no argument 'to' (arguments: bucket) (rule 'my-rule')",
    ),
    (
        "bad-given",
        RULE + "    check: model_problem\n    args: {kind: missing-steps}\n    given: {transitions: {kind: initial}}\n",
        "{p}:7: invalid given: the check looks at a workflow, but the rule selects transitions (rule 'my-rule')",
    ),
    (
        "bad-message",
        RULE + "    check: model_problem\n    args: {kind: missing-steps}\n    message: '{detail} at {place}'\n",
        "{p}:7: message uses {{place}}, which check model_problem does not provide (it provides: detail, message) "
        "(rule 'my-rule')",
    ),
    (
        "duplicate-id",
        RULE + "    check: model_problem\n    args: {kind: missing-steps}\n" + RULE
        + "    check: model_problem\n    args: {kind: missing-steps}\n",
        "{p}:7: rule id 'my-rule' is already defined at line 3",
    ),
    (
        "duplicate-bundled-id",
        "  - id: any-to-resolved\n    summary: x\n    check: model_problem\n    args: {kind: missing-steps}\n",
        "{p}:3: rule id 'any-to-resolved' is already defined at {bundled}",
    ),
    (
        "config-check",
        RULE + "    check: stale_suppression\n",
        "{p}:3: check stale_suppression is run by jwflint for its own config rules; a rule pack cannot use it "
        "(rule 'my-rule')",
    ),
]


@pytest.mark.parametrize(("case", "rules", "expected"), PACK_ERRORS, ids=[c[0] for c in PACK_ERRORS])
def test_pack_errors_exit_2_with_one_line(tmp_path: Path, case: str, rules: str, expected: str) -> None:
    from jwflint.lint.checks import CHECKS

    pack = write(tmp_path, "org.yaml", "pack: org\nrules:\n" + rules)
    bundled = next(r.source for r in load_rules(Config()) if r.id == "any-to-resolved")
    run = invoke(["lint", "--pack", pack, IT_SUPPORT])
    message = expected.format(p=pack, checks=", ".join(sorted(CHECKS)), bundled=bundled)
    assert (run.code, run.stdout, run.stderr) == (2, "", f"jwflint: error: {message}\n")


def test_pack_named_in_the_config_is_loaded_relative_to_it(tmp_path: Path) -> None:
    write(tmp_path, "rules/org.yaml", "pack: org\nrules:\n" + RULE + "    check: no_such_check\n")
    config = write(tmp_path, ".jwflint.yaml", "packs: [rules/org.yaml]\n")
    run = invoke(["lint", "--config", config, IT_SUPPORT])
    assert run.code == 2
    assert run.stderr.startswith(f"jwflint: error: {(tmp_path / 'rules' / 'org.yaml').resolve()}:5: unknown check")


# --- errors through the command line: one line, exit 2, no traceback -----------------------------------


@pytest.mark.parametrize(("case", "text", "expected"), CONFIG_ERRORS[:6] + UNKNOWN_RULES[:2], ids=lambda v: str(v)[:20])
def test_config_errors_on_the_command_line(tmp_path: Path, case: str, text: str, expected: str) -> None:
    path = write(tmp_path, ".jwflint.yaml", text)
    run = invoke(["lint", "--config", path, IT_SUPPORT])
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == f"jwflint: error: {expected.format(p=path, d=tmp_path)}\n"


def test_unknown_rule_on_the_command_line() -> None:
    run = invoke(["lint", "--ignore", "dangling-step-referenc", IT_SUPPORT])
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == (
        "jwflint: error: unknown rule 'dangling-step-referenc' in --ignore "
        "(did you mean 'dangling-step-reference'? see `jwflint rules`)\n"
    )
    run = invoke(["lint", "--select", "zzz", IT_SUPPORT])
    assert run.stderr == "jwflint: error: unknown rule 'zzz' in --select (see `jwflint rules`)\n"


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    run = invoke(["lint", "--config", tmp_path / "none.yaml", IT_SUPPORT])
    assert (run.code, run.stderr) == (2, f"jwflint: error: {tmp_path / 'none.yaml'}: no such file\n")


# --- the documented example -------------------------------------------------------------------------


def test_documented_configuration_example_is_valid() -> None:
    section = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None, "docs/configuration.md has no ```yaml example"
    path = str(REPO / ".jwflint.yaml")
    config = parse_config(load_yaml(block.group(1), path), path)
    check_rule_references(config, [*load_rules(Config()), *config_rules()])
    assert config.suppressions and config.catalogue.bot.configured and config.catalogue.screens[10601].fields
    assert config.catalogue.statuses and config.catalogue.resolutions and config.severity
    assert config.bot_workflows == ("IT Service*", "helpdesk/*.xml") and config.exclude


def test_config_rules_ship_with_the_bundled_packs() -> None:
    assert (rules_dir() / "config.yaml").is_file()
    assert [r.id for r in config_rules()] == ["stale-suppression"]
