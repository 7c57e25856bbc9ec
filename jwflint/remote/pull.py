"""`jwflint pull`: fetch a site's workflows and facts, then put them in place in one step.

Everything is written into a temporary folder beside ``--out`` first; only a complete pull is
moved into place, so a failure part-way leaves the previous pull (or nothing) untouched.
``workflows/`` and ``catalogue.json`` under ``--out`` belong to pull; other files there are kept.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jwflint.core.errors import JwflintError
from jwflint.remote import documents
from jwflint.remote.client import JiraClient
from jwflint.remote.fetch import Selection, Snapshot, fetch
from jwflint.remote.site import CLOUD, Site

CATALOGUE = "catalogue.json"
WORKFLOWS = "workflows"


@dataclass(frozen=True)
class PullResult:
    site: Site
    out: Path
    snapshot: Snapshot
    workflow_files: list[str]


def pull(site: Site, out: Path, selection: Selection, sleep: Callable[[float], None] | None = None) -> PullResult:
    _check_destination(out)
    with JiraClient(site, **({"sleep": sleep} if sleep else {})) as client:
        snapshot = fetch(client, selection)
    names = documents.file_names([w["name"] for w in snapshot.workflows])
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jwflint-pull-", dir=out))
    try:
        _write_json(staging / CATALOGUE, documents.catalogue(snapshot))
        if site.kind == CLOUD:
            (staging / WORKFLOWS).mkdir()
            for name, workflow in zip(names, snapshot.workflows, strict=True):
                _write_json(
                    staging / WORKFLOWS / name, documents.workflow_document(workflow, snapshot.workflow_statuses)
                )
        _move_into_place(staging, out, replace_workflows=site.kind == CLOUD)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PullResult(site, out, snapshot, names if site.kind == CLOUD else [])


def _check_destination(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise JwflintError(f"--out {out}: is a file; pull writes a folder (workflows/ and {CATALOGUE})")
    for child in (out / WORKFLOWS, out / CATALOGUE):
        if child.is_symlink():
            raise JwflintError(f"{child}: is a symbolic link; pull replaces it, so remove the link first")
    if (out / WORKFLOWS).exists() and not (out / WORKFLOWS).is_dir():
        raise JwflintError(f"{out / WORKFLOWS}: is a file; pull writes a folder there")


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def _move_into_place(staging: Path, out: Path, replace_workflows: bool) -> None:
    """Rename the staged files over the old ones: each rename is atomic, and the old workflows
    folder is set aside until the new one is in, then removed."""
    try:
        if replace_workflows:
            target = out / WORKFLOWS
            old = staging / ".old-workflows"
            if target.exists():
                target.rename(old)
            try:
                (staging / WORKFLOWS).rename(target)
            except OSError:
                if old.exists():
                    with contextlib.suppress(OSError):
                        old.rename(target)
                raise
        (staging / CATALOGUE).replace(out / CATALOGUE)
    except OSError as error:
        raise JwflintError(f"{out}: cannot put the pull in place: {error.strerror or error}") from None
