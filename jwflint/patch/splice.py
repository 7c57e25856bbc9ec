"""Minimal-diff edits: text splices into the original bytes, never a re-serialised tree.

Every byte outside an edit is kept: the XML declaration, the DOCTYPE, Cloud exports' leading
blank lines, CRLF, entities, attribute quoting and CDATA. ``ByteIndex`` finds where each
element of the parsed tree starts and ends in the bytes; ``Layout`` says how the file indents
and ends its lines, so inserted fragments look like their neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from jwflint.core.errors import JwflintError
from jwflint.core.records import record


@record(frozen=True)
class Span:
    """Byte offsets of one element in the original data."""

    start: int  # the '<' of the start tag
    start_end: int  # just after the start tag's '>'
    end_start: int  # the '<' of the end tag; == start_end for an empty element
    end: int  # just after the element
    empty: bool  # written as <tag/>


@record(frozen=True)
class Edit:
    """Replace ``data[start:end]`` with ``text``; an insertion has start == end."""

    start: int
    end: int
    text: bytes
    owner: str = ""  # which fixer made it, for conflict messages

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end


# One token of well-formed XML (lxml has accepted the bytes already): markup to skip (comments,
# CDATA, processing instructions, the DOCTYPE with any internal subset), an end tag, or a start
# tag whose quoted attribute values are read whole, since a '>' may stand unescaped in them.
_TOKEN = re.compile(
    rb"<(?:(?P<skip>!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|!(?:[^\[>\"']++|\"[^\"]*+\"|'[^']*+'|\[.*?\])*+>)"
    rb"|/[^>]*+>"
    rb"|(?P<start>[^\s/>!?]++)(?:[^\"'>]++|\"[^\"]*+\"|'[^']*+')*+>)",
    re.S,
)


class _Scan:
    """Offsets of every element, in document order (lxml's ``iter()`` order), from one regex pass."""

    def __init__(self, data: bytes) -> None:
        starts: list[int] = []
        start_ends: list[int] = []
        end_starts: list[int] = []
        ends: list[int] = []
        stack: list[int] = []
        for match in _TOKEN.finditer(data):
            kind = match.lastgroup
            if kind == "skip":
                continue
            if kind == "start":
                end = match.end()
                starts.append(match.start())
                start_ends.append(end)
                end_starts.append(end)
                ends.append(end)
                if data[end - 2 : end - 1] != b"/":
                    stack.append(len(starts) - 1)
                continue
            if not stack:
                raise JwflintError("cannot locate elements in the file: unbalanced end tag")
            index = stack.pop()
            end_starts[index] = match.start()
            ends[index] = match.end()
        if stack:
            raise JwflintError("cannot locate elements in the file: unclosed start tag")
        self.data = data
        self.starts, self.start_ends, self.end_starts, self.ends = starts, start_ends, end_starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def name(self, index: int) -> str:
        start = self.starts[index] + 1
        found = _TOKEN_NAME_END.search(self.data, start)
        stop = found.start() if found else self.start_ends[index]
        return self.data[start:stop].decode("utf-8", errors="replace").rsplit(":", 1)[-1]

    def span(self, index: int) -> Span:
        empty = self.end_starts[index] == self.start_ends[index] and self.data[self.start_ends[index] - 2] == 0x2F
        return Span(self.starts[index], self.start_ends[index], self.end_starts[index], self.ends[index], empty)


_TOKEN_NAME_END = re.compile(rb"[\s/>]")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class ByteIndex:
    """Where each element of a parsed document sits in its original bytes."""

    def __init__(self, data: bytes, root: etree._Element) -> None:
        self.data = data
        self._scan = _Scan(data)
        # Document order of the elements; a span is built only when asked for.
        self._order = {element: i for i, element in enumerate(root.iter(tag=etree.Element))}
        if len(self._scan) != len(self._order):
            raise JwflintError(
                f"cannot locate elements in the file: found {len(self._scan)} tags, the parser {len(self._order)}"
            )

    def span(self, element: etree._Element) -> Span:
        index = self._order[element]
        name = self._scan.name(index)
        if name != _local(element.tag):
            raise JwflintError(f"cannot locate elements in the file: <{name}> where <{element.tag}> was parsed")
        return self._scan.span(index)


@record(frozen=True)
class Layout:
    """How the file writes lines: its newline, one level of indentation, and whether it is one line."""

    newline: bytes
    unit: bytes
    compact: bool
    encoding: str

    @classmethod
    def of(cls, data: bytes, root: etree._Element, index: ByteIndex, encoding: str) -> Layout:
        crlf = data.count(b"\r\n")
        lone_crs = data.count(b"\r") - crlf  # old Mac line ends
        if lone_crs > data.count(b"\n"):
            newline = b"\r"
        else:
            newline = b"\r\n" if crlf and crlf * 2 >= data.count(b"\n") else b"\n"
        root_span = index.span(root)
        compact = not _has_line_end(data, root_span.start, root_span.end)
        unit = b"  "
        root_indent = line_indent(data, root_span.start) or b""
        for child in root:
            if not isinstance(child.tag, str):
                continue
            child_indent = line_indent(data, index.span(child).start)
            if child_indent is not None and len(child_indent) > len(root_indent):
                unit = child_indent[len(root_indent) :]
            break
        return cls(newline=newline, unit=unit, compact=compact, encoding=encoding)

    def fragment(self, text: str, base: bytes) -> bytes:
        """A rendered fragment (two spaces a level, ``\\n``) in this file's indentation and newlines.

        The first line carries no indentation: the caller places it after ``base`` already.
        """
        lines = [line for line in text.strip("\n").split("\n") if line.strip()]
        if self.compact:
            return "".join(line.strip() for line in lines).encode(self.encoding, "xmlcharrefreplace")
        out: list[bytes] = []
        for number, line in enumerate(lines):
            stripped = line.lstrip(" ")
            level = (len(line) - len(stripped)) // 2
            body = stripped.encode(self.encoding, "xmlcharrefreplace")
            out.append(body if number == 0 else base + self.unit * level + body)
        return self.newline.join(out)


def _has_line_end(data: bytes, start: int, end: int) -> bool:
    return data.find(b"\n", start, end) >= 0 or data.find(b"\r", start, end) >= 0


def line_start(data: bytes, offset: int) -> int:
    """Where the line holding ``offset`` starts: after a LF, or after a lone CR (old Mac line
    ends; in a CRLF the LF comes after the CR)."""
    return max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1


def line_indent(data: bytes, offset: int) -> bytes | None:
    """The whitespace before ``offset`` on its line, or None when other text precedes it."""
    prefix = data[line_start(data, offset) : offset]
    return prefix if prefix.strip(b" \t") == b"" else None


def apply(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply edits that do not overlap; insertions at one offset keep the order they were given."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    out: list[bytes] = []
    cursor = 0
    for _, edit in ordered:
        if edit.start < cursor:
            raise JwflintError(f"overlapping edits at byte {edit.start} ({edit.owner or 'patch'})")
        out.append(data[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(data[cursor:])
    return b"".join(out)


def overlaps(edit: Edit, taken: list[Edit]) -> bool:
    """True when ``edit`` touches bytes another edit replaces (insertions at a boundary do not)."""
    for other in taken:
        if edit.is_insertion and other.is_insertion:
            continue
        if edit.is_insertion:
            if other.start < edit.start < other.end:
                return True
        elif other.is_insertion:
            if edit.start < other.start < edit.end:
                return True
        elif edit.start < other.end and other.start < edit.end:
            return True
    return False


class Splicer:
    """Builds edits that add fragments beside or inside existing elements."""

    def __init__(self, data: bytes, index: ByteIndex, layout: Layout) -> None:
        self.data = data
        self.index = index
        self.layout = layout

    def _indent_of(self, element: etree._Element) -> bytes | None:
        return line_indent(self.data, self.index.span(element).start)

    def child_indent(self, parent: etree._Element) -> bytes:
        """Indentation for a new child: its siblings', else one level below the parent."""
        for child in parent:
            if isinstance(child.tag, str):
                indent = self._indent_of(child)
                if indent is not None:
                    return indent
                break
        return (self._indent_of(parent) or b"") + self.layout.unit

    def append_child(self, parent: etree._Element, text: str, owner: str = "") -> Edit:
        """Add a rendered fragment as the last child element of ``parent``."""
        layout = self.layout
        span = self.index.span(parent)
        indent = self.child_indent(parent)
        body = layout.fragment(text, indent)
        children = [c for c in parent if isinstance(c.tag, str)]
        if layout.compact:
            if span.empty:
                return self._open_empty(parent, span, body, owner)
            return Edit(span.end_start, span.end_start, body, owner)
        if children:
            last = self.index.span(children[-1])
            # After the last child: a newline and the siblings' indentation, then the fragment.
            return Edit(last.end, last.end, layout.newline + indent + body, owner)
        if span.empty:
            return self._open_empty(parent, span, body, owner)
        parent_indent = self._indent_of(parent) or b""
        inner = self.data[span.start_end : span.end_start]
        closing_indent = line_indent(self.data, span.end_start)
        if inner.strip() == b"" and _has_line_end(inner, 0, len(inner)) and closing_indent is not None:
            line_start = span.end_start - len(closing_indent)
            return Edit(line_start, line_start, indent + body + layout.newline, owner)
        return Edit(
            span.end_start, span.end_start, layout.newline + indent + body + layout.newline + parent_indent, owner
        )

    def _open_empty(self, parent: etree._Element, span: Span, body: bytes, owner: str) -> Edit:
        """``<tag/>`` becomes ``<tag>…</tag>``: the two bytes ``/>`` are replaced, the rest kept."""
        close = f"</{parent.tag}>".encode(self.layout.encoding)
        slash = self.data.rfind(b"/", span.start, span.start_end)
        if self.layout.compact:
            return Edit(slash, span.start_end, b">" + body + close, owner)
        indent = self.child_indent(parent)
        parent_indent = self._indent_of(parent) or b""
        newline = self.layout.newline
        return Edit(slash, span.start_end, b">" + newline + indent + body + newline + parent_indent + close, owner)

    def insert_before(self, sibling: etree._Element, text: str, owner: str = "") -> Edit:
        """Add a rendered fragment just before ``sibling``, at its indentation."""
        span = self.index.span(sibling)
        indent = self._indent_of(sibling)
        if self.layout.compact or indent is None:
            return Edit(span.start, span.start, self.layout.fragment(text, indent or b""), owner)
        line_start = span.start - len(indent)
        return Edit(line_start, line_start, indent + self.layout.fragment(text, indent) + self.layout.newline, owner)

    def insert_after(self, sibling: etree._Element, text: str, owner: str = "") -> Edit:
        """Add a rendered fragment just after ``sibling``, at its indentation."""
        span = self.index.span(sibling)
        indent = self._indent_of(sibling)
        if self.layout.compact or indent is None:
            return Edit(span.end, span.end, self.layout.fragment(text, indent or b""), owner)
        return Edit(span.end, span.end, self.layout.newline + indent + self.layout.fragment(text, indent), owner)

    def set_attribute(self, element: etree._Element, name: str, value: str, owner: str = "") -> Edit:
        """Add an attribute to a start tag that lacks it (value already escaped)."""
        span = self.index.span(element)
        end = span.start_end - (2 if span.empty else 1)
        while end > span.start and self.data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
            end -= 1
        text = f' {name}="{value}"'.encode(self.layout.encoding)
        return Edit(end, end, text, owner)

    def set_text(self, element: etree._Element, escaped: str, owner: str = "") -> Edit:
        """Replace an element's content (text, CDATA) with ``escaped``; ``<tag/>`` gets an end tag."""
        span = self.index.span(element)
        body = escaped.encode(self.layout.encoding, "xmlcharrefreplace")
        if span.empty:
            slash = self.data.rfind(b"/", span.start, span.start_end)
            close = f"</{element.tag}>".encode(self.layout.encoding)
            return Edit(slash, span.start_end, b">" + body + close, owner)
        return Edit(span.start_end, span.end_start, body, owner)

    def move(self, slots: list[etree._Element], order: list[etree._Element], owner: str = "") -> list[Edit]:
        """Put the bytes of ``order[i]`` where ``slots[i]`` stands: a reorder that keeps each element's bytes."""
        edits = []
        for slot, element in zip(slots, order, strict=True):
            if slot is element:
                continue
            target = self.index.span(slot)
            source = self.index.span(element)
            edits.append(Edit(target.start, target.end, self.data[source.start : source.end], owner))
        return edits
