"""SARIF output: valid against the official 2.1.0 schema, shaped for GitHub code scanning, stable
fingerprints, accepted findings kept as suppressions; and the JSON report valid over the corpus."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from jwflint.config.settings import Config
from jwflint.core.findings import Finding, Severity
from jwflint.core.resources import schema_path
from jwflint.lint.engine import load_rules
from jwflint.lint.suppressions import config_rules
from jwflint.output import Report, sarif

from .conftest import FIXTURES, REPO, corpus_files
from .test_cli_lint import invoke

SCHEMAS = REPO / "tests" / "schemas"
GOLDEN = FIXTURES / "config" / "golden" / "report.sarif"
WORKFLOWS = FIXTURES / "config" / "workflows"
UPDATE = os.environ.get("JWFLINT_UPDATE_GOLDENS") == "1"
# RFC 3986 characters of a URI reference (percent-escapes included); anything else must be escaped.
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


def sarif_validator() -> Any:
    import jsonschema  # a dev dependency, imported only where reports are checked

    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def check_github_rules(document: dict[str, Any]) -> None:
    """What GitHub code scanning needs beyond the schema (docs: SARIF support for code scanning)."""
    assert document["version"] == "2.1.0" and document["$schema"].startswith("https://")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "jwflint" and driver["semanticVersion"] and driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert len(rule["properties"]["tags"]) <= 20
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert URI_CHARS.match(uri), uri
        assert "\\" not in unquote(uri)
        if "uriBaseId" in location["artifactLocation"]:
            assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert not urlsplit(uri).scheme and not uri.startswith(("/", "../"))
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["jwflint/v1"])


def some_rules() -> list[Any]:
    wanted = ("dangling-step-reference", "missing-status-id")
    return [r for r in load_rules(Config()) if r.id in wanted] + list(config_rules())


def fixed_report() -> Report:
    """One finding of each awkward kind: unknown position, a space in the path, a path outside the
    repository, an info, a suppressed and a baselined finding."""
    findings = [
        Finding("workflows/IT Support.xml", 33, 13, "dangling-step-reference", Severity.ERROR,
                "transition Escalate (id 12) leads to step 8, which does not exist: point it at an existing step id",
                transition="Escalate (id 12)", workflow="IT Support"),
        Finding("workflows/IT Support.xml", 0, 0, "missing-status-id", Severity.WARNING,
                "step 'Done' has no jira.status.id meta: Jira cannot map it to a status", status="Done",
                workflow="IT Support"),
        Finding(".jwflint.yaml", 7, 5, "stale-suppression", Severity.INFO,
                "suppression of dangling-step-reference for workflow 'IT*' transition 'Close' matched no finding",
                transition="Close", workflow="IT*"),
        Finding("/elsewhere/HR.xml", 4, 1, "missing-status-id", Severity.ERROR, "step 'Open' has no id meta",
                status="Open", workflow="HR"),
    ]
    suppressed = [
        Finding("workflows/IT Support.xml", 48, 13, "dangling-step-reference", Severity.ERROR,
                "transition Park (id 22) leads to step 9", transition="Park (id 22)", workflow="IT Support",
                suppression="Parked issues move to the archive project"),
    ]
    baselined = [
        Finding("workflows/IT Support.xml", 53, 5, "missing-status-id", Severity.ERROR, "step 'Done' has no id",
                status="Done", workflow="IT Support", suppression="accepted in baseline baseline.json"),
    ]
    return Report(results=[], findings=findings, rules=some_rules(), suppressed=suppressed, baselined=baselined)


def test_fixed_report_matches_its_golden_and_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text = sarif.render(fixed_report())
    document = json.loads(text)
    sarif_validator().validate(document)
    check_github_rules(document)
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_results_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    run = json.loads(sarif.render(fixed_report()))["runs"][0]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r for r in run["results"]}
    unknown = results[("missing-status-id", 1)]
    assert unknown["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    assert unknown["level"] == "warning"
    spaced = results[("dangling-step-reference", 33)]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert spaced == {"uri": "workflows/IT%20Support.xml", "uriBaseId": "%SRCROOT%"}
    outside = results[("missing-status-id", 4)]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside == {"uri": "file:///elsewhere/HR.xml"}
    assert results[("stale-suppression", 7)]["level"] == "note"
    assert results[("dangling-step-reference", 48)]["suppressions"] == [
        {"kind": "external", "justification": "Parked issues move to the archive project"}
    ]
    assert results[("missing-status-id", 53)]["suppressions"] == [
        {"kind": "external", "justification": "accepted in baseline baseline.json"}
    ]
    assert "suppressions" not in results[("dangling-step-reference", 33)]
    assert results[("dangling-step-reference", 33)]["properties"] == {
        "workflow": "IT Support", "transition": "Escalate (id 12)"
    }
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    stale = rules["stale-suppression"]
    assert stale["name"] == "StaleSuppression"
    assert stale["defaultConfiguration"] == {"level": "warning"}
    assert stale["properties"]["tags"] == ["jira-workflow", "config"]
    assert "**How to fix**" in stale["help"]["markdown"] and "How to fix: " in stale["help"]["text"]


def test_fingerprints_ignore_lines_but_not_the_subject() -> None:
    base = Finding("a.xml", 10, 3, "r", Severity.ERROR, "id 5 is used by 'A' (line 12) and 'B'", transition="T (id 5)",
                   workflow="W")
    moved = Finding("b/a.xml", 99, 7, "r", Severity.ERROR, "id 5 is used by 'A' (line 80) and 'B'",
                    transition="T (id 5)", workflow="W")
    assert sarif.fingerprint(base) == sarif.fingerprint(moved)
    for other in (
        Finding("a.xml", 10, 3, "r", Severity.ERROR, base.message, transition="U (id 6)", workflow="W"),
        Finding("a.xml", 10, 3, "r", Severity.ERROR, base.message, transition="T (id 5)", workflow="V"),
        Finding("a.xml", 10, 3, "q", Severity.ERROR, base.message, transition="T (id 5)", workflow="W"),
        Finding("a.xml", 10, 3, "r", Severity.ERROR, base.message, status="T (id 5)", workflow="W"),
    ):
        assert sarif.fingerprint(other) != sarif.fingerprint(base)


def test_lint_keeps_accepted_findings_in_sarif_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(WORKFLOWS / "IT Support.xml", tmp_path / "IT Support.xml")
    (tmp_path / ".jwflint.yaml").write_text(
        "select: [structure, config]\nsuppressions:\n  - workflow: IT*\n    rule: dangling-step-reference\n"
        "    transition: Park\n    reason: Parked issues move to the archive project\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    invoke(["lint", "--write-baseline", "baseline.json", "IT Support.xml"])
    (tmp_path / "baseline.json").write_text(
        '{"version": 1, "findings": [{"workflow": "IT Support", "rule": "missing-status-id", "status": "Done"}]}',
        encoding="utf-8",
    )
    run = invoke(["lint", "--format", "sarif", "--baseline", "baseline.json", "IT Support.xml"])
    assert run.code == 1  # Escalate's error is neither suppressed nor baselined
    document = json.loads(run.stdout)
    sarif_validator().validate(document)
    check_github_rules(document)
    results = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r.get("suppressions"))
        for r in document["runs"][0]["results"]
    ]
    assert results == [
        ("dangling-step-reference", 33, None),
        ("dangling-step-reference", 48, [{"kind": "external", "justification": "Parked issues move to the archive "
                                                                                 "project"}]),
        ("missing-status-id", 53, [{"kind": "external", "justification": "accepted in baseline baseline.json"}]),
    ]
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    text = invoke(["lint", "--baseline", "baseline.json", "IT Support.xml"]).stdout
    assert text.count("[dangling-step-reference]") == 1 and "[missing-status-id]" not in text


def test_sarif_over_the_corpus_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("shared corpus not available")
    monkeypatch.chdir(REPO.parent)
    run = invoke(["lint", "--format", "sarif", "--fail-on", "never", *[os.path.relpath(f) for f in files]])
    assert run.code == 0, run.stderr
    document = json.loads(run.stdout)
    sarif_validator().validate(document)
    check_github_rules(document)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris and all(uri.startswith("shared/corpus/") for uri in uris)
    assert len(document["runs"][0]["results"]) > len(files)


def test_json_over_the_corpus_matches_its_schema() -> None:
    import jsonschema

    files = corpus_files()
    if not files:
        pytest.skip("shared corpus not available")
    schema = json.loads(schema_path("lint-output.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    run = invoke(["lint", "--format", "json", "--fail-on", "never", *files])
    assert run.code == 0, run.stderr
    document = json.loads(run.stdout)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert len(document["files"]) == len(files)
    assert sum(document["summary"].values()) == len(document["findings"]) > 0


def test_a_broken_file_marks_the_run_unsuccessful(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.xml").write_text("<workflow>", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = invoke(["lint", "--format", "sarif", "broken.xml"])
    assert run.code == 2
    document = json.loads(run.stdout)
    sarif_validator().validate(document)
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["xml-syntax"]


def test_a_gathered_finding_keeps_its_fingerprint_when_its_list_grows() -> None:
    """instance-specific-reference lists a kind's ids in one finding: one more id is the same alert."""
    one = Finding("a.xml", 10, 3, "r", Severity.INFO, "custom field customfield_1 exists", workflow="W",
                  subject="custom fields")
    two = Finding("a.xml", 10, 3, "r", Severity.INFO, "2 custom fields exist (customfield_1, customfield_2)",
                  workflow="W", subject="custom fields")
    groups = Finding("a.xml", 10, 3, "r", Severity.INFO, one.message, workflow="W", subject="groups")
    assert sarif.fingerprint(one) == sarif.fingerprint(two) != sarif.fingerprint(groups)
    assert sarif._result(two, {"r": 0}, {})["properties"] == {"workflow": "W", "subject": "custom fields"}
