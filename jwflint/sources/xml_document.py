"""Hardened reading of untrusted workflow XML, and mapping elements back to file positions.

Exports carry a DOCTYPE with an http DTD URL; the DTD is never loaded, entities are never
resolved and nothing touches the network. A document that declares entities is hostile (no
Jira export declares any) and is refused before lxml sees it, as defusedxml does.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import field

from lxml import etree

from jwflint.core.records import record
from jwflint.sources.files import DEFAULT_MAX_BYTES, read_bytes

UTF8_BOM = b"\xef\xbb\xbf"

_parser: etree.XMLParser | None = None


def _hardened_parser() -> etree.XMLParser:
    global _parser
    if _parser is None:
        _parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
            remove_pis=False,
            strip_cdata=False,
        )
    return _parser


class XMLSyntax(Exception):
    """The bytes are not well-formed XML (or are refused as hostile)."""

    def __init__(self, message: str, line: int, column: int, rule: str = "xml-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.rule = rule


@record
class Document:
    """A parsed file: the original bytes, the tree, and how to find positions in the bytes."""

    path: str
    data: bytes
    root: etree._Element
    leading_bytes: int  # whitespace/BOM stripped before `<?xml`
    leading_lines: int  # newlines among them: lxml counts lines from the stripped text
    # Whitespace (not a BOM, which XML allows) in front of an XML declaration: the Cloud quirk
    # strict parsers reject. Whitespace before a root element without a declaration is legal.
    whitespace_before_declaration: int = 0
    _lines: list[bytes] | None = field(default=None, repr=False)
    _by_line: dict[str, dict[int, list[etree._Element]]] = field(default_factory=dict, repr=False)
    _start_tags: dict[str, dict[etree._Element, int] | None] = field(default_factory=dict, repr=False)
    # _newlines[i]: newlines in data[: i * _BLOCK], extended only as far as lookups need.
    _newlines: list[int] = field(default_factory=lambda: [0], repr=False)
    _masked: tuple[list[int], list[int]] | None = field(default=None, repr=False)
    _hides: bool | None = field(default=None, repr=False)
    # Rules report the same element several times (a third of the corpus's findings).
    _positions: dict[etree._Element, tuple[int, int]] = field(default_factory=dict, repr=False)
    _block_lines: tuple[int, list[bytes]] | None = field(default=None, repr=False)  # see _line_text
    # "<" + the tag, per tag without a namespace: built once, not once per finding.
    _openers: dict[str, bytes] = field(default_factory=dict, repr=False)
    # The bytes lines are counted in: ``data`` with every lone CR (an old Mac line end) read as a
    # LF, as XML (1.0, section 2.11) and editors read it. Byte for byte as long as ``data``, so an
    # offset means the same in both; ``data`` itself when the file has no lone CR (the usual case).
    lined: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if not self.lined:
            self.lined = self.data

    def line_of(self, element: etree._Element) -> int:
        line, _ = self.position(element)
        return line

    def position(self, element: etree._Element) -> tuple[int, int]:
        """1-based (line, column) of the element's start tag in the original file."""
        known = self._positions.get(element)
        if known is None:
            known = self._positions[element] = self._locate(element)
        return known

    def _locate(self, element: etree._Element) -> tuple[int, int]:
        tag = element.tag
        if isinstance(tag, str):
            opener = self._openers.get(tag)
            if opener is None:
                opener = b"<" + written_name(element).encode()
                if not tag.startswith("{"):  # a namespace's prefix may differ from element to element
                    self._openers[tag] = opener
            quick = self._position_on_its_line(element, opener)
            if quick is not None:
                return quick
            offsets = self._start_tag_offsets(element)
            offset = offsets.get(element) if offsets is not None else None
            if offset is not None:
                return self._line_and_column(offset)
        return self._position_from_sourceline(element)

    def _position_on_its_line(self, element: etree._Element, opener: bytes) -> tuple[int, int] | None:
        """The common case in one line's work: the only ``<tag`` on the line lxml names.

        lxml gives the line on which a start tag *ends*. A line that does not begin inside a
        tag (its first ``>`` does not come before its first ``<``: ``<`` cannot occur in an
        attribute value) has no start tag that began on an earlier line ending on it, so when
        it holds exactly one ``<tag``, the element is the one there. Anything else (a line that
        continues a split start tag, several same-tag elements on a line, lines past lxml's
        65535 limit, comments or CDATA that could hide a ``<tag``, the first parsed line after
        stripped whitespace) takes the exact scan.
        """
        sourceline = element.sourceline
        if not sourceline or sourceline >= _LXML_LINE_LIMIT or sourceline == 1 or self._hides_tags():
            return None
        line_no = sourceline + self.leading_lines
        line = self._line_text(line_no)
        if line is None:
            return None
        size = len(opener)
        hit = line.find(opener)
        if hit < 0 or line[hit + size : hit + size + 1] not in _NAME_ENDS:
            return None
        closer = line.find(b">", 0, hit)
        if closer >= 0 and line.find(b"<", 0, closer) < 0:
            return None  # the line begins inside a tag that started on an earlier line
        later = line.find(opener, hit + 1)
        while later >= 0:
            if line[later + size : later + size + 1] in _NAME_ENDS:
                return None
            later = line.find(opener, later + 1)
        return (line_no, _char_column(line, hit))

    def _hides_tags(self) -> bool:
        """A comment, CDATA section or processing instruction after the prolog could hide a ``<tag``."""
        if self._hides is None:
            data = self.lined
            root = _ROOT_START.search(data)
            if root is not None and all(_next_opener(data, mark, root.start() + 1) < 0 for mark in (b"!", b"?")):
                # Every masked span starts with "<!" or "<?": none can start after the root's "<".
                self._hides = False
            else:
                starts, _ = self._masked_spans()
                self._hides = bool(starts) and (root is None or starts[-1] > root.start())
        return self._hides

    def _start_tag_offsets(self, element: etree._Element) -> dict[etree._Element, int] | None:
        """Byte offset of every start tag of the element's tag, or None when they cannot be matched.

        The k-th ``<tag`` in the text, outside comments, CDATA and processing instructions, is
        the k-th element of that tag in document order (``<`` cannot occur in attribute values,
        and text escapes it). This does not depend on lxml's line numbers, which stop at 65535
        for elements, and it costs one scan of the file per tag.
        """
        tag = element.tag
        if tag not in self._start_tags:
            elements = list(self.root.iter(tag))
            pattern = re.compile(b"<" + re.escape(written_name(element).encode()) + rb"(?=[\s/>])")
            hits = [match.start() for match in pattern.finditer(self.lined)]
            if self._masked_spans()[0]:
                hits = [hit for hit in hits if not self._is_masked(hit)]
            # A mismatch (a UTF-16 file, mixed namespace prefixes) falls back to lxml's lines.
            self._start_tags[tag] = dict(zip(elements, hits, strict=True)) if len(hits) == len(elements) else None
        return self._start_tags[tag]

    def _masked_spans(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the comments, CDATA sections and processing instructions.

        The spans ``_MASKED.finditer`` would give, found by jumping with ``find`` from one
        ``<!`` or ``<?`` to the next instead of trying the pattern at every ``<``.
        """
        if self._masked is None:
            data = self.lined
            starts: list[int] = []
            ends: list[int] = []
            position = 0
            bang, query = _next_opener(data, b"!", 0), _next_opener(data, b"?", 0)
            while bang >= 0 or query >= 0:
                opener = bang if query < 0 or 0 <= bang < query else query
                for prefix, closer in _MASK_DELIMITERS:
                    if data.startswith(prefix, opener):
                        end = data.find(closer, opener + len(prefix))
                        break
                else:
                    end = -1  # "<!DOCTYPE" and the declarations inside it
                if end >= 0:
                    starts.append(opener)
                    ends.append(end + len(closer))
                    position = end + len(closer)
                else:
                    position = opener + 1  # unterminated, or not a masked construct
                if 0 <= bang < position:
                    bang = _next_opener(data, b"!", position)
                if 0 <= query < position:
                    query = _next_opener(data, b"?", position)
            self._masked = (starts, ends)
        return self._masked

    def _is_masked(self, offset: int) -> bool:
        starts, ends = self._masked_spans()
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < ends[index]

    def _line_and_column(self, offset: int) -> tuple[int, int]:
        line_start = self.lined.rfind(b"\n", 0, offset) + 1
        block = line_start // _BLOCK
        self._count_newlines(blocks=block + 1)
        line = self._newlines[block] + self.lined.count(b"\n", block * _BLOCK, line_start)
        return (line + 1, _char_column(self.lined[line_start:offset], offset - line_start))

    def _line_text(self, line_no: int) -> bytes | None:
        """The bytes of a 1-based line, without its newline; None past the end of the file.

        What splitting the file at its newlines would give, without the split (which cost more
        than all the lookups): the block index names the block that holds the newline in front
        of the line, and that block split at its newlines holds the line (one split per block,
        kept for the next lookup).
        """
        data = self.lined
        before = line_no - 1  # newlines in front of the line
        if before <= 0:
            start = 0
        else:
            counts = self._newlines
            if counts[-1] < before:
                self._count_newlines(newlines=before)
                if counts[-1] < before:
                    return None
            block = bisect.bisect_left(counts, before) - 1
            low = block * _BLOCK
            high = min(low + _BLOCK, len(data))
            wanted = before - counts[block]  # the line follows the block's wanted-th newline
            after = counts[block + 1] - counts[block] - wanted  # newlines in the block after it
            if after:  # the line ends in the block
                # Findings come in document order, so lookups run through one block after another:
                # the last block's lines are kept.
                if self._block_lines is None or self._block_lines[0] != block:
                    self._block_lines = (block, data[low:high].split(b"\n"))
                return self._block_lines[1][wanted]
            start = data.rfind(b"\n", low, high) + 1  # it follows the block's last newline
        end = data.find(b"\n", start)
        return data[start:] if end < 0 else data[start:end]

    def _count_newlines(self, *, blocks: int = 0, newlines: int = 0) -> list[int]:
        """Extend the block index to ``blocks`` blocks and ``newlines`` newlines, or the whole file."""
        counts, data, size = self._newlines, self.lined, _BLOCK
        start, total, stop = (len(counts) - 1) * size, counts[-1], len(data)
        while start < stop and (len(counts) <= blocks or total < newlines):
            chunk = data[start : start + size]
            # Deleting the newlines counts them with memchr, several times faster than count().
            total += len(chunk) - len(chunk.replace(b"\n", b""))
            counts.append(total)
            start += size
        return counts

    def _position_from_sourceline(self, element: etree._Element) -> tuple[int, int]:
        sourceline = element.sourceline
        if not sourceline:
            return (0, 0)
        end_line = sourceline + self.leading_lines
        if not isinstance(element.tag, str):
            return (end_line, 1)
        lines = self._text_lines()
        if end_line > len(lines):
            return (end_line, 1)
        pattern = re.compile(b"<" + re.escape(written_name(element).encode()) + rb"(?=[\s/>]|$)")
        # lxml reports the line on which the start tag ends. Same-tag elements whose start tags
        # end on that line come in document order; at most the first of them began on an earlier
        # line (a start tag split over several lines), the others begin on this one.
        same_line = self._elements_ending_on(element.tag, sourceline)
        index = next((i for i, e in enumerate(same_line) if e is element), 0)
        hits = [match.start() for match in pattern.finditer(lines[end_line - 1])]
        begun_earlier = max(len(same_line) - len(hits), 0)
        if hits and index >= begun_earlier:
            return (end_line, _char_column(lines[end_line - 1], hits[index - begun_earlier]))
        for line_no in range(end_line - 1, max(end_line - 200, 0), -1):
            hits = [match.start() for match in pattern.finditer(lines[line_no - 1])]
            if hits:
                return (line_no, _char_column(lines[line_no - 1], hits[-1]))
        return (end_line, 1)

    def _elements_ending_on(self, tag: str, sourceline: int) -> list[etree._Element]:
        # One pass per tag, on first use: a per-finding scan of the tree would make a file
        # with many findings quadratic.
        by_line = self._by_line.get(tag)
        if by_line is None:
            by_line = {}
            for candidate in self.root.iter(tag):
                by_line.setdefault(candidate.sourceline or 0, []).append(candidate)
            self._by_line[tag] = by_line
        return by_line.get(sourceline, [])

    def _text_lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.lined.split(b"\n")
        return self._lines


_BLOCK = 1 << 12  # bytes per entry of the newline index
# Where "<tag" is not markup: comments, CDATA sections and processing instructions.
# Document._masked_spans finds exactly this pattern's matches (the tests compare them) from
# its alternatives, in the pattern's order.
_MASKED = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_MASK_DELIMITERS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))


_ROOT_START = re.compile(rb"<[A-Za-z_]")
_LT = ord("<")
# What may follow a tag name inside a line; b"" is the end of the line.
_NAME_ENDS = (b"", b" ", b"\t", b"\r", b"/", b">")
_MARK_PROBES = 16  # "!" or "?" that are not markup, before _next_opener searches for "<!" or "<?"
_LXML_LINE_LIMIT = 65535  # libxml2 stores element line numbers in 16 bits


def _next_opener(data: bytes, mark: bytes, start: int) -> int:
    """Offset of the first ``"<" + mark`` at or after ``start``, or -1.

    ``find(b"<!")`` is slow where ``<`` is frequent; "!" and "?" are rare in exports, and
    finding a single byte is a memchr. When many of them are not markup (scripts), the
    plain search takes over.
    """
    index = data.find(mark, start + 1)
    for _ in range(_MARK_PROBES):
        if index < 0:
            return -1
        if data[index - 1] == _LT:
            return index - 1
        index = data.find(mark, index + 1)
    return data.find(b"<" + mark, index - 1) if index >= 0 else -1


def written_name(element: etree._Element) -> str:
    """The tag as written in the file: ``prefix:local`` for a namespaced element, else the name."""
    tag = element.tag
    if isinstance(tag, str) and not tag.startswith("{"):
        return tag  # no namespace, so no prefix (and QName costs more than the lookup)
    qname = etree.QName(element)
    return f"{element.prefix}:{qname.localname}" if element.prefix else qname.localname


def _char_column(line: bytes, byte_offset: int) -> int:
    """1-based column in characters; a BOM is invisible in editors, so it does not count."""
    before = line[:byte_offset]
    if before.isascii():
        return len(before) + 1
    if before.startswith(UTF8_BOM):
        before = before[len(UTF8_BOM) :]
    return len(before.decode("utf-8", errors="replace")) + 1


_LONE_CR = re.compile(rb"\r(?!\n)")


def with_line_feeds(data: bytes) -> bytes:
    """``data`` with each lone CR (not followed by LF) replaced by a LF, byte for byte.

    XML reads a lone CR as a line end (1.0, section 2.11), so the parsed document is the same;
    but libxml2 counts lines at LFs only, and a file written with old Mac line ends would put
    every element on line 1. Only for encodings where a CR byte is the character CR: a file
    that does not start with ASCII ``<`` (UTF-16, UTF-32, EBCDIC) is left as it is.
    """
    if b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"):
        return data  # LF or CRLF line ends: nothing to do, nothing copied
    if not data.removeprefix(UTF8_BOM).lstrip(b" \t\r\n").startswith(b"<"):
        return data
    return _LONE_CR.sub(b"\n", data)


def parse(path: str, data: bytes) -> Document:
    """Parse untrusted bytes into a Document, or raise XMLSyntax with a line and column."""
    original, data = data, with_line_feeds(data)  # lines and columns come from the LF view
    bom = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    stripped = data[bom:].lstrip(b" \t\r\n")
    leading = len(data) - len(stripped)
    leading_lines = data.count(b"\n", 0, leading)
    # lxml counts columns from the stripped text; on its first line, add what was stripped.
    first_line_shift = leading - (data.rfind(b"\n", 0, leading) + 1) - (bom if not leading_lines else 0)

    def in_file(line: int, column: int) -> tuple[int, int]:
        return line + leading_lines, max(column, 1) + (first_line_shift if line == 1 else 0)

    if not stripped:
        raise XMLSyntax("the file is empty: not a workflow export", 1, 1)
    _refuse_entity_declarations(data, leading)
    try:
        root = etree.fromstring(stripped, _hardened_parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 1, 1)
        # libxml2 ends some messages with a newline; a finding is one line.
        message = " ".join((error.msg or str(error)).split())
        # lxml appends "line N, column M" to its messages; we report the position ourselves.
        message = re.sub(r",? line \d+, column \d+$", "", message).strip()
        # Messages such as "tag mismatch: step line 40 and steps" count from the stripped text.
        message = re.sub(r"\bline (\d+)\b", lambda m: f"line {int(m.group(1)) + leading_lines}", message)
        raise XMLSyntax(f"not well-formed XML: {message}", *in_file(line, column)) from None
    except ValueError as error:  # e.g. an encoding declaration lxml cannot honour
        raise XMLSyntax(f"not well-formed XML: {error}", *in_file(1, 1)) from None
    _refuse_parsed_entities(root, data, leading)
    return Document(
        path=path,
        data=original,  # what a patch splices into: the file as it is, lone CRs and all
        lined=data,
        root=root,
        leading_bytes=leading,
        leading_lines=leading_lines,
        # (a BOM after the whitespace, as a careless concatenation leaves it, still hides the declaration)
        whitespace_before_declaration=leading - bom if stripped.removeprefix(UTF8_BOM).startswith(b"<?xml") else 0,
    )


# Where comments, processing instructions and quoted literals end; their text is skipped whole.
_CLOSERS = {b"<!--": b"-->", b"<?": b"?>", b'"': b'"', b"'": b"'"}
_PROLOG_TOKEN = re.compile(rb"<!--|<\?|<!DOCTYPE|<[^!?]")
_DOCTYPE_TOKEN = re.compile(rb"<!--|<\?|\"|'|<!ENTITY|\[|\]|>")
_UNSAFE_MESSAGE = "the document declares entities (<!ENTITY>); refused as hostile: no Jira export declares any"


def _refuse_entity_declarations(data: bytes, start: int) -> None:
    # Entity declarations can only live in the internal DTD subset of a DOCTYPE, before the
    # root element; that is where billion-laughs and external-entity attacks are written.
    # The prolog is tokenised rather than searched up to the first "<x": a comment or a
    # quoted literal holding "<x" must not end the search early. Skipped spans are jumped
    # over with find(), so the scan stays linear even on hostile input.
    position = start
    in_doctype = in_subset = False
    while True:
        token = (_DOCTYPE_TOKEN if in_doctype else _PROLOG_TOKEN).search(data, position)
        if token is None:
            return
        text = token.group()
        closer = _CLOSERS.get(text)
        if closer is not None:
            end = data.find(closer, token.end())
            if end < 0:
                return  # unterminated: not well-formed, and the parser says so
            position = end + len(closer)
        elif text == b"<!ENTITY":
            raise XMLSyntax(_UNSAFE_MESSAGE, *_offset_position(data, token.start()), rule="unsafe-xml")
        elif text == b"<!DOCTYPE":
            in_doctype, position = True, token.end()
        elif text == b"[":
            in_subset, position = True, token.end()
        elif text == b"]":
            in_subset, position = False, token.end()
        elif text == b">" and in_subset:
            position = token.end()  # the end of a declaration inside the subset
        else:
            return  # the end of the DOCTYPE, or the root element when there is none


def _refuse_parsed_entities(root: etree._Element, data: bytes, start: int) -> None:
    # Second line of defence for what the byte scan cannot read (e.g. a UTF-16 document):
    # the parser never expands or fetches entities, but a declaration still marks the file
    # as hostile.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        doctype = data.find(b"<!DOCTYPE", start)
        line, column = _offset_position(data, doctype) if doctype >= 0 else (1, 1)
        raise XMLSyntax(_UNSAFE_MESSAGE, line, column, rule="unsafe-xml")


def _offset_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, _char_column(data[line_start:offset], offset - line_start)


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return parse(path, read_bytes(path, max_bytes))
