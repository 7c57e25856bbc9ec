"""The HTML report: self-contained, escaped, and checked in headless Chromium (DOM and a screenshot).

The Chromium tests skip only when Chromium is missing and CI is not set; under CI they fail.
The screenshot is kept under tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from jwflint.render.images import dot_available

from .conftest import FIXTURES, REPO, corpus_files
from .test_cli_lint import invoke

RENDER = FIXTURES / "render"
DEMO = FIXTURES / "demo" / "service_desk.xml"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("headless Chromium is required under CI (apt-get install chromium)")
    pytest.skip("Chromium is not installed")


def run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    process = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert process.returncode == 0, process.stderr[-2000:]
    return process


def dump_dom(page: Path) -> lxml_html.HtmlElement:
    """The DOM after Chromium has parsed (and would have run) the page."""
    return lxml_html.fromstring(run_chromium("--dump-dom", page.resolve().as_uri()).stdout)


def select(element: lxml_html.HtmlElement, path: str) -> list:
    """``tag.class`` steps separated by spaces (descendants), as a tiny CSS subset over XPath."""
    xpath = "."
    for step in path.split():
        tag, _, cls = step.partition(".")
        test = f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]" if cls else ""
        if tag.startswith("#"):
            tag, test = "*", f"[@id='{tag[1:]}']"
        xpath += f"//{tag or '*'}{test}"
    return element.xpath(xpath)


def external_references(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.split("}")[-1] in ("src", "href", "action", "data") and not value.startswith("#"):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag in ("link", "script", "iframe", "img", "object", "embed"):
            found.append(f"<{element.tag}>")
    if "@import" in page or "url(" in page:
        found.append("CSS url()/@import")
    return found


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "service_desk.html"
    run = invoke(["render", DEMO, "-o", out])
    assert run.code == 0, run.stderr
    return out


@needs_dot
def test_report_is_self_contained(demo_report: Path) -> None:
    page = demo_report.read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page  # inline SVG, not a document


@needs_dot
def test_report_dom_in_chromium(demo_report: Path) -> None:
    dom = dump_dom(demo_report)
    (section,) = select(dom, "section.workflow")
    assert select(section, ".diagram svg")
    svg_texts = {t.text_content() for t in select(section, ".diagram svg text")}
    assert {"Open", "SupportWait", "Resolved", "Closed", "Any status"} <= svg_texts
    rows = select(section, "table.findings tbody tr.finding")
    assert rows  # the demo workflow lacks the bot's global transitions
    headers = [th.text_content() for th in select(section, "table.findings thead th")]
    assert headers == ["Severity", "Rule", "Line", "Subject", "Message"]  # each rule's hint once, below
    rules = {select(row, "td.rule")[0].text_content() for row in rows}
    assert {"any-to-resolved", "any-to-in-progress", "any-to-reopened"} <= rules
    for row in rows:
        cells = [td.text_content().strip() for td in select(row, "td")]
        assert cells[0] in ("error", "warning", "info") and cells[2].isdigit() and cells[4]
    summary = select(dom, "#summary table.summary tbody tr")
    assert len(summary) == 1 and select(summary[0], "a")[0].get("href") == "#wf-1"


def test_no_findings_leaves_the_table_out(tmp_path: Path) -> None:
    out = tmp_path / "plain.html"
    assert invoke(["render", DEMO, "-o", out, "--no-findings"]).code == 0
    page = out.read_text(encoding="utf-8")
    assert "Findings are not shown (--no-findings)." in page and 'class="finding' not in page


def test_hostile_names_stay_text_in_chromium(tmp_path: Path) -> None:
    """A status named ``</script><b>…`` is text in the findings table and in the picture."""
    out = tmp_path / "escaping.html"
    assert invoke(["render", RENDER / "escaping.xml", "-o", out]).code == 0
    page = out.read_text(encoding="utf-8")
    dom = dump_dom(out)
    assert select(dom, "script") == [] and select(dom, "b") == []
    assert external_references(page) == []
    if dot_available():
        texts = {t.text_content() for t in select(dom, ".diagram svg text")}
        assert {"</script><b>R&amp;D</b>", "<script>alert(1)</script>", "Open <new>"} <= texts


@needs_dot
def test_lint_format_html_for_many_files(tmp_path: Path) -> None:
    paths = [DEMO, RENDER / "restricted.xml", *corpus_files()[:3]]
    broken = tmp_path / "broken.xml"
    broken.write_text("<workflow>", encoding="utf-8")
    out = tmp_path / "report.html"
    run = invoke(["lint", *paths, broken, "--format", "html", "-o", out])
    assert run.code == 2  # the broken file could not be linted; the report still covers it
    page = out.read_text(encoding="utf-8")
    assert external_references(page) == []
    dom = dump_dom(out)
    sections = select(dom, "section.workflow")
    assert len(sections) == len(paths) + 1
    assert sum(1 for s in sections if select(s, ".diagram svg")) == len(paths)
    assert "could not be read as a workflow" in sections[-1].text_content()
    assert select(sections[-1], "tr.sev-error td.rule")[0].text_content() == "xml-syntax"


@needs_dot
def test_lint_format_html_with_worker_processes_still_draws_every_workflow(tmp_path: Path) -> None:
    paths = [DEMO, RENDER / "restricted.xml", RENDER / "global_only.xml"]
    out = tmp_path / "report.html"
    run = invoke(["lint", *paths, "--format", "html", "-o", out, "-j", "2"])
    assert run.code == 1, run.stderr
    tree = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    sections = select(tree, "section.workflow")
    assert [bool(select(s, ".diagram svg")) for s in sections] == [True, True, True]


@needs_dot
def test_screenshot_reads_well(demo_report: Path) -> None:
    """Keeps tests/artifacts/report.png for a person to look at; checks it is a full-size PNG."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    run_chromium(f"--screenshot={shot}", "--window-size=1400,1000", demo_report.resolve().as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 1000)


@needs_dot
def test_lint_format_html_colours_statuses_from_the_catalogue_given(tmp_path: Path) -> None:
    # A copy away from fixtures/demo/.jwflint.yaml: only --catalogue says what 10026 is.
    workflow = tmp_path / "service_desk.xml"
    workflow.write_bytes(DEMO.read_bytes())
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text('statuses:\n  "10026": {name: Support In Progress, bucket: waiting}\n', encoding="utf-8")
    out = tmp_path / "report.html"
    run = invoke(["lint", workflow, "--catalogue", catalogue, "--format", "html", "-o", out])
    assert run.code == 1, run.stderr
    page = out.read_text(encoding="utf-8")
    assert "catalogue: status id 10026 is waiting" in page
    # Without --catalogue nothing maps it, and the report says no such thing.
    run = invoke(["lint", workflow, "--format", "html", "-o", out])
    assert "catalogue: status id 10026" not in out.read_text(encoding="utf-8")


# --- issue 16: grouped hints, filters, and the before/after hand-off ---------------------------


def test_report_groups_repeated_hints_and_filters_by_severity_and_rule(demo_report: Path) -> None:
    tree = lxml_html.fromstring(demo_report.read_text(encoding="utf-8"))
    rows = select(tree, "table.findings tbody tr.finding")
    rules = [row.get("data-rule") for row in rows]
    assert rules.count("reopen-event") == 3
    hints = select(tree, "dl.hints dt")
    assert [dt.text_content() for dt in hints].count("reopen-event (3 findings)") == 1
    assert len(hints) == len(set(rules))  # one hint per rule, however many findings share it
    assert all(select(row, "td.rule a")[0].get("href").startswith("#fix-1-") for row in rows)
    assert {row.get("data-severity") for row in rows} == {"error", "warning", "info"}
    assert [i.get("id") for i in select(tree, "#filters input")] == ["sev-info", "sev-warning", "sev-error"]
    rule_inputs = {i.get("id") for i in tree.xpath("//input[@name='rule']")}
    assert rule_inputs == {"rule-all", *(f"rule-{rule}" for rule in set(rules))}
    css = "".join(style.text_content() for style in tree.iter("style"))
    assert "body:has(#sev-error:checked) tr.sev-warning { display: none; }" in css
    assert 'body:has(#rule-any-to-resolved:checked) tr.finding:not([data-rule="any-to-resolved"])' in css
    help_lines = [span.text_content() for span in select(tree, "td.message span.help")]
    assert any(line.startswith("help: add a global transition") for line in help_lines)


def test_report_filters_hide_rows_in_chromium(demo_report: Path, tmp_path: Path) -> None:
    """The CSS-only filters, as Chromium applies them (the probe page adds a script; the report has none)."""
    page = demo_report.read_text(encoding="utf-8")
    probe_script = (
        "<script>document.querySelectorAll('tr.finding').forEach(function (row) {"
        "row.setAttribute('data-shown', getComputedStyle(row).display !== 'none'); });</script></body>"
    )

    def shown(checked: str) -> list[tuple[str, str]]:
        text = page.replace(" checked>", ">").replace(f'id="{checked}">', f'id="{checked}" checked>')
        text = text.replace('id="rule-all">', 'id="rule-all" checked>') if checked.startswith("sev") else text
        text = text.replace('id="sev-info">', 'id="sev-info" checked>') if checked.startswith("rule") else text
        probe = tmp_path / f"{checked}.html"
        probe.write_text(text.replace("</body>", probe_script), encoding="utf-8")
        rows = select(dump_dom(probe), "tr.finding")
        return [(row.get("data-severity"), row.get("data-rule")) for row in rows if row.get("data-shown") == "true"]

    everything = shown("sev-info")
    assert {severity for severity, _ in everything} == {"error", "warning", "info"}
    errors = shown("sev-error")
    assert errors and {severity for severity, _ in errors} == {"error"}
    assert len(errors) == sum(1 for severity, _ in everything if severity == "error")
    assert {rule for _, rule in shown("rule-any-to-resolved")} == {"any-to-resolved"}


def _node_boxes(svg: str) -> dict[str, str]:
    """Graphviz node id -> its drawn shape's points, from an inline SVG."""
    tree = lxml_html.fromstring(f"<div>{svg}</div>")
    boxes = {}
    for group in tree.xpath("//g[contains(@class, 'node')]"):
        title = group.xpath("./title")[0].text_content()
        shape = group.xpath(".//path/@d | .//polygon/@points | .//ellipse/@cx")
        boxes[title] = shape[0] if shape else ""
    return boxes


@needs_dot
def test_patch_report_keeps_every_status_in_place_and_lists_the_manual_steps(tmp_path: Path) -> None:
    workflow = tmp_path / "service_desk.xml"
    workflow.write_bytes(DEMO.read_bytes())
    report = tmp_path / "patch.html"
    run = invoke(["patch", "bot", workflow, "--unrestricted", "-o", tmp_path / "patched.xml", "--render", report])
    assert run.code == 0, run.stderr
    tree = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    before, after = (lxml_html.tostring(svg, encoding="unicode") for svg in select(tree, ".pair svg"))
    before_boxes, after_boxes = _node_boxes(before), _node_boxes(after)
    statuses = [node for node in before_boxes if node.startswith("s")]
    assert len(statuses) >= 8 and all(before_boxes[node] for node in statuses)
    # Every status in the same place in both pictures (Graphviz leaves hidden nodes out of the SVG).
    assert {node: after_boxes[node] for node in before_boxes} == before_boxes
    # Added edges: green in the after picture, not drawn before.
    green = "#00875a"
    after_tree = lxml_html.fromstring(f"<div>{after}</div>")
    added = {t.text_content() for g in after_tree.xpath("//g[contains(@class,'edge')]")
             if any(green in (p.get("stroke") or "").lower() for p in g.xpath(".//path"))
             for t in g.xpath(".//text")}  # fmt: skip
    assert {"Resolve (bot)", "Reopen (bot)"} <= added
    assert "Resolve (bot)" not in {t.text_content() for t in lxml_html.fromstring(f"<div>{before}</div>").iter("text")}
    # The manual steps Jira still needs are part of the hand-off.
    steps = select(tree, "ol.manual li")
    assert steps and any("Assignee" in li.text_content() for li in steps)
    assert "Manual steps (" in tree.text_content()


def test_removed_and_finding_have_different_marks() -> None:
    from jwflint.render import palette
    from jwflint.render.dot import edge_attrs
    from jwflint.render.scene import REMOVED, Edge

    removed = edge_attrs(Edge("e1", "s1", "s2", "Cancel", "step", change=REMOVED))
    flagged = edge_attrs(Edge("e2", "s1", "s2", "Cancel", "step", flagged=True))
    assert removed["color"] == palette.REMOVED != flagged["color"] == palette.FINDING
    assert removed["style"] == "dotted" and "style" not in flagged
