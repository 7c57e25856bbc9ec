"""Hardened reading of untrusted JSON, and mapping its objects back to file positions.

The standard library parses; a regex scan over the same text records where every object starts,
so that a finding about a transition, a status or a rule can give its line and column as it does
for XML. (json-source-map, the one PyPI package for this, re-parses with its own recursive
parser and is unmaintained since 2022; the scan below is a dozen lines.)

Refused before or while parsing, as one ``JSONSyntax`` error with a position: bytes that are not
UTF-8, nesting deeper than ``MAX_DEPTH``, numbers longer than ``MAX_NUMBER_CHARS``, NaN and
Infinity, duplicate keys in one object, and anything ``json`` itself rejects. The size cap is the
caller's (``sources.files.read_bytes``).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import field
from typing import Any

from jwflint.core.records import record

UTF8_BOM = b"\xef\xbb\xbf"
# Real workflow documents nest about ten levels (response > workflow > transition > condition
# groups > rule > parameters); Jira's editor nests condition groups a handful deep.
MAX_DEPTH = 200
# A 64-bit id has 20 digits; nothing in a workflow document is a longer number.
MAX_NUMBER_CHARS = 100

# A string (skipped as a whole, so braces inside it do not count) or one bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]', re.DOTALL)


class JSONSyntax(Exception):
    """The bytes are not well-formed JSON, or are refused as hostile."""

    def __init__(self, message: str, line: int, column: int, rule: str = "json-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.rule = rule


class JsonObject(dict):  # type: ignore[type-arg]
    """A JSON object that knows where its ``{`` is.

    It compares by value like any dict, and hashes by identity so that it can be a model anchor
    and a dict key (a dict compares full hashes before equality, so two equal objects at
    different places stay two keys).
    """

    __slots__ = ("offset",)
    __hash__ = object.__hash__  # type: ignore[assignment]


@record
class JsonDocument:
    """A parsed JSON file: the original bytes, the tree, and where each object starts.

    ``root`` is the top-level value; every object in it is a ``JsonObject`` (a dict). ``position``
    takes any of them (the model's anchors) and gives the 1-based line and character column of
    its opening brace.
    """

    path: str
    data: bytes
    root: Any
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def position(self, anchor: Any) -> tuple[int, int]:
        offset = getattr(anchor, "offset", None)
        if offset is None:
            return 1, 1
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_of(self, anchor: Any) -> int:
        return self.position(anchor)[0]


# Line ends: LF, CRLF, or a lone CR (old Mac files), as editors and the XML reader count them.
_LINE_END = re.compile("\r\n?|\n")
_BYTE_LINE_END = re.compile(b"\r\n?|\n")


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in _LINE_END.finditer(text))]


def _at(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _object_starts(text: str, starts: list[int]) -> list[int]:
    """Offsets of every ``{``, in the order the objects close (the order json builds them)."""
    stack: list[int] = []
    closed: list[int] = []
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "{[":
            stack.append(match.start())
            if len(stack) > MAX_DEPTH:
                raise JSONSyntax(f"nested more than {MAX_DEPTH} levels deep: refused", *_at(starts, match.start()))
        elif token == "}":
            if stack:
                closed.append(stack.pop())
        elif token == "]" and stack:
            stack.pop()
    return closed


def parse(path: str, data: bytes) -> JsonDocument:
    """Parse untrusted JSON; every failure is a ``JSONSyntax`` with a line and column."""
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line_ends = [match.end() for match in _BYTE_LINE_END.finditer(body, 0, error.start)]
        line = len(line_ends) + 1
        column = error.start - (line_ends[-1] if line_ends else 0) + 1
        raise JSONSyntax(f"not UTF-8: byte 0x{body[error.start]:02x} cannot start or continue a character",
                         line, column) from None
    starts = _line_starts(text)
    braces = _object_starts(text, starts)
    built: list[JsonObject] = []

    def object_pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
        node = JsonObject()
        for key, value in pairs:
            if key in node:
                node.offset = braces[len(built)] if len(built) < len(braces) else 0
                raise _Refused(f"duplicate key {key!r} in one object: JSON readers disagree on which wins", node.offset)
            node[key] = value
        built.append(node)
        return node

    def number(kind: type) -> Any:
        def convert(literal: str) -> Any:
            if len(literal) > MAX_NUMBER_CHARS:
                raise _Refused(f"a number of {len(literal)} characters: refused", text.find(literal))
            return kind(literal)
        return convert

    def constant(name: str) -> Any:
        raise _Refused(f"{name} is not JSON", text.find(name))

    try:
        root = json.loads(
            text,
            object_pairs_hook=object_pairs,
            parse_int=number(int),
            parse_float=number(float),
            parse_constant=constant,
        )
    except _Refused as refused:
        raise JSONSyntax(refused.message, *_at(starts, max(refused.offset, 0))) from None
    except json.JSONDecodeError as error:  # its lineno counts LFs only
        raise JSONSyntax(f"not well-formed JSON: {error.msg}", *_at(starts, error.pos)) from None
    except (RecursionError, ValueError) as error:  # belt and braces: the depth scan comes first
        raise JSONSyntax(f"cannot parse: {error}", 1, 1) from None
    if len(built) != len(braces):  # the scan and the parser disagree: a bug, not the input's fault
        raise JSONSyntax("cannot locate the objects of this JSON (please report it)", 1, 1)
    for node, offset in zip(built, braces, strict=True):
        node.offset = offset
    return JsonDocument(path=path, data=data, root=root, _line_starts=starts)


class _Refused(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
