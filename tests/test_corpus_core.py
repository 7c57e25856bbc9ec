"""Every shared export loads, and the model's counts match an independent count and MANIFEST.tsv.

The independent count parses the raw bytes with the standard library's expat-based
ElementTree after stripping the prolog by hand (the Cloud exports' leading blank lines make
strict parsers refuse them), so it shares nothing with jwflint's reader or model.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest

from jwflint.config.settings import Config
from jwflint.lint.engine import Engine
from jwflint.model.workflow import COMMON, GLOBAL, INITIAL, STEP, Workflow
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import CORPUS, CORPUS_BULK, bulk_files, corpus_files

COUNTS = re.compile(
    r"(?P<steps>\d+) steps, (?P<actions>\d+) actions \(initial (?P<initial>\d+), global (?P<global>\d+), "
    r"common (?P<common>\d+), step-level (?P<step>\d+), common-action refs (?P<refs>\d+)\)"
)
KEYS = ("steps", "initial", "global", "common", "step", "refs")


def independent_counts(data: bytes) -> dict[str, int]:
    """Counts from expat: strip whitespace before the declaration, then drop declaration and DOCTYPE."""
    text = data.decode("utf-8").lstrip("\ufeff \t\r\n")
    text = re.sub(r"\A<\?xml[^>]*\?>", "", text)
    text = re.sub(r"\A\s*<!DOCTYPE[^>\[]*>", "", text)
    root = ElementTree.fromstring(text)
    assert root.tag == "workflow"
    return {
        "steps": len(root.findall("./steps/step")),
        "initial": len(root.findall("./initial-actions/action")),
        "global": len(root.findall("./global-actions/action")),
        "common": len(root.findall("./common-actions/action")),
        "step": len(root.findall("./steps/step/actions/action")),
        "refs": len(root.findall("./steps/step/actions/common-action")),
    }


def regex_counts(data: bytes) -> dict[str, int]:
    """A second, purely textual count: the start tags as written."""
    text = data.decode("utf-8")
    return {
        "steps": len(re.findall(r"<step[\s>]", text)),
        "actions": len(re.findall(r"<action[\s>]", text)),
        "refs": len(re.findall(r"<common-action[\s/>]", text)),
    }


def model_counts(workflow: Workflow) -> dict[str, int]:
    kinds = Counter(t.kind for t in workflow.transitions)
    local = sum(1 for t in workflow.transitions if t.kind == STEP and t.id is not None)
    return {
        "steps": len(workflow.statuses),
        "initial": kinds[INITIAL],
        "global": kinds[GLOBAL],
        "common": kinds[COMMON],
        "step": kinds[STEP],
        # Status.action_ids lists a step's own actions and its common-action references
        "refs": sum(len(s.action_ids) for s in workflow.statuses) - local,
    }


def manifest(folder: Path) -> dict[str, dict[str, int]]:
    path = folder / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    rows = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            match = COUNTS.search(row["description"])
            if match:
                rows[row["filename"]] = {key: int(value) for key, value in match.groupdict().items()}
    return rows


CORPUS_MANIFEST = manifest(CORPUS)
BULK_MANIFEST = manifest(CORPUS_BULK)


def _check_counts(path: Path, stated: dict[str, dict[str, int]]) -> Workflow:
    data = path.read_bytes()
    workflow = build(parse(str(path), data))
    ours = model_counts(workflow)
    theirs = independent_counts(data)
    assert ours == theirs
    textual = regex_counts(data)
    assert textual["steps"] == ours["steps"]
    assert textual["actions"] == ours["initial"] + ours["global"] + ours["common"] + ours["step"]
    assert textual["refs"] == ours["refs"]
    # every reference names a defined common action, so each one is a source of it
    assert sum(len(t.sources) for t in workflow.transitions if t.kind == COMMON) == ours["refs"]
    if path.name in stated:
        row = stated[path.name]
        assert {key: row[key] for key in KEYS} == ours
        assert row["actions"] == ours["initial"] + ours["global"] + ours["common"] + ours["step"]
    return workflow


def test_the_shared_corpus_is_there() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    assert len(corpus_files()) == 28
    # the manifest states counts for every corpus file: the comparison below is not vacuous
    assert set(CORPUS_MANIFEST) == {p.name for p in corpus_files()}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[-60:])
def test_corpus_counts(path: Path) -> None:
    workflow = _check_counts(path, CORPUS_MANIFEST)
    assert workflow.transitions_of(INITIAL)[0].id == 1


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[-60:])
def test_corpus_lints_without_structural_errors(path: Path) -> None:
    engine = Engine.from_config(Config())
    engine.rules = [rule for rule in engine.rules if rule.pack == "structure"]
    result = engine.lint_path(str(path))
    assert not result.failed
    assert result.workflow is not None
    rules = [finding.rule for finding in result.findings]
    cloud = path.read_bytes().startswith(b"\n")
    assert rules == (["leading-whitespace"] if cloud else [])
    if cloud:
        finding = result.findings[0]
        assert (finding.line, finding.column, finding.severity.label) == (1, 1, "info")


def test_manifest_leading_whitespace_matches_the_cloud_files() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    stated = {row["filename"] for row in rows if "leading whitespace" in row["description"]}
    found = {p.name for p in corpus_files() if parse(str(p), p.read_bytes()).whitespace_before_declaration}
    assert found == stated
    assert len(found) == 5


@pytest.mark.bulk
def test_the_bulk_corpus_is_there() -> None:
    if not CORPUS_BULK.is_dir():
        pytest.skip("../shared/corpus-bulk is not available")
    assert len(bulk_files()) >= 250
    assert set(BULK_MANIFEST) == {p.name for p in bulk_files()}


@pytest.mark.bulk
@pytest.mark.parametrize("path", bulk_files(), ids=lambda p: p.name[-60:])
def test_bulk_counts(path: Path) -> None:
    _check_counts(path, BULK_MANIFEST)


@pytest.mark.bulk
def test_bulk_lints_without_failures() -> None:
    engine = Engine.from_config(Config())
    engine.rules = [rule for rule in engine.rules if rule.pack == "structure"]
    failed = []
    for path in bulk_files():
        result = engine.lint_path(str(path))
        unexpected = [f.rule for f in result.findings if f.rule != "leading-whitespace"]
        if result.failed or unexpected:
            failed.append((path.name, unexpected))
    assert failed == []
