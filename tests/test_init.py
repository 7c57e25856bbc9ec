"""``jwflint init``: a starter .jwflint.yaml that loads, lists the right statuses and screens, and round-trips names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import etree

from jwflint.config import starter as init_module
from jwflint.config.settings import load_config
from jwflint.core import jira
from jwflint.core.errors import JwflintError
from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse
from tests.conftest import CORPUS, FIXTURES, REPO

SAMPLES = (
    "ShowMaster32__Jira-Workflow-Decode__DPJMS__Software_Components_Workflow.xml",  # screen names in view=
    "ShowMaster32__Jira-Workflow-Decode__EC_HUB__Code_Tracking_Workflow_-_Rev__2_0.xml",
    "ShowMaster32__Jira-Workflow-Decode__Service_Desk_Workflow_for_ZS_ver_03.xml",
    "turgaycelik__mysource__system-classic-workflow.xml",  # Jira's seed screens only
)
NEEDS_CORPUS = pytest.mark.skipif(not all((CORPUS / n).is_file() for n in SAMPLES), reason="corpus missing")
SCREEN_LINE = re.compile(r"^    # (\d+): \[\]  # fill in the field ids; shown by ", re.MULTILINE)


def jwflint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "jwflint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def grep_screens(path: Path) -> set[int]:
    """Screens Jira shows, read straight from the XML: view= names a built-in screen or defers to the meta."""
    views = {"commentassign": 2, "resolveissue": 3}
    root = etree.fromstring(path.read_bytes().lstrip(), etree.XMLParser(load_dtd=False, no_network=True))
    screens = set()
    for action in root.iter("action"):
        view = (action.get("view") or "").strip()
        meta = "".join(action.xpath("meta[@name='jira.fieldscreen.id']/text()")).strip()
        if view in views:
            screens.add(views[view])
        elif view and meta:
            screens.add(int(meta))
    return screens


def grep_status_ids(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {m.strip() for m in re.findall(r'<meta name="jira\.status\.id">([^<]*)</meta>', text) if m.strip()}


@NEEDS_CORPUS
def test_init_on_corpus_files_lists_their_screens_and_statuses(tmp_path: Path) -> None:
    files = [CORPUS / name for name in SAMPLES]
    result = jwflint("init", *map(str, files), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote .jwflint.yaml: ")
    target = tmp_path / ".jwflint.yaml"
    text = target.read_text(encoding="utf-8")
    config = load_config(target)

    referenced = set().union(*(grep_screens(f) for f in files))
    assert referenced & set(jira.DEFAULT_SCREENS)  # the sample does use seed screens
    assert referenced - set(jira.DEFAULT_SCREENS)  # and instance screens
    listed = [int(screen) for screen in SCREEN_LINE.findall(text)]
    assert listed == sorted(referenced - set(jira.DEFAULT_SCREENS))
    for seed in sorted(referenced & set(jira.DEFAULT_SCREENS)):
        assert f"{seed} {jira.DEFAULT_SCREENS[seed][0]}" in text
    # screens stay unknown until the user lists their fields: no false "lacks Resolution"
    assert set(config.catalogue.screens) == set(jira.DEFAULT_SCREENS)
    assert "GET /rest/api/3/screens/{id}/tabs " in text and "/tabs/{tabId}/fields" in text

    assert set(config.catalogue.statuses) == set().union(*(grep_status_ids(f) for f in files))
    for path in files:
        workflow = build(parse(str(path), path.read_bytes()))
        guesses = Buckets(workflow, Catalogue())
        for status in workflow.statuses:
            info = config.catalogue.statuses[status.status_id]
            assignment = guesses.by_step.get(status.step_id)
            if info.name == guesses.status_name(status):  # the first workflow that uses a status names it
                assert info.bucket == (assignment.bucket if assignment else None)
    assert config.fail_on == "error" and config.packs == ()
    assert not config.catalogue.bot.configured
    assert "\n  bot:\n    group: null" in text


@NEEDS_CORPUS
def test_bucket_reasons_are_comments(tmp_path: Path) -> None:
    path = CORPUS / SAMPLES[3]
    init_module.write_starter([str(path)], str(tmp_path / "c.yaml"))
    lines = (tmp_path / "c.yaml").read_text(encoding="utf-8").splitlines()
    assert "    '5': {name: Resolved, bucket: resolved}  # guessed from Jira's default status id 5; in " in "\n".join(
        lines
    )


def _workflow_with_names(names: list[str]) -> bytes:
    steps = "".join(
        f'<step id="{index + 1}" name=""><meta name="jira.status.id">{10100 + index}</meta></step>'
        for index in range(len(names))
    )
    root = etree.fromstring(
        '<workflow><initial-actions><action id="1" name="Create"><results>'
        '<unconditional-result old-status="null" status="open" step="1"/></results></action></initial-actions>'
        f"<steps>{steps}</steps></workflow>"
    )
    # set through the API so that lxml escapes what XML needs
    for step, name in zip(root.iter("step"), names, strict=True):
        step.set("name", name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


TRICKY = [
    'Wait: "customer" #1',
    "it's done",
    "Résolu ✓ 完了",
    "- dash first",
    "yes",
    "null",
    "@at",
    "10",
    "  padded  ",
    "{brace}",
    "a\u2028b",
    "tab\there",
    "% percent",
    "*star",
    "Done",
]


def test_names_with_quotes_colons_and_unicode_round_trip(tmp_path: Path) -> None:
    names = [name.replace("\t", " ") for name in TRICKY]
    source = tmp_path / "tricky.xml"
    source.write_bytes(_workflow_with_names(names))
    target = tmp_path / ".jwflint.yaml"
    init_module.write_starter([str(source)], str(target))
    config = load_config(target)
    workflow = build(parse(str(source), source.read_bytes()))
    loaded = [config.catalogue.statuses[s.status_id].name for s in workflow.statuses]
    assert loaded == [s.name for s in workflow.statuses] == names
    assert config.catalogue.statuses["10114"].bucket == "resolved"  # "Done", guessed from its name
    # every line is one line: names never break out of a comment or a value
    text = target.read_text(encoding="utf-8")
    assert not re.search("[\x85\u2028\u2029\r\t]", text)
    assert all(line == "" or line.startswith(("#", " ", "packs", "fail_on", "catalogue")) for line in text.split("\n"))
    assert "{name: \"a\\Lb\", bucket: null}" in text


def test_scalar_quotes_only_when_needed() -> None:
    assert init_module.scalar("Open") == "Open"
    assert init_module.scalar("10001") == "'10001'"
    assert init_module.scalar(None) == "null"
    for value in TRICKY:
        assert yaml.safe_load(f"key: {init_module.scalar(value)}")["key"] == value


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    existing = tmp_path / ".jwflint.yaml"
    existing.write_text("fail_on: warning\n")
    workflow = str(FIXTURES / "corpus" / "classic_default_workflow.xml")
    refused = jwflint("init", workflow, cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == "jwflint: error: .jwflint.yaml already exists; use --force to overwrite it\n"
    assert existing.read_text() == "fail_on: warning\n"
    forced = jwflint("init", "--force", workflow, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "'6': {name: Closed, bucket: resolved}" in existing.read_text(encoding="utf-8")
    assert (existing.stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_inputs_that_are_not_workflows(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "pom.xml").write_text("<project/>")
    (folder / "bug.xml").write_bytes((FIXTURES / "corpus" / "cloud_bugs_workflow.xml").read_bytes())
    # in a folder, other XML is skipped
    assert jwflint("init", "-o", "from-folder.yaml", str(folder), cwd=tmp_path).returncode == 0
    assert "cloud_bugs_workflow" not in (tmp_path / "from-folder.yaml").read_text()  # names come from the file
    assert "exports/bug.xml" in (tmp_path / "from-folder.yaml").read_text()
    # named explicitly, it is an error
    named = jwflint("init", "-o", "named.yaml", str(folder / "pom.xml"), cwd=tmp_path)
    assert named.returncode == 2
    assert named.stderr.count("\n") == 1 and "not <workflow>" in named.stderr
    assert not (tmp_path / "named.yaml").exists()
    broken = tmp_path / "broken.xml"
    broken.write_text("<workflow>")
    result = jwflint("init", "-o", "broken.yaml", str(broken), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(f"jwflint: error: {broken}:1:")


def test_init_without_workflows_writes_a_config_that_loads(tmp_path: Path) -> None:
    with pytest.raises(JwflintError):
        init_module.write_starter([], str(tmp_path))  # a folder is not a file name
    path, inventory = init_module.write_starter([], str(tmp_path / "empty.yaml"))
    config = load_config(path)
    assert config.catalogue.statuses == {} and inventory.screens == {}
