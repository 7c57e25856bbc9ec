"""`patch bot` and `fix` on Jira Cloud workflow JSON and .jwb bundles, and on XML exported from Cloud.

Goldens: fixtures/patch/cloud-json-<case>/ holds input.json, args (one CLI argument a line), and the
expected patched document (expected.json), update request (expected.request.json) and report
(expected.txt). JWFLINT_UPDATE_GOLDENS=1 rewrites them; read the diff before committing.
Every update request written here must pass the OpenAPI schema (tests/openapi_schema.py) and
name only rule keys and parameters in jwflint's table (core/cloud_rules.py).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jwflint.cli import cli
from jwflint.core.cloud_rules import CLOUD_RULES
from jwflint.patch.cloud_write import unknown_rules
from jwflint.sources import cloud_json, registry
from tests import openapi_schema

from .conftest import CORPUS, FIXTURES, SHARED

CASES = sorted(p.parent for p in (FIXTURES / "patch").glob("cloud-json-*/input.json"))
UPDATE = os.environ.get("JWFLINT_UPDATE_GOLDENS") == "1"
JWB_SAMPLE = SHARED / "jwb-samples" / "security-hub-workflow.jwb"
BOT_RULES = ("any-to-resolved", "any-to-in-progress", "any-to-reopened")
needs_spec = pytest.mark.skipif(not openapi_schema.available(), reason="../shared/jira-openapi is not available")


def invoke(args: list[str], cwd: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> Any:
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, args)


def check_request(path: Path) -> dict[str, Any]:
    """The request file: valid against the OpenAPI schema, every rule key and parameter known."""
    request = json.loads(path.read_text(encoding="utf-8"))
    if openapi_schema.available():
        assert openapi_schema.errors("WorkflowUpdateRequest", request) == []
    assert unknown_rules(request) == []
    return request


def _golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.write_bytes(actual)
    assert path.exists(), f"missing golden {path}; run with JWFLINT_UPDATE_GOLDENS=1"
    assert actual == path.read_bytes(), f"{path} differs"


def _case_args(case: Path) -> list[str]:
    return [line for line in (case / "args").read_text(encoding="utf-8").split("\n") if line]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_cloud_patch(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, request = tmp_path / "out.json", tmp_path / "request.json"
    result = invoke(
        ["patch", "bot", *_case_args(case), "input.json", "-o", str(out), "--update-request", str(request)],
        case,
        monkeypatch,
    )
    assert result.exit_code == 0, result.output
    _golden(case / "expected.json", out.read_bytes())
    _golden(case / "expected.request.json", request.read_bytes())
    _golden(case / "expected.txt", result.stdout.replace(str(tmp_path), "TMP").encode("utf-8"))
    sent = check_request(request)
    original = json.loads((case / "input.json").read_bytes())["values"][0]
    workflow = sent["workflows"][0]
    assert (workflow["id"], workflow["version"]) == (original["id"], original["version"])
    # All the statuses and transitions as they were, then the bot's three.
    assert [s["statusReference"] for s in workflow["statuses"]] == [s["statusReference"] for s in original["statuses"]]
    assert [t["id"] for t in workflow["transitions"][: len(original["transitions"])]] == [
        t["id"] for t in original["transitions"]
    ]
    added = workflow["transitions"][len(original["transitions"]) :]
    assert [t["type"] for t in added] == ["GLOBAL"] * 3


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_patched_cloud_document_keeps_the_input_and_settles(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, patched = (case / "input.json").read_bytes(), (case / "expected.json").read_bytes()
    # Everything the input had is still there, in order: the patch only inserts.
    before, after = json.loads(source), json.loads(patched)
    assert list(after) == list(before)
    old = before["values"][0]
    new = after["values"][0]
    assert list(new) == list(old)
    assert new["transitions"][: len(old["transitions"])] == old["transitions"]
    assert patched.startswith(source[: source.index(b'"transitions"')])
    # A second patch changes nothing and writes no request.
    again, request = tmp_path / "again.json", tmp_path / "request.json"
    result = invoke(
        ["patch", "bot", *_case_args(case), "expected.json", "-o", str(again), "--update-request", str(request)],
        case,
        monkeypatch,
    )
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == patched
    assert "nothing to change" in result.stdout
    assert not request.exists()
    # It re-lints with no service-bot error.
    lint = invoke(["lint", "--format", "json", *_config_args(case), "expected.json"])
    assert not [f for f in json.loads(lint.stdout)["findings"] if f["rule"] in BOT_RULES], lint.stdout


def _config_args(case: Path) -> list[str]:
    return ["--config", "config.yaml"] if (case / "config.yaml").exists() else []


def test_bot_transitions_are_restricted_as_asked(tmp_path: Path) -> None:
    case = FIXTURES / "patch" / "cloud-json-api-only-compact"
    request = json.loads((case / "expected.request.json").read_bytes())
    added = request["workflows"][0]["transitions"][-3:]
    for transition in added:
        assert transition["conditions"]["operation"] == "ALL"
        assert transition["conditions"]["conditions"] == [
            {"ruleKey": "system:restrict-from-all-users", "parameters": {"restrictMode": "users"}},
            {
                "ruleKey": "system:restrict-issue-transition",
                "parameters": {"roleIds": "10002", "accountIds": "5e68ac137d64450d01a77fa0"},
            },
        ]
    resolve, _, reopen = added
    assert resolve["transitionScreen"] == {"ruleKey": "system:transition-screen", "parameters": {"screenId": "3"}}
    assert {"ruleKey": "system:update-field", "parameters": {"field": "assignee", "mode": "replace"}} in reopen[
        "actions"
    ]
    # The compact, ASCII-escaped input stays compact and escaped.
    patched = (case / "expected.json").read_bytes()
    assert b"\n" not in patched and b"Soci\\u00e9t\\u00e9" in patched


def test_fix_on_cloud_json_validates_and_settles(tmp_path: Path) -> None:
    case = FIXTURES / "patch" / "cloud-json-group"
    config = tmp_path / "config.yaml"
    config.write_text('catalogue:\n  bot:\n    group: g-1\n  resolutions:\n    Done: "10000"\n', encoding="utf-8")
    out = tmp_path / "fixed.json"
    result = invoke(["fix", "--unsafe-fixes", "--config", str(config), str(case / "input.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "added GLOBAL transition 'Resolve (bot)'" in result.stdout
    lint = invoke(["lint", "--format", "json", "--config", str(config), str(out)])
    assert not [f for f in json.loads(lint.stdout)["findings"] if f["severity"] == "error"], lint.stdout
    again = tmp_path / "again.json"
    invoke(["fix", "--unsafe-fixes", "--config", str(config), str(out), "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_fix_golden_each_json_fixer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolution set to Done, assignee and resolution cleared, the bot restriction ANDed with an ANY group."""
    case = FIXTURES / "patch" / "cloud-fix-unsafe"
    out, request = tmp_path / "out.json", tmp_path / "request.json"
    args = ["fix", "--unsafe-fixes", "--config", "config.yaml", "input.json", "-o", str(out)]
    result = invoke([*args, "--update-request", str(request)], case, monkeypatch)
    assert result.exit_code == 0, result.output
    _golden(case / "expected.json", out.read_bytes())
    _golden(case / "expected.txt", result.stdout.replace(str(tmp_path), "TMP").encode("utf-8"))
    check_request(request)
    lint = invoke(["lint", "--format", "json", "--config", "config.yaml", str(out)])
    assert json.loads(lint.stdout)["findings"] == []
    second = invoke(["fix", "--unsafe-fixes", "--config", "config.yaml", str(out), "-o", str(tmp_path / "again.json")])
    assert (tmp_path / "again.json").read_bytes() == out.read_bytes(), second.output


def test_update_request_needs_cloud_json(tmp_path: Path) -> None:
    xml = FIXTURES / "patch" / "global_only" / "input.xml"
    result = invoke(
        [
            "patch",
            "bot",
            "--unrestricted",
            str(xml),
            "-o",
            str(tmp_path / "o.xml"),
            "--update-request",
            str(tmp_path / "r"),
        ]
    )
    assert result.exit_code == 2
    assert "--update-request needs a Jira Cloud workflow document" in result.output
    assert not (tmp_path / "o.xml").exists()
    bad = invoke(
        [
            "patch",
            "bot",
            "--unrestricted",
            str(CASES[0] / "input.json"),
            "--diff",
            "--update-request",
            str(tmp_path / "no/r"),
        ]
    )
    assert bad.exit_code == 2 and "does not exist" in bad.output


# --- the rule table and the schema helper -----------------------------------------------------------


@needs_spec
def test_rule_table_matches_the_capabilities_description() -> None:
    text = openapi_schema.spec()["paths"]["/rest/api/3/workflows/capabilities"]["get"]["description"]
    in_spec = set(re.findall(r'"ruleKey"\s*:\s*"(system:[a-z-]+)"', text))
    in_spec |= set(re.findall(r"`((?:connect|forge):[a-z-]+)`", text))
    assert set(CLOUD_RULES) == in_spec
    for rule in CLOUD_RULES.values():
        for name in rule.parameters:
            assert f'"{name}"' in text or f"`{name}`" in text, (rule.key, name)


@needs_spec
def test_schema_helper_rejects_what_jira_would() -> None:
    assert openapi_schema.errors("WorkflowUpdateRequest", {"workflows": [{"id": "x"}]})  # no version, statuses …
    bad_type = {
        "statuses": [],
        "workflows": [
            {
                "id": "x",
                "version": {},
                "statuses": [],
                "transitions": [{"type": "global", "links": [{"fromStatusReference": None}]}],
            }
        ],
    }
    assert any("'global' is not one of" in e for e in openapi_schema.errors("WorkflowUpdateRequest", bad_type))
    ok = {
        "statuses": [],
        "workflows": [
            {
                "id": "x",
                "version": {},
                "statuses": [],
                "transitions": [{"type": "GLOBAL", "links": [{"fromStatusReference": None}], "transitionScreen": None}],
            }
        ],
    }
    assert openapi_schema.errors("WorkflowUpdateRequest", ok) == []  # nullable converted
    assert unknown_rules(
        {
            "workflows": [
                {"transitions": [{"actions": [{"ruleKey": "system:update-field", "parameters": {"fieldId": "x"}}]}]}
            ]
        }
    ) == ["fieldId"]


# --- .jwb bundles ------------------------------------------------------------------------------------


def _bundle_from(xml: Path, tmp_path: Path) -> Path:
    path = tmp_path / (xml.stem[:40] + ".jwb")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("workflow.xml", xml.read_bytes())
        bundle.writestr("layout.v2.json", b'{"statuses":[],"transitions":[]}')
        bundle.writestr("statuses.json", b"[]")
        bundle.writestr("notes.md", "Exported for a test.\n")
    return path


BUNDLE_SOURCES = [JWB_SAMPLE] if JWB_SAMPLE.is_file() else []
BUNDLE_SOURCES += sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []


def _entries(data: bytes) -> dict[str, tuple[bytes, tuple[int, ...], int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: (archive.read(i), i.date_time, i.compress_type) for i in archive.infolist()}


@pytest.mark.parametrize("source", BUNDLE_SOURCES, ids=lambda p: p.stem[:50])
def test_bundles_patch_keeping_their_other_entries(source: Path, tmp_path: Path) -> None:
    """The real bundle, and a bundle made from each corpus export."""
    bundle = source if source.suffix == ".jwb" else _bundle_from(source, tmp_path)
    out = tmp_path / ("patched-" + bundle.name)
    # --force: some corpus exports are Jira Software's managed workflows, which patch refuses by default.
    result = invoke(["patch", "bot", "--unrestricted", "--force", str(bundle), "-o", str(out)])
    assert result.exit_code == 0, (bundle, result.output)
    before, after = _entries(bundle.read_bytes()), _entries(out.read_bytes())
    assert list(after) == list(before)
    for name, entry in before.items():
        if name != "workflow.xml":
            assert after[name] == entry, (bundle, name)
    if source.suffix == ".xml":  # the bundle's workflow.xml is patched as the export itself is
        plain = tmp_path / "plain.xml"
        assert invoke(["patch", "bot", "--unrestricted", "--force", str(source), "-o", str(plain)]).exit_code == 0
        assert after["workflow.xml"][0] == plain.read_bytes()
    # The result reads back as a bundle, re-lints, and a second patch changes nothing.
    assert registry.read(str(out), out.read_bytes())
    lint = invoke(["lint", "--format", "json", str(out)])
    assert lint.exit_code in (0, 1), lint.output
    second = invoke(["patch", "bot", "--unrestricted", "--force", str(out), "--diff"])
    assert second.exit_code == 0 and second.stdout == "", second.output


SHIPPED_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow>
  <initial-actions>
    <action id="1" name="Create">
      <results><unconditional-result old-status="null" status="open" step="1"/></results>
    </action>
  </initial-actions>
  <steps>
    <step id="1" name="Open">
      <meta name="jira.status.id">1</meta>
      <actions>
        <action id="11" name="Ship">
          <results><unconditional-result old-status="null" status="null" step="2"/></results>
        </action>
      </actions>
    </step>
    <step id="2" name="Shipped">
      <meta name="jira.status.id">10400</meta>
    </step>
  </steps>
</workflow>
"""


def test_bundle_statuses_json_categories_pick_the_bucket(tmp_path: Path) -> None:
    """statuses.json says custom status 10400 'Shipped' is DONE: the bot's resolve goes there.
    The same XML alone has no Resolved status, and gets a manual step instead."""
    xml = tmp_path / "shipped.xml"
    xml.write_text(SHIPPED_XML, encoding="utf-8")
    bundle = tmp_path / "shipped.jwb"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workflow.xml", SHIPPED_XML)
        archive.writestr("statuses.json", '[{"originalId": "10400", "name": "Shipped", "statusCategoryId": 3}]')
    plain = invoke(["patch", "bot", "--unrestricted", str(xml), "--diff"])
    assert "added transition 'Resolve (bot)'" not in plain.output, plain.output
    result = invoke(["patch", "bot", "--unrestricted", str(bundle), "--diff"])
    assert result.exit_code == 0, result.output
    assert "added transition 'Resolve (bot)' (id 21): any status -> 'Shipped' (step 2)" in result.output


def test_bundle_diff_shows_the_workflow_xml(tmp_path: Path) -> None:
    if not JWB_SAMPLE.is_file():
        pytest.skip("no shared bundle")
    result = invoke(["patch", "bot", "--unrestricted", str(JWB_SAMPLE), "--diff"])
    assert result.exit_code == 0
    assert '+    <action id="201" name="Resolve (bot)" view="fieldscreen">' in result.stdout


# --- XML exported from Cloud ---------------------------------------------------------------------------


def test_cloud_xml_export_says_how_to_reach_cloud(tmp_path: Path) -> None:
    cloud_xml = CORPUS / "Igor-99__devops-23__Bug.xml"
    if not cloud_xml.is_file():
        pytest.skip("corpus not available")
    result = invoke(["patch", "bot", "--unrestricted", str(cloud_xml), "-o", str(tmp_path / "out.xml")])
    assert result.exit_code == 0, result.output
    assert "this XML came from Jira Cloud (blank lines before <?xml, a Cloud account id" in result.stdout
    assert "Jira Cloud cannot import workflow XML" in result.stdout
    assert "`jwflint pull --workflow 'Igor-99__devops-23__Bug'`" in result.stdout
    assert "`jwflint push --apply request.json`" in result.stdout
    assert (tmp_path / "out.xml").exists()
    dc = invoke(["patch", "bot", "--unrestricted", str(FIXTURES / "patch" / "global_only" / "input.xml"), "--diff"])
    assert "Jira Cloud" not in dc.output


# --- every Cloud document the suite has; shapes and styles -------------------------------------------

CLOUD_DOCUMENTS = sorted((FIXTURES / "cloud").glob("*.json"))


@pytest.mark.parametrize("document", CLOUD_DOCUMENTS, ids=lambda p: p.stem)
def test_every_cloud_document_patches_with_a_valid_request(document: Path, tmp_path: Path) -> None:
    out, request = tmp_path / "out.json", tmp_path / "request.json"
    args = ["patch", "bot", str(document), "--group", "703ff44a", "--api-only", "--update-request", str(request)]
    result = invoke([*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    patched = registry.read(str(out), out.read_bytes())
    assert [w.name for w in patched] == [w.name for w in registry.read(str(document), document.read_bytes())]
    if "added GLOBAL transition" in result.stdout:
        check_request(request)
    else:
        assert not request.exists() and out.read_bytes() == document.read_bytes()
    again = invoke(["patch", "bot", str(out), "--group", "703ff44a", "--api-only", "--diff"])
    assert again.exit_code == 0 and again.stdout == "", again.output
    # Re-linted, no any-to-<bucket> error is left, except where the workflow has no status for it.
    select = [arg for rule in BOT_RULES for arg in ("--select", rule)]
    lint = invoke(["lint", "--format", "json", *select, str(out)])
    titles = {"any-to-resolved": "Resolved", "any-to-in-progress": "In Progress", "any-to-reopened": "Reopened"}
    for finding in json.loads(lint.stdout)["findings"]:
        assert f"No bot transition into {titles[finding['rule']]} was added" in result.stdout, finding


def test_older_transition_shape_is_kept_in_the_document_and_converted_in_the_request(tmp_path: Path) -> None:
    document = FIXTURES / "cloud" / "tasks_workflow.json"
    out, request = tmp_path / "out.json", tmp_path / "request.json"
    result = invoke(["patch", "bot", "--unrestricted", str(document), "-o", str(out), "--update-request", str(request)])
    assert result.exit_code == 0, result.output
    before = json.loads(document.read_bytes())["values"][0]["transitions"]
    added = json.loads(out.read_bytes())["values"][0]["transitions"][len(before) :]
    assert added and all("to" in t and t["from"] == [] and "toStatusReference" not in t for t in added)
    sent = check_request(request)["workflows"][0]["transitions"]
    assert all("to" not in t and "toStatusReference" in t for t in sent)
    directed = [t for t in sent if t["type"] == "DIRECTED"]
    assert directed and all(t["links"] and "fromStatusReference" in t["links"][0] for t in directed)


def _group_document() -> dict[str, Any]:
    return json.loads((FIXTURES / "patch" / "cloud-json-group" / "input.json").read_bytes())


def test_crlf_and_tabs_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "tabs.json"
    source.write_bytes(json.dumps(_group_document(), indent="\t", ensure_ascii=False).replace("\n", "\r\n").encode())
    out = tmp_path / "out.json"
    assert invoke(["patch", "bot", "--unrestricted", str(source), "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") and b'\r\n\t\t\t\t\t"name": "Resolve (bot)"' in data
    assert json.loads(data)["values"][0]["transitions"][-1]["name"] == "Reopen (bot)"


def test_old_mac_line_ends_are_kept_and_positions_count_them(tmp_path: Path) -> None:
    text = json.dumps(_group_document(), indent=2, ensure_ascii=False)
    outputs = []
    for name, end in (("lf", "\n"), ("cr", "\r")):
        source = tmp_path / f"{name}.json"
        source.write_bytes(text.replace("\n", end).encode())
        out = tmp_path / f"{name}.out.json"
        assert invoke(["patch", "bot", "--unrestricted", str(source), "-o", str(out)]).exit_code == 0
        outputs.append(out.read_bytes())
        lint = invoke(["lint", "--format", "json", "--fail-on", "never", str(source)])
        outputs.append(json.dumps([(f["line"], f["column"], f["rule"]) for f in json.loads(lint.stdout)["findings"]]))
    lf_patch, lf_findings, cr_patch, cr_findings = outputs
    assert b"\n" not in cr_patch and cr_patch.replace(b"\r", b"\n") == lf_patch
    assert cr_findings == lf_findings and json.loads(lf_findings)


def test_a_document_with_several_workflows(tmp_path: Path) -> None:
    document = _group_document()
    first = document["values"][0]
    second = json.loads(json.dumps(first))
    second.update(id="0f0e0d0c-1111-4222-8333-444455556666", name="Second")
    second["transitions"] = [t for t in second["transitions"] if t["type"] == "INITIAL"]
    source = tmp_path / "two.json"
    source.write_text(json.dumps({"workflows": [first, second], "statuses": document["statuses"]}, indent=2))
    out, request = tmp_path / "out.json", tmp_path / "request.json"
    result = invoke(["patch", "bot", "--unrestricted", str(source), "-o", str(out), "--update-request", str(request)])
    assert result.exit_code == 0, result.output
    assert "workflow 'IT Support Workflow': added GLOBAL transition 'Resolve (bot)'" in result.stdout
    assert "workflow 'Second': added GLOBAL transition 'Resolve (bot)'" in result.stdout
    sent = check_request(request)
    assert [w["id"] for w in sent["workflows"]] == [first["id"], second["id"]]
    assert len({s["statusReference"] for s in sent["statuses"]}) == len(sent["statuses"])


def test_write_in_place_and_stdin(tmp_path: Path) -> None:
    source, out = tmp_path / "wf.json", tmp_path / "out.json"
    source.write_bytes((FIXTURES / "cloud" / "tasks_workflow.json").read_bytes())
    source.chmod(0o640)
    assert invoke(["patch", "bot", "--unrestricted", str(source), "-o", str(out)]).exit_code == 0
    assert invoke(["patch", "bot", "--unrestricted", str(source), "--write"]).exit_code == 0
    assert source.read_bytes() == out.read_bytes() != (FIXTURES / "cloud" / "tasks_workflow.json").read_bytes()
    assert source.stat().st_mode & 0o777 == 0o640
    piped = CliRunner().invoke(
        cli, ["patch", "bot", "--unrestricted", "-"], input=(FIXTURES / "cloud" / "tasks_workflow.json").read_bytes()
    )
    assert piped.exit_code == 0, piped.output
    assert piped.stdout.encode() == out.read_bytes()


@pytest.mark.parametrize(
    "body",
    [
        b'{"values": [], "values": []}',
        b"[" * 100_000,
        b'{"values": [{"name": "\xff"}]}',
        b'{"workflows": [1e' + b"9" * 999 + b"]}",
    ],
    ids=["duplicate-keys", "deep", "not-utf8", "huge-number"],
)
def test_hostile_json_is_refused_before_anything_is_written(body: bytes, tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_bytes(body)
    result = invoke(["patch", "bot", "--unrestricted", str(source), "--update-request", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert result.output.startswith("jwflint: error:") and result.output.count("\n") == 1, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_bad_bundles_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    no_workflow, bomb = tmp_path / "empty.jwb", tmp_path / "bomb.jwb"
    with zipfile.ZipFile(no_workflow, "w") as archive:
        archive.writestr("statuses.json", "[]")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workflow.xml", b"<workflow>" + b" " * 5_000_000 + b"</workflow>")
    for bundle in (no_workflow, bomb, tmp_path / "truncated.jwb"):
        if bundle.name == "truncated.jwb":
            bundle.write_bytes(bomb.read_bytes()[:200])
        result = invoke(["patch", "bot", "--unrestricted", str(bundle), "-o", str(tmp_path / "out.jwb")])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("jwflint: error:") and result.output.count("\n") == 1, result.output
        assert not (tmp_path / "out.jwb").exists()


def test_api_only_on_xml_is_hide_from_users() -> None:
    xml = str(FIXTURES / "patch" / "common_actions" / "input.xml")
    api_only = invoke(["patch", "bot", xml, "--group", "bots", "--api-only", "--diff"])
    hidden = invoke(["patch", "bot", xml, "--group", "bots", "--hide-from-users", "--diff"])
    assert api_only.exit_code == 0 and api_only.output == hidden.output
    assert "RemoteOnlyCondition" in api_only.output


def test_fix_on_cloud_xml_export_says_how_to_reach_cloud(tmp_path: Path) -> None:
    cloud_xml = CORPUS / "Igor-99__devops-23__Bug.xml"
    if not cloud_xml.is_file():
        pytest.skip("corpus not available")
    result = invoke(["fix", "--unsafe-fixes", str(cloud_xml), "-o", str(tmp_path / "out.xml")])
    assert result.exit_code == 1, result.output  # findings remain after fixing (issue 16: fix exits as lint does)
    assert "added transition" in result.stdout
    assert "Jira Cloud cannot import workflow XML" in result.stdout


def _unsafe_case(tmp_path: Path, edit: Any) -> tuple[Path, Path]:
    """The cloud-fix-unsafe input with ``edit`` applied to its workflow, and its config."""
    case = FIXTURES / "patch" / "cloud-fix-unsafe"
    document = json.loads((case / "input.json").read_bytes())
    edit(next(iter(cloud_json.workflow_entries(document) or [])))
    source = tmp_path / "edited.json"
    source.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return source, case / "config.yaml"


def _transition(entry: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in entry["transitions"] if t["name"] == name)


@pytest.mark.parametrize(
    ("name", "key", "value", "said"),
    [
        ("Any to Reopened", "actions", "x", "'actions' of transition Any to Reopened (id 51) is not a list"),
        ("Any to In Progress", "conditions", True, "'conditions' of transition Any to In Progress (id 41) is not an"),
        ("Any to In Progress", "conditions", {"operation": "ALL", "conditions": 5}, "'conditions.conditions'"),
    ],
)
def test_fix_refuses_a_transition_part_jira_would_not_write(
    tmp_path: Path, name: str, key: str, value: Any, said: str
) -> None:
    source, config = _unsafe_case(tmp_path, lambda entry: _transition(entry, name).__setitem__(key, value))
    before = source.read_bytes()
    out = tmp_path / "out.json"
    result = invoke(["fix", "--unsafe-fixes", "--config", str(config), str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"jwflint: error: {source}:") and said in line and "correct the document" in line
    position = line.split(f"{source}:", 1)[1].split(": ", 1)[0]
    assert re.fullmatch(r"\d+:\d+", position)
    assert not out.exists() and source.read_bytes() == before


@pytest.mark.parametrize(
    "edit",
    [
        lambda entry: _transition(entry, "Any to Resolved")["conditions"].__setitem__("conditionGroups", 5),
        lambda entry: _transition(entry, "Any to Resolved")["conditions"].__setitem__("conditions", True),
        lambda entry: _transition(entry, "Start Progress").update({"links": [], "from": 1}),
        lambda entry: entry.__setitem__("statuses", True),
        lambda entry: _transition(entry, "Any to Resolved")["actions"][0].__setitem__("parameters", "x"),
    ],
    ids=["conditionGroups a number", "conditions true", "from a number", "statuses true", "parameters a string"],
)
def test_odd_shapes_are_linted_and_patched_without_a_crash(tmp_path: Path, edit: Any) -> None:
    source, config = _unsafe_case(tmp_path, edit)
    lint = invoke(["lint", "--format", "json", "--fail-on", "never", "--config", str(config), str(source)])
    assert lint.exit_code in (0, 2), lint.output
    for args in (
        ["fix", "--unsafe-fixes", "--update-request", str(tmp_path / "u1.json")],
        ["patch", "bot", "--unrestricted", "--update-request", str(tmp_path / "u2.json")],
    ):
        result = invoke([*args, "--config", str(config), str(source), "-o", str(tmp_path / "out.json")])
        assert result.exit_code in (0, 1, 2), result.output
        assert "internal error" not in result.output
