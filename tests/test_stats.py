"""``jwflint lint --stats``: counts checked against an independent XPath count and the corpus MANIFEST."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from jwflint.batch import stats
from jwflint.batch.engines import LintOptions
from jwflint.batch.session import lint_paths
from jwflint.core.vendors import vendor_of
from tests.conftest import CORPUS, FIXTURES, REPO

SAMPLES = (
    "ShowMaster32__Jira-Workflow-Decode__EC_HUB__Code_Tracking_Workflow_-_Rev__2_0.xml",  # ScriptRunner + JSU
    "ShowMaster32__Jira-Workflow-Decode__DPJMS__Software_Components_Workflow.xml",  # global, screen names in view
    "ShowMaster32__Jira-Workflow-Decode__AAS__Support_Workflow_Ver__2_0.xml",  # heavy ScriptRunner, common actions
)
NEEDS_CORPUS = pytest.mark.skipif(not all((CORPUS / name).is_file() for name in SAMPLES), reason="corpus missing")

# Written out again on purpose: the test must not share the code it checks.
PREFIXES = {
    "com.atlassian.jira.": "jira",
    "com.onresolve.": "scriptrunner",
    "com.googlecode.jsu.": "jsu",
    "ch.beecom.jira.jsu.": "jsu",
    "com.innovalog.": "jmwe",
    "com.riadalabs.": "insight",
    "com.atlassian.servicedesk.": "servicedesk",
}
VIEW_SCREENS = {"commentassign": 2, "resolveissue": 3}


def _vendor(element: etree._Element) -> str:
    names = element.xpath("arg[@name='class.name']/text()")
    name = "".join(names).strip()
    return next((vendor for prefix, vendor in PREFIXES.items() if name.startswith(prefix)), "other")


def _by_vendor(elements: list[etree._Element]) -> dict[str, int]:
    counts = dict.fromkeys([*dict.fromkeys(PREFIXES.values()), "other"], 0)
    for element in elements:
        counts[_vendor(element)] += 1
    return counts


def independent_count(path: Path) -> dict[str, object]:
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    root = etree.fromstring(path.read_bytes().lstrip(), parser)
    actions = root.xpath("//action")
    screens = set()
    for action in actions:
        view = (action.get("view") or "").strip()
        if view in VIEW_SCREENS:
            screens.add(VIEW_SCREENS[view])
        elif view:
            meta = "".join(action.xpath("meta[@name='jira.fieldscreen.id']/text()")).strip()
            if meta.isdigit():
                screens.add(int(meta))
    return {
        "statuses": len(root.xpath("/workflow/steps/step")),
        "transitions": {
            "initial": len(root.xpath("/workflow/initial-actions/action")),
            "global": len(root.xpath("/workflow/global-actions/action")),
            "common": len(root.xpath("/workflow/common-actions/action")),
            "step": len(root.xpath("/workflow/steps/step/actions/action")),
        },
        "screens": len(screens),
        "conditions": _by_vendor(root.xpath("//action/restrict-to//condition")),
        "validators": _by_vendor(
            root.xpath("//action/validators/validator | //action/results/unconditional-result/validators/validator")
        ),
        "post_functions": _by_vendor(
            root.xpath(
                "//action/post-functions/function | //action/results/unconditional-result/post-functions/function"
            )
        ),
    }


@NEEDS_CORPUS
@pytest.mark.parametrize("name", SAMPLES)
def test_counts_match_an_independent_xpath_count(name: str) -> None:
    path = CORPUS / name
    run = lint_paths([str(path)], LintOptions(stats=True))
    (computed,) = stats.collect(run.results)
    document = computed.as_dict()
    del document["path"], document["workflow"]
    assert document == independent_count(path)


@NEEDS_CORPUS
def test_totals_agree_with_the_corpus_manifest() -> None:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        manifest = {row["filename"]: row["description"] for row in csv.DictReader(handle, delimiter="\t")}
    run = lint_paths([str(CORPUS / name) for name in SAMPLES], LintOptions(stats=True))
    for computed in stats.collect(run.results):
        description = manifest[Path(computed.path).name]
        expected = (
            f"conditions {sum(computed.conditions.values())}, validators {sum(computed.validators.values())}, "
            f"post-functions {sum(computed.post_functions.values())}"
        )
        assert expected in description
        assert f"{computed.statuses} steps" in description


@NEEDS_CORPUS
def test_apps_are_told_apart() -> None:
    path = CORPUS / SAMPLES[0]
    (computed,) = stats.collect(lint_paths([str(path)], LintOptions(stats=True)).results)
    assert computed.conditions == {
        "jira": 28, "scriptrunner": 18, "jsu": 15, "jmwe": 0, "insight": 0, "servicedesk": 0, "other": 0
    }
    assert computed.validators["jsu"] == 32
    assert computed.post_functions["scriptrunner"] == 12


def test_vendor_prefixes() -> None:
    assert vendor_of("com.atlassian.jira.workflow.function.issue.UpdateIssueFieldFunction") == "jira"
    assert vendor_of("com.onresolve.jira.groovy.GroovyFunctionPlugin") == "scriptrunner"
    assert vendor_of("com.googlecode.jsu.workflow.validator.FieldsRequiredValidator") == "jsu"
    assert vendor_of("ch.beecom.jira.jsu.workflow.function.linkedtransition.LinkedTransitionFunction") == "jsu"
    assert vendor_of("com.innovalog.jmwe.plugins.functions.SetFieldValueFunction") == "jmwe"
    assert vendor_of("com.riadalabs.jira.plugins.insight.services.jira.postfunction.InsightPostFunction") == "insight"
    assert vendor_of("com.atlassian.servicedesk.plugins.approvals.internal.workflow.Condition") == "servicedesk"
    assert vendor_of("com.atlassian.jirafake.Thing") == "other"  # a prefix is a package, not a string start
    assert vendor_of("") == "other"


def test_text_tables() -> None:
    files = [str(FIXTURES / "corpus" / name) for name in ("classic_default_workflow.xml", "simplified_global_only.xml")]
    text = stats.render_text(stats.collect(lint_paths(files, LintOptions(stats=True)).results))
    assert text == (
        "Workflow inventory (transitions by kind; screens shown)\n"
        "workflow                  statuses  initial  global  common  step  screens  conditions  validators"
        "  post-functions\n"
        "------------------------  --------  -------  ------  ------  ----  -------  ----------  ----------"
        "  --------------\n"
        "classic_default_workflow         5        1       0       4     2        2           7           1"
        "              35\n"
        "simplified_global_only           3        1       3       0     0        0           0           1"
        "              21\n"
        "------------------------  --------  -------  ------  ------  ----  -------  ----------  ----------"
        "  --------------\n"
        "total                            8        2       3       4     2        2           7           2"
        "              56\n"
        "\n"
        "Conditions/validators/post-functions by app\n"
        "workflow                    Jira\n"
        "------------------------  ------\n"
        "classic_default_workflow  7/1/35\n"
        "simplified_global_only    0/1/21\n"
        "------------------------  ------\n"
        "total                     7/2/56\n"
    )


def _jwflint(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "jwflint", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def test_json_report_gains_a_stats_key_that_the_schema_allows() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = str(FIXTURES / "corpus")
    plain = json.loads(_jwflint("lint", "--format", "json", folder).stdout)
    result = _jwflint("lint", "--format", "json", "--stats", folder)
    document = json.loads(result.stdout)
    schema = json.loads((REPO / "jwflint" / "schemas" / "lint-output.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    jsonschema.validate(plain, schema)  # still optional
    stats_value = document.pop("stats")
    assert document == plain  # additive: everything else is unchanged
    assert [w["workflow"] for w in stats_value["workflows"]] == [f["workflow"] for f in plain["files"]]
    assert stats_value["total"]["statuses"] == sum(w["statuses"] for w in stats_value["workflows"])
    assert "Workflow inventory" in _jwflint("lint", "--stats", folder).stdout


def test_stats_refuses_formats_it_cannot_extend() -> None:
    result = _jwflint("lint", "--stats", "--format", "html", str(FIXTURES / "corpus"))
    assert result.returncode == 2
    assert "--stats works with --format text or json" in result.stderr


def test_stats_are_worked_out_only_when_asked() -> None:
    """Without --stats a batch's detached results carry no inventory: nothing was counted."""
    files = [str(p) for p in sorted((FIXTURES / "corpus").glob("*.xml"))[:3]]
    without = lint_paths(files, LintOptions()).results
    assert files and all(getattr(r, "stats", "absent") is None for r in without)
    assert stats.collect(without) == []
    assert len(stats.collect(lint_paths(files, LintOptions(stats=True)).results)) == len(files)
