"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit against this repository.

pre-commit clones the repository at a commit and pip-installs it into its own virtualenv, so
these tests exercise the committed HEAD, not the working tree. The hook environment is built
once per session (PRE_COMMIT_HOME shared by xdist workers; pre-commit locks its store).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import REPO

pytestmark = pytest.mark.slow

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
INSTALL_TIMEOUT = 1800  # the hook env pip-installs jwflint and its dependencies from PyPI
RUN_TIMEOUT = 300

_FN = "com.atlassian.jira.workflow.function."
BUILTINS = (
    _FN + "issue.UpdateIssueStatusFunction",
    _FN + "misc.CreateCommentFunction",
    _FN + "issue.GenerateChangeHistoryFunction",
    _FN + "issue.IssueReindexFunction",
)
MISORDERED = (BUILTINS[0], BUILTINS[2], BUILTINS[1], BUILTINS[3])


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def _head() -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        return _git("rev-parse", "--verify", "HEAD", cwd=REPO) if (REPO / ".git").exists() else None
    except subprocess.CalledProcessError:
        return None


HEAD = _head()
HOOKS_AT_HEAD = HEAD is not None and subprocess.run(
    ["git", "cat-file", "-e", f"{HEAD}:.pre-commit-hooks.yaml"], cwd=REPO, capture_output=True
).returncode == 0


# --- workflows ------------------------------------------------------------------------------------


def _action(
    action_id: int,
    name: str,
    step: int,
    view: str = "",
    sets: tuple[tuple[str, str], ...] = (),
    builtins: tuple[str, ...] = BUILTINS,
) -> str:
    functions = [
        f'<function type="class"><arg name="class.name">{_FN}issue.UpdateIssueFieldFunction</arg>'
        f'<arg name="field.name">{field}</arg><arg name="field.value">{value}</arg></function>'
        for field, value in sets
    ]
    functions += [f'<function type="class"><arg name="class.name">{name_}</arg></function>' for name_ in builtins]
    functions.append(
        f'<function type="class"><arg name="eventTypeId">13</arg>'
        f'<arg name="class.name">{_FN}event.FireIssueEventFunction</arg></function>'
    )
    view_attr = f' view="{view}"' if view else ""
    return (
        f'<action id="{action_id}" name="{name}"{view_attr}><meta name="jira.description"></meta><results>'
        f'<unconditional-result old-status="null" status="null" step="{step}">'
        f"<post-functions>{''.join(functions)}</post-functions></unconditional-result></results></action>"
    )


def service_desk_workflow(any_to_resolved: bool, misordered: bool = False) -> bytes:
    """A small service-desk workflow; without ``any_to_resolved`` it lacks the global Resolve transition.

    ``misordered`` swaps two of Jira's built-in post-functions on one transition: a safe fix.
    """
    resolve = (("resolution", "10000"),)
    reopen = (("resolution", ""), ("assignee", ""))
    global_actions = [_action(11, "Start work", 2, sets=reopen[:1]), _action(31, "Reopen", 1, sets=reopen)]
    if any_to_resolved:
        global_actions.insert(1, _action(21, "Resolve", 3, view="resolveissue", sets=resolve))
    steps = [
        (1, "Open", "1", [_action(41, "Wait for customer", 4, builtins=MISORDERED if misordered else BUILTINS)]),
        (2, "In Progress", "3", [_action(51, "Resolve issue", 3, view="resolveissue", sets=resolve)]),
        (3, "Resolved", "5", []),
        (4, "Waiting for customer", "10001", [_action(61, "Customer replied", 2)]),
    ]
    step_xml = "".join(
        f'<step id="{step_id}" name="{name}"><meta name="jira.status.id">{status}</meta>'
        + (f"<actions>{''.join(actions)}</actions>" if actions else "")
        + "</step>"
        for step_id, name, status, actions in steps
    )
    create = (
        '<action id="1" name="Create"><results><unconditional-result old-status="null" status="open" step="1">'
        f'<post-functions><function type="class"><arg name="class.name">{_FN}issue.IssueCreateFunction</arg>'
        f'</function><function type="class"><arg name="eventTypeId">1</arg>'
        f'<arg name="class.name">{_FN}event.FireIssueEventFunction</arg></function>'
        "</post-functions></unconditional-result></results></action>"
    )
    text = (
        f"<workflow><initial-actions>{create}</initial-actions>"
        f"<global-actions>{''.join(global_actions)}</global-actions><steps>{step_xml}</steps></workflow>"
    )
    root = etree.fromstring(text)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


NOT_A_WORKFLOW = b'<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion></project>\n'
NOT_WORKFLOW_JSON = b'{\n  // comments make this invalid JSON\n  "compilerOptions": {"strict": true}\n}\n'
CLOUD_WORKFLOW = REPO / "fixtures" / "cloud" / "OBEYA__Simple_Workflow.json"
CLOUD_RESOLVE_LINE = 58  # the 'Done' transition, which sets no resolution


# --- pre-commit plumbing --------------------------------------------------------------------------


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(
        PRE_COMMIT_HOME=str(home),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_AUTHOR_NAME="jwflint tests",
        GIT_AUTHOR_EMAIL="tests@jwflint.invalid",
        GIT_COMMITTER_NAME="jwflint tests",
        GIT_COMMITTER_EMAIL="tests@jwflint.invalid",
        # A CI checkout may belong to another user; pre-commit clones it with git.
        GIT_CONFIG_COUNT="1",
        GIT_CONFIG_KEY_0="safe.directory",
        GIT_CONFIG_VALUE_0="*",
        NO_COLOR="1",
    )
    return env


def _config(hooks: tuple[str, ...]) -> str:
    lines = ["repos:", f"  - repo: {REPO}", f"    rev: {HEAD}", "    hooks:"]
    lines += [f"      - id: {hook}" for hook in hooks]
    return "\n".join(lines) + "\n"


class WorkflowRepo:
    """A throwaway git repository of workflow exports with jwflint in its pre-commit config."""

    def __init__(self, path: Path, env: dict[str, str], hooks: tuple[str, ...] = ("jwflint",)) -> None:
        self.path = path
        self.env = env
        path.mkdir(parents=True)
        _git("init", "-q", "-b", "main", cwd=path, env=env)
        self.write(".pre-commit-config.yaml", _config(hooks).encode())

    def write(self, name: str, data: bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        _git("add", name, cwd=self.path, env=self.env)
        return target

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=RUN_TIMEOUT)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(*PRE_COMMIT, *args)

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        return self.run("git", "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Build the hook environment once (both hooks share it: same repo, rev and language)."""
    if not HOOKS_AT_HEAD:
        pytest.skip("not a git checkout with .pre-commit-hooks.yaml committed at HEAD")
    base = tmp_path_factory.getbasetemp()
    # xdist workers have sibling base folders; a home in their parent is built by the first worker
    # and reused by the other (pre-commit serialises installs with a lock on its store).
    home = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "pre-commit-home"
    env = _environment(home)
    repo = WorkflowRepo(tmp_path_factory.mktemp("hook-env") / "repo", env, hooks=("jwflint", "jwflint-fix"))
    result = subprocess.run(
        [*PRE_COMMIT, "install-hooks"], cwd=repo.path, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def test_hook_blocks_a_workflow_lacking_any_to_resolved(hook_env: dict[str, str], tmp_path: Path) -> None:
    repo = WorkflowRepo(tmp_path / "repo", hook_env)
    repo.write("workflows/service_desk.xml", service_desk_workflow(any_to_resolved=False))
    repo.write("pom.xml", NOT_A_WORKFLOW)
    repo.write("workflows/cloud.json", CLOUD_WORKFLOW.read_bytes())
    repo.write("tsconfig.json", NOT_WORKFLOW_JSON)
    result = repo.pre_commit("run", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "jwflint" in output and "Failed" in output
    # the finding itself, with its place and rule, reaches the user
    assert "workflows/service_desk.xml:" in output
    assert "error [any-to-resolved]" in output
    assert "add a global transition (from Any status) into 'Resolved'" in output
    # XML that is not a workflow is skipped, not reported
    assert "pom.xml" not in output
    # Cloud workflow JSON is linted too; other JSON is skipped
    assert f"workflows/cloud.json:{CLOUD_RESOLVE_LINE}:" in output and "[resolve-sets-resolution]" in output
    assert "tsconfig.json" not in output


def test_hook_passes_a_good_workflow(hook_env: dict[str, str], tmp_path: Path) -> None:
    repo = WorkflowRepo(tmp_path / "repo", hook_env)
    repo.write("workflows/service_desk.xml", service_desk_workflow(any_to_resolved=True))
    repo.write("pom.xml", NOT_A_WORKFLOW)
    repo.write("tsconfig.json", NOT_WORKFLOW_JSON)  # JSON with comments: not a workflow, so not read
    result = repo.pre_commit("run", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output


def test_readme_flow_commit_blocked_then_accepted_after_patch_bot(hook_env: dict[str, str], tmp_path: Path) -> None:
    """The README's steps: jwflint init, pre-commit install, a blocked commit, jwflint patch bot, a clean commit."""
    repo = WorkflowRepo(tmp_path / "repo", hook_env)
    workflow = "workflows/service_desk.xml"
    repo.write(workflow, service_desk_workflow(any_to_resolved=False))
    jwflint = [sys.executable, "-m", "jwflint"]
    repo.env = dict(hook_env, PYTHONPATH=str(REPO))  # this checkout's jwflint for init and patch
    init = repo.run(*jwflint, "init", "workflows/")
    assert init.returncode == 0, init.stderr
    repo.write(".jwflint.yaml", (repo.path / ".jwflint.yaml").read_bytes())
    install = repo.pre_commit("install")
    assert install.returncode == 0, install.stdout + install.stderr

    blocked = repo.commit("add the service desk workflow")
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr  # git hooks write to stderr
    assert f"{workflow}:" in output and "error [any-to-resolved]" in output
    assert _git("rev-list", "--all", cwd=repo.path, env=hook_env) == ""  # nothing was committed

    patched = repo.run(*jwflint, "patch", "bot", workflow, "--write", "--group", "service-bots")
    assert patched.returncode == 0, patched.stdout + patched.stderr
    repo.write(workflow, (repo.path / workflow).read_bytes())
    accepted = repo.commit("add the service desk workflow, with the bot's transitions")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "jwflint" in accepted.stderr + accepted.stdout and "Passed" in accepted.stderr + accepted.stdout
    assert _git("ls-tree", "-r", "--name-only", "HEAD", cwd=repo.path, env=hook_env).splitlines() == [
        ".jwflint.yaml",
        ".pre-commit-config.yaml",
        workflow,
    ]


def test_fix_hook_rewrites_the_file_and_fails_once(hook_env: dict[str, str], tmp_path: Path) -> None:
    repo = WorkflowRepo(tmp_path / "repo", hook_env, hooks=("jwflint-fix",))
    original = service_desk_workflow(any_to_resolved=True, misordered=True)
    workflow = repo.write("service_desk.xml", original)
    repo.write("pom.xml", NOT_A_WORKFLOW)
    first = repo.pre_commit("run", "--all-files")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert "files were modified by this hook" in output
    fixed = workflow.read_bytes()
    assert fixed == service_desk_workflow(any_to_resolved=True)  # the built-ins back in Jira's order
    assert (repo.path / "pom.xml").read_bytes() == NOT_A_WORKFLOW
    # the safe fixes are applied once: a second run changes nothing
    repo.write("service_desk.xml", fixed)
    second = repo.pre_commit("run", "--all-files")
    assert "files were modified by this hook" not in second.stdout + second.stderr
    assert workflow.read_bytes() == fixed


# --- CI recipes: the commands of action.yml and of the README run as written --------------------


def _ci_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "ci"
    (repo / "workflows").mkdir(parents=True)
    (repo / "workflows" / "service_desk.xml").write_bytes(service_desk_workflow(any_to_resolved=False))
    (repo / "workflows" / "pom.xml").write_bytes(NOT_A_WORKFLOW)
    scripts = str(Path(sys.executable).parent)  # the venv's jwflint, as `pip install` gives the job
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""), PYTHONPATH=str(REPO))
    env.pop("NO_COLOR", None)
    return repo, env


def _bash(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_action_steps_write_sarif_and_annotate(tmp_path: Path) -> None:
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {step.get("name"): step for step in action["runs"]["steps"]}
    assert steps["Upload SARIF"]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert steps["Upload SARIF"]["with"]["sarif_file"] == "jwflint.sarif"
    repo, env = _ci_repo(tmp_path)
    env.update(PATHS="workflows/", ARGS="--fail-on error")
    sarif = _bash(steps["SARIF report"]["run"], repo, env)
    assert sarif.returncode == 0, sarif.stderr
    document = json.loads((repo / "jwflint.sarif").read_text(encoding="utf-8"))
    assert document["version"] == "2.1.0"
    assert "any-to-resolved" in {r["ruleId"] for r in document["runs"][0]["results"]}
    lint = _bash(steps["Lint"]["run"], repo, env)
    assert lint.returncode == 1, lint.stderr
    assert "::error file=workflows/service_desk.xml,line=" in lint.stdout
    assert "[any-to-resolved]" in lint.stdout and "pom.xml" not in lint.stdout


def test_readme_ci_commands_run_as_written(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using jwflint in a workflow repository", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(?:run: |- )(jwflint lint .*)$", section, re.MULTILINE)
    assert len(commands) >= 4, commands  # GitHub (SARIF, annotations) and GitLab (JSON, log)
    repo, env = _ci_repo(tmp_path)
    (repo / "workflows" / "pom.xml").unlink()  # the recipes lint a folder of exports only
    for command in commands:
        result = _bash(command, repo, env)
        assert result.returncode == (0 if "--fail-on never" in command else 1), (command, result.stderr)
    assert json.loads((repo / "jwflint.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert json.loads((repo / "jwflint.json").read_text(encoding="utf-8"))["summary"]["error"] == 1
