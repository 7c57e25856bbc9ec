"""The fixers one by one, on a small workflow built to trigger each: what they add or change, and
that everything else keeps its bytes."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from jwflint.config.settings import parse_config
from jwflint.config.yaml_source import load_yaml
from jwflint.core import jira
from jwflint.lint.engine import Engine
from jwflint.patch import apply
from jwflint.patch.bot import BotOptions

CONFIG = """
catalogue:
  resolutions: {Done: "10000", "Won't Do": "10001"}
  bot: {group: service-bots, role: "10002"}
"""


def _fn(class_name: str, **args: str) -> str:
    parts = "".join(f'\n              <arg name="{k.replace("_", ".")}">{v}</arg>' for k, v in args.items())
    return (
        f'            <function type="class">{parts}\n'
        f'              <arg name="class.name">{class_name}</arg>\n            </function>\n'
    )


BUILTINS = "".join(_fn(c) for c in jira.BUILTIN_POST_FUNCTIONS[:-1]) + _fn(jira.FIRE_ISSUE_EVENT, eventTypeId="13")
PERMISSION = (
    '<condition type="class"><arg name="permission">Resolve Issue</arg>'
    f'<arg name="class.name">{jira.PERMISSION_CONDITION}</arg></condition>'
)
ASSIGNEE_ONLY = f'<condition type="class"><arg name="class.name">{jira.ALLOW_ONLY_ASSIGNEE}</arg></condition>'


def _action(action_id: int, name: str, step: int, restrict: str = "", functions: str = BUILTINS) -> str:
    return (
        f'    <action id="{action_id}" name="{name}">\n'
        f'      <meta name="jira.description"></meta>\n{restrict}'
        f"      <results>\n"
        f'        <unconditional-result old-status="null" status="null" step="{step}">\n'
        f"          <post-functions>\n{functions}          </post-functions>\n"
        f"        </unconditional-result>\n      </results>\n    </action>\n"
    )


def workflow(done_sets: str | None = "10001") -> bytes:
    untyped = (
        f"      <restrict-to>\n        <conditions>\n          {PERMISSION}\n        </conditions>\n"
        "      </restrict-to>\n"
    )
    either = (
        f'      <restrict-to>\n        <conditions type="OR">\n          {ASSIGNEE_ONLY}\n          {PERMISSION}\n'
        "        </conditions>\n      </restrict-to>\n"
    )
    wrong_done = BUILTINS
    if done_sets is not None:
        wrong_done = _fn(jira.UPDATE_ISSUE_FIELD, field_name="resolution", field_value=done_sets) + BUILTINS
    assigned = _fn(jira.UPDATE_ISSUE_FIELD, field_name="assignee", field_value="jsmith") + BUILTINS
    create = _fn(jira.ISSUE_CREATE) + _fn(jira.FIRE_ISSUE_EVENT, eventTypeId="1")
    misordered = (
        BUILTINS.replace("UpdateIssueStatusFunction", "@@")
        .replace("misc.CreateCommentFunction", "issue.UpdateIssueStatusFunction")
        .replace("issue.@@", "misc.CreateCommentFunction")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<workflow>\n  <initial-actions>\n'
        + _action(1, "Create", 1, functions=create)
        + "  </initial-actions>\n  <global-actions>\n"
        + _action(11, "Done", 3, functions=wrong_done)
        + _action(21, "Start", 2, restrict=untyped)
        + _action(31, "Reopen", 4, restrict=either, functions=assigned)
        + "  </global-actions>\n  <steps>\n"
        + '    <step id="1" name="Open">\n      <meta name="jira.status.id">1</meta>\n      <actions>\n'
        + _action(41, "Back", 1, functions=misordered).replace("    ", "        ", 1)
        + "      </actions>\n    </step>\n"
        + '    <step id="2" name="In Progress">\n      <meta name="jira.status.id">3</meta>\n    </step>\n'
        + '    <step id="3" name="Resolved">\n      <meta name="jira.status.id">5</meta>\n    </step>\n'
        + '    <step id="4" name="Reopened">\n      <meta name="jira.status.id">4</meta>\n    </step>\n'
        + "  </steps>\n</workflow>\n"
    ).encode()


def _engine() -> Engine:
    return Engine.from_config(parse_config(load_yaml(CONFIG, "c.yaml"), "c.yaml"))


def _action_named(root: etree._Element, name: str) -> etree._Element:
    return next(a for a in root.iter("action") if a.get("name") == name)


def _args(element: etree._Element) -> dict[str, str]:
    return {a.get("name"): (a.text or "").strip() for a in element.findall("arg")}


def test_each_fixer_does_its_part_and_nothing_else() -> None:
    data = workflow()
    engine = _engine()
    before = {f.rule for f in engine.lint_bytes("w.xml", data).findings if f.fixable}
    assert {"bot-resolve-sets-done", "bot-reopen-unassigns", "bot-transition-restricted"} <= before
    assert "standard-post-functions" in before
    outcome = apply.fix("w.xml", data, engine, True, BotOptions())
    root = etree.fromstring(outcome.patched)
    after = {f.rule for f in engine.lint_bytes("w.xml", outcome.patched).findings if f.fixable}
    assert not after & before, after

    done = _action_named(root, "Done")
    assert next(_args(f).get("field.value") for f in done.iter("function")) == "10000"  # corrected in place
    assert len(list(done.iter("function"))) == 6
    reopen = _action_named(root, "Reopen")
    updates = [
        (_args(f)["field.name"], _args(f)["field.value"]) for f in reopen.iter("function") if "field.name" in _args(f)
    ]
    assert updates == [("resolution", ""), ("assignee", "")]  # cleared (reopen-clears-resolution), unassigned

    def conditions(name: str) -> etree._Element:
        return _action_named(root, name).find("restrict-to/conditions")

    # No conditions: a new <restrict-to> (group OR role); untyped: typed AND and extended;
    # OR: wrapped in a new AND group beside the bot's, the old group kept as it was.
    bot = [jira.USER_IN_GROUP, jira.IN_PROJECT_ROLE]
    assert conditions("Done").get("type") == "OR"
    assert [_args(c)["class.name"] for c in conditions("Done")] == bot
    start = conditions("Start")
    assert start.get("type") == "AND"
    assert [c.tag for c in start] == ["condition", "conditions"]
    assert [_args(c)["class.name"] for c in start.find("conditions")] == bot
    wrapped = conditions("Reopen")
    assert wrapped.get("type") == "AND" and [c.get("type") for c in wrapped.findall("conditions")] == ["OR", "OR"]
    assert etree.tostring(wrapped.find("conditions"), method="c14n").count(b"AllowOnlyAssignee") == 1

    back = _action_named(root, "Back")
    assert [_args(f)["class.name"] for f in back.iter("function")] == list(jira.BUILTIN_POST_FUNCTIONS)

    # Fixing the fixed workflow changes nothing; the original lines that no fix touched are all still there.
    assert apply.fix("w.xml", outcome.patched, engine, True, BotOptions()).patched == outcome.patched
    # Every original line is still there, except the two values corrected in place and the untyped
    # <conditions> that got type="AND".
    changed = (b"10001", b"jsmith", b"        <conditions>")
    kept = Counter(line for line in data.split(b"\n") if not any(line.endswith(c) or c in line for c in changed))
    assert not kept - Counter(outcome.patched.split(b"\n"))


def test_safe_fixes_alone_only_reorder() -> None:
    data = workflow()
    outcome = apply.fix("w.xml", data, _engine(), False, BotOptions())
    assert [c.split(":")[0] for c in outcome.changes] == ["reordered Jira's built-in post-functions of Back (id 41)"]
    assert sorted(outcome.patched.split(b"\n")) == sorted(data.split(b"\n"))  # the same lines, moved


def test_unknown_done_resolution_is_a_manual_step_not_a_guess() -> None:
    engine = Engine.from_config(parse_config(load_yaml("catalogue: {bot: {group: g}}", "c.yaml"), "c.yaml"))
    outcome = apply.fix("w.xml", workflow(done_sets=None), engine, True, BotOptions())
    done = _action_named(etree.fromstring(outcome.patched), "Done")
    assert [_args(f)["class.name"] for f in done.iter("function")] == list(jira.BUILTIN_POST_FUNCTIONS)
    # Nothing exact can be written, so the finding is not offered as fixable; it says what to add.
    remaining = [f for f in engine.lint_bytes("w.xml", outcome.patched).findings if f.rule == "bot-resolve-sets-done"]
    assert remaining and not any(f.fixable for f in remaining)
    assert "list 'Done' in catalogue.resolutions" in remaining[0].message
    # With a resolution set but no catalogue to compare it with, it is left alone (cannot verify).
    assert b"10001" in apply.fix("w.xml", workflow(), engine, True, BotOptions()).patched


def test_an_update_without_a_value_gets_one_added() -> None:
    # Resolution updated with no field.value arg (it clears the resolution): the fix adds the arg
    # to the function instead of adding a second post-function.
    data = workflow().replace(b'\n              <arg name="field.value">10001</arg>', b"")
    assert b"10001" not in data
    engine = _engine()
    found = [f for f in engine.lint_bytes("w.xml", data).findings if f.rule == "bot-resolve-sets-done"]
    assert found and found[0].fixable
    outcome = apply.fix("w.xml", data, engine, True, BotOptions())
    done = _action_named(etree.fromstring(outcome.patched), "Done")
    functions = list(done.iter("function"))
    assert len(functions) == 6
    expected = {"field.name": "resolution", "class.name": jira.UPDATE_ISSUE_FIELD, "field.value": "10000"}
    assert _args(functions[0]) == expected
    assert b'              <arg name="field.value">10000</arg>\n            </function>' in outcome.patched
    assert not [f for f in engine.lint_bytes("w.xml", outcome.patched).findings if f.rule == "bot-resolve-sets-done"]
