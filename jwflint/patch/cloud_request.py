"""``--update-request FILE``: where the Cloud update request goes, checked before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

from jwflint.core.errors import JwflintError
from jwflint.core.files import write_atomic
from jwflint.patch.apply import Outcome
from jwflint.patch.output import new_file_mode
from jwflint.sources.files import STDIN_NAME


def check_request_path(path: str) -> None:
    """What --update-request refuses beyond the checks every destination gets (jwflint.core.outputs,
    run with the patched copy and the other outputs): stdout, which carries the report, and a
    folder that does not exist yet."""
    if path == STDIN_NAME:
        raise JwflintError("--update-request -: give a file name (stdout carries the report)")
    target = Path(path)
    if not target.is_dir() and not target.resolve().parent.is_dir():
        raise JwflintError(f"--update-request {path}: folder {target.parent} does not exist")


def write_update_request(outcome: Outcome, path: str) -> str:
    """Write the outcome's WorkflowUpdateRequest; the line to report."""
    request = getattr(outcome, "update_request", None)
    if request is None:
        return f"{outcome.path}: no workflow changed: no update request written ({path} left as it was)"
    text = json.dumps(request, indent=2, ensure_ascii=False) + "\n"
    write_atomic(Path(path), text.encode("utf-8"), new_file_mode())
    count = len(request["workflows"])
    return (
        f"{outcome.path}: wrote {path}: the update request for {count} workflow(s); dry-run it with "
        'POST /rest/api/3/workflows/update/validation ({"payload": …}), apply it with POST /rest/api/3/workflows/update'
    )
