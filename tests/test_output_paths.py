"""Issue 17, data loss: every destination is checked before anything is written, and none is an input.

Each case copies a workflow, runs a command whose output names an input (the same file, through
a symbolic or a hard link), or a missing folder, or a symbolic link loop, and asserts exit 2, one
line of error, and every input byte-identical afterwards with nothing new written.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from jwflint.cli import cli
from jwflint.core.outputs import Output, check_outputs

from .conftest import FIXTURES

SOURCE = FIXTURES / "rules" / "any-to-resolved" / "fail.xml"  # patch bot and fix both change it


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stderr


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "w.xml").write_bytes(SOURCE.read_bytes())
    (tmp_path / "c.yaml").write_text("fail_on: error\n")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes | str]:
    return {
        str(p.relative_to(folder)): (os.readlink(p) if p.is_symlink() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


ONTO_INPUT = [
    ("lint", "w.xml", "-o", "w.xml"),
    ("lint", "w.xml", "--format", "html", "-o", "w.xml"),
    ("lint", ".", "-o", "w.xml"),
    ("lint", "w.xml", "--write-baseline", "w.xml"),
    ("lint", "w.xml", "--config", "c.yaml", "-o", "c.yaml"),
    ("lint", "w.xml", "-o", "same.json", "--write-baseline", "same.json"),
    ("render", "w.xml", "--format", "dot", "-o", "w.xml"),
    ("render", "w.xml", "--format", "svg", "--before", "b.xml", "-o", "b.xml"),
    ("fix", "w.xml", "--manual-steps", "w.xml"),
    ("fix", "w.xml", "-o", "w.xml"),
    ("fix", "--write", "w.xml", "--manual-steps", "c.yaml", "--config", "c.yaml"),
    ("patch", "bot", "w.xml", "--manual-steps", "w.xml"),
    ("patch", "bot", "w.xml", "-o", "w.xml"),
    ("patch", "bot", "w.xml", "--render", "r.svg", "-o", "r.svg"),
    ("patch", "bot", "w.xml", "--render", "m.svg", "--manual-steps", "m.svg"),
    ("init", "w.xml", "-o", "w.xml", "--force"),
]


@pytest.mark.parametrize("args", ONTO_INPUT, ids=" ".join)
@pytest.mark.parametrize("via", ["name", "symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused(workspace: Path, args: tuple[str, ...], via: str) -> None:
    (workspace / "b.xml").write_bytes(SOURCE.read_bytes())
    if via != "name":
        for name in ("w.xml", "c.yaml", "b.xml"):
            link = workspace / f"link-{name}"
            (link.symlink_to if via == "symlink" else link.hardlink_to)(workspace / name)
    inputs = ("w.xml", "c.yaml", "b.xml")
    # The destination is named through the link; the input keeps its own name.
    flags = {"-o", "--write-baseline", "--manual-steps", "--render"}
    renamed = [
        f"link-{a}" if via != "name" and a in inputs and i and args[i - 1] in flags else a for i, a in enumerate(args)
    ]
    before = snapshot(workspace)
    code, stderr = run(workspace, *renamed)
    assert code == 2, stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("jwflint: error: "), stderr
    assert "that is the input" in stderr or "writes the same file" in stderr, stderr
    assert snapshot(workspace) == before


UNDER_A_FILE = [
    ("fix", "--write", "w.xml", "--manual-steps", "c.yaml/m.json"),
    ("fix", "w.xml", "--manual-steps", "c.yaml/sub/m.txt"),
    ("patch", "bot", "w.xml", "--manual-steps", "c.yaml/m.json"),
    ("patch", "bot", "w.xml", "--render", "c.yaml/p.svg"),
    ("patch", "bot", "w.xml", "--write", "--render", "c.yaml/p.svg"),
    ("lint", "w.xml", "--write-baseline", "c.yaml/b.json"),
    ("lint", "w.xml", "--write-baseline", "b.json", "-o", "c.yaml/r.txt"),
    ("init", "w.xml", "-o", "c.yaml/c.yaml"),
]


@pytest.mark.parametrize("args", UNDER_A_FILE, ids=" ".join)
def test_every_destination_is_checked_before_anything_is_written(workspace: Path, args: tuple[str, ...]) -> None:
    # The workflow would be rewritten (--write) or a baseline written before the bad destination.
    before = snapshot(workspace)
    code, stderr = run(workspace, *args)
    assert code == 2, stderr
    assert stderr.strip().endswith("c.yaml is not a folder"), stderr
    assert snapshot(workspace) == before


def test_missing_folders_are_created_before_the_first_write(workspace: Path) -> None:
    code, stderr = run(workspace, "fix", "--write", "w.xml", "--manual-steps", "missing-dir/sub/m.json")
    assert code in (0, 1), stderr  # 1: findings that fix cannot repair remain
    assert (workspace / "missing-dir" / "sub" / "m.json").is_file()


def test_a_destination_may_refuse_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"cannot write: the folder .* does not exist"):
        check_outputs([Output("-o", str(tmp_path / "nope" / "r.txt"), make_parents=False)], [])
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "w.xml", "-o", "loop"),
        ("lint", "w.xml", "--write-baseline", "loop"),
        ("render", "w.xml", "--format", "dot", "-o", "loop"),
        ("fix", "w.xml", "-o", "loop"),
        ("patch", "bot", "w.xml", "--manual-steps", "loop"),
    ],
    ids=" ".join,
)
def test_a_symbolic_link_loop_is_refused_and_kept(workspace: Path, args: tuple[str, ...]) -> None:
    (workspace / "loop").symlink_to("loop2")
    (workspace / "loop2").symlink_to("loop")
    before = snapshot(workspace)
    code, stderr = run(workspace, *args)
    assert code == 2
    assert stderr == "jwflint: error: " + args[-2] + " loop: a symbolic link loop; give another file name\n"
    assert snapshot(workspace) == before


def test_a_link_to_another_file_is_written_through(workspace: Path) -> None:
    (workspace / "report.txt").write_text("old\n")
    (workspace / "link.txt").symlink_to("report.txt")
    code, _ = run(workspace, "lint", "w.xml", "-o", "link.txt")
    assert code == 1
    assert (workspace / "link.txt").is_symlink()
    assert "any-to-resolved" in (workspace / "report.txt").read_text()


def test_missing_parents_are_created_only_as_a_deliberate_step(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.txt"
    plan = check_outputs([Output("-o", str(target), make_parents=True)], [])
    assert not (tmp_path / "a").exists()  # checking writes nothing
    plan.prepare()
    assert (tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(Exception, match="is not a folder"):
        check_outputs([Output("-o", str(tmp_path / "file" / "sub" / "r.txt"), make_parents=True)], [])
