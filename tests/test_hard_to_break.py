"""Issue 17: whatever the command line, stdout or sizes throw at jwflint, it answers with exit 0-2.

Internal errors (exit 3) here were: a full disk on stdout, a closed stdin, a closed pipe, and
sizes that overflow. Each case runs the real executable, since the failures live in the process's
own file descriptors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

JWFLINT = str(Path(sys.executable).parent / "jwflint")
RESOLVE = FIXTURES / "rules" / "any-to-resolved" / "fail.xml"  # errors: lint exits 1


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([JWFLINT, *map(str, args)], capture_output=True, timeout=120, **kwargs)  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("lint", RESOLVE),
        ("lint", RESOLVE, "--format", "json"),
        ("rules",),
        ("render", RESOLVE, "--format", "dot"),
        ("fix", "--diff", RESOLVE),
        ("patch", "bot", "--unrestricted", RESOLVE, "-o", "-"),
    ],
    ids=lambda a: " ".join(map(str, a[:1] + a[2:])),
)
def test_a_full_disk_on_stdout_is_a_one_line_error(args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run([JWFLINT, *map(str, args)], stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().splitlines()[-1] == "jwflint: error: cannot write to stdout: No space left on device"
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_a_closed_stdin_is_an_input_error() -> None:
    result = run("lint", "-", stdin=None, pass_fds=(), preexec_fn=lambda: os.close(0))
    assert result.returncode == 2, result.stderr
    assert b"stdin is closed" in result.stdout
    assert b"internal error" not in result.stderr


@pytest.mark.parametrize(("output_format", "expected"), [("text", 1), ("json", 1), ("github", 1)])
def test_a_closed_pipe_ends_quietly_with_the_findings_exit_code(
    output_format: str, expected: int, tmp_path: Path
) -> None:
    # Far more output than a pipe buffers, read one line of.
    for index in range(60):
        (tmp_path / f"w{index}.xml").write_bytes(RESOLVE.read_bytes())
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run(
        [JWFLINT, "lint", str(tmp_path), "--format", output_format], stdout=reader.stdin, stderr=subprocess.PIPE
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait()
    assert writer.returncode == expected
    assert writer.stderr == b""


def test_a_closed_pipe_after_no_findings_exits_zero(tmp_path: Path) -> None:
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run([JWFLINT, "rules"], stdout=reader.stdin, stderr=subprocess.PIPE)
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait()
    assert (writer.returncode, writer.stderr) == (0, b"")


@pytest.mark.parametrize("size", ["99999999999999999999GB", "99999999999999999999", "2000000TB"])
def test_a_size_that_overflows_is_a_usage_error(size: str, tmp_path: Path) -> None:
    result = run("lint", RESOLVE, "--max-size", size)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("jwflint: error: --max-size: max_file_size ")
    assert b"larger than the most jwflint accepts" in result.stderr
    config = tmp_path / ".jwflint.yaml"
    config.write_text(f"max_file_size: {size}\n")
    result = run("lint", RESOLVE, "--config", config)
    assert result.returncode == 2
    assert f"{config}:1: max_file_size".encode() in result.stderr


def test_a_large_size_limit_reads_without_allocating_it() -> None:
    # 999GB fits an index but read(999GB + 1) would try to allocate it.
    result = run("lint", RESOLVE, "--max-size", "999GB", "--select", "any-to-resolved")
    assert result.returncode == 1, result.stderr


# --- file names that are not UTF-8, or hold a newline: every format stays valid and one line per finding ---

BAD_NAME = b"bad\xff.xml"
NEWLINE_NAME = b"new\nline.xml"


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    for name in (BAD_NAME, NEWLINE_NAME):
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
            handle.write(RESOLVE.read_bytes())
    return tmp_path


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "html"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "-o"])
def test_odd_file_names_keep_every_format_valid(odd_names: Path, output_format: str, to_file: bool) -> None:
    out = odd_names / "report.out"
    args = ["lint", ".", "--format", output_format, *(["-o", str(out)] if to_file else [])]
    result = subprocess.run([JWFLINT, *args], capture_output=True, cwd=odd_names, timeout=120)
    assert result.returncode == 1, result.stderr
    data = out.read_bytes() if to_file else result.stdout
    text = data.decode("utf-8")  # valid UTF-8, whatever the names
    if output_format in ("json", "sarif"):
        json.loads(text)
    if output_format == "sarif":
        uris = {
            loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in json.loads(text)["runs"]
            for r in run["results"]
            for loc in r["locations"]
        }
        assert uris == {"bad%FF.xml", "new%0Aline.xml"}  # the exact bytes, percent-encoded
    elif output_format == "json":
        assert {f["file"] for f in json.loads(text)["findings"]} == {"bad\\xff.xml", "new\nline.xml"}
    elif output_format in ("text", "github"):
        lines = [line for line in text.splitlines() if "[any-to-resolved]" in line]
        assert len(lines) == 2  # a newline in a name does not split a finding's line
        assert any(line.startswith(("bad\\xff.xml:", "::error file=bad\\xff.xml")) for line in lines)
        assert any(line.startswith(("new%0Aline.xml:", "::error file=new%0Aline.xml")) for line in lines)
    else:
        assert "bad\\xff" in text


@pytest.mark.parametrize(
    "args",
    [
        ("render", BAD_NAME, "--format", "dot"),
        ("render", BAD_NAME, "-o", "o.svg"),
        ("render", BAD_NAME, "-o", "o.html"),
        ("init", ".", "-o", "c.yaml"),
        ("lint", ".", "--stats", "--format", "json"),
        ("patch", "bot", "--unrestricted", BAD_NAME, "--manual-steps", "m.json"),
        ("fix", BAD_NAME, "--unsafe-fixes"),
    ],
    ids=lambda a: " ".join(str(x) for x in a if isinstance(x, str)),
)
def test_odd_file_names_in_every_command(odd_names: Path, args: tuple[str | bytes, ...]) -> None:
    result = subprocess.run([JWFLINT, *args], capture_output=True, cwd=odd_names, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    result.stdout.decode("utf-8")
    for written in odd_names.iterdir():
        if written.suffix in (".svg", ".html", ".yaml", ".json"):
            written.read_bytes().decode("utf-8")
    if args[0] == "fix":  # the patched copy is named from the input's own bytes
        assert os.path.exists(os.path.join(os.fsencode(odd_names), b"bad\xff.patched.xml"))


def test_a_negative_screen_is_a_usage_error(tmp_path: Path) -> None:
    result = run("patch", "bot", RESOLVE, "--screen", "-1", "-o", tmp_path / "o.xml")
    assert result.returncode == 2
    assert b"Invalid value for '--screen': -1 is not in the range" in result.stderr
    assert not (tmp_path / "o.xml").exists()
