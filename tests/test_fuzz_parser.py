"""Hypothesis: mutated corpus files never raise an uncaught exception, in the engine or through the CLI.

Mutations: byte flips, truncations, deleted and duplicated lines, inserted junk elements,
and swapped or rewritten ids. Examples are derandomized so CI runs are repeatable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwflint.config.settings import Config
from jwflint.core.findings import Severity
from jwflint.lint.engine import Engine

from .conftest import FIXTURES, corpus_files
from .test_cli_lint import FINDING, invoke

# Small and varied seeds keep each example fast: a Cloud export, the default workflow with
# common actions and "005" ids, a global-only one, and a positions fixture.
SEED_NAMES = (
    "olezhuravlev__mnt-homeworks__tasks_workflow.xml",
    "turgaycelik__mysource__jira-workflow.xml",
    "ShowMaster32__Jira-Workflow-Decode__Software_Simplified_Workflow_for_Project_RJI.xml",
    "ShowMaster32__Jira-Workflow-Decode__Internal_support_portals_Sub-TaskAccount_ticket_Workflow.xml",
)
SEEDS = [p.read_bytes() for p in corpus_files() if p.name in SEED_NAMES] or [
    (FIXTURES / "rules" / "dangling-step-reference" / "pass-stay-loops.xml").read_bytes()
]
SEEDS.append((FIXTURES / "rules" / "dangling-step-reference" / "fail-positions.xml").read_bytes())

# Well-formed junk keeps the document parseable, so the model and the rules see it.
ELEMENTS = [
    b"<step/>",
    b'<step id="1"/>',
    b'<step id="4" name="x"><actions><common-action id="4"/></actions></step>',
    b'<action id="1"/>',
    b'<action id="7" name="x"><results><result step="12"/></results></action>',
    b'<common-action id="999"/>',
    b"<results><unconditional-result/></results>",
    b'<unconditional-result step="\xc2\xb2"/>',
    b'<result step="-1"/>',
    b"<conditions><conditions><condition/></conditions></conditions>",
    b"<restrict-to><conditions type=\"OR\"/></restrict-to>",
    b"<steps/>",
    b"<initial-actions/>",
    b"<global-actions><action id=\"1\"/></global-actions>",
    b'<meta name="jira.status.id"></meta>',
    b'<meta name="jira.fieldscreen.id">x</meta>',
    b"<post-functions><function><arg name=\"class.name\"/></function></post-functions>",
    b"<!-- <step -->",
    b"<?pi ?>",
    b"&amp;",
]
# Anything at all, well-formed or not.
JUNK = [*ELEMENTS, b"\xef\xbb\xbf", b"\n\n", b"<", b"]]>", b"<step>", b'<!DOCTYPE workflow [<!ENTITY x "y">]>']
# Ids and the values that hold ids (status, screen, event, field values): group 1 or 2.
IDS = re.compile(rb'\b(?:id|step)="([^"]*)"|<(?:meta|arg) name="[^"]*">([^<]*)</')
ID_VALUES = st.sampled_from([b"1", b"005", b"-1", b"", b"x", b"\xc2\xb2", b"99999999999999999999", b" 3 ", b"-", b"0"])
LINE_ENDS = re.compile(rb">\r?\n")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _structural(draw: st.DrawFn, data: bytes) -> bytes:
    """Swap or rewrite ids, or insert a well-formed element at the end of a line inside the root."""
    kind = draw(st.sampled_from(["swap", "rewrite", "element"]))
    if kind == "element":
        root = data.find(b"<workflow")
        ends = [m.end() - 1 for m in LINE_ENDS.finditer(data, max(root, 0))][1:-1]
        if root < 0 or not ends:
            return data
        index = draw(st.sampled_from(ends))
        return data[:index] + draw(st.sampled_from(ELEMENTS)) + data[index:]
    spots = [(m.start(m.lastindex), m.end(m.lastindex)) for m in IDS.finditer(data) if m.lastindex]
    if not spots:
        return data
    start, end = draw(st.sampled_from(spots))
    if kind == "rewrite":
        return data[:start] + draw(ID_VALUES) + data[end:]
    (a, a_end), (b, b_end) = sorted([(start, end), draw(st.sampled_from(spots))])
    if a == b:
        return data
    return data[:a] + data[b:b_end] + data[a_end:b] + data[a:a_end] + data[b_end:]


def _breaking(draw: st.DrawFn, data: bytes) -> bytes:
    """Byte flips, truncations, deleted or duplicated lines, junk anywhere."""
    if not data:
        return data
    kind = draw(st.sampled_from(["flip", "truncate", "delete", "duplicate", "junk"]))
    if kind == "flip":
        index = draw(st.integers(0, len(data) - 1))
        return data[:index] + bytes([draw(st.integers(0, 255))]) + data[index + 1 :]
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "junk":
        index = draw(st.integers(0, len(data)))
        return data[:index] + draw(st.sampled_from(JUNK)) + data[index:]
    lines = data.split(b"\n")
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[index]
    else:
        lines.insert(index, lines[index])
    return b"\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    # About half the examples stay well-formed, so the model and every rule run on them;
    # the rest also get a mutation that usually breaks the XML.
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        data = _structural(draw, data)
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            data = _breaking(draw, data)
    return data


ENGINE = Engine.from_config(Config())


@FUZZ
@given(mutated())
def test_engine_never_raises_on_mutated_exports(data: bytes) -> None:
    result = ENGINE.lint_bytes("fuzz.xml", data)
    for finding in result.findings:
        assert finding.line >= 0 and finding.column >= 0
        assert finding.message
        assert isinstance(finding.severity, Severity)
    if result.failed:
        assert len(result.findings) == 1
        assert result.findings[0].rule in ("xml-syntax", "unsafe-xml", "not-a-workflow")
    else:
        assert result.workflow is not None
        # positions of model findings point into the file
        lines = data.count(b"\n") + 1
        assert all(1 <= f.line <= lines for f in result.findings)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=mutated())
def test_cli_never_raises_on_mutated_exports(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    run = invoke(["lint", "--format", "text", path])
    assert run.code in (0, 1, 2), run.output
    assert "Traceback" not in run.output
    assert "internal error" not in run.output
    lines = run.stdout.splitlines()[:-1]
    finding_lines = [line for line in lines if not line.startswith(("  help: ", "  note: "))]
    assert all(FINDING.match(line) for line in finding_lines), finding_lines[:3]


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_unmutated_seeds_lint(seed: int) -> None:
    result = ENGINE.lint_bytes("seed.xml", SEEDS[seed])
    assert not result.failed
