"""`patch bot` and `fix` on a ``.jwb`` bundle: patch its workflow.xml, keep every other entry.

The workflow XML is patched by the XML splicer exactly as a plain export is; what the bundle's
statuses.json says (status names and categories, which pick the bucket statuses) is read by
sources/registry.py and carried onto the model the patcher plans with. The bundle written has
the same entries in the same order, with the same names, dates, attributes and compression;
only workflow.xml's content changes. Data Center imports bundles from a file; Cloud does not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from jwflint.core.errors import InputError
from jwflint.core.records import record
from jwflint.lint.engine import Engine
from jwflint.patch import apply
from jwflint.patch.apply import Outcome
from jwflint.patch.bot import BotOptions
from jwflint.patch.source import Source, load
from jwflint.sources import jwb_bundle, registry
from jwflint.sources.jwb_bundle import WORKFLOW_ENTRY


@record
class BundleOutcome(Outcome):
    xml_original: bytes = b""
    xml_patched: bytes = b""

    def diff_texts(self) -> tuple[bytes, bytes]:
        return self.xml_original, self.xml_patched


def _archive(path: str, data: bytes, max_bytes: int) -> tuple[zipfile.ZipFile, bytes]:
    """The bundle opened, and its workflow.xml, after the reader's caps (entry count, size, ratio)."""
    try:
        bundle = jwb_bundle.read(data, max_bytes)
        return zipfile.ZipFile(io.BytesIO(data)), bundle.workflow_xml
    except (jwb_bundle.BundleError, zipfile.BadZipFile) as error:
        raise InputError(f"{path}: cannot patch: {error}") from None


def rebuild(path: str, data: bytes, workflow_xml: bytes, max_bytes: int) -> bytes:
    """The bundle with workflow.xml replaced; every other entry, and every entry's metadata, kept."""
    archive, _ = _archive(path, data, max_bytes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        written.comment = archive.comment
        for info in archive.infolist():
            if info.filename == WORKFLOW_ENTRY:
                content = workflow_xml
            else:
                try:
                    content = jwb_bundle.read_entry(archive, info, max_bytes)  # the reader's bomb caps
                except jwb_bundle.BundleError as error:
                    raise InputError(f"{path}: cannot patch: {error}") from None
            written.writestr(info, content, compress_type=info.compress_type)
    return out.getvalue()


def loader(bundle_path: str, data: bytes, max_bytes: int) -> Callable[[str, bytes], Source]:
    """Loads a workflow.xml of this bundle for patching, with the names and categories of statuses.json."""

    def load_xml(_path: str, xml: bytes) -> Source:
        source = load(bundle_path, xml)
        try:
            read = registry.read_jwb(bundle_path, rebuild(bundle_path, data, xml, max_bytes), max_bytes)
        except registry.SourceError as error:
            raise InputError(f"{bundle_path}: cannot patch: {error.message}") from None
        enriched = read[0]
        workflow = source.workflow
        workflow.format, workflow.name = enriched.format, enriched.name
        for status in workflow.statuses:
            known = enriched.status_of_step(status.step_id)
            if known is not None:
                status.category, status.status_name = known.category, known.status_name
        return source

    return load_xml


def _wrap(path: str, data: bytes, inner: Outcome, max_bytes: int) -> BundleOutcome:
    patched = rebuild(path, data, inner.patched, max_bytes) if inner.changed else data
    return BundleOutcome(
        path=path,
        original=data,
        patched=patched,
        changes=inner.changes,
        manual=inner.manual,
        notes=inner.notes,
        remaining=inner.remaining,
        claimed=inner.claimed,
        xml_original=inner.original,
        xml_patched=inner.patched,
    )


def patch_bot(path: str, data: bytes, engine: Engine, options: BotOptions) -> BundleOutcome:
    max_bytes = engine.config.max_file_size
    _, xml = _archive(path, data, max_bytes)
    inner = apply.patch_bot(path, xml, engine, options, loader(path, data, max_bytes))
    return _wrap(path, data, inner, max_bytes)


def fix(path: str, data: bytes, engine: Engine, unsafe: bool, options: BotOptions) -> BundleOutcome:
    max_bytes = engine.config.max_file_size
    _, xml = _archive(path, data, max_bytes)
    inner = apply.fix(path, xml, engine, unsafe, options, loader(path, data, max_bytes))
    return _wrap(path, data, inner, max_bytes)
