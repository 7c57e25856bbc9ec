"""Golden tests for every bundled rule: fixtures/rules/<rule-id>/ holds failing and passing workflows.

Layout of a rule's folder (a case is a .xml export, a Cloud workflow .json, a permission scheme
.json or a .jwb bundle):
  fail*.xml|json|jwb   must produce at least one finding of the rule
  fail*.expected.txt   the rule's findings, one per line: ``line:col: severity message``
  pass*.xml|json|jwb   must produce no finding of the rule
  config.yaml          optional jwflint config (catalogue, bot identity …) used for every case
  <case>.config.yaml   optional config for one case instead (pass.config.yaml for pass.json)

Run with JWFLINT_UPDATE_GOLDENS=1 to rewrite the .expected.txt files from the current output
(then read the diff before committing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jwflint.config.settings import Config, load_config
from jwflint.lint.checks.base import UNVERIFIED
from jwflint.lint.engine import Engine, load_rules
from jwflint.lint.rules import BUNDLED_PACKS

from .conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
UPDATE = os.environ.get("JWFLINT_UPDATE_GOLDENS") == "1"
CASE_SUFFIXES = (".xml", ".json", ".jwb")


def _files(folder: Path, prefix: str) -> list[Path]:
    return sorted(p for p in folder.glob(prefix + "*") if p.suffix in CASE_SUFFIXES) if folder.is_dir() else []


def _bundled_rules() -> list:
    return [rule for rule in load_rules(Config()) if rule.pack in BUNDLED_PACKS]


def _cases() -> list[tuple[str, Path]]:
    cases = []
    if RULE_FIXTURES.is_dir():
        for folder in sorted(p for p in RULE_FIXTURES.iterdir() if p.is_dir()):
            for case in [*_files(folder, "fail"), *_files(folder, "pass")]:
                cases.append((folder.name, case))
    return cases


def _engine(rule_id: str, case: Path) -> Engine:
    config_file = case.with_name(case.stem + ".config.yaml")
    if not config_file.is_file():
        config_file = case.parent / "config.yaml"
    config = load_config(config_file) if config_file.is_file() else Config()
    engine = Engine.from_config(config)
    chosen = [rule for rule in engine.all_rules if rule.id == rule_id]
    # unknown-screen reports what the other rules could not verify: they run too (only its findings count).
    if not (chosen and chosen[0].check.scope == UNVERIFIED):
        engine.rules = chosen
    return engine


def _render(findings: list) -> str:
    return "".join(f"{f.line}:{f.column}: {f.severity.label} {f.message}\n" for f in findings)


@pytest.mark.parametrize(("rule_id", "case"), _cases(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_rule_case(rule_id: str, case: Path) -> None:
    engine = _engine(rule_id, case)
    result = engine.lint_path(str(case))
    findings = [f for f in result.findings if f.rule == rule_id]
    if case.name.startswith("pass"):
        assert findings == [], f"{case.name} should not trigger {rule_id}:\n{_render(findings)}"
        return
    assert findings, f"{case.name} should trigger {rule_id}"
    golden = case.with_name(case.stem + ".expected.txt")
    actual = _render(findings)
    if UPDATE or not golden.exists():
        if not UPDATE:
            pytest.fail(f"missing golden {golden.name}; run with JWFLINT_UPDATE_GOLDENS=1 to create it")
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_every_bundled_rule_has_failing_and_passing_fixtures() -> None:
    missing = []
    for rule in _bundled_rules():
        folder = RULE_FIXTURES / rule.id
        fails, passes = _files(folder, "fail"), _files(folder, "pass")
        if not fails or not passes:
            missing.append(f"{rule.id} (fail: {len(fails)}, pass: {len(passes)})")
    assert not missing, "rules without fixtures in fixtures/rules/<id>/: " + ", ".join(missing)


def test_every_fixture_folder_names_a_rule() -> None:
    known = {rule.id for rule in _bundled_rules()}
    folders = {p.name for p in RULE_FIXTURES.iterdir() if p.is_dir()} if RULE_FIXTURES.is_dir() else set()
    assert folders <= known, f"fixture folders for unknown rules: {sorted(folders - known)}"
