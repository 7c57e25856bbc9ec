"""Which reader takes a file: the one place that decides what an input is.

Lint, render and patch ask ``read`` for the workflows of a file's bytes, and ``expand_paths``
(sources.files) asks ``claims_file`` which files of a folder to pick up. Each kind of input is one
``Reader`` in ``READERS``; adding a kind is adding one entry. Permission scheme documents are one
(they hold no workflow: the lint engine reads them with sources.permission_scheme).

Detection is by content, not by name, so stdin and oddly named files work: a zip is a bundle,
text whose first character is ``{`` or ``[`` is JSON, anything else is XML. The sniffs are cheap
looks at the bytes, made here, and a reader's module is imported only when a file of its kind is
read: linting XML loads neither the Cloud JSON nor the bundle reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from jwflint.core.records import record
from jwflint.model.workflow import FORMAT_CLOUD, FORMAT_JWB, FORMAT_XML, Workflow
from jwflint.sources import osworkflow_xml, permission_scheme
from jwflint.sources.files import DEFAULT_MAX_BYTES
from jwflint.sources.json_document import UTF8_BOM, JSONSyntax
from jwflint.sources.json_document import parse as parse_json
from jwflint.sources.xml_document import XMLSyntax, written_name
from jwflint.sources.xml_document import parse as parse_xml

# How much of a folder's .json file is looked at to decide whether it is a workflow document.
SNIFF_BYTES = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"  # a .jwb bundle is a zip


class SourceError(Exception):
    """The input cannot be read: ``rule`` is the input rule that reports it (xml-syntax, json-syntax …)."""

    def __init__(self, rule: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column


class NotAWorkflow(SourceError):
    """Readable, but not a workflow (XML whose root is not <workflow>, JSON with no workflows)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__("not-a-workflow", message, line, column)


@record(frozen=True)
class Reader:
    """One kind of input.

    ``sniff`` looks at a file's bytes (cheaply) and says whether they are this kind; ``read``
    builds the workflows, raising SourceError / NotAWorkflow; ``folder_suffixes`` are the file
    names a folder argument picks up for this kind, and ``in_folder`` (when set) looks at the
    start of such a file to decide whether to pick it up, so that other files with the same
    suffix are skipped without a word.
    """

    kind: str
    format: str
    sniff: Callable[[bytes], bool]
    read: Callable[[str, bytes, int], list[Workflow]]
    folder_suffixes: tuple[str, ...]
    in_folder: Callable[[bytes], bool] | None = None


_BLANKS = re.compile(rb"[ \t\r\n]*")


def _first_char(data: bytes) -> bytes:
    """The first character after a BOM and whitespace (without copying a large file)."""
    end = _BLANKS.match(data, len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0).end()  # type: ignore[union-attr]
    return data[end : end + 1]


def _looks_bundle(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def _looks_json(data: bytes) -> bool:
    return _first_char(data) in (b"{", b"[")


def _looks_cloud_workflow(head: bytes) -> bool:
    """A cheap test on a file's first megabyte: Cloud workflow documents name their transitions'
    target statuses (``toStatusReference``) or at least their statuses' references."""
    return _looks_json(head) and (b'"statusReference"' in head or b'"toStatusReference"' in head)


def read_xml(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Workflow]:
    try:
        document = parse_xml(path, data)
    except XMLSyntax as error:
        raise SourceError(error.rule, error.message, error.line, error.column) from None
    root = document.root
    if root.tag != "workflow":
        line, column = document.position(root)
        raise NotAWorkflow(
            f"the root element is <{written_name(root)}>, not <workflow>: not a Jira workflow export", line, column
        )
    return [osworkflow_xml.build(document)]


def read_cloud_json(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Workflow]:
    from jwflint.sources import cloud_json

    try:
        document = parse_json(path, data)
    except JSONSyntax as error:
        raise SourceError(error.rule, error.message, error.line, error.column) from None
    if cloud_json.workflow_entries(document.root) is None:
        if cloud_json.is_legacy_search(document.root):
            raise NotAWorkflow(
                "this is the legacy GET /rest/api/3/workflow/search shape (removed in June 2026), which jwflint "
                "does not read: fetch GET /rest/api/3/workflows/search?expand=values.transitions instead",
                *document.position(document.root),
            )
        raise NotAWorkflow(
            "this JSON holds no Jira Cloud workflows (a /rest/api/3/workflows/search page with values[], or a "
            "POST /rest/api/3/workflows response with workflows[]): not a workflow document",
            *document.position(document.root),
        )
    workflows = cloud_json.build_all(document)
    for workflow in workflows:
        workflow.format = FORMAT_CLOUD
    return workflows


def read_jwb(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Workflow]:
    from jwflint.sources import jwb_bundle

    try:
        bundle = jwb_bundle.read(data, max_bytes)
    except jwb_bundle.BundleError as error:
        raise SourceError("bad-bundle", str(error), 1, 1) from None
    workflows = read_xml(path, bundle.workflow_xml, max_bytes)
    by_id = {status.status_id: status for status in bundle.statuses}
    for workflow in workflows:
        workflow.format = FORMAT_JWB
        workflow.name = _bundle_name(path)
        for status in workflow.statuses:
            known = by_id.get(status.status_id or "")
            if known is not None:
                status.status_name = known.name or None
                status.category = known.category
    return workflows


def _bundle_name(path: str) -> str:
    name = Path(path).name if path != "-" else "<stdin>"
    return name[: -len(".jwb")] if name.lower().endswith(".jwb") else name


def read_permission_schemes(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Workflow]:
    """A permission scheme document holds no workflow: the lint engine reads it itself
    (sources.permission_scheme); anything that wants a workflow from it gets this error."""
    raise NotAWorkflow(
        "this is a permission scheme document, not a workflow: check it with `jwflint lint` (bot-account rules)"
    )


READERS: tuple[Reader, ...] = (
    Reader("jwb", FORMAT_JWB, _looks_bundle, read_jwb, (".jwb",)),
    # Before cloud-json, which takes any JSON: a scheme document is told apart by its grants.
    Reader(
        permission_scheme.KIND,
        permission_scheme.KIND,
        permission_scheme.looks_like,
        read_permission_schemes,
        (".json",),
        permission_scheme.looks_like,
    ),
    Reader("cloud-json", FORMAT_CLOUD, _looks_json, read_cloud_json, (".json",), _looks_cloud_workflow),
    Reader("xml", FORMAT_XML, lambda data: True, read_xml, (".xml",)),
)


def reader_for(data: bytes) -> Reader:
    """The first reader whose sniff accepts the bytes (XML, the last, accepts anything)."""
    return next(reader for reader in READERS if reader.sniff(data))


def read(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Workflow]:
    """The workflows in a file's bytes, whatever its format; SourceError / NotAWorkflow otherwise."""
    return reader_for(data).read(path, data, max_bytes)


def expand_paths(
    paths: list[str], kinds: tuple[str, ...] | None = None, skip: Callable[[str], bool] | None = None
) -> list[str]:
    """Files as given; folders become the files in them that a reader claims, recursively, sorted.

    ``kinds`` limits folders to some readers (``("xml",)``); ``skip`` drops files found by walking
    a folder (``exclude``). Files named directly are kept as given whatever they are, so that the
    reader can say what is wrong with them.
    """
    result: list[str] = []
    for path in paths:
        candidate = Path(path)
        if path != "-" and candidate.is_dir():
            found = (str(p) for p in sorted(candidate.rglob("*")) if p.is_file() and claims_file(p, kinds))
            result.extend(f for f in found if skip is None or not skip(f))
        else:
            result.append(path)
    return result


def looks_like_workflow(data: bytes) -> bool:
    """Whether bytes read as a workflow are worth reading (``--skip-non-workflow`` skips the rest
    unread): JSON only when it looks like a Cloud workflow document, as in a folder, so that a
    tsconfig.json with comments is skipped rather than reported as broken JSON."""
    reader = reader_for(data)
    return reader.in_folder is None or reader.in_folder(data[:SNIFF_BYTES])


def claims_file(path: Path, kinds: tuple[str, ...] | None = None) -> bool:
    """Whether a folder argument picks up this file: by suffix, then (for JSON) by a look inside."""
    suffix = path.suffix.lower()
    head: bytes | None = None
    for reader in READERS:
        if kinds is not None and reader.kind not in kinds:
            continue
        if suffix in reader.folder_suffixes:
            if reader.in_folder is None:
                return True
            if head is None:  # read once: two readers look at .json files
                try:
                    with open(path, "rb") as handle:
                        head = handle.read(SNIFF_BYTES)
                except OSError:
                    return True  # let the reader report why it cannot be read
            if reader.in_folder(head):
                return True
    return False
