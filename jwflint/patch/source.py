"""A workflow file opened for patching: its bytes, tree, model, and where each element sits."""

from __future__ import annotations

import codecs
from functools import cached_property

from jwflint.core.collector import paused as gc_paused
from jwflint.core.errors import InputError
from jwflint.core.records import record
from jwflint.model.workflow import Transition, Workflow
from jwflint.patch.splice import ByteIndex, Layout, Splicer
from jwflint.sources import osworkflow_xml
from jwflint.sources.xml_document import Document, XMLSyntax, parse


class NotAWorkflow(InputError):
    """Well-formed XML whose root is not <workflow>."""


@record
class Source:
    path: str
    data: bytes
    document: Document
    workflow: Workflow
    index: ByteIndex
    layout: Layout

    @cached_property
    def splicer(self) -> Splicer:
        return Splicer(self.data, self.index, self.layout)

    @cached_property
    def transitions_by_element(self) -> dict[object, Transition]:
        return {t.element: t for t in self.workflow.transitions}


def load(path: str, data: bytes) -> Source:
    """Parse and model a workflow for patching; anything that is not a workflow is an InputError."""
    try:
        document = parse(path, data)
    except XMLSyntax as error:
        raise InputError(f"{path}:{error.line}:{error.column}: cannot patch: {error.message}") from None
    root = document.root
    if root.tag != "workflow":
        raise NotAWorkflow(f"{path}: cannot patch: the root element is <{root.tag}>, not <workflow>")
    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    try:
        ascii_based = codecs.lookup(encoding) and "<a/>".encode(encoding) == b"<a/>"
    except (LookupError, UnicodeError):
        ascii_based = False
    if not ascii_based:
        raise InputError(f"{path}: cannot patch a file in encoding {encoding!r}: Jira exports are UTF-8")
    # As the linter does: the model and the index allocate many small objects that the cyclic
    # GC would rescan over and over on a large workflow; none of them forms a cycle to collect.
    with gc_paused():
        workflow = osworkflow_xml.build(document)
        index = ByteIndex(data, root)
    return Source(path, data, document, workflow, index, Layout.of(data, root, index, encoding))
