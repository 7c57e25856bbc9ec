"""Reading Jira Cloud workflow JSON and .jwb bundles: detection, positions, vocabulary, buckets, hostile input."""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from jwflint.config.settings import Config, with_catalogue
from jwflint.core import jira
from jwflint.lint.engine import Engine
from jwflint.model.catalogue import BotIdentity, Catalogue, StatusInfo
from jwflint.sources import registry
from jwflint.sources.json_document import JSONSyntax, parse

from .conftest import CORPUS, FIXTURES, SHARED, corpus_files
from .test_cli_lint import invoke
from .test_hostile_input import only_finding

CLOUD = FIXTURES / "cloud"
CASES = FIXTURES / "cloud-cases"
BOT_READY = CASES / "bot-ready.json"
OBEYA_JSON = CLOUD / "OBEYA__Simple_Workflow.json"
OBEYA_JWB = FIXTURES / "jwb" / "OBEYA__Simple_Workflow.jwb"
REAL_JWB = SHARED / "jwb-samples" / "security-hub-workflow.jwb"


def lint(path: Path, catalogue: Catalogue | None = None) -> list:
    config = with_catalogue(Config(), catalogue) if catalogue is not None else Config()
    result = Engine.from_config(config).lint_path(str(path))
    assert not result.failed, result.findings
    return result.findings


# --- JSON positions -----------------------------------------------------------------------------


def test_positions_of_objects_golden() -> None:
    text = '{"a": [\n  {"b": "{not an object}"},\n\t{"c": {"d": "\\"}"}}\n], "é": {}}'
    document = parse("x.json", text.encode("utf-8"))
    root = document.root
    assert document.position(root) == (1, 1)
    assert document.position(root["a"][0]) == (2, 3)
    assert document.position(root["a"][1]) == (3, 2)
    assert document.position(root["a"][1]["c"]) == (3, 8)
    assert document.position(root["é"]) == (4, 9)  # columns count characters, not bytes


def test_positions_after_a_bom_and_crlf() -> None:
    document = parse("x.json", b'\xef\xbb\xbf{"a":\r\n  {}}')
    assert document.position(document.root["a"]) == (2, 3)


def test_findings_point_at_the_transition_status_and_rule() -> None:
    workflow = registry.read(str(BOT_READY), BOT_READY.read_bytes())[0]
    lines = BOT_READY.read_text(encoding="utf-8").splitlines()
    document = workflow.document
    resolve = next(t for t in workflow.transitions if t.id == 11)
    line, column = document.position(resolve.element)
    assert lines[line - 1][column - 1 :].startswith('{"id": "11", "name": "Bot: resolve"')
    status = workflow.statuses[2]
    line, column = document.position(status.element)
    assert lines[line - 1][column - 1 :].startswith('{"statusReference": "10002"}')
    condition = next(resolve.iter_conditions())
    line, column = document.position(condition.element)
    assert lines[line - 1][column - 1 :].startswith('{"ruleKey": "system:restrict-from-all-users"')
    findings = lint(BOT_READY)
    assert [(f.line, f.column, f.rule) for f in findings] == [(21, 9, "bot-resolve-sets-done")]


# --- hostile JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        (b'{"values": [' + b"1" * 50_000_000 + b"]}", "a number of 50000000 characters"),
        (b'{"values": [], "values": []}', "duplicate key 'values'"),
        (b'{"values": ["caf\xe9"]}', "not UTF-8"),
        (b'{"values": [NaN]}', "NaN is not JSON"),
        (b'{"values": [1.5e999999999999999999999999999999]', "not well-formed JSON"),
        (b'{"values": [', "not well-formed JSON"),
    ],
    ids=["deep", "huge-number", "duplicate-key", "latin1", "nan", "truncated", "unclosed"],
)
def test_hostile_json_is_one_finding_and_exit_2(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(data)
    run = invoke(["lint", "--max-size", "64MB", path])
    match = only_finding(run, path, "json-syntax")
    assert words in match["message"]


def test_json_parser_refuses_without_recursion() -> None:
    with pytest.raises(JSONSyntax, match="nested more than 200"):
        parse("x.json", b'{"a":' * 100_000)


def test_oversized_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b'{"values": "' + b"x" * 2_000_000 + b'"}')
    only_finding(invoke(["lint", "--max-size", "1MB", path]), path, "input-error")


# --- input detection ------------------------------------------------------------------------------


def test_json_that_is_no_workflow_is_not_a_workflow(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"name": "x", "version": "1.0.0"}', encoding="utf-8")
    match = only_finding(invoke(["lint", path]), path, "not-a-workflow")
    assert "holds no Jira Cloud workflows" in match["message"]


@pytest.mark.parametrize("values", ["true", "5", '"x"', '{"a": 1}'])
def test_values_that_are_not_a_list_are_not_a_workflow(tmp_path: Path, values: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text('{"values": ' + values + "}", encoding="utf-8")
    match = only_finding(invoke(["lint", path]), path, "not-a-workflow")
    assert "holds no Jira Cloud workflows" in match["message"]


def test_the_removed_legacy_search_shape_says_what_to_fetch(tmp_path: Path) -> None:
    path = tmp_path / "legacy.json"
    legacy = {"values": [{"id": {"name": "Old", "entityId": "a1"}, "transitions": [{"id": "1", "to": "1"}]}]}
    path.write_text(json.dumps(legacy), encoding="utf-8")
    run = invoke(["lint", path])
    match = only_finding(run, path, "not-a-workflow")
    assert "legacy GET /rest/api/3/workflow/search" in match["message"]
    assert "help: fetch GET /rest/api/3/workflows/search?expand=values.transitions" in run.stdout  # what to do


def test_folders_pick_up_workflow_json_and_bundles_only(tmp_path: Path) -> None:
    shutil.copy(OBEYA_JSON, tmp_path / "cloud.json")
    shutil.copy(OBEYA_JWB, tmp_path / "bundle.jwb")
    shutil.copy(CORPUS / "ShowMaster32__Jira-Workflow-Decode__OBEYA__Simple_Workflow.xml", tmp_path / "export.xml")
    (tmp_path / "package.json").write_text('{"name": "x", "dependencies": {}}', encoding="utf-8")
    (tmp_path / "catalogue.json").write_text('{"statuses": {"10000": {"bucket": "resolved"}}}', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a workflow", encoding="utf-8")
    found = registry.expand_paths([str(tmp_path)])
    assert [Path(p).name for p in found] == ["bundle.jwb", "cloud.json", "export.xml"]
    run = invoke(["lint", "--format", "json", tmp_path])
    assert run.code == 1, run.output
    assert {Path(f["path"]).name for f in json.loads(run.stdout)["files"]} == {"bundle.jwb", "cloud.json", "export.xml"}


def test_skip_non_workflow_skips_other_json_unread(tmp_path: Path) -> None:
    tsconfig = tmp_path / "tsconfig.json"
    tsconfig.write_text('{\n  // JSONC, not JSON\n  "compilerOptions": {}\n}\n', encoding="utf-8")
    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text('{"statuses": {"10000": {"bucket": "resolved"}}}', encoding="utf-8")
    run = invoke(["lint", "--skip-non-workflow", tsconfig, catalogue, OBEYA_JSON])
    assert run.code == 1 and "tsconfig" not in run.stdout and "catalogue" not in run.stdout, run.output
    assert "[any-to-resolved]" in run.stdout
    assert invoke(["lint", tsconfig]).code == 2  # named without the flag, it is reported


def test_stdin_is_detected_by_content() -> None:
    run = invoke(["lint", "-"], stdin=OBEYA_JSON.read_bytes())
    assert run.code == 1 and "[any-to-resolved]" in run.stdout, run.output
    run = invoke(["lint", "-"], stdin=OBEYA_JWB.read_bytes())
    assert run.code == 1 and "[any-to-resolved]" in run.stdout, run.output


def _validator():  # type: ignore[no-untyped-def]
    import jsonschema

    from jwflint.core.resources import schema_path

    return jsonschema.Draft202012Validator(json.loads(schema_path("lint-output.schema.json").read_text("utf-8")))


def _two_workflows(tmp_path: Path) -> Path:
    document = json.loads(OBEYA_JSON.read_text(encoding="utf-8"))
    second = json.loads(json.dumps(document["workflows"][0]))
    second["name"] = "Second workflow"
    document["workflows"].append(second)
    path = tmp_path / "two.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def test_a_document_with_two_workflows_lints_each_by_name(tmp_path: Path) -> None:
    path = _two_workflows(tmp_path)
    result = Engine.from_config(Config()).lint_path(str(path))
    assert [w.name for w in result.workflows] == ["OBEYA: Simple Workflow", "Second workflow"]
    by_workflow = {f.workflow for f in result.findings}
    assert by_workflow == {"OBEYA: Simple Workflow", "Second workflow"}
    assert len(result.findings) == 2 * len(lint(OBEYA_JSON))
    output = json.loads(invoke(["lint", "--format", "json", path]).stdout)
    _validator().validate(output)
    report = output["files"][0]
    assert report["workflows"] == ["OBEYA: Simple Workflow", "Second workflow"] and report["statuses"] == 8
    explained = invoke(["lint", "--explain-buckets", path]).stdout
    assert "workflow 'OBEYA: Simple Workflow'" in explained and "workflow 'Second workflow'" in explained


# --- model and vocabulary -------------------------------------------------------------------------


def test_cloud_shapes_map_onto_the_model() -> None:
    workflow = registry.read(str(CLOUD / "test-projectrole-condition-workflow.json"),
                             (CLOUD / "test-projectrole-condition-workflow.json").read_bytes())[0]
    by_id = {t.id: t for t in workflow.transitions}
    assert [(s.step_id, s.name, s.status_id, s.category) for s in workflow.statuses] == [
        (1, "Open", "1", "TODO"), (2, "In Progress", "3", "IN_PROGRESS"), (3, "Resolved", "5", "DONE"),
        (4, "Reopened", "4", "TODO"), (5, "Closed", "6", "DONE"),
    ]
    assert workflow.statuses[4].metas == {"jira.issue.editable": "false"}
    assert (by_id[1].kind, by_id[1].target) == ("initial", 1)
    assert (by_id[4].kind, sorted(by_id[4].sources), by_id[4].target) == ("common", [1, 4], 2)
    assert (by_id[301].kind, by_id[301].sources) == ("step", [2])
    assert (by_id[5].view, by_id[5].screen) == ("fieldscreen", 3)
    start = by_id[4].conditions
    assert start is not None and start.operator == "OR"
    assert [c.short_name for c in by_id[4].iter_conditions()] == ["system:restrict-issue-transition"] * 4
    assert [c.class_name for c in by_id[4].iter_conditions()] == [
        jira.ALLOW_ONLY_ASSIGNEE, jira.IN_PROJECT_ROLE, jira.IN_PROJECT_ROLE, jira.IN_PROJECT_ROLE,
    ]
    assert [f.args[jira.ARG_FIELD_NAME] for f in by_id[3].post_functions] == ["resolution"]


@pytest.mark.parametrize(
    ("rule_key", "parameters", "expected"),
    [
        ("system:update-field", {"field": "resolution", "value": "10000"},
         [(jira.UPDATE_ISSUE_FIELD, "resolution", "10000")]),
        ("system:update-field", {"field": "resolution"}, [(jira.UPDATE_ISSUE_FIELD, "resolution", "")]),
        ("system:change-assignee", {"type": "to-unassigned"}, [(jira.UPDATE_ISSUE_FIELD, "assignee", "")]),
        ("system:change-assignee", {"type": "to-current-user"}, [(jira.ASSIGN_FUNCTIONS[0], None, None)]),
        ("system:restrict-from-all-users", {"restrictMode": "users"}, [(jira.REMOTE_ONLY, None, None)]),
        ("system:restrict-from-all-users", {"restrictMode": "usersAndAPI"}, [(jira.ALWAYS_FALSE, None, None)]),
        ("system:restrict-issue-transition", {"groupIds": "g1, g2", "roleIds": "10002"},
         [(jira.USER_IN_GROUP, None, None), (jira.USER_IN_GROUP, None, None), (jira.IN_PROJECT_ROLE, None, None)]),
        ("system:restrict-issue-transition", {"accountIds": "allow-reporter,5b10ac8d82e05b22cc7d4ef5"},
         [(jira.ALLOW_ONLY_REPORTER, None, None), (jira.CLOUD_RESTRICT, None, None)]),
        ("system:previous-status-condition", {"previousStatusIds": "3"}, []),
    ],
)
def test_cloud_rule_equivalents(rule_key: str, parameters: dict[str, str], expected: list) -> None:
    found = jira.cloud_rule_equivalents(rule_key, parameters)
    assert [(cls, args.get(jira.ARG_FIELD_NAME), args.get(jira.ARG_FIELD_VALUE)) for cls, args in found] == expected
    assert all(args.items() >= parameters.items() or rule_key == jira.CLOUD_RESTRICT for _, args in found)


def test_a_cloud_workflow_set_up_for_the_bot_passes_the_service_bot_pack() -> None:
    catalogue = Catalogue(resolutions={"Done": "10000"}, bot=BotIdentity(group="6f0c2d9e-bot-group"))
    findings = lint(BOT_READY, catalogue)
    assert [f for f in findings if f.rule.startswith(("bot-", "any-to-", "resolve-"))] == []


def test_an_api_only_cloud_transition_counts_as_restricted_to_the_bot(tmp_path: Path) -> None:
    document = json.loads(BOT_READY.read_text(encoding="utf-8"))
    resolve = document["workflows"][0]["transitions"][1]
    del resolve["conditions"]
    path = tmp_path / "open-resolve.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    catalogue = Catalogue(resolutions={"Done": "10000"}, bot=BotIdentity(group="6f0c2d9e-bot-group"))
    rules = {f.rule for f in lint(path, catalogue)}
    assert "bot-transition-restricted" in rules
    assert "bot-transition-restricted" not in {f.rule for f in lint(BOT_READY, catalogue)}


# --- buckets by category ----------------------------------------------------------------------------


def test_explain_buckets_gives_the_category_as_the_reason() -> None:
    run = invoke(["lint", "--explain-buckets", BOT_READY])
    assert "status 'Closed' (step 3, status id 10002): resolved (category DONE)" in run.stdout
    assert "status 'Working' (step 2, status id 10001): in_progress (category IN_PROGRESS)" in run.stdout


def test_names_choose_within_a_category(tmp_path: Path) -> None:
    document = json.loads(BOT_READY.read_text(encoding="utf-8"))
    document["statuses"][0]["name"] = "Reopened"
    document["statuses"][1]["name"] = "Waiting for customer"
    path = tmp_path / "named.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = invoke(["lint", "--explain-buckets", path])
    assert "'Reopened' (step 1, status id 10000): reopened (category TODO and its name 'Reopened')" in run.stdout
    assert "'Waiting for customer' (step 2, status id 10001): waiting (category IN_PROGRESS and its name" in run.stdout


def test_catalogue_categories_decide_buckets_of_an_xml_export(tmp_path: Path) -> None:
    xml = CORPUS / "ShowMaster32__Jira-Workflow-Decode__OBEYA__Simple_Workflow.xml"
    config = tmp_path / ".jwflint.yaml"
    config.write_text("catalogue:\n  statuses:\n    '10927': {category: DONE}\n", encoding="utf-8")
    run = invoke(["lint", "--config", config, "--explain-buckets", xml])
    assert "status 'Standby' (step 5, status id 10927): resolved (category DONE)" in run.stdout
    config.write_text("catalogue:\n  statuses:\n    '10927': {category: FINISHED}\n", encoding="utf-8")
    run = invoke(["lint", "--config", config, xml])
    assert run.code == 2 and "unknown category 'FINISHED'" in run.output


# --- .jwb bundles ---------------------------------------------------------------------------------


def test_the_real_bundle_lints_with_names_and_categories_from_statuses_json() -> None:
    if not REAL_JWB.is_file():
        pytest.skip("shared jwb samples not available")
    result = Engine.from_config(Config()).lint_path(str(REAL_JWB))
    assert not result.failed
    workflow = result.workflow
    assert workflow is not None and workflow.name == "security-hub-workflow" and workflow.format == "jwb"
    categories = {s.name: s.category for s in workflow.statuses}
    assert categories["RISK APPROVED"] == "DONE" and categories["TEST FIX"] == "TODO"
    assert categories["Open"] is None  # system statuses are not in statuses.json
    assert "standard-post-functions" in {rule.id for rule in Engine.from_config(Config()).rules}


def test_a_bundle_gives_the_findings_of_its_workflow_xml() -> None:
    xml = CORPUS / "ShowMaster32__Jira-Workflow-Decode__OBEYA__Simple_Workflow.xml"
    categories = Catalogue(statuses={
        "10008": StatusInfo("10008", None, None, "TODO"), "10007": StatusInfo("10007", None, None, "DONE"),
        "10927": StatusInfo("10927", None, None, "TODO"),
    })
    from_xml = [(f.line, f.column, f.rule, f.status, f.transition) for f in lint(xml, categories)]
    from_jwb = [(f.line, f.column, f.rule, f.status, f.transition) for f in lint(OBEYA_JWB)]
    assert from_jwb == from_xml and from_jwb


@pytest.mark.parametrize("path", [REAL_JWB, OBEYA_JWB, OBEYA_JSON, BOT_READY], ids=lambda p: p.name)
def test_render_draws_bundles_and_cloud_documents(tmp_path: Path, path: Path) -> None:
    if not path.is_file():
        pytest.skip("shared jwb samples not available")
    run = invoke(["render", "--format", "mermaid", path])
    assert run.code == 0, run.output
    assert run.stdout.startswith("%% jwflint: ") and "stateDiagram-v2" in run.stdout
    out = tmp_path / "diagram.svg"
    assert invoke(["render", "-o", out, path]).code == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))


def test_render_draws_the_workflow_named(tmp_path: Path) -> None:
    path = _two_workflows(tmp_path)
    first = invoke(["render", "--format", "mermaid", path])
    assert first.code == 0 and first.stdout.startswith("%% jwflint: OBEYA#58; Simple Workflow\n"), first.output
    second = invoke(["render", "--format", "mermaid", "--workflow", "Second workflow", path])
    assert second.code == 0 and second.stdout.startswith("%% jwflint: Second workflow\n"), second.output
    missing = invoke(["render", "--format", "mermaid", "--workflow", "Nope", path])
    assert missing.code == 2 and "no workflow named 'Nope'" in missing.output


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_zip([("workflow.xml", b" " * 30_000_000)]), "refused as a zip bomb"),
        (_zip([(f"screen{i}.xml", b"") for i in range(100)] + [("workflow.xml", b"<workflow/>")]), "101 entries"),
        (_zip([("workflow.xml", random.Random(1).randbytes(750_000).hex().encode())]), "expands to"),
        (_zip([("layout.v2.json", b"{}")]), "no workflow.xml"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable zip archive"),
    ],
    ids=["bomb", "many-entries", "over-the-size-limit", "no-workflow", "truncated"],
)
def test_bad_bundles_are_refused_with_exit_2(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "bad.jwb"
    path.write_bytes(data)
    run = invoke(["lint", "--max-size", "1MB", path])
    only_finding(run, path, "bad-bundle")
    assert words in run.stdout  # the headline or its help line


@pytest.mark.parametrize("xml", corpus_files(), ids=lambda p: p.stem[:60])
def test_bundles_made_from_corpus_exports_give_the_exports_findings(tmp_path: Path, xml: Path) -> None:
    bundle = tmp_path / (xml.stem + ".jwb")
    layout = b'{"statuses": [], "transitions": []}'
    bundle.write_bytes(_zip([("workflow.xml", xml.read_bytes()), ("layout.v2.json", layout), ("notes.md", b"# notes")]))
    engine = Engine.from_config(Config())
    from_xml, from_jwb = engine.lint_path(str(xml)), engine.lint_path(str(bundle))
    assert not from_jwb.failed and from_jwb.workflow is not None and from_jwb.workflow.format == "jwb"
    def keys(findings: list) -> list[tuple]:
        return [(f.line, f.column, f.rule, f.message, f.status, f.transition, f.workflow) for f in findings]

    assert keys(from_jwb.findings) == keys(from_xml.findings)


def test_a_bundle_whose_workflow_xml_is_broken_reports_the_xml_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.jwb"
    path.write_bytes(_zip([("workflow.xml", b"<workflow>\n  <steps>\n</workflow>")]))
    match = only_finding(invoke(["lint", path]), path, "xml-syntax")
    assert match["line"] == "3"


# --- formats in rule packs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "expected"),
    [("[cloud]", ("cloud",)), ("[jwb, xml]", ("xml", "jwb")), ("xml", ("xml",)), (None, ("xml", "jwb", "cloud"))],
)
def test_rule_packs_take_formats(tmp_path: Path, formats: str | None, expected: tuple[str, ...]) -> None:
    from jwflint.lint.rules import load_pack

    pack = tmp_path / "mine.yaml"
    line = f"    formats: {formats}\n" if formats else ""
    pack.write_text(f"rules:\n  - id: my-rule\n    summary: S.\n    check: dead_end_status\n{line}", encoding="utf-8")
    assert load_pack(pack)[0].formats == expected


@pytest.mark.parametrize(("formats", "words"), [("[json]", "unknown format 'json'"), ("[]", "non-empty list")])
def test_rule_packs_refuse_unknown_formats(tmp_path: Path, formats: str, words: str) -> None:
    from jwflint.core.errors import ConfigError
    from jwflint.lint.rules import load_pack

    pack = tmp_path / "mine.yaml"
    rule = f"  - id: my-rule\n    summary: S.\n    check: dead_end_status\n    formats: {formats}\n"
    pack.write_text("rules:\n" + rule, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_pack(pack)


def test_a_rule_limited_to_xml_does_not_run_on_cloud_json() -> None:
    engine = Engine.from_config(Config())
    engine.rules = [rule for rule in engine.rules if rule.id == "standard-post-functions"]
    assert engine.rules[0].formats == ("xml", "jwb")
    failing_xml = FIXTURES / "rules" / "standard-post-functions" / "fail_missing.xml"
    assert {f.rule for f in engine.lint_path(str(failing_xml)).findings} == {"standard-post-functions"}  # on XML
    # Cloud JSON lists no built-in post-functions: the rule would fail every transition, so it is not run
    assert engine.lint_path(str(OBEYA_JSON)).findings == []
