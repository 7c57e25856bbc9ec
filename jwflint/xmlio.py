"""Hardened reading of untrusted workflow XML, and mapping elements back to file positions.

Exports carry a DOCTYPE with an http DTD URL; the DTD is never loaded, entities are never
resolved and nothing touches the network. A document that declares entities is hostile (no
Jira export declares any) and is refused before lxml sees it, as defusedxml does.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from jwflint.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
STDIN_NAME = "-"

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


@dataclass
class Document:
    """A parsed file: the original bytes, the tree, and how to find positions in the bytes."""

    path: str
    data: bytes
    root: etree._Element
    leading_bytes: int  # whitespace/BOM stripped before `<?xml`
    leading_lines: int  # newlines among them: lxml counts lines from the stripped text
    _lines: list[bytes] | None = field(default=None, repr=False)
    _same_line_order: dict[tuple[str, int], list[etree._Element]] = field(default_factory=dict, repr=False)

    def line_of(self, element: etree._Element) -> int:
        line, _ = self.position(element)
        return line

    def position(self, element: etree._Element) -> tuple[int, int]:
        """1-based (line, column) of the element's start tag in the original file."""
        end_line = (element.sourceline or 0) + self.leading_lines if element.sourceline else 0
        if end_line <= 0:
            return (0, 0)
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag:
            return (end_line, 1)
        lines = self._text_lines()
        pattern = re.compile(b"<" + re.escape(tag.encode()) + rb"(?=[\s/>])")
        # lxml reports the line on which the start tag ends; a start tag split over several
        # lines begins on an earlier one.
        same_line = self._same_line_order.get((tag, element.sourceline))
        if same_line is None:
            same_line = [e for e in self.root.iter(tag) if e.sourceline == element.sourceline]
            self._same_line_order[(tag, element.sourceline)] = same_line
        index = next((i for i, e in enumerate(same_line) if e is element), 0)
        if end_line <= len(lines):
            hits = list(pattern.finditer(lines[end_line - 1]))
            if len(hits) > index:
                return (end_line, _char_column(lines[end_line - 1], hits[index].start()))
            for line_no in range(end_line - 1, max(end_line - 200, 0), -1):
                hits = list(pattern.finditer(lines[line_no - 1]))
                if hits:
                    return (line_no, _char_column(lines[line_no - 1], hits[-1].start()))
        return (end_line, 1)

    def _text_lines(self) -> list[bytes]:
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        return self._lines


def _char_column(line: bytes, byte_offset: int) -> int:
    return len(line[:byte_offset].decode("utf-8", errors="replace")) + 1


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None) -> bytes:
    """Read a file (or stdin for ``-``) with a size cap; failures raise InputError."""
    if path == STDIN_NAME:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
    else:
        try:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory") from None
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(
            f"{path}: larger than the {max_bytes // (1024 * 1024)} MB limit (raise it with --max-size)"
        )
    return data


def parse(path: str, data: bytes) -> Document:
    """Parse untrusted bytes into a Document, or raise XMLSyntax with a line and column."""
    stripped = data
    if stripped.startswith(UTF8_BOM):
        stripped = stripped[len(UTF8_BOM) :]
    stripped = stripped.lstrip(b" \t\r\n")
    leading = len(data) - len(stripped)
    leading_lines = data.count(b"\n", 0, leading)
    if not stripped:
        raise XMLSyntax("the file is empty: not a workflow export", 1, 1)
    _refuse_entity_declarations(stripped, leading_lines)
    try:
        root = etree.fromstring(stripped, _hardened_parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 1, 1)
        message = error.msg or str(error)
        # lxml appends "line N, column M" to its messages; we report the position ourselves.
        message = re.sub(r",? line \d+, column \d+$", "", message)
        raise XMLSyntax(f"not well-formed XML: {message}", line + leading_lines, max(column, 1)) from None
    except ValueError as error:  # e.g. an encoding declaration lxml cannot honour
        raise XMLSyntax(f"not well-formed XML: {error}", 1 + leading_lines, 1) from None
    return Document(path=path, data=data, root=root, leading_bytes=leading, leading_lines=leading_lines)


_ENTITY_DECL = re.compile(rb"<!ENTITY")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _refuse_entity_declarations(data: bytes, leading_lines: int) -> None:
    # Entity declarations can only live in the internal DTD subset of a DOCTYPE, before the
    # root element; that is where billion-laughs and external-entity attacks are written.
    doctype = data.find(b"<!DOCTYPE")
    if doctype < 0:
        return
    first_element = _FIRST_ELEMENT.search(data)
    if first_element is not None and first_element.start() < doctype:
        return
    end = first_element.start() if first_element is not None else len(data)
    match = _ENTITY_DECL.search(data, doctype, end)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1 + leading_lines
        column = match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1
        raise XMLSyntax(
            "the document declares entities (<!ENTITY>); refused as hostile: no Jira export declares any",
            line,
            column,
            rule="unsafe-xml",
        )


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return parse(path, read_bytes(path, max_bytes))


def display_path(path: Path | str) -> str:
    return str(path)
