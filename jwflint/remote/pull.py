"""`jwflint pull`: fetch a site's workflows and facts, then put them in place.

Nothing is written until every call has succeeded. The files are then written into a temporary
folder inside ``--out`` and renamed over the old ones one by one (each rename is atomic), so a
failed pull leaves the previous one untouched and no file is ever half-written.

``catalogue.json`` and the workflow files pull wrote belong to pull: a manifest
(``.jwflint-pull.json``) lists the latter, so the next pull replaces them and removes those no
longer on the site, and never touches a file it did not write (a patched copy, a config, notes).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from jwflint.core.errors import JwflintError
from jwflint.core.records import record
from jwflint.remote import documents
from jwflint.remote.client import JiraClient
from jwflint.remote.fetch import Selection, Snapshot, fetch
from jwflint.remote.site import CLOUD, Site

CATALOGUE = "catalogue.json"
WORKFLOWS = "workflows"
MANIFEST = ".jwflint-pull.json"


@record(frozen=True)
class PullResult:
    site: Site
    out: Path
    snapshot: Snapshot
    workflow_files: list[str]
    removed: list[str]  # workflow files of the previous pull that are no longer on the site


def pull(site: Site, out: Path, selection: Selection, sleep: Callable[[float], None] | None = None) -> PullResult:
    _check_destination(out)
    with JiraClient(site, **({"sleep": sleep} if sleep else {})) as client:
        snapshot = fetch(client, selection)
    cloud = site.kind == CLOUD
    names = documents.file_names([w["name"] for w in snapshot.workflows]) if cloud else []
    previous = _previous_files(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jwflint-pull-", dir=out))
    try:
        _write_json(staging / CATALOGUE, documents.catalogue(snapshot))
        for name, workflow in zip(names, snapshot.workflows, strict=True):
            _write_json(staging / name, documents.workflow_document(workflow, snapshot.workflow_statuses))
        manifest = {"site": site.url, "workflows": names if cloud else previous}
        _write_json(staging / MANIFEST, manifest)
        removed = sorted(set(previous) - set(names)) if cloud else []
        _put_in_place(staging, out, names, removed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PullResult(site, out, snapshot, names, removed)


def _check_destination(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise JwflintError(f"--out {out}: is a file; pull writes a folder (workflows/ and {CATALOGUE})")
    if (out / WORKFLOWS).exists() and not (out / WORKFLOWS).is_dir():
        raise JwflintError(f"{out / WORKFLOWS}: is a file; pull writes a folder there")


def _previous_files(out: Path) -> list[str]:
    """The workflow files the last pull into ``out`` wrote (plain names only, never a path)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = data.get("workflows") if isinstance(data, dict) else None
    if not isinstance(names, list):
        return []
    return [n for n in names if isinstance(n, str) and n == Path(n).name and n.endswith(".json")]


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _put_in_place(staging: Path, out: Path, names: list[str], removed: list[str]) -> None:
    """Rename each staged file over its target (atomic per file); the manifest goes last, so it
    never names a file that is not there."""
    workflows = out / WORKFLOWS
    try:
        if names:
            workflows.mkdir(exist_ok=True)
        for name in names:
            (staging / name).replace(workflows / name)
        for name in removed:
            with contextlib.suppress(FileNotFoundError):
                (workflows / name).unlink()
        (staging / CATALOGUE).replace(out / CATALOGUE)
        (staging / MANIFEST).replace(out / MANIFEST)
    except OSError as error:
        raise JwflintError(f"{out}: cannot put the pull in place: {error.strerror or error}") from None
