"""Which patcher takes a file: XML export, Jira Cloud workflow JSON, or ``.jwb`` bundle.

The reader registry (sources/registry.py) says what a file is; each kind is patched in its own
shape and written under its own suffix (NAME.patched.xml, .patched.json, .patched.jwb). An XML
export that came from Cloud is patched as XML, with a note and a manual step saying how to get
the change onto Cloud, which imports no XML.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath

from jwflint.core.errors import JwflintError
from jwflint.core.records import record
from jwflint.lint.engine import Engine
from jwflint.model.workflow import workflow_name, workflow_stem
from jwflint.patch import apply, cloud_origin
from jwflint.patch.apply import Outcome
from jwflint.patch.bot import BotOptions
from jwflint.sources.files import PATCHED_SUFFIX
from jwflint.sources.registry import reader_for

CLOUD_JSON = "cloud-json"
BUNDLE = "jwb"
PATCHED_SUFFIXES = {".json": ".patched.json", ".jwb": ".patched.jwb"}


@record(frozen=True)
class CloudOptions:
    api_only: bool = False  # --api-only: system:restrict-from-all-users restrictMode=users
    update_request: str | None = None  # --update-request FILE


def medium(outcomes: list[Outcome]) -> str:
    """What the manual steps' header says the patched files cannot express."""
    from jwflint.patch.cloud_apply import CloudOutcome

    if outcomes and all(isinstance(o, CloudOutcome) for o in outcomes):
        return "Cloud workflow JSON"
    return "workflow XML"


def kind_of(data: bytes) -> str:
    return reader_for(data).kind


def patched_name(path: str) -> str:
    """NAME.patched.xml beside an XML export; NAME.patched.json / .jwb beside Cloud JSON and bundles."""
    name = PurePath(path).name
    lower = name.lower()
    for suffix, patched in PATCHED_SUFFIXES.items():
        if lower.endswith(patched):
            return name
        if lower.endswith(suffix):
            return name[: -len(suffix)] + patched
    return workflow_stem(path) + PATCHED_SUFFIX


def is_patched_output(path: str) -> bool:
    lower = path.lower()
    return lower.endswith(PATCHED_SUFFIX) or any(lower.endswith(s) for s in PATCHED_SUFFIXES.values())


def _mark_cloud_xml(outcome: Outcome, path: str, data: bytes) -> Outcome:
    reasons = cloud_origin.signs(data) if outcome.changed else []
    if reasons:
        outcome.notes.append(cloud_origin.note(reasons))
        outcome.manual.append(cloud_origin.manual_step(workflow_name(path)))
    return outcome


def patch_bot(path: str, data: bytes, engine: Engine, options: BotOptions, cloud: CloudOptions) -> Outcome:
    kind = kind_of(data)
    if kind == CLOUD_JSON:
        from jwflint.patch import cloud_apply

        return cloud_apply.patch_bot(path, data, engine, options, cloud.api_only, bool(cloud.update_request))
    if cloud.update_request:
        _needs_cloud_json(path, kind)
    if cloud.api_only:  # in XML, "API only" is Hide From User
        options = replace(options, hide_from_users=True)
    if kind == BUNDLE:
        from jwflint.patch import bundle

        return bundle.patch_bot(path, data, engine, options)
    return _mark_cloud_xml(apply.patch_bot(path, data, engine, options), path, data)


def _needs_cloud_json(path: str, kind: str) -> None:
    raise JwflintError(
        f"{path}: --update-request needs a Jira Cloud workflow document (JSON from "
        "GET /rest/api/3/workflows/search?expand=values.transitions or `jwflint pull`), not "
        + ("a .jwb bundle" if kind == BUNDLE else "workflow XML")
    )


def fix(
    path: str, data: bytes, engine: Engine, unsafe: bool, options: BotOptions, cloud: CloudOptions | None = None
) -> Outcome:
    kind = kind_of(data)
    request = bool(cloud and cloud.update_request)
    if kind == CLOUD_JSON:
        from jwflint.patch import cloud_fix

        return cloud_fix.fix(path, data, engine, unsafe, options, request)
    if request:
        _needs_cloud_json(path, kind)
    if kind == BUNDLE:
        from jwflint.patch import bundle

        return bundle.fix(path, data, engine, unsafe, options)
    return _mark_cloud_xml(apply.fix(path, data, engine, unsafe, options), path, data)
