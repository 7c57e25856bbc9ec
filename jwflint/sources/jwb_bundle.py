"""``.jwb`` workflow bundles: a zip of ``workflow.xml``, ``statuses.json``, ``layout.v2.json`` and
sometimes ``notes.md`` (shared/research/jira-cloud-apply.md §2).

Only the entries jwflint needs are read (``workflow.xml``, ``statuses.json``), in memory, and
only after the archive passed its caps: at most ``MAX_ENTRIES`` entries, each known entry at most
the file size limit uncompressed, and none expanding more than ``MAX_RATIO`` times (a zip bomb).
The sizes the zip directory declares are not trusted: reads stop one byte past the cap.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.sources.files import DEFAULT_MAX_BYTES, size_text

if TYPE_CHECKING:
    import zipfile

WORKFLOW_ENTRY = "workflow.xml"
STATUSES_ENTRY = "statuses.json"
KNOWN_ENTRIES = (WORKFLOW_ENTRY, STATUSES_ENTRY, "layout.v2.json", "notes.md")
MAX_ENTRIES = 64  # real bundles hold three or four; screens and fields may add a few
MAX_RATIO = 200  # workflow.xml deflates about 20:1; a bomb does 1000:1 and more


class BundleError(Exception):
    """The bundle cannot be read: not a zip, no workflow.xml, over a cap, or a broken entry."""


@record(frozen=True)
class BundleStatus:
    """One entry of statuses.json: a custom status's id, name and category (None if unknown)."""

    status_id: str
    name: str
    category: str | None


@record(frozen=True)
class Bundle:
    workflow_xml: bytes
    statuses: list[BundleStatus]


def read(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Bundle:
    """The workflow XML and statuses of a bundle's bytes; every failure is a BundleError."""
    import zipfile  # only bundles need it: kept off every lint's start-up

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise BundleError(f"not a readable zip archive ({error})") from None
    if len(infos) > MAX_ENTRIES:
        raise BundleError(f"{len(infos)} entries: a workflow bundle holds a handful (limit {MAX_ENTRIES})")
    by_name = {info.filename: info for info in infos}
    if WORKFLOW_ENTRY not in by_name:
        raise BundleError(f"no {WORKFLOW_ENTRY} entry: not a Jira workflow bundle")
    workflow_xml = read_entry(archive, by_name[WORKFLOW_ENTRY], max_bytes)
    statuses: list[BundleStatus] = []
    if STATUSES_ENTRY in by_name:
        statuses = _statuses(read_entry(archive, by_name[STATUSES_ENTRY], max_bytes))
    return Bundle(workflow_xml, statuses)


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """One entry's bytes under the bundle caps (encryption, size, declared and actual ratio)."""
    import zipfile

    if info.flag_bits & 0x1:
        raise BundleError(f"{info.filename} is encrypted")
    declared_ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > max_bytes or declared_ratio > MAX_RATIO:
        raise BundleError(f"{info.filename} expands to {size_text(info.file_size)}: refused as a zip bomb")
    try:
        with archive.open(info) as stream:
            data = stream.read(max_bytes + 1)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, RuntimeError) as error:
        raise BundleError(f"{info.filename} cannot be read ({error})") from None
    if len(data) > max_bytes or len(data) / max(info.compress_size, 1) > MAX_RATIO:
        raise BundleError(f"{info.filename} expands past its declared size: refused as a zip bomb")
    return data


def _statuses(data: bytes) -> list[BundleStatus]:
    """statuses.json, leniently: it only adds names and categories; a bad one is still an error."""
    from jwflint.sources.json_document import JSONSyntax, parse

    try:
        root: Any = parse(STATUSES_ENTRY, data).root
    except JSONSyntax as error:
        raise BundleError(f"{STATUSES_ENTRY}:{error.line}:{error.column}: {error.message}") from None
    if not isinstance(root, list):
        raise BundleError(f"{STATUSES_ENTRY} is not a list of statuses")
    found = []
    for item in root:
        if isinstance(item, dict) and item.get("originalId") is not None:
            category = jira.STATUS_CATEGORY_IDS.get(str(item.get("statusCategoryId")))
            found.append(BundleStatus(str(item["originalId"]).strip(), str(item.get("name") or ""), category))
    return found

