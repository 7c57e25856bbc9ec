"""Batch linting in worker processes: same report as a serial run, byte for byte; progress on stderr only."""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from jwflint.batch import parallel, session
from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.core.errors import JwflintError
from tests.conftest import CORPUS, CORPUS_BULK, FIXTURES, REPO, bulk_files, corpus_files

NEEDS_CORPUS = pytest.mark.skipif(not corpus_files(), reason="../shared/corpus is not available")


def jwflint(*args: str, cwd: Path = REPO, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(REPO)  # the checkout under test, whatever the cwd
    return subprocess.run(
        [sys.executable, "-m", "jwflint", *args], cwd=cwd, env=env, capture_output=True, timeout=600, **kwargs
    )


def assert_same_runs(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[bytes]:
    serial = jwflint(*args, cwd=cwd)
    threaded = jwflint(*args, "-j", "2", cwd=cwd)
    assert serial.returncode == threaded.returncode, (serial.stderr, threaded.stderr)
    assert serial.stdout == threaded.stdout
    assert serial.stderr == threaded.stderr
    return serial


@NEEDS_CORPUS
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_parallel_report_is_byte_identical_on_the_corpus(output_format: str) -> None:
    result = assert_same_runs("lint", "--format", output_format, "--stats", str(CORPUS))
    assert result.returncode == 1  # the corpus has errors: the comparison covers real findings
    assert len(result.stdout) > 10_000


@NEEDS_CORPUS
def test_auto_jobs_match_serial_too() -> None:
    serial = jwflint("lint", "--format", "json", str(CORPUS))
    auto = jwflint("lint", "--format", "json", "--jobs", "auto", str(CORPUS))
    assert (serial.returncode, serial.stdout) == (auto.returncode, auto.stdout)


@pytest.mark.bulk
@pytest.mark.skipif(not bulk_files(), reason="../shared/corpus-bulk is not available")
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_parallel_report_is_byte_identical_on_the_bulk_corpus(output_format: str) -> None:
    result = assert_same_runs("lint", "--format", output_format, "--stats", str(CORPUS_BULK))
    assert result.stdout


def test_broken_inputs_and_stdin_keep_their_place(tmp_path: Path) -> None:
    """Unreadable, non-XML and non-workflow files fail the same way, in the same order; stdin stays local."""
    good = FIXTURES / "corpus" / "classic_default_workflow.xml"
    (tmp_path / "a_not_xml.xml").write_text("this is not XML <")
    (tmp_path / "b_pom.xml").write_text("<project/>")
    (tmp_path / "c_good.xml").write_bytes(good.read_bytes())
    args = ["lint", "--format", "json", str(tmp_path / "a_not_xml.xml"), "-", str(tmp_path / "b_pom.xml"),
            str(tmp_path / "c_good.xml"), str(tmp_path / "missing.xml")]
    serial = jwflint(*args, input=good.read_bytes())
    threaded = jwflint(*args, "-j", "2", input=good.read_bytes())
    assert serial.returncode == threaded.returncode == 2
    assert serial.stdout == threaded.stdout
    assert b'"path": "-"' in threaded.stdout
    assert b"xml-syntax" in threaded.stdout and b"not-a-workflow" in threaded.stdout


def test_each_folder_keeps_its_own_config(tmp_path: Path) -> None:
    """Workers find the config beside each file, as a serial run does."""
    source = (FIXTURES / "corpus" / "classic_default_workflow.xml").read_bytes()
    for index in range(6):
        folder = tmp_path / f"team{index % 2}"
        folder.mkdir(exist_ok=True)
        (folder / f"wf{index}.xml").write_bytes(source)
    (tmp_path / "team1" / ".jwflint.yaml").write_text(
        "ignore: [any-to-reopened]\n"
        "suppressions:\n"
        "  - {workflow: 'wf[13]', rule: any-to-in-progress, reason: accepted in review}\n"
    )
    result = assert_same_runs("lint", str(tmp_path / "team0"), str(tmp_path / "team1"), cwd=tmp_path)
    lines = result.stdout.decode().splitlines()
    assert any("team0" in line and "[any-to-reopened]" in line for line in lines)
    assert not any("team1" in line and "[any-to-reopened]" in line for line in lines)
    # suppressions match workflow names, which parallel results carry without their trees
    assert not any(("wf1.xml" in line or "wf3.xml" in line) and "[any-to-in-progress]" in line for line in lines)
    assert any("wf5.xml" in line and "[any-to-in-progress]" in line for line in lines)
    assert "2 suppressed" in lines[-1]


def test_workers_need_nothing_but_paths(tmp_path: Path) -> None:
    """Under the spawn start method nothing is inherited: everything a worker gets or returns pickles."""
    files = [str(p) for p in sorted((FIXTURES / "corpus").glob("*.xml"))]
    options = LintOptions(stats=True)
    serial = session.lint_paths(files, options)
    spawned = parallel.lint_parallel(files, options, EngineCache(options), 2, multiprocessing.get_context("spawn"))
    assert [r.path for r in spawned] == files
    assert [r.findings for r in spawned] == [r.findings for r in serial.results]
    assert [r.summary() for r in spawned] == [r.summary() for r in serial.results]
    assert all(r.workflow is None and r.stats is not None for r in spawned)  # type: ignore[attr-defined]


def test_detached_result_round_trips_through_pickle() -> None:
    path = str(FIXTURES / "corpus" / "cloud_bugs_workflow.xml")
    result = EngineCache(LintOptions()).engine_for(path).lint_path(path)
    detached = pickle.loads(pickle.dumps(parallel.DetachedResult.of(result, with_stats=True)))
    assert detached.summary() == result.summary()
    assert detached.findings == result.findings
    assert detached.summary()["transitions"] == {"initial": 1, "global": 0, "common": 0, "step": 11}


def test_parse_jobs() -> None:
    assert parallel.parse_jobs("3") == 3
    assert parallel.parse_jobs("auto") == (os.cpu_count() or 1)
    for bad in ("0", "-1", "two", ""):
        with pytest.raises(JwflintError):
            parallel.parse_jobs(bad)
    result = jwflint("lint", "-j", "0", str(FIXTURES / "corpus"))
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "jwflint: error: --jobs must be a positive integer or 'auto', not '0'"


def test_chunks_cover_every_file_once_in_order() -> None:
    items = [(i, f"f{i}.xml") for i in range(1000)]
    parts = parallel.chunks(items, 2)
    assert [item for part in parts for item in part] == items
    assert max(map(len, parts)) <= parallel.MAX_CHUNK
    assert len(parallel.chunks(items[:5], 2)) == 5
    assert parallel.chunks([], 4) == []


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_and_erases_itself_on_a_terminal() -> None:
    stream = FakeTerminal()
    with parallel.Progress(40, stream=stream) as progress:
        for _ in range(40):
            progress.advance(1)
    text = stream.getvalue()
    assert "\rjwflint: [" in text and "40/40 files" in text
    assert text.endswith("\r\033[K")


def test_no_progress_for_small_batches_or_pipes() -> None:
    small = FakeTerminal()
    with parallel.Progress(parallel.PROGRESS_MIN_FILES - 1, stream=small) as progress:
        progress.advance(parallel.PROGRESS_MIN_FILES - 1)
    pipe = io.StringIO()
    with parallel.Progress(500, stream=pipe) as progress:
        progress.advance(500)
    assert small.getvalue() == "" and pipe.getvalue() == ""


def _many_files(tmp_path: Path, count: int) -> Path:
    source = (FIXTURES / "corpus" / "simplified_global_only.xml").read_bytes()
    tmp_path.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (tmp_path / f"wf{index:03}.xml").write_bytes(source)
    return tmp_path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_goes_to_a_terminal_stderr_and_never_into_the_report(tmp_path: Path, jobs: str) -> None:
    folder = _many_files(tmp_path / "wf", parallel.PROGRESS_MIN_FILES + 4)
    controller, terminal = pty.openpty()
    try:
        env = {k: v for k, v in os.environ.items() if k != "TERM"}
        env["PYTHONPATH"] = str(REPO)
        result = subprocess.run(
            [sys.executable, "-m", "jwflint", "lint", "--format", "json", "-j", jobs, str(folder)],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=env,
            timeout=600,
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if terminal != -1:
            os.close(terminal)
        os.close(controller)
    stderr = b"".join(chunks).decode()
    assert f"{parallel.PROGRESS_MIN_FILES + 4}/{parallel.PROGRESS_MIN_FILES + 4} files" in stderr
    assert stderr.endswith("\r\033[K")
    assert result.stdout.startswith(b"{") and b"jwflint: [" not in result.stdout
    # and piped stderr gets nothing at all
    piped = jwflint("lint", "--format", "json", "-j", jobs, str(folder))
    assert piped.stderr == b""
    assert piped.stdout == result.stdout


def test_auto_jobs_stay_serial_below_the_size_where_workers_pay(tmp_path: Path) -> None:
    small = tmp_path / "small.xml"
    small.write_bytes((FIXTURES / "corpus" / "classic_default_workflow.xml").read_bytes())
    assert not parallel.worth_parallel([str(small), "-", str(tmp_path / "missing.xml")])
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.truncate(parallel.PARALLEL_MIN_BYTES)
    assert parallel.worth_parallel([str(small), str(big)])


def test_auto_jobs_on_a_small_batch_start_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_workers(*args: object, **kwargs: object) -> None:
        raise AssertionError("workers started for a small -j auto batch")

    monkeypatch.setattr(parallel, "lint_parallel", no_workers)
    files = [str(p) for p in sorted((FIXTURES / "corpus").glob("*.xml"))]
    run = session.lint_paths(files, LintOptions(jobs=2, auto_jobs=True))
    assert [r.path for r in run.results] == files
