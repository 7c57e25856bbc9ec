"""Issue 17, scale: a batch holds findings, not trees; reports stream; long names and big graphs draw.

No timings here (bench/bench_scale.py measures memory and time); these assert the shapes that keep
cost linear: what a batch keeps, that SARIF is written in pieces equal to one json.dumps, that a
report does not hand Graphviz a graph it cannot lay out in time, and that a name past Graphviz's
16,384-character limit is cut in the label but kept whole in the tooltip.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jwflint.batch import session
from jwflint.batch.engines import LintOptions
from jwflint.output import make_report, sarif
from jwflint.render import report as report_module
from jwflint.render.scene import Scene

from .conftest import FIXTURES

SOURCE = FIXTURES / "rules" / "any-to-resolved" / "fail.xml"
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def test_a_batch_keeps_findings_not_workflow_trees(tmp_path: Path) -> None:
    for index in range(5):
        shutil.copyfile(SOURCE, tmp_path / f"w{index}.xml")
    run = session.lint_paths([str(tmp_path)], LintOptions())
    assert len(run.results) == 5
    assert all(result.workflow is None for result in run.results)
    assert all(result.summary()["statuses"] for result in run.results)  # the summary was kept
    assert run.findings
    kept = session.lint_paths([str(tmp_path)], LintOptions(), keep_workflows=True)
    assert all(result.workflow is not None for result in kept.results)


@pytest.mark.parametrize("findings", [True, False])
def test_sarif_in_pieces_is_exactly_one_document(findings: bool) -> None:
    run = session.lint_paths([str(SOURCE)], LintOptions(select=() if findings else ("leading-whitespace",)))
    report = make_report(run)
    pieces = list(sarif.stream(report))
    text = "".join(pieces)
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert len(pieces) == (len(report.findings) + 2 if findings else 1)


def test_a_report_does_not_draw_a_graph_too_big_to_lay_out() -> None:
    scene = Scene(name="big", nodes=[], edges=[object()] * (report_module.MAX_DRAWN_ARROWS + 1))  # type: ignore[list-item]
    svg, note = report_module.picture(scene)
    assert svg is None
    assert note is not None and note.startswith(f"Not drawn: {report_module.MAX_DRAWN_ARROWS + 1} arrows")


@needs_graphviz
@pytest.mark.parametrize("command", ["render", "html"])
def test_a_status_name_past_graphvizs_limit_is_cut_in_the_label_and_whole_in_the_tooltip(
    tmp_path: Path, command: str
) -> None:
    from click.testing import CliRunner

    from jwflint.cli import cli

    name = "N" * 20_000
    workflow = tmp_path / "long.xml"
    text = SOURCE.read_text(encoding="utf-8")
    first = text.index('<step id="1" name="') + len('<step id="1" name="')
    end = text.index('"', first)
    workflow.write_text(text[:first] + name + text[end:], encoding="utf-8")
    out = tmp_path / ("o.svg" if command == "render" else "o.html")
    args = ["render", str(workflow), "-o", str(out)]
    if command == "html":
        args = ["lint", str(workflow), "--format", "html", "-o", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    drawn = out.read_text(encoding="utf-8")
    assert "N" * 199 + "…" in drawn  # the label, cut
    assert name in drawn  # the tooltip, whole
