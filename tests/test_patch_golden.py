"""Golden patches: fixtures/patch/<case>/ holds input.xml, args (one CLI argument a line), an optional
config.yaml, and the expected whole output bytes (expected.xml) and report (expected.txt).

Run with JWFLINT_UPDATE_GOLDENS=1 to rewrite the expected files, then read the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwflint.cli import cli

from .conftest import FIXTURES

# XML cases; the cloud-* cases (input.json) are tests/test_patch_cloud.py's.
CASES = sorted(p.parent for p in (FIXTURES / "patch").glob("*/input.xml"))
UPDATE = os.environ.get("JWFLINT_UPDATE_GOLDENS") == "1"


def _args(case: Path) -> list[str]:
    # Lines are taken as written (a suffix may start with a space); only the newline goes.
    return [line for line in (case / "args").read_text(encoding="utf-8").split("\n") if line]


def run(case: Path, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes, str]:
    monkeypatch.chdir(case)
    out = tmp_path / f"out-{source.stem}.xml"
    result = CliRunner().invoke(cli, [*_args(case), str(source), "-o", str(out)])
    report = result.stdout.replace(str(tmp_path), "TMP")
    assert out.exists(), f"{case.name}: no output written\n{result.output}"
    return result.exit_code, out.read_bytes(), report + f"exit: {result.exit_code}\n"


def _golden(path: Path, actual: bytes) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"missing golden {path}; run with JWFLINT_UPDATE_GOLDENS=1 to create it")
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{path} differs"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_patch(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, patched, report = run(case, Path("input.xml"), tmp_path, monkeypatch)
    assert code in (0, 1), report
    _golden(case / "expected.xml", patched)
    _golden(case / "expected.txt", report.encode("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_patch_is_idempotent(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = case / "expected.xml"
    if not expected.exists():
        pytest.skip("golden not created yet")
    _, again, report = run(case, expected, tmp_path, monkeypatch)
    assert again == expected.read_bytes(), report
    assert "nothing to change" in report


def test_golden_inputs_keep_their_quirks() -> None:
    """The cases cover what the issue names: CRLF, Cloud blank lines and CDATA, one-line files."""
    quirks = {
        "crlf_tabs": lambda d: d.count(b"\r\n") > 100 and b"\n\t<" in d,
        "cloud_cdata": lambda d: d.startswith(b"\n\n<?xml") and b"<![CDATA[" in d,
        "compact": lambda d: b"\n" not in d,
        "has_bot_transitions": lambda d: b'name="Resolve (bot)"' in d,
        "global_only": lambda d: b"<global-actions>" in d and b"<common-actions>" not in d,
        "common_actions": lambda d: b"<common-actions>" in d and b"<global-actions>" not in d,
    }
    for name, check in quirks.items():
        data = (FIXTURES / "patch" / name / "input.xml").read_bytes()
        assert check(data), name
        expected = FIXTURES / "patch" / name / "expected.xml"
        if expected.exists():
            assert check(expected.read_bytes()) or name in ("common_actions",), name
