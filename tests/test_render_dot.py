"""DOT goldens for fixtures/render/*.xml, and what the scene makes of findings, restrictions and patches.

Each ``<case>.xml`` is drawn to ``<case>.dot``; an optional ``<case>.findings.yaml`` gives the
findings to draw (hand-written, so goldens do not follow the wording of rules that are still
changing) and an optional ``<case>.before.xml`` makes the picture a patch. Run with
JWFLINT_UPDATE_GOLDENS=1 to rewrite the goldens (then read the diff before committing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from jwflint.core.findings import Finding, Severity
from jwflint.core.templating import dot_html, dot_str
from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Workflow
from jwflint.render.dot import to_dot
from jwflint.render.scene import ADDED, ANY, MISSING, PHANTOM, REMOVED, START, Scene, build_scene
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import FIXTURES, REPO

RENDER_FIXTURES = FIXTURES / "render"
UPDATE = os.environ.get("JWFLINT_UPDATE_GOLDENS") == "1"


def cases() -> list[str]:
    return sorted(p.stem for p in RENDER_FIXTURES.glob("*.xml") if not p.name.endswith(".before.xml"))


def fixture_workflow(file_name: str) -> Workflow:
    path = RENDER_FIXTURES / file_name
    return build(parse(str(path.relative_to(REPO)), path.read_bytes()))


def fixture_findings(case: str) -> list[Finding] | None:
    path = RENDER_FIXTURES / f"{case}.findings.yaml"
    if not path.is_file():
        return None
    return [
        Finding(
            file=f"fixtures/render/{case}.xml",
            line=entry["line"],
            column=entry["column"],
            rule=entry["rule"],
            severity=Severity.parse(entry["severity"]),
            message=entry["message"],
            status=entry.get("status"),
            transition=entry.get("transition"),
            workflow=case,
        )
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def fixture_scene(case: str, with_findings: bool = True) -> Scene:
    workflow = fixture_workflow(f"{case}.xml")
    before_path = RENDER_FIXTURES / f"{case}.before.xml"
    before = fixture_workflow(before_path.name) if before_path.is_file() else None
    findings = fixture_findings(case) if with_findings else None
    return build_scene(workflow, Buckets(workflow, Catalogue()), findings, before=before)


@pytest.mark.parametrize("case", cases())
def test_dot_golden(case: str) -> None:
    text = to_dot(fixture_scene(case))
    golden = RENDER_FIXTURES / f"{case}.dot"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden {golden.name}: run with JWFLINT_UPDATE_GOLDENS=1"
    assert text == golden.read_text(encoding="utf-8")


def test_every_case_has_a_golden_and_no_golden_is_stale() -> None:
    goldens = {p.stem for p in RENDER_FIXTURES.glob("*.dot")}
    assert goldens == set(cases())
    assert {"escaping", "global_only", "common_actions", "restricted", "patched"} <= goldens


def _edges(scene: Scene, source: str, target: str) -> list:
    return [e for e in scene.edges if e.source == source and e.target == target]


def _node(scene: Scene, label: str):
    (node,) = [n for n in scene.nodes if n.label == label]
    return node


def test_global_only_workflow_draws_one_any_status_node_and_a_loop_for_step_minus_one() -> None:
    scene = fixture_scene("global_only")
    assert [n.id for n in scene.nodes if n.kind == ANY] == [ANY]
    from_any = [e for e in scene.edges if e.source == ANY]
    assert sorted(e.label for e in from_any) == ["Comment", "Done", "In Progress", "To Do"]
    (loop,) = [e for e in from_any if e.label == "Comment"]
    assert loop.loop and loop.target == ANY
    assert [e.label for e in scene.edges if e.source == START] == ["Create"]


def test_common_actions_are_drawn_once_per_source_and_loops_stay() -> None:
    scene = fixture_scene("common_actions")
    close = [(e.source, e.target) for e in scene.edges if e.label == "Close Issue"]
    assert close == [("s1", "s4"), ("s2", "s4"), ("s3", "s4")]
    resolve = [(e.source, e.target) for e in scene.edges if e.label == "Resolve Issue"]
    assert resolve == [("s1", "s3"), ("s2", "s3")]
    assert [e.label for e in scene.edges if e.loop] == ["Re-triage", "Log work"]
    (conditional,) = [e for e in scene.edges if e.conditional]
    assert (conditional.label, conditional.target) == ("Start Progress", "s4")
    (escalate,) = [e for e in scene.edges if e.label == "Escalate"]
    assert escalate.target == "d9"
    assert _node(scene, "step 9 (missing)").kind == "dangling"


def test_restrictions_name_who_may_use_a_transition() -> None:
    scene = fixture_scene("restricted")
    who = {e.label: e.restriction for e in scene.edges}
    assert who == {
        "Create": None,
        "Start Progress": "group jira-developers",
        "Resolve (agents)": "group service-desk-agents or role 10002",
        "Resolve (anyone with permission)": None,
        "Bot: resolve": "hidden",
        "Stop Progress": "assignee",
        "Resolve": "not group contractors",
        "Reopen": "role 10001 or reporter",
        "missing (any-to-resolved)": None,
        "missing (any-to-reopened)": None,
    }


def test_findings_outline_their_subjects_and_any_to_rules_draw_missing_edges() -> None:
    scene = fixture_scene("restricted")
    flagged_nodes = sorted(n.label for n in scene.nodes if n.flagged)
    assert flagged_nodes == ["In Progress"]  # the any-to-* targets are not the culprits
    flagged_edges = sorted(e.label for e in scene.edges if e.flagged and e.kind != MISSING)
    assert flagged_edges == ["Stop Progress"]  # placed by position; the info finding is a note only
    (start_progress,) = [e for e in scene.edges if e.label == "Start Progress"]
    assert any("[info-rule]" in note for note in start_progress.notes)
    missing = {(e.source, e.target) for e in scene.edges if e.kind == MISSING}
    assert missing == {(ANY, "s3"), (ANY, "s1")}  # Resolved, and Open playing Reopened
    assert scene.unplaced == []


def test_missing_role_without_a_status_gets_a_phantom_node() -> None:
    scene = fixture_scene("escaping")
    (phantom,) = [n for n in scene.nodes if n.kind == PHANTOM]
    assert phantom.label == "In Progress (no such status)"
    assert _edges(scene, ANY, phantom.id)[0].kind == MISSING


def test_no_findings_draws_nothing_red() -> None:
    scene = fixture_scene("restricted", with_findings=False)
    assert not any(n.flagged for n in scene.nodes) and not any(e.flagged for e in scene.edges)
    assert not any(e.kind == MISSING for e in scene.edges)
    assert ANY not in {n.id for n in scene.nodes}
    assert "#DE350B" not in to_dot(scene)


def test_patch_marks_added_and_removed_transitions() -> None:
    scene = fixture_scene("patched")
    changes = sorted((e.label, e.source, e.target, e.change) for e in scene.edges if e.change)
    assert changes == [
        ("Back", "s4", "s1", REMOVED),
        ("Cancel", "s1", "s4", REMOVED),
        ("Reopen (bot)", ANY, "s1", ADDED),
        ("Resolve (bot)", ANY, "s3", ADDED),
        ("Stop Progress", "s2", "s1", REMOVED),
        ("Stop Progress", "s2", "s3", ADDED),
    ]
    assert _node(scene, "Obsolete").change == REMOVED
    unchanged = sorted(e.label for e in scene.edges if e.change is None)
    assert unchanged == ["Create", "Reopen", "Resolve", "Start Progress"]


def test_dot_escaping_keeps_names_exact() -> None:
    assert dot_str('say "hi" \\ & <b>') == '"say \\"hi\\" \\\\ &amp; <b>"'
    assert dot_str(["a", "b"]) == '"a\\nb"'
    assert dot_str("line\nbreak") == '"line break"'
    assert dot_html(['a "b" <c> & d', "e"]) == "a &quot;b&quot; &lt;c&gt; &amp; d<BR/>e"


def test_output_is_deterministic() -> None:
    for case in cases():
        assert to_dot(fixture_scene(case)) == to_dot(fixture_scene(case))


def _svg_texts(svg: bytes) -> list[str]:
    from lxml import etree

    root = etree.fromstring(svg)
    texts = root.findall(".//{http://www.w3.org/2000/svg}text")
    return [t.text or "" for t in texts]


def test_graphviz_draws_escaped_names_exactly(tmp_path: Path) -> None:
    """The whole round trip: names in the XML come out of Graphviz as the same text."""
    pytest.importorskip("graphviz")
    from jwflint.render.images import dot_available, render_image

    if not dot_available():
        pytest.skip("Graphviz's dot is not installed")
    svg = render_image(to_dot(fixture_scene("escaping")), "svg")
    texts = _svg_texts(svg)
    for name in (
        "Open <new>",
        "Back\\slash \\N \\n {brace} |",  # wrapped: the label's first line
        "Résolu ✓ 完了",
        "</script><b>R&amp;D</b>",
        'Say "hi" & wait',
        "#1; 100% : done &amp;",  # wrapped
    ):
        assert name in texts, (name, texts)
