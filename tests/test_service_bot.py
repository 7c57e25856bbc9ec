"""Unit tests for the service-bot pack: role fallback, guessed buckets, bot identity, OR groups,
unknown screens, permission styles, and a 2,000-status / 50,000-transition workflow."""

from __future__ import annotations

from click.testing import CliRunner

from jwflint.cli import cli
from jwflint.config.settings import Config, parse_config
from jwflint.config.yaml_source import load_yaml
from jwflint.core.findings import Finding, Severity
from jwflint.lint.checks.base import LintContext
from jwflint.lint.checks.bot import bot_transitions, evaluate, normalise_permission, restricts_to_bot
from jwflint.lint.engine import Engine, active_rules, load_rules
from jwflint.model.buckets import Buckets, explain_text
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import FIXTURES

PREFIX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" '
    '"http://www.opensymphony.com/osworkflow/workflow_2_8.dtd">\n'
)
COND = "com.atlassian.jira.workflow.condition."


def cond(cls: str, negate: bool = False, **args: str) -> str:
    name = cls if "." in cls else COND + cls
    body = "".join(f'<arg name="{k}">{v}</arg>' for k, v in args.items())
    negated = ' negate="true"' if negate else ""
    return f'<condition type="class"{negated}><arg name="class.name">{name}</arg>{body}</condition>'


def conditions(kind: str, *items: str) -> str:
    return f'<conditions type="{kind}">{"".join(items)}</conditions>'


def field(name: str, value: str) -> str:
    return (
        '<function type="class"><arg name="class.name">com.atlassian.jira.workflow.function.issue.'
        f'UpdateIssueFieldFunction</arg><arg name="field.name">{name}</arg><arg name="field.value">{value}</arg>'
        "</function>"
    )


def action(action_id: int, name: str, to: int, extra: str = "", restrict: str = "", functions: str = "") -> str:
    restrict_xml = f"<restrict-to>{restrict}</restrict-to>" if restrict else ""
    return (
        f'<action id="{action_id}" name="{name}"{extra}>{restrict_xml}<results>'
        f'<unconditional-result old-status="null" status="null" step="{to}"><post-functions>{functions}'
        "</post-functions></unconditional-result></results></action>\n"
    )


def workflow(steps: list[tuple[int, str, str, str]], global_actions: str = "") -> bytes:
    """steps: (step id, name, status id, actions xml); one action per line, as exports have it."""
    first = steps[0][0]
    body = "".join(
        f'<step id="{sid}" name="{name}"><meta name="jira.status.id">{status}</meta>'
        + (f"<actions>{actions}</actions>" if actions else "")
        + "</step>\n"
        for sid, name, status, actions in steps
    )
    globals_xml = f"<global-actions>{global_actions}</global-actions>" if global_actions else ""
    return (
        PREFIX
        + f'<workflow><initial-actions><action id="1" name="Create"><results><unconditional-result old-status="null" '
        f'status="open" step="{first}"/></results></action></initial-actions>{globals_xml}<steps>{body}</steps>'
        "</workflow>"
    ).encode()


def config(text: str = "") -> Config:
    return parse_config(load_yaml(text, "test.yaml") or {}, "test.yaml") if text else Config()


def lint(data: bytes, cfg: Config | None = None, rule: str | None = None) -> list[Finding]:
    engine = Engine.from_config(cfg or Config())
    engine.rules = [r for r in engine.all_rules if r.pack == "service-bot" and (rule is None or r.id == rule)]
    return engine.lint_bytes("test.xml", data).findings


def context(data: bytes, cfg: Config | None = None) -> LintContext:
    cfg = cfg or Config()
    return LintContext(build(parse("test.xml", data)), cfg.catalogue, {})


SIMPLE = [
    (1, "To Do", "10000", action(11, "Start", 2)),
    (2, "In Progress", "3", action(21, "Finish", 3, functions=field("resolution", "10000"))),
    (3, "Done", "10001", ""),
]


# --- role fallback and guessed buckets ---------------------------------------------------------


def test_reopened_role_falls_back_to_new_and_says_so() -> None:
    findings = lint(workflow(SIMPLE), rule="any-to-reopened")
    assert len(findings) == 1
    message = findings[0].message
    assert "Reopened (no Reopened status, so New plays its role: 'To Do')" in message
    assert " from 'In Progress', 'Done': add a global transition (from Any status) into 'To Do'" in message
    assert "took 'To Do' as New from its name" in message
    assert findings[0].status == "To Do"


def test_no_status_in_a_role_is_its_own_message() -> None:
    steps = [(1, "Triage", "10000", action(11, "Work", 2)), (2, "Working", "10002", action(21, "Back", 1))]
    messages = {f.rule: f.message for f in lint(workflow(steps))}
    # 'Working' is named as the candidate to map (issue 15 §2); 'Triage' plays New (the create target).
    assert messages["any-to-resolved"] == (
        "no status plays the Resolved role: map one in the catalogue (catalogue.buckets.resolved) "
        "(candidates jwflint did not take: 'Working' matches no name or status id jwflint knows)"
    )
    # The create transition's target plays New (issue 15 §2): Reopened falls back to 'Triage', which
    # 'Working' reaches, so any-to-reopened has nothing to report.
    assert "any-to-reopened" not in messages
    assert "new (the create transition leads into it)" in explain_text(
        Buckets(context(workflow(steps)).workflow, Config().catalogue)
    )


def test_no_role_names_the_candidates_and_why_they_were_not_taken() -> None:
    """Issue 15 §2: the admin learns which statuses to map, grouped by why jwflint passed them over."""
    steps = [
        (1, "Open", "1", action(11, "Work", 2) + action(12, "Wait", 4) + action(13, "Reject", 5)),
        (2, "Dev - In Progress", "10002", action(21, "Back", 1)),
        (3, "Engineering WIP", "10003", action(31, "Back", 1)),
        (4, "Waiting for customer", "10004", action(41, "Back", 1)),
        (5, "Rejected", "10005", ""),
        (6, "Approved", "10006", ""),
    ]
    messages = {f.rule: f.message for f in lint(workflow(steps))}
    assert messages["any-to-in-progress"].endswith(
        "(candidates jwflint did not take: 'Dev - In Progress', 'Engineering WIP' resemble In Progress by name; "
        "'Waiting for customer' is taken as Waiting; 'Approved' matches no name or status id jwflint knows)"
    )
    assert messages["any-to-resolved"].endswith(
        "(candidates jwflint did not take: 'Rejected' is done-type (never the bot's resolve target); "
        "'Dev - In Progress', 'Engineering WIP', 'Approved' match no name or status id jwflint knows)"
    )


def test_no_role_without_candidates_names_the_roles_taken() -> None:
    steps = [(1, "To Do", "10000", action(11, "Done", 2)), (2, "Done", "10001", "")]
    messages = {f.rule: f.message for f in lint(workflow(steps))}
    assert messages["any-to-in-progress"].endswith(
        "(every status plays another role ('To Do' is New, 'Done' is Resolved): add a status for it to the workflow)"
    )


def test_guessed_bucket_is_named_with_its_reason() -> None:
    steps = [(1, "Open", "1", action(11, "Start", 2)), (2, "Working", "10002", ""), (3, "Closed", "6", "")]
    message = lint(workflow(steps), rule="any-to-resolved")[0].message
    assert message.endswith("(took 'Closed' as Resolved from Jira's default status id 6)")
    assert "from 'Open', 'Working'" in message


def test_catalogue_mapping_is_not_a_guess() -> None:
    cfg = config("catalogue:\n  buckets:\n    resolved: [Done]\n")
    message = lint(workflow(SIMPLE), cfg, rule="any-to-resolved")[0].message
    assert "took" not in message
    assert "from 'To Do'" in message and "'In Progress'" not in message


def test_global_transition_covers_every_status_and_is_the_finding_element() -> None:
    data = workflow([*SIMPLE[:2], (3, "Done", "10001", "")], action(31, "Done", 3))
    assert lint(data, rule="any-to-resolved") == []
    # The finding of a workflow without coverage points at <global-actions> when there is one.
    data = workflow(SIMPLE, action(41, "Start over", 1))
    finding = lint(data, rule="any-to-resolved")[0]
    column = data.split(b"\n")[2].index(b"<global-actions>") + 1
    assert (finding.line, finding.column, finding.fixable) == (3, column, True)


# --- screens ----------------------------------------------------------------------------------


def test_unknown_screen_is_one_warning_never_a_silent_pass() -> None:
    resolve = action(31, "Resolve", 3, extra=' view="fieldscreen"').replace(
        "<results>", '<meta name="jira.fieldscreen.id">12345</meta><results>'
    )
    data = workflow(SIMPLE, resolve)
    assert lint(data, rule="resolve-screen-has-assignee") == []  # the question goes to unknown-screen
    engine = Engine.from_config(Config())  # every rule: one finding for the screen, from unknown-screen
    findings = engine.lint_bytes("test.xml", data).findings
    assert not [f for f in findings if "cannot verify" in f.message and f.rule != "unknown-screen"]
    (finding,) = [f for f in findings if f.rule == "unknown-screen"]
    assert (finding.severity, finding.subject) == (Severity.WARNING, "screen 12345")
    assert finding.message.startswith(
        "cannot verify that screen 12345 (not in the catalogue) shows Assignee and Resolution on transition "
        "Resolve (id 31) (asked by resolve-screen-has-assignee, resolve-sets-resolution"
    )
    cfg = config("catalogue:\n  screens:\n    12345: {name: Bot, fields: [Assignee, resolution]}\n")
    described = Engine.from_config(cfg).lint_bytes("test.xml", data).findings
    assert [f for f in described if f.rule in ("unknown-screen", "resolve-screen-has-assignee")] == []


def test_assumed_default_screen_is_said_to_be_assumed() -> None:
    cfg = config("required_resolution_fields: [fixVersions, customfield_1]\n")
    data = workflow(SIMPLE, action(31, "Resolve", 3, extra=' view="resolveissue"'))
    (finding,) = lint(data, cfg, rule="resolve-screen-has-assignee")
    assert "screen 3 'Resolve Issue Screen' (Jira's default contents, assumed), which lacks customfield_1" in (
        finding.message
    )
    assert finding.severity == Severity.ERROR


# --- bot identity ------------------------------------------------------------------------------

BOT = "catalogue:\n  bot: {group: service-bots, role: '10002', user: svc.bot}\n"


def test_bot_transitions_prefer_the_ones_restricted_to_the_bot() -> None:
    only_bots = conditions("AND", cond("UserInGroupCondition", group="service-bots"))
    restricted = action(31, "Bot resolve", 3, restrict=only_bots)
    data = workflow(SIMPLE, action(32, "Done", 3) + restricted)
    with_bot = bot_transitions(context(data, config(BOT)), "resolved")
    assert [t.name for t in with_bot.transitions] == ["Bot resolve"] and with_bot.restricted
    without_bot = bot_transitions(context(data), "resolved")
    assert [t.name for t in without_bot.transitions] == ["Done", "Bot resolve"] and not without_bot.restricted


def test_restriction_needs_every_or_branch_and_reads_scripts() -> None:
    bot = config(BOT).catalogue.bot

    def restricts(xml: str) -> bool:
        data = workflow(SIMPLE, action(31, "Resolve", 3, restrict=xml))
        transition = context(data).workflow.actions_by_id[31]
        assert transition.conditions is not None
        return restricts_to_bot(transition.conditions, bot)

    group = cond("UserInGroupCondition", group="Service-Bots")
    assert restricts(conditions("AND", group, cond("AllowOnlyAssignee")))
    assert not restricts(conditions("OR", group, cond("AllowOnlyAssignee")))
    assert restricts(conditions("OR", group, cond("InProjectRoleCondition", **{"jira.projectrole.id": "10002"})))
    assert not restricts(conditions("AND", cond("UserInGroupCondition", negate=True, group="service-bots")))
    assert restricts(conditions("AND", cond("com.atlassian.jira.workflow.condition.RemoteOnlyCondition")))
    assert not restricts(conditions("AND", cond("UserInGroupCondition", group="service-bots", disabled="true")))
    # ScriptRunner: `!`{"script":"currentUser.name == \"svc.bot\""} in base64 names the bot's user.
    script = "YCFgeyJzY3JpcHQiOiJjdXJyZW50VXNlci5uYW1lID09IFwic3ZjLmJvdFwiIn0="
    assert restricts(conditions("AND", cond("com.onresolve.jira.groovy.GroovyCondition", FIELD_CONDITION=script)))
    other = "YCFgeyJzY3JpcHQiOiJjdXJyZW50VXNlci5uYW1lID09IFwic3ZjLmJvdDJcIiJ9"  # svc.bot2: another user
    assert not restricts(conditions("AND", cond("com.onresolve.jira.groovy.GroovyCondition", FIELD_CONDITION=other)))


def test_bot_transition_restricted_is_silent_without_a_bot_identity() -> None:
    data = (FIXTURES / "rules" / "bot-transition-restricted" / "fail.xml").read_bytes()
    assert lint(data, rule="bot-transition-restricted") == []
    assert len(lint(data, config(BOT), rule="bot-transition-restricted")) == 3


# --- bot-can-execute: AND / OR / negate --------------------------------------------------------


def _evaluate(xml: str, cfg_text: str = BOT) -> tuple[bool, list[str]]:
    data = workflow(SIMPLE, action(31, "Resolve", 3, restrict=xml))
    ctx = context(data, config(cfg_text))
    conditions_ = ctx.workflow.actions_by_id[31].conditions
    assert conditions_ is not None
    result = evaluate(conditions_, ctx)
    return result.ok, result.blockers


def test_or_group_blocks_only_when_no_branch_can_be_met() -> None:
    bots = cond("UserInGroupCondition", group="service-bots")
    assert _evaluate(conditions("OR", cond("AllowOnlyAssignee"), bots)) == (True, [])
    ok, blockers = _evaluate(conditions("OR", cond("AllowOnlyAssignee"), cond("AllowOnlyReporter")))
    assert not ok and [b.split(":")[0] for b in blockers] == ["AllowOnlyAssignee", "AllowOnlyReporter"]
    # An unknown condition (a script) may let the bot through: not reported.
    assert _evaluate(conditions("OR", cond("AllowOnlyAssignee"), cond("com.onresolve.jira.groovy.GroovyCondition")))[0]
    # Nested: AND(bot group, OR(reporter, other group)) fails on the OR only.
    ok, blockers = _evaluate(
        conditions(
            "AND",
            cond("UserInGroupCondition", group="service-bots"),
            conditions("OR", cond("AllowOnlyReporter"), cond("UserInGroupCondition", group="jira-administrators")),
        )
    )
    assert not ok and len(blockers) == 2 and "'jira-administrators'" in blockers[1]


def test_negated_conditions_read_the_other_way() -> None:
    assert _evaluate(conditions("AND", cond("AllowOnlyAssignee", negate=True)))[0]
    assert _evaluate(conditions("AND", cond("AlwaysFalseCondition", negate=True)))[0]
    not_bot_role = cond("InProjectRoleCondition", negate=True, **{"jira.projectrole.id": "10002"})
    ok, blockers = _evaluate(conditions("AND", not_bot_role))
    assert not ok and "negated, so it excludes the bot" in blockers[0]


def test_permission_styles_are_one_permission() -> None:
    for text in ("Resolve Issue", "resolve", "RESOLVE_ISSUES", "resolve issues"):
        assert normalise_permission(text) == "RESOLVE_ISSUES"
    assert normalise_permission("Close Issue") == "CLOSE_ISSUES"
    assert normalise_permission("assignable") == "ASSIGNABLE_USER"
    assert normalise_permission("assign") == "ASSIGN_ISSUES"
    assert normalise_permission("Create Attachment") == "CREATE_ATTACHMENTS"
    assert normalise_permission("Add Comments") == "ADD_COMMENTS"
    held = "catalogue:\n  bot: {group: service-bots, permissions: [Resolve Issue, BROWSE_PROJECTS]}\n"
    assert _evaluate(conditions("AND", cond("PermissionCondition", permission="resolve")), held)[0]
    ok, blockers = _evaluate(conditions("AND", cond("PermissionCondition", permissionKey="CLOSE_ISSUES")), held)
    assert not ok and "CLOSE_ISSUES" in blockers[0]
    # A condition switched off (ScriptRunner's disabled arg) neither blocks nor restricts.
    assert _evaluate(conditions("AND", cond("AllowOnlyAssignee", disabled="true")))[0]
    # Without known permissions the bot is given the benefit of the doubt.
    assert _evaluate(conditions("AND", cond("PermissionCondition", permission="Close Issue")))[0]


# --- resolution and unassign on the bot's transitions ----------------------------------------


def test_resolution_id_cannot_be_verified_without_resolutions() -> None:
    data = workflow(SIMPLE, action(31, "Done", 3, functions=field("resolution", "6")))
    (finding,) = lint(data, rule="bot-resolve-sets-done")
    assert finding.severity == Severity.WARNING and not finding.fixable
    assert "cannot verify" in finding.message and "the catalogue lists no resolutions" in finding.message
    cfg = config("catalogue:\n  resolutions: {Fixed: '1'}\n")
    (finding,) = lint(data, cfg, rule="bot-resolve-sets-done")
    assert "the catalogue has no resolution named 'Done'" in finding.message
    cfg = config("catalogue:\n  resolutions: {Fixed: '6', Done: '10000'}\n  done_resolution: Fixed\n")
    assert lint(data, cfg, rule="bot-resolve-sets-done") == []


def test_rules_stay_silent_without_bot_transitions() -> None:
    findings = lint(workflow(SIMPLE))
    assert not [f for f in findings if f.rule.startswith("bot-")]


# --- linearity --------------------------------------------------------------------------------


def test_large_workflow_is_linted_with_the_expected_findings() -> None:
    """2,000 statuses and 50,000 transitions: behaviour only (the benchmark script measures time)."""
    count, per_status = 2000, 25
    steps, edges = [], {}
    for step in range(1, count + 1):
        targets = [(step + k - 1) % (count - 1) + 1 for k in range(1, per_status + 1)]  # a ring, never "Done"
        if step % 2 == 0 and step < count:
            targets[-1] = count  # every even status resolves
        edges[step] = targets
        actions = "".join(
            action(
                step * 100 + k,
                "Resolve" if to == count else f"Go {to}",
                to,
                functions=field("resolution", "1") if to == count else "",
            )
            for k, to in enumerate(targets, 1)
        )
        name, status = ("Done", "10001") if step == count else (f"Step {step}", str(20000 + step))
        steps.append((step, name, status, actions))
    data = workflow(steps)
    assert len(build(parse("big.xml", data)).transitions) == count * per_status + 1

    def lacking(into: set[int]) -> list[str]:  # the oracle: straight from the generated edges
        return [f"'Step {s}'" for s in edges if s not in into and not into & set(edges[s])]

    findings = lint(data, config("catalogue:\n  buckets: {in_progress: ['Step 2'], reopened: ['Step 1']}\n"))
    by_rule = {f.rule: f.message for f in findings}
    for rule, into in (("any-to-resolved", {count}), ("any-to-in-progress", {2}), ("any-to-reopened", {1})):
        expected = lacking(into)
        assert f"from {', '.join(expected[:10])} and {len(expected) - 10} more:" in by_rule[rule]
    assert len(lacking({count})) == 1000  # the odd statuses
    assert sum(f.rule == "resolve-sets-resolution" for f in findings) == 0
    assert sum(f.rule == "resolve-screen-has-assignee" for f in findings) == 999  # no global: each resolve
    # One global transition into Done covers all 1,999 other statuses at once.
    global_resolve = b"<global-actions>" + action(9, "Resolve", count).encode() + b"</global-actions>"
    data = data.replace(b"<steps>", global_resolve + b"<steps>")
    assert lint(data, rule="any-to-resolved") == []


# --- --explain-buckets ----------------------------------------------------------------------


def test_explain_buckets_prints_each_status_and_role(tmp_path) -> None:
    path = tmp_path / "simple.xml"
    path.write_bytes(workflow(SIMPLE))
    result = CliRunner().invoke(cli, ["lint", "--explain-buckets", "--profile", "service-bot", str(path)])
    lines = result.output.splitlines()
    assert lines[:9] == [
        f"{path}: workflow 'simple'",
        "  status 'To Do' (step 1, status id 10000): new (its name 'To Do')",
        "  status 'In Progress' (step 2, status id 3): in_progress (Jira's default status id 3)",
        "  status 'Done' (step 3, status id 10001): resolved (its name 'Done')",
        "  role Resolved: 'Done'",
        "  role In Progress: 'In Progress'",
        "  role Reopened: 'To Do' (no Reopened status: falls back to New)",
        "  role New: 'To Do'",
        "  role Waiting: none",
    ]
    assert lines[9].startswith(f"{path}:")  # then the findings


# --- done-type statuses and service-desk names (issue 15 §2) -----------------------------------


def lint_rule(data: bytes, rule: str) -> list[Finding]:
    engine = Engine.from_config(Config())
    engine.rules = [r for r in engine.all_rules if r.id == rule]
    return engine.lint_bytes("test.xml", data).findings


SETS_DONE = (
    '<function type="class"><arg name="field.name">resolution</arg><arg name="field.value">10000</arg>'
    '<arg name="class.name">com.atlassian.jira.workflow.function.issue.UpdateIssueFieldFunction</arg></function>'
)


def test_cancel_into_canceled_is_not_told_to_clear_the_resolution() -> None:
    """Resolved -> Canceled: both hold a resolution; the old advice "clear it on Cancel" is gone, and fix
    adds nothing there."""
    steps = [
        (1, "Open", "1", action(11, "Resolve", 2, functions=SETS_DONE)),
        (2, "Resolved", "5", action(21, "Cancel", 3) + action(31, "Reopen", 1)),
        (3, "Canceled", "10500", ""),
    ]
    findings = lint_rule(workflow(steps), "reopen-clears-resolution")
    assert [f.transition for f in findings] == ["Reopen (id 31)"]  # leaving into Open still must clear


def test_entering_a_done_type_status_without_resolution_is_reported() -> None:
    steps = [(1, "Open", "1", action(11, "Reject", 2)), (2, "Won't Do", "10501", "")]
    findings = lint_rule(workflow(steps), "done-without-resolution")
    assert len(findings) == 1 and 'done-type "Won\'t Do"' in findings[0].message
    assert not lint_rule(workflow(steps), "resolution-on-unresolved-status")


def test_the_service_bot_profile_keeps_unknown_screen() -> None:
    """The profile's rules hand what they cannot verify to unknown-screen (jira pack): it runs with them."""
    all_rules = load_rules(Config())
    chosen = {rule.id for rule in active_rules(all_rules, Config(), profile="service-bot")}
    assert "unknown-screen" in chosen and "resolve-sets-resolution" in chosen
    assert "instance-specific-reference" not in chosen
