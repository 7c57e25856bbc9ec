"""GitHub Actions annotations: exact command lines, escaping, and the per-step caps with an overflow notice."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from jwflint.core.findings import Finding, Severity
from jwflint.output import Report, github

from .conftest import FIXTURES
from .test_cli_lint import invoke

WORKFLOWS = FIXTURES / "config" / "workflows"


def finding(line: int, severity: Severity = Severity.ERROR, message: str = "m", file: str = "w/a.xml") -> Finding:
    return Finding(file, line, 5, f"rule-{severity.label}", severity, f"{message} {line}", workflow="a")


def commands(text: str) -> Counter[str]:
    return Counter(line.split(" ", 1)[0].split("::", 2)[1] for line in text.splitlines() if line.startswith("::"))


def test_escaping_follows_the_toolkit() -> None:
    assert github.escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github.escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_one_annotation_per_finding() -> None:
    error = Finding("workflows/IT Support.xml", 33, 13, "dangling-step-reference", Severity.ERROR,
                    "transition Escalate (id 12) leads to step 8: 50% of\nissues")
    assert github.annotation(error) == (
        "::error file=workflows/IT Support.xml,line=33,col=13,title=jwflint [dangling-step-reference]::"
        "transition Escalate (id 12) leads to step 8: 50%25 of%0Aissues"
    )
    nowhere = Finding("a,b:c.xml", 0, 0, "input-error", Severity.WARNING, "unreadable")
    assert github.annotation(nowhere) == "::warning file=a%2Cb%3Ac.xml,title=jwflint [input-error]::unreadable"
    info = Finding("a.xml", 4, 0, "leading-whitespace", Severity.INFO, "blank lines")
    assert github.annotation(info) == "::notice file=a.xml,line=4,title=jwflint [leading-whitespace]::blank lines"


def test_small_report_in_full() -> None:
    findings = [finding(1), finding(2, Severity.WARNING), finding(3, Severity.INFO), finding(1)]
    text = github.render(Report(results=[], findings=findings))
    assert text == (
        "::error file=w/a.xml,line=1,col=5,title=jwflint [rule-error]::m 1\n"
        "::warning file=w/a.xml,line=2,col=5,title=jwflint [rule-warning]::m 2\n"
        "::notice file=w/a.xml,line=3,col=5,title=jwflint [rule-info]::m 3\n"
        "0 file(s) linted: 2 error(s), 1 warning(s), 1 info\n"
    )


def test_caps_per_kind_and_one_overflow_notice() -> None:
    findings = [finding(n) for n in range(1, 26)]
    findings += [finding(100 + n, Severity.WARNING) for n in range(3)]
    findings += [finding(200 + n, Severity.INFO) for n in range(12)]
    text = github.render(Report(results=[], findings=sorted(findings, key=Finding.sort_key)))
    lines = text.splitlines()
    counts = commands(text)
    # the overflow line is a notice too: ten notices in all, GitHub's limit per step
    assert counts == Counter({"error": 10, "warning": 3, "notice": 10})
    overflow = [line for line in lines if line.startswith("::notice::")]
    assert overflow == ["::notice::18 more findings not shown; see the SARIF report or the full log"]
    plain = lines[lines.index(overflow[0]) + 1 : -1]
    assert plain[0] == "w/a.xml:11:5: error [rule-error] m 11"
    assert len(plain) == 18 and not any(line.startswith("::") for line in plain)
    assert plain[-1] == "w/a.xml:211:5: info [rule-info] m 211"
    assert lines[-1] == "0 file(s) linted: 25 error(s), 3 warning(s), 12 info"


def test_exactly_ten_of_a_kind_needs_no_overflow() -> None:
    findings = [finding(n, Severity.INFO) for n in range(10)] + [finding(50 + n) for n in range(10)]
    text = github.render(Report(results=[], findings=findings))
    assert commands(text) == Counter({"notice": 10, "error": 10})
    assert "more findings not shown" not in text


def test_quiet_keeps_every_finding_and_drops_the_summary() -> None:
    findings = [finding(1), finding(2, Severity.WARNING)]
    text = github.render(Report(results=[], findings=findings, quiet=True))
    assert text == (
        "::error file=w/a.xml,line=1,col=5,title=jwflint [rule-error]::m 1\n"
        "::warning file=w/a.xml,line=2,col=5,title=jwflint [rule-warning]::m 2\n"
    )


def test_lint_format_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(WORKFLOWS / "IT Support.xml", tmp_path / "IT Support.xml")
    monkeypatch.chdir(tmp_path)
    run = invoke(["lint", "--format", "github", "--select", "structure", str(tmp_path / "IT Support.xml")])
    assert run.code == 1
    assert run.stdout.splitlines() == [
        "::error file=IT Support.xml,line=33,col=13,title=jwflint [dangling-step-reference]::transition Escalate "
        "(id 12) leads to step 8, which does not exist: point it at an existing step id",
        "::error file=IT Support.xml,line=48,col=13,title=jwflint [dangling-step-reference]::transition Park (id 22) "
        "leads to step 9, which does not exist: point it at an existing step id",
        "::error file=IT Support.xml,line=53,col=5,title=jwflint [missing-status-id]::step 'Done' has no "
        "jira.status.id meta: Jira cannot map it to a status",
        "1 file(s) linted: 3 error(s), 0 warning(s), 0 info",
    ]
