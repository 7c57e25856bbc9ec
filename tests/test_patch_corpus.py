"""Patch invariants over every real export: ../shared/corpus, and ../shared/corpus-bulk (marker bulk).

For `jwflint patch bot` and `jwflint fix --unsafe-fixes`: the output parses; re-linting shows none of
the fixed findings; patching the output again changes nothing; every original element is still
there, canonically identical outside the inserted fragments; action ids stay unique.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from jwflint.config.settings import Config, parse_config
from jwflint.config.yaml_source import load_yaml
from jwflint.core.findings import Severity
from jwflint.lint.checks.portability import references
from jwflint.lint.engine import Engine
from jwflint.patch import apply
from jwflint.patch.bot import BotOptions
from jwflint.sources import registry
from jwflint.sources.xml_document import XMLSyntax, parse

from .conftest import bulk_files, corpus_files

# A realistic service-desk setup: the catalogue knows Done's id and the bot's group and role.
CATALOGUE = """
catalogue:
  resolutions: {Done: "10000", Fixed: "1"}
  bot: {group: service-bots, role: "10002"}
"""
SERVICE_BOT_FIXABLE = {
    "any-to-resolved",
    "any-to-in-progress",
    "any-to-reopened",
    "bot-resolve-sets-done",
    "bot-reopen-unassigns",
    "bot-transition-restricted",
}
BOT_OPTIONS = [
    BotOptions(unrestricted=True, force=True),
    BotOptions(group="R&D <ops>", role="10002", hide_from_users=True, resolution="10000", force=True),
]


def _engine(with_catalogue: bool) -> Engine:
    config = parse_config(load_yaml(CATALOGUE, "catalogue.yaml"), "catalogue.yaml") if with_catalogue else Config()
    return Engine.from_config(config)


ENGINES = {False: _engine(False), True: _engine(True)}


def _readable(paths: list[Path]) -> list[Path]:
    result = []
    for path in paths:
        try:
            document = parse(str(path), path.read_bytes())
        except XMLSyntax:
            continue  # a deliberately broken file: patching it is an input error, tested elsewhere
        if document.root.tag == "workflow":
            result.append(path)
    return result


CORPUS = _readable(corpus_files())
BULK = _readable(bulk_files())


def _strip_blank(root: etree._Element) -> etree._Element:
    for element in root.iter():
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return root


def _canonical(root: etree._Element) -> bytes:
    return etree.tostring(_strip_blank(root), method="c14n")


def _ids(root: etree._Element) -> Counter:
    return Counter(a.get("id", "").strip() for a in root.iter("action"))


def _drop_resolution_clears(root: etree._Element) -> etree._Element:
    """Remove Update Issue Field "Resolution = None" post-functions: patch bot adds them where its own
    resolve made a transition out of the resolved status need one (and lists each as a change)."""
    for function in list(root.iter("function")):
        args = {a.get("name"): (a.text or "").strip() for a in function.iter("arg")}
        if args.get("field.name", "").lower() == "resolution" and not args.get("field.value"):
            parent = function.getparent()
            parent.remove(function)
            if parent.tag == "post-functions" and len(parent) == 0:
                parent.getparent().remove(parent)
    return root


def assert_only_additions(original: bytes, patched: bytes) -> None:
    """Remove what the patch added (new actions, a new <global-actions>, clearing post-functions);
    the rest is C14N-identical, and so is the prolog but for Cloud's blank lines before <?xml."""
    before = _drop_resolution_clears(parse("before.xml", original).root)
    after = _drop_resolution_clears(parse("after.xml", patched).root)
    old_ids = _ids(before)
    new_ids = _ids(after)
    repeated = [i for i, n in new_ids.items() if n > 1 and n > old_ids.get(i, 0)]
    assert not repeated, f"action ids repeated: {repeated}"
    had_section = before.find("global-actions") is not None
    for action in list(after.iter("action")):
        if action.get("id", "").strip() not in old_ids:
            action.getparent().remove(action)
    section = after.find("global-actions")
    if not had_section and section is not None:
        assert len(section) == 0
        after.remove(section)
    assert _canonical(after) == _canonical(before)
    # The prolog (declaration, DOCTYPE) is byte-identical, without the blank lines Cloud puts first.
    start = original.index(b"<workflow")
    prolog = re.sub(rb"\A[ \t\r\n]+(?=<\?xml)", b"", original[:start])
    assert patched[: patched.index(b"<workflow")] == (prolog if original != patched else original[:start])


def _keys(findings: list, fixable_only: bool = True) -> set[tuple[str, str, str]]:
    return {(f.rule, f.status or "", f.transition or "") for f in findings if f.fixable or not fixable_only}


def _subjects(findings: list) -> set[tuple[str, str, str, str]]:
    """Findings by rule and subject: status and transition, or what a gathered finding gathers ("custom fields")."""
    return {(f.rule, f.status or "", f.transition or "", f.subject or "") for f in findings}


def check_patch_bot(path: Path, options: BotOptions, engine: Engine) -> None:
    data = path.read_bytes()
    outcome = apply.patch_bot(str(path), data, engine, options)
    patched = outcome.patched
    assert_only_additions(data, patched)
    # Re-lint (with the bot identity the patch used): what it claims to fix is gone, nothing new.
    relint = replace(engine, config=replace(engine.config, catalogue=options.catalogue(engine.config.catalogue)))
    before = relint.lint_path(str(path)).findings
    after = relint.lint_bytes(str(path), patched).findings
    assert outcome.claimed <= _keys(before)
    assert not outcome.claimed & _keys(after, fixable_only=False)
    assert {k for k in _keys(after) if k[0].startswith("any-to-")} <= _keys(before)
    if any(line.startswith("added transition") for line in outcome.changes):
        assert outcome.changed
    again = apply.patch_bot(str(path), patched, engine, options)
    assert again.patched == patched, "patching the patched file changed it"
    assert not again.changes
    if not outcome.changes:
        assert patched == data


def _kept_elements(data: bytes) -> Counter:
    """Elements a fix may move but never changes: conditions, validators, metas, and functions other
    than Update Issue Field (whose value a fix may correct)."""
    root = parse("x.xml", data).root
    return Counter(
        etree.tostring(_strip_blank(etree.fromstring(etree.tostring(e, with_tail=False))), method="c14n")
        for e in root.iter("function", "condition", "validator", "meta")
        if e.tag != "function" or b"UpdateIssueFieldFunction" not in etree.tostring(e)
    )


def check_fix(path: Path, engine: Engine, catalogue: bool) -> None:
    data = path.read_bytes()
    outcome = apply.fix(str(path), data, engine, True, BotOptions(force=True))
    patched = outcome.patched
    root = parse("fixed.xml", patched).root
    old_ids = _ids(parse("orig.xml", data).root)
    assert not [i for i, n in _ids(root).items() if n > 1 and n > old_ids.get(i, 0)]
    before, after = _kept_elements(data), _kept_elements(patched)
    lost = [k for k, n in before.items() if after.get(k, 0) < n]
    assert not lost, lost[:1]
    start = data.index(b"<workflow")
    assert patched[:start] == data[:start]
    relinted = engine.lint_bytes(str(path), patched).findings
    assert not outcome.claimed & _keys(relinted)
    if catalogue:
        left = [f for f in relinted if f.fixable and f.rule in SERVICE_BOT_FIXABLE]
        assert not left, [(f.rule, f.message) for f in left]
    again = apply.fix(str(path), patched, engine, True, BotOptions(force=True))
    assert again.patched == patched, "fixing the fixed file changed it"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:70])
@pytest.mark.parametrize("option_index", range(len(BOT_OPTIONS)))
def test_patch_bot_invariants(path: Path, option_index: int) -> None:
    check_patch_bot(path, BOT_OPTIONS[option_index], ENGINES[False])


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:70])
@pytest.mark.parametrize("catalogue", [False, True], ids=["no-catalogue", "catalogue"])
def test_fix_unsafe_invariants(path: Path, catalogue: bool) -> None:
    check_fix(path, ENGINES[catalogue], catalogue)


@pytest.mark.bulk
@pytest.mark.parametrize("path", BULK, ids=lambda p: p.name[:70])
def test_patch_bot_invariants_bulk(path: Path) -> None:
    check_patch_bot(path, BOT_OPTIONS[1], ENGINES[False])


@pytest.mark.bulk
@pytest.mark.parametrize("path", BULK, ids=lambda p: p.name[:70])
def test_fix_unsafe_invariants_bulk(path: Path) -> None:
    check_fix(path, ENGINES[True], True)


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 20, "../shared/corpus is missing"


# --- the bot-ready invariant: `patch bot --group G` (issue 15 §1) ---------------------------------

READY_OPTIONS = BotOptions(group="service-bots", force=True)


def check_bot_ready(path: Path, engine: Engine) -> None:
    """After `patch bot --group G` no service-bot error remains for a role that has a status, and every
    finding of the patched file was a finding of the original (by rule and subject: status and transition,
    or the kind of reference instance-specific-reference gathers), or one the patch defers to the admin
    with a manual step (Done's id unknown).

    Errors of resolve-sets-resolution on people's own transitions into Resolved stay: the patch adds
    the bot's transition rather than editing theirs, so they must have been there before."""
    data = path.read_bytes()
    outcome = apply.patch_bot(str(path), data, engine, READY_OPTIONS)
    relint = replace(engine, config=replace(engine.config, catalogue=READY_OPTIONS.catalogue(engine.config.catalogue)))
    before = _subjects(relint.lint_path(str(path)).findings)
    after = relint.lint_bytes(str(path), outcome.patched).findings
    added = {k for k in _subjects(after) - before if k[:3] not in outcome.deferred}
    assert not added, sorted(added)
    # A finding that gathers a workflow's references per kind is keyed on the kind; the patch adds no
    # object of a kind that was there either: every reference of the patched file was in the original.
    catalogue = relint.config.catalogue
    old_refs = references(registry.read_xml(str(path), path.read_bytes())[0], catalogue)
    new_refs = references(registry.read_xml(str(path), outcome.patched)[0], catalogue)
    assert all(values <= old_refs.get(kind, set()) for kind, values in new_refs.items()), (old_refs, new_refs)
    if outcome.deferred:
        assert outcome.manual
    packs = {rule.id: rule.pack for rule in engine.rules}
    errors = [
        (f.rule, f.message)
        for f in after
        if packs.get(f.rule) == "service-bot"
        and f.severity == Severity.ERROR
        and not f.message.startswith("no status plays")
        and f.rule != "resolve-sets-resolution"
    ]
    assert not errors, errors


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:70])
@pytest.mark.parametrize("catalogue", [False, True], ids=["no-catalogue", "catalogue"])
def test_patch_bot_leaves_a_bot_ready_workflow(path: Path, catalogue: bool) -> None:
    check_bot_ready(path, ENGINES[catalogue])


@pytest.mark.bulk
@pytest.mark.parametrize("path", BULK, ids=lambda p: p.name[:70])
def test_patch_bot_leaves_a_bot_ready_workflow_bulk(path: Path) -> None:
    check_bot_ready(path, ENGINES[False])
