"""The workflow model (jwflint/model/workflow.py, read by jwflint/sources/osworkflow_xml.py): ids,
transitions by kind, references and recorded problems."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jwflint.core import jira
from jwflint.model.buckets import Buckets, normalise_name
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import COMMON, GLOBAL, INITIAL, STEP, Workflow, parse_id, workflow_name
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

PERMISSION_VALIDATOR = "com.atlassian.jira.workflow.validator.PermissionValidator"
POST = f"""<post-functions>
          <function type="class"><arg name="class.name">{jira.UPDATE_ISSUE_STATUS}</arg></function>
          <function type="class"><arg name="class.name"><![CDATA[{jira.FIRE_ISSUE_EVENT}
   ]]></arg><arg name="eventTypeId">13</arg></function>
        </post-functions>"""

WORKFLOW = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" "http://www.opensymphony.com/osworkflow/workflow_2_8.dtd">
<workflow>
  <meta name="jira.description">Sample</meta>
  <initial-actions>
    <action id="1" name="Create">
      <validators>
        <validator name="" type="class"><arg name="class.name">{PERMISSION_VALIDATOR}</arg></validator>
      </validators>
      <results><unconditional-result old-status="null" status="open" step="1">{POST}</unconditional-result></results>
    </action>
  </initial-actions>
  <global-actions>
    <action id="51" name="Comment" view="fieldscreen">
      <meta name="jira.fieldscreen.id">10010</meta>
      <results><unconditional-result old-status="null" status="null" step="-1"/></results>
    </action>
  </global-actions>
  <common-actions>
    <action id="005" name="Resolve" view="resolveissue">
      <restrict-to>
        <conditions type="OR">
          <condition type="class" negate="true"><arg name="class.name">{jira.ALLOW_ONLY_ASSIGNEE}</arg></condition>
          <conditions><condition type="class"><arg name="class.name"> x.Nested </arg></condition></conditions>
        </conditions>
      </restrict-to>
      <results><unconditional-result old-status="null" status="null" step="2">{POST}</unconditional-result></results>
    </action>
  </common-actions>
  <steps>
    <step id="1" name="Open">
      <meta name="jira.status.id">1</meta>
      <actions>
        <common-action id="5"/>
        <action id="11" name="Start" view="fieldscreen">
          <meta name="jira.fieldscreen.id"></meta>
          <results>
            <result old-status="null" step="2"><conditions><condition type="class"/></conditions></result>
            <unconditional-result old-status="null" status="null" step="3"/>
          </results>
        </action>
      </actions>
    </step>
    <step id="2" name="Done">
      <meta name="jira.status.id">6</meta>
    </step>
    <step id="3" name="Working">
      <meta name="jira.status.id">3</meta>
      <actions><common-action id="5"/></actions>
    </step>
  </steps>
</workflow>
"""


def model(text: str, path: str = "Sample.xml") -> Workflow:
    return build(parse(path, text.encode("utf-8")))


def kinds(workflow: Workflow) -> list[str]:
    return sorted(problem.kind for problem in workflow.problems)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", 5),
        ("005", 5),
        (" 7 ", 7),
        ("-1", -1),
        ("0", 0),
        ("10000", 10000),
        (None, None),
        ("", None),
        ("-", None),
        ("--1", None),
        ("5a", None),
        ("1.0", None),
        ("²", None),  # isdigit() is True, int() raised ValueError: a crash before the fix
        ("١٢", None),  # Arabic-Indic digits: not a Jira id
    ],
)
def test_parse_id(raw: str | None, expected: int | None) -> None:
    assert parse_id(raw) == expected


def test_workflow_name_comes_from_the_file_name() -> None:
    assert workflow_name("dir/IT Support.xml") == "IT Support"
    assert workflow_name("x/IT.patched.xml") == "IT"
    assert workflow_name("-") == "<stdin>"


def test_sample_builds_without_problems() -> None:
    workflow = model(WORKFLOW)
    assert workflow.problems == []
    assert workflow.name == "Sample"
    assert workflow.metas == {"jira.description": "Sample"}
    assert [s.step_id for s in workflow.statuses] == [1, 2, 3]
    assert [s.status_id for s in workflow.statuses] == ["1", "6", "3"]
    assert [(t.id, t.kind) for t in workflow.transitions] == [(1, INITIAL), (51, GLOBAL), (5, COMMON), (11, STEP)]


def test_transition_details() -> None:
    workflow = model(WORKFLOW)
    create, comment, resolve, start = workflow.transitions
    assert (create.target, create.sources, create.label) == (1, [], "Create (id 1)")
    assert [v.short_name for v in create.validators] == ["PermissionValidator"]
    # class names are compared stripped, CDATA and trailing whitespace included
    assert create.post_function_classes() == [jira.UPDATE_ISSUE_STATUS, jira.FIRE_ISSUE_EVENT]
    assert create.post_functions[1].args["eventTypeId"] == "13"
    assert (comment.target, comment.raw_target, comment.screen, comment.sources) == (jira.STAY, "-1", 10010, [])
    # common action: one transition, every referencing step a source, "005" read as 5
    assert (resolve.raw_id, resolve.id, resolve.sources, resolve.target) == ("005", 5, [1, 3], 2)
    assert resolve.screen == 3  # legacy view="resolveissue"
    assert resolve.conditions is not None and resolve.conditions.operator == "OR"
    assert [(c.short_name, c.negate) for c in resolve.iter_conditions()] == [
        ("AllowOnlyAssignee", True),
        ("Nested", False),
    ]
    # an empty jira.fieldscreen.id with view="fieldscreen": no screen
    assert (start.screen_meta, start.screen) == ("", None)
    assert (start.sources, start.target, start.conditional_targets) == ([1], 3, [2])
    assert workflow.actions_by_id[5] is resolve
    assert workflow.steps_by_id[1].action_ids == [5, 11]
    assert workflow.steps_by_id[3].action_ids == [5]
    # the conditional <result> is legal OSWorkflow that Jira's editor never writes
    assert [e.tag for e in workflow.unusual] == ["result"]


def test_view_without_screen_meta_has_no_screen() -> None:
    text = WORKFLOW.replace('<meta name="jira.fieldscreen.id">10010</meta>', "")
    assert model(text).transitions[1].screen is None


def test_no_view_means_no_screen_whatever_the_meta_says() -> None:
    text = WORKFLOW.replace('name="Comment" view="fieldscreen"', 'name="Comment"')
    assert model(text).transitions[1].screen is None


def test_step_minus_one_is_not_dangling() -> None:
    workflow = model(WORKFLOW.replace('step="3"/>', 'step="-1"/>'))
    assert workflow.problems == []
    assert workflow.transitions[3].target == jira.STAY


def test_initial_action_that_stays_is_dangling() -> None:
    workflow = model(WORKFLOW.replace('status="open" step="1"', 'status="open" step="-1"'))
    assert kinds(workflow) == ["dangling-step-reference"]
    assert "step -1 (stay)" in workflow.problems[0].message


def test_dangling_step_reference() -> None:
    workflow = model(WORKFLOW.replace('step="3"/>', 'step="9"/>'))
    assert kinds(workflow) == ["dangling-step-reference"]
    problem = workflow.problems[0]
    assert problem.transition == "Start (id 11)"
    assert problem.element is not None and problem.element.tag == "unconditional-result"
    assert "step 9, which does not exist" in problem.message


def test_dangling_conditional_result() -> None:
    workflow = model(WORKFLOW.replace('<result old-status="null" step="2">', '<result old-status="null" step="42">'))
    assert kinds(workflow) == ["dangling-step-reference"]
    assert workflow.problems[0].element.tag == "result"
    assert "conditional result of Start (id 11) leads to step 42" in workflow.problems[0].message


def test_non_numeric_conditional_result() -> None:
    workflow = model(WORKFLOW.replace('<result old-status="null" step="2">', '<result old-status="null" step="x">'))
    assert kinds(workflow) == ["non-numeric-id"]


def test_result_without_step_leads_nowhere() -> None:
    workflow = model(WORKFLOW.replace('status="null" step="3"/>', 'status="null"/>'))
    assert kinds(workflow) == ["missing-result"]
    assert "without a step attribute" in workflow.problems[0].message


def test_result_with_a_split_needs_no_step() -> None:
    workflow = model(WORKFLOW.replace('status="null" step="3"/>', 'split="1"/>'))
    assert workflow.problems == []


def test_missing_result() -> None:
    text = WORKFLOW.replace('<unconditional-result old-status="null" status="null" step="-1"/>', "")
    workflow = model(text)
    assert kinds(workflow) == ["missing-result"]
    assert workflow.problems[0].transition == "Comment (id 51)"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<action id="51"', '<action id="11"'),  # a global and a step action
        ('<action id="51"', '<action id="1"'),  # a global and the initial action
        ('<action id="11"', '<action id="00005"'),  # a step action and the common "005"
    ],
)
def test_duplicate_action_ids_across_sections(old: str, new: str) -> None:
    workflow = model(WORKFLOW.replace(old, new))
    assert kinds(workflow) == ["duplicate-action-id"]
    assert "unique across the whole workflow" in workflow.problems[0].message


def test_duplicate_step_id_and_status_id() -> None:
    text = WORKFLOW.replace('<step id="3" name="Working">', '<step id="2" name="Working">')
    workflow = model(text.replace('step="3"/>', 'step="2"/>'))
    assert kinds(workflow) == ["duplicate-step-id"]
    assert "step id 2 is used by 'Done' (line 52)" in workflow.problems[0].message
    workflow = model(WORKFLOW.replace('<meta name="jira.status.id">3</meta>', '<meta name="jira.status.id">6</meta>'))
    assert kinds(workflow) == ["duplicate-status-id"]
    assert workflow.problems[0].status == "Working"


@pytest.mark.parametrize("meta", ['<meta name="jira.status.id">3</meta>', "3</meta>"])
def test_missing_status_id(meta: str) -> None:
    replacement = "" if meta.startswith("<") else " </meta>"
    workflow = model(WORKFLOW.replace(meta, replacement))
    assert kinds(workflow) == ["missing-status-id"]


def test_dangling_common_action() -> None:
    reference = '<actions><common-action id="5"/></actions>'
    workflow = model(WORKFLOW.replace(reference, reference.replace('"5"', '"7"')))
    assert kinds(workflow) == ["dangling-common-action"]
    assert workflow.problems[0].status == "Working"
    # a reference to an action that exists but is not a common action
    workflow = model(WORKFLOW.replace(reference, reference.replace('"5"', '"51"')))
    assert kinds(workflow) == ["dangling-common-action"]
    assert "is not a common action" in workflow.problems[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<step id="2" name="Done">', '<step id="two" name="Done">'),
        ('<action id="11"', '<action id="eleven"'),
        ('<common-action id="5"/>\n', '<common-action id="five"/>\n'),
        ("<meta name=\"jira.fieldscreen.id\">10010</meta>", "<meta name=\"jira.fieldscreen.id\">abc</meta>"),
    ],
)
def test_non_numeric_ids(old: str, new: str) -> None:
    text = WORKFLOW.replace(old, new, 1)
    assert text != WORKFLOW
    workflow = model(text)
    assert "non-numeric-id" in kinds(workflow)


def test_missing_initial_action_and_steps() -> None:
    start = WORKFLOW.index("  <initial-actions>")
    end = WORKFLOW.index("  <global-actions>")
    assert kinds(model(WORKFLOW[:start] + WORKFLOW[end:])) == ["missing-initial-action"]
    empty = WORKFLOW[:start] + "  <initial-actions/>\n" + WORKFLOW[end:]
    assert kinds(model(empty)) == ["missing-initial-action"]
    start, end = WORKFLOW.index("  <steps>"), WORKFLOW.index("</workflow>")
    workflow = model(WORKFLOW[:start] + WORKFLOW[end:])
    # without steps, the Create and Resolve targets dangle too; the global loop (-1) does not
    assert kinds(workflow) == ["dangling-step-reference"] * 2 + ["missing-steps"]


def test_duplicate_section() -> None:
    text = WORKFLOW.replace("  <steps>", "  <global-actions/>\n  <steps>")
    workflow = model(text)
    assert kinds(workflow) == ["duplicate-section"]
    assert workflow.problems[0].element.tag == "global-actions"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [(b"\n\n", ["leading-whitespace"]), (b"\xef\xbb\xbf", []), (b"", [])],
    ids=["cloud", "bom", "none"],
)
def test_leading_whitespace(prefix: bytes, expected: list[str]) -> None:
    workflow = build(parse("x.xml", prefix + WORKFLOW.encode()))
    assert kinds(workflow) == expected


def test_whitespace_before_a_root_without_declaration_is_legal() -> None:
    body = WORKFLOW.split("\n", 1)[1]  # drop the XML declaration
    assert kinds(model("\n\n" + body)) == []


def test_comments_and_processing_instructions_are_skipped() -> None:
    text = WORKFLOW.replace("<steps>", "<steps><!-- c --><?pi x?>").replace("<actions>", "<actions><!-- c -->")
    assert model(text).problems == []


def test_unusual_sections_are_kept_not_fatal() -> None:
    text = WORKFLOW.replace("<initial-actions>", "<registers/><initial-actions>")
    workflow = model(text)
    assert workflow.problems == []
    assert [e.tag for e in workflow.unusual] == ["registers", "result"]


def test_transitions_of_and_status_of_step() -> None:
    workflow = model(WORKFLOW)
    assert [t.id for t in workflow.transitions_of(COMMON)] == [5]
    assert workflow.status_of_step(2).name == "Done"
    assert workflow.status_of_step(None) is None
    assert workflow.status_of_step(99) is None


@pytest.mark.parametrize(("type_attribute", "operator"), [(' type="AND"', "AND"), (' type="OR"', "OR"), ("", "OR")])
def test_condition_group_operator_follows_osworkflow(type_attribute: str, operator: str) -> None:
    # AbstractWorkflow.passesConditions: exactly "AND" is AND; anything else, no type included, is OR.
    text = WORKFLOW.replace('<conditions type="OR">', f"<conditions{type_attribute}>", 1)
    resolve = model(text).transitions[2]
    assert resolve.conditions is not None and resolve.conditions.operator == operator


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("aZé ß_-'.2²ǅΣ\u00a0\t\u0301İ")), max_size=12) | st.text(max_size=12))
def test_name_keys_are_the_text_without_non_word_characters(name: str) -> None:
    # The fast paths of normalise_name must give what the one substitution gives.
    assert normalise_name(name) == re.sub(r"[\W_]+", "", name.casefold())


_BUCKETS = Buckets(model(WORKFLOW), Catalogue())


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    st.text(alphabet=st.sampled_from(list("rReEoOpPnN ß_-'.2ǅ\u00a0\u0301İŉ")), max_size=10)
    | st.builds(str.__add__, st.sampled_from(["Re", "re-", "-Re", " R", "R", "ŉ"]), st.text(max_size=8))
    | st.text(max_size=10)
)
@example("-Reopen")
@example(" Re-open issue")
@example("(reopen)")
@example("Reopen")
@example("Open")
def test_reopen_names_are_those_whose_key_starts_with_reopen(name: str) -> None:
    # reopen_named rejects most names by their first character without building their key.
    assert _BUCKETS.reopen_named(name) == normalise_name(name).startswith("reopen")

