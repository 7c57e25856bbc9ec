"""`jwflint render`: formats, output paths, missing Graphviz, patches, corpus SVGs, lazy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.render.api import render_patch
from jwflint.render.images import dot_available
from jwflint.render.scene import build_scene, wrap
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import FIXTURES, corpus_files
from .test_cli_lint import invoke

RENDER = FIXTURES / "render"
DEMO = FIXTURES / "demo" / "service_desk.xml"
SVG_NS = "{http://www.w3.org/2000/svg}"
LARGEST = "ShowMaster32__Jira-Workflow-Decode__EC_HUB__Code_Tracking_Workflow_-_Rev__2_0.xml"
needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")


@pytest.fixture
def empty_config(tmp_path: Path) -> Path:
    """A config with nothing in it: drawings of fixtures do not depend on config files above them."""
    path = tmp_path / "empty.jwflint.yaml"
    path.write_text("fail_on: error\n", encoding="utf-8")
    return path


def svg_texts(svg: bytes) -> list[str]:
    root = etree.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


# --- formats and outputs ----------------------------------------------------------------------


def test_dot_to_stdout_matches_the_golden(empty_config: Path) -> None:
    args = ["render", RENDER / "common_actions.xml", "--format", "dot", "--no-findings"]
    run = invoke([*args, "--config", empty_config])
    assert run.code == 0, run.stderr
    assert run.stdout == (RENDER / "common_actions.dot").read_text(encoding="utf-8")


def test_before_draws_the_patch_golden(tmp_path: Path, empty_config: Path) -> None:
    out = tmp_path / "patch.dot"
    args = ["render", RENDER / "patched.xml", "--before", RENDER / "patched.before.xml", "-o", out]
    run = invoke([*args, "--no-findings", "--config", empty_config])
    assert run.code == 0, run.stderr
    assert out.read_text(encoding="utf-8") == (RENDER / "patched.dot").read_text(encoding="utf-8")


def test_mermaid_by_extension_and_dash_means_stdout(tmp_path: Path) -> None:
    out = tmp_path / "demo.mmd"
    assert invoke(["render", DEMO, "-o", out]).code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1] == "stateDiagram-v2"
    run = invoke(["render", DEMO, "--format", "mermaid", "-o", "-"])
    assert run.code == 0 and run.stdout == out.read_text(encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # shareable, as open() would create it


@needs_dot
@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_images_by_extension(tmp_path: Path, suffix: str, magic: bytes) -> None:
    out = tmp_path / f"demo{suffix}"
    run = invoke(["render", DEMO, "-o", out])
    assert run.code == 0, run.stderr
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "picture.jpeg"], "cannot tell the format from 'picture.jpeg': give --format"),
        ([], "give --format"),
        (["--format", "png"], "png is binary: give -o FILE"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    run = invoke(["render", DEMO, *args])
    assert run.code == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "picture.jpeg").exists()


def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<workflow><steps>", encoding="utf-8")
    run = invoke(["render", broken, "--format", "dot"])
    assert run.code == 2
    assert run.stderr.startswith(f"jwflint: error: {broken}:") and "cannot draw it" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert invoke(["render", tmp_path / "absent.xml", "--format", "dot"]).code == 2


def test_suppressed_findings_are_not_drawn(tmp_path: Path) -> None:
    config = tmp_path / "jwflint.yaml"
    config.write_text(
        "suppressions:\n  - workflow: service_desk\n    rule: any-to-resolved\n    reason: the bot never resolves\n",
        encoding="utf-8",
    )
    run = invoke(["render", DEMO, "--format", "dot", "--config", config])
    assert run.code == 0, run.stderr
    assert "missing (any-to-reopened)" in run.stdout
    assert "any-to-resolved" not in run.stdout


# --- Graphviz missing -------------------------------------------------------------------------


def test_without_dot_images_fail_with_the_install_hint_and_text_formats_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert not dot_available()
    for suffix in (".svg", ".png", ".pdf"):
        run = invoke(["render", DEMO, "-o", tmp_path / f"x{suffix}"])
        assert run.code == 2
        assert len(run.stderr.strip().splitlines()) == 1
        assert "apt-get install graphviz" in run.stderr and "brew install graphviz" in run.stderr
        assert not (tmp_path / f"x{suffix}").exists()
    assert invoke(["render", DEMO, "-o", tmp_path / "x.dot"]).code == 0
    assert invoke(["render", DEMO, "-o", tmp_path / "x.mmd"]).code == 0
    run = invoke(["render", DEMO, "-o", tmp_path / "x.html"])
    assert run.code == 0, run.stderr
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "The picture needs Graphviz" in page and "apt-get install graphviz" in page
    assert "<svg" not in page
    assert 'class="finding sev-' in page  # the findings table is still there


# --- the corpus -------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_every_corpus_workflow_renders_to_an_svg_naming_every_status(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "workflow.svg"
    run = invoke(["render", path, "-o", out])
    assert run.code == 0, run.stderr
    texts = svg_texts(out.read_bytes())
    workflow = build(parse(str(path), path.read_bytes()))
    for status in workflow.statuses:
        for line in wrap(status.name or status.label):
            assert line in texts, (status.name, line)


@needs_dot
def test_rendering_is_deterministic(tmp_path: Path) -> None:
    path = next(p for p in corpus_files() if p.name == LARGEST) if corpus_files() else DEMO
    for suffix in (".svg", ".png", ".dot", ".mmd", ".html"):
        first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        assert invoke(["render", path, "-o", first]).code == 0
        assert invoke(["render", path, "-o", second]).code == 0
        assert first.read_bytes() == second.read_bytes(), suffix


@needs_dot
def test_largest_corpus_workflow_lays_out_top_down() -> None:
    paths = [p for p in corpus_files() if p.name == LARGEST]
    if not paths:
        pytest.skip("shared corpus not present")
    workflow = build(parse(str(paths[0]), paths[0].read_bytes()))
    assert (len(workflow.statuses), len(workflow.transitions)) == (20, 46)
    from jwflint.render.dot import to_dot

    source = to_dot(build_scene(workflow, Buckets(workflow, Catalogue())))
    assert 'rankdir="TB"' in source


# --- the patch generator's entry point ---------------------------------------------------------


@needs_dot
def test_render_patch_draws_the_patch_and_its_report(tmp_path: Path) -> None:
    after = (RENDER / "patched.xml").read_bytes()
    svg = tmp_path / "patch.svg"
    assert render_patch(str(RENDER / "patched.before.xml"), after, str(svg)) == "svg"
    assert "Resolve (bot)" in svg_texts(svg.read_bytes())
    page = tmp_path / "patch.html"
    render_patch(str(RENDER / "patched.before.xml"), after, str(page))
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 3  # the patch, before, after
    assert '<span class="add">+    &lt;action id=&#34;901&#34; name=&#34;Resolve (bot)&#34;&gt;</span>' in text
    assert "patched.before.patched.xml" in text


@needs_dot
def test_patch_bot_render_draws_what_the_patch_added(tmp_path: Path) -> None:
    workflow = tmp_path / "service_desk.xml"
    workflow.write_bytes(DEMO.read_bytes())
    picture = tmp_path / "patch.svg"
    run = invoke(["patch", "bot", workflow, "--render", picture])
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("--- a/")  # no -o/--write: the patch is printed as a diff
    assert not (tmp_path / "service_desk.patched.xml").exists()
    root = etree.fromstring(picture.read_bytes())
    added = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "edge" and _stroke(g) == "#00875a"]
    assert {"Resolve (bot)", "Reopen (bot)"} <= {t.text for g in added for t in g.iter(f"{SVG_NS}text")}
    # --write replaces the input first: the picture still compares against the original bytes.
    report = tmp_path / "patch.html"
    assert invoke(["patch", "bot", workflow, "--write", "--render", report]).code == 0
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and '<span class="add">+  &lt;global-actions&gt;</span>' in page


def test_patch_bot_render_with_an_unknown_extension_writes_nothing(tmp_path: Path) -> None:
    workflow = tmp_path / "service_desk.xml"
    workflow.write_bytes(DEMO.read_bytes())
    run = invoke(["patch", "bot", workflow, "--render", tmp_path / "patch.jpeg"])
    assert run.code == 2 and "cannot tell the format" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["service_desk.xml"]


def _stroke(group: etree._Element) -> str | None:
    path = next(group.iter(f"{SVG_NS}path"), None)
    return path.get("stroke", "").lower() if path is not None else None


# --- cost -------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_lint_never_imports_rendering(output_format: str) -> None:
    code = (
        "import sys\n"
        "from jwflint.cli import main\n"
        "try:\n"
        f"    main(['lint', {str(DEMO)!r}, '--format', {output_format!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'graphviz')"
        " or m.startswith('jwflint.render') or m == 'jwflint.core.templating')\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in process.stderr, process.stderr
