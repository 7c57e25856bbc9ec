"""Mermaid output: a small structural parser of stateDiagram-v2 checks every status and transition.

The parser accepts only the statements jwflint writes, with Mermaid's rules: state ids are plain
identifiers, labels carry no raw quote, semicolon, hash or angle bracket (they are written as
``#name;`` / ``#123;`` codes, which Mermaid decodes before parsing).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.render.mermaid import to_mermaid
from jwflint.render.scene import build_scene, routes
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import corpus_files
from .test_render_dot import cases, fixture_scene, fixture_workflow

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
STATE = re.compile(rf'^    state "(?P<label>[^"]*)" as (?P<id>{IDENT})$')
EDGE = re.compile(rf"^    (?P<src>{IDENT}|\[\*\]) --> (?P<dst>{IDENT}) : (?P<label>.*)$")
CLASSDEF = re.compile(rf"^    classDef (?P<name>{IDENT}) (?P<style>[^;]+)$")
CLASS = re.compile(rf"^    class (?P<id>{IDENT}) (?P<name>{IDENT})$")
CODE = re.compile(r"#(\d+|[a-z]+);")
RAW_FORBIDDEN = set('"<>;%\\{}|')


@dataclass
class Diagram:
    states: dict[str, str] = field(default_factory=dict)  # id -> decoded label
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, decoded label)
    classes: dict[str, str] = field(default_factory=dict)
    class_defs: set[str] = field(default_factory=set)


def decode(text: str) -> str:
    stripped = CODE.sub("", text)
    bad = RAW_FORBIDDEN & set(stripped) | ({"#"} & set(stripped))
    assert not bad, f"unescaped {sorted(bad)} in {text!r}"
    return CODE.sub(lambda m: chr(int(m.group(1))) if m.group(1).isdigit() else html.unescape(f"&{m.group(1)};"), text)


def parse_mermaid(text: str) -> Diagram:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("%%")]
    assert lines[0] == "stateDiagram-v2"
    assert re.fullmatch(r"    direction (LR|TB)", lines[1])
    diagram = Diagram()
    for line in lines[2:]:
        if match := STATE.match(line):
            assert match["id"] not in diagram.states, f"state {match['id']} declared twice"
            diagram.states[match["id"]] = decode(match["label"])
        elif match := EDGE.match(line):
            diagram.edges.append((match["src"], match["dst"], decode(match["label"])))
        elif match := CLASSDEF.match(line):
            diagram.class_defs.add(match["name"])
        elif match := CLASS.match(line):
            diagram.classes[match["id"]] = match["name"]
        else:
            raise AssertionError(f"not a stateDiagram-v2 statement jwflint writes: {line!r}")
    for source, target, _ in diagram.edges:
        assert source == "[*]" or source in diagram.states, f"undeclared state {source}"
        assert target in diagram.states, f"undeclared state {target}"
    assert set(diagram.classes.values()) <= diagram.class_defs
    assert set(diagram.classes) == set(diagram.states)
    return diagram


def check_complete(diagram: Diagram, workflow) -> None:
    """Every status is a state named exactly; every transition arrow is there with its name."""
    labels = sorted(diagram.states.values())
    for status in workflow.statuses:
        assert (status.name or status.label) in labels
    expected = sorted(route.transition.name for route in routes(workflow))
    drawn = sorted(label for _, _, label in diagram.edges if not label.startswith(("missing (", "(removed) ")))
    for name in expected:
        assert any(name in label for label in drawn), (name, drawn)
    assert len(drawn) == len(expected)


@pytest.mark.parametrize("case", cases())
def test_fixture_mermaid_parses_and_is_complete(case: str) -> None:
    text = to_mermaid(fixture_scene(case))
    diagram = parse_mermaid(text)
    check_complete(diagram, fixture_workflow(f"{case}.xml"))
    assert text == to_mermaid(fixture_scene(case))  # deterministic


def test_names_survive_escaping_exactly() -> None:
    diagram = parse_mermaid(to_mermaid(fixture_scene("escaping")))
    assert diagram.states["s1"] == "Open <new>"
    assert diagram.states["s2"] == "Back\\slash \\N \\n {brace} | pipe"
    assert diagram.states["s3"] == "Résolu ✓ 完了"
    assert diagram.states["s4"] == "</script><b>R&amp;D</b>"
    labels = {label for _, _, label in diagram.edges}
    assert 'Create "ticket"' in labels
    assert "#1; 100% : done &amp; dusted" in labels
    assert '⚠ Say "hi" & wait' in labels  # a warning finding marks the arrow
    assert ("[*]", "s1", 'Create "ticket"') in diagram.edges


def test_restrictions_patches_and_missing_edges_are_spelled_out() -> None:
    restricted = parse_mermaid(to_mermaid(fixture_scene("restricted")))
    labels = {label for _, _, label in restricted.edges}
    assert "Start Progress [group jira-developers]" in labels
    assert ("any", "s3", "missing (any-to-resolved)") in restricted.edges
    assert restricted.classes["s2"] == "doing_flag" and restricted.classes["s3"] == "done"
    patched = parse_mermaid(to_mermaid(fixture_scene("patched")))
    assert ("any", "s3", "(added) Resolve (bot)") in patched.edges
    assert ("s1", "s4", "(removed) Cancel") in patched.edges
    assert patched.classes["s4"] == "removed"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_corpus_mermaid_parses(path: Path) -> None:
    workflow = build(parse(str(path), path.read_bytes()))
    diagram = parse_mermaid(to_mermaid(build_scene(workflow, Buckets(workflow, Catalogue()))))
    check_complete(diagram, workflow)
