"""Minimal-diff edits of a JSON document: splices into the original bytes, never a re-serialised file.

Everything outside an edit stays as it was: key order, unknown keys, number spellings, escapes,
indentation and line ends. ``JsonStyle`` says how the file writes JSON (indent unit, separators,
whether it escapes non-ASCII, CRLF or LF), so that what is inserted looks like its neighbours.
Offsets are byte offsets into the UTF-8 data; a JSON document's parser (sources.json_document)
gives each object's character offset, which ``byte_offset`` converts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jwflint.core.errors import JwflintError
from jwflint.core.records import record
from jwflint.patch.splice import Edit, line_start
from jwflint.sources.json_document import UTF8_BOM

# A string token (read whole, so brackets and commas inside it do not count) or one structural byte.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]', re.S)
_WHITESPACE = b" \t\r\n"


@record(frozen=True)
class JsonStyle:
    unit: str | None  # one level of indentation; None for a document on one line
    item_separator: str
    key_separator: str
    ensure_ascii: bool
    newline: str

    @classmethod
    def of(cls, data: bytes) -> JsonStyle:
        text = data.decode("utf-8", errors="replace")
        crlf = text.count("\r\n")
        lone_crs = text.count("\r") - crlf  # old Mac line ends
        newline = "\r" if lone_crs > text.count("\n") else "\r\n" if crlf else "\n"
        indented = re.search(r"[\[{,](?:\r\n?|\n)([ \t]+)\S", text)
        key = re.search(r'"(?:[^"\\]|\\.)*"([ \t]*):([ \t]*)', text)
        key_separator = (key.group(1) + ":" + key.group(2)) if key else ": "
        unit = indented.group(1) if indented else None
        if unit is not None:
            item_separator = ","
        else:
            item = re.search(r'[}\]"\d](,[ \t]*)["{\[\d-]', text)
            item_separator = item.group(1) if item else ","
        escapes = re.search(r"\\u00[89a-fA-F][0-9a-fA-F]|\\u0[1-9a-fA-F][0-9a-fA-F]{2}|\\u[1-9a-fA-F]", text)
        ensure_ascii = bool(escapes) and text.isascii()
        return cls(unit, item_separator, key_separator, ensure_ascii, newline)

    def dumps(self, value: Any, base: str = "") -> str:
        """``value`` as this file would write it, its lines after the first indented by ``base``."""
        text = json.dumps(
            value,
            indent=self.unit,
            separators=(self.item_separator, self.key_separator),
            ensure_ascii=self.ensure_ascii,
        )
        if self.unit is None:
            return text
        return text.replace("\n", self.newline + base)


def byte_offset(data: bytes, char_offset: int) -> int:
    """The byte offset in ``data`` of a character offset in its decoded text (after any BOM)."""
    bom = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    body = data[bom:]
    if body.isascii():
        return bom + char_offset
    return bom + len(body.decode("utf-8")[:char_offset].encode("utf-8"))


def value_end(data: bytes, start: int) -> int:
    """Just past the JSON value that starts at ``start`` (an object, an array, or a scalar)."""
    opener = data[start : start + 1]
    if opener not in (b"{", b"["):
        token = _TOKENS.match(data, start)
        if token is not None and opener == b'"':
            return token.end()
        end = start
        while end < len(data) and data[end : end + 1] not in b",}]" + _WHITESPACE:
            end += 1
        return end
    depth = 0
    for token in _TOKENS.finditer(data, start):
        text = token.group()
        if text in (b"{", b"["):
            depth += 1
        elif text in (b"}", b"]"):
            depth -= 1
            if depth == 0:
                return token.end()
    raise JwflintError("unbalanced JSON: cannot patch")


def _skip_space(data: bytes, offset: int) -> int:
    while offset < len(data) and data[offset : offset + 1] in (b" ", b"\t", b"\r", b"\n"):
        offset += 1
    return offset


def member(data: bytes, object_start: int, key: str) -> tuple[int, int] | None:
    """Where the value of ``key`` sits in the object starting at ``object_start``: (start, end), or None."""
    end = value_end(data, object_start)
    offset = object_start + 1
    while offset < end:
        offset = _skip_space(data, offset)
        token = _TOKENS.match(data, offset)
        if token is None or token.group() == b"}":
            return None
        if token.group() == b",":
            offset = token.end()
            continue
        name = json.loads(token.group().decode("utf-8"))
        colon = _TOKENS.match(data, _skip_space(data, token.end()))
        if colon is None or colon.group() != b":":
            return None
        value_start = _skip_space(data, colon.end())
        value_stop = value_end(data, value_start)
        if name == key:
            return value_start, value_stop
        offset = value_stop
    return None


def line_indent(data: bytes, offset: int) -> str:
    """The whitespace that starts the line holding ``offset``."""
    match = re.match(rb"[ \t]*", data[line_start(data, offset) : offset])
    return match.group().decode("ascii") if match else ""


def append_items(data: bytes, array: tuple[int, int], items: list[Any], style: JsonStyle, owner: str = "") -> Edit:
    """Add ``items`` at the end of the array at ``array`` (its '[' to just past its ']')."""
    start, end = array
    close = end - 1
    inside = data[start + 1 : close].strip(_WHITESPACE)
    if style.unit is None:
        body = style.item_separator.join(style.dumps(item) for item in items)
        if inside:
            return Edit(close, close, (style.item_separator + body).encode("utf-8"), owner)
        return Edit(start + 1, close, body.encode("utf-8"), owner)
    base = line_indent(data, start)
    inner = base + style.unit
    rendered = ("," + style.newline + inner).join(style.dumps(item, inner) for item in items)
    if inside:
        last = close
        while data[last - 1 : last] in (b" ", b"\t", b"\r", b"\n"):
            last -= 1
        return Edit(last, last, ("," + style.newline + inner + rendered).encode("utf-8"), owner)
    text = style.newline + inner + rendered + style.newline + base
    return Edit(start + 1, close, text.encode("utf-8"), owner)


def replace_value(data: bytes, span: tuple[int, int], value: Any, style: JsonStyle, owner: str = "") -> Edit:
    """Write ``value`` over the JSON value at ``span``, indented as the line it starts on."""
    start, end = span
    return Edit(start, end, style.dumps(value, line_indent(data, start)).encode("utf-8"), owner)


def add_member(data: bytes, object_start: int, key: str, value: Any, style: JsonStyle, owner: str = "") -> Edit:
    """Add ``"key": value`` as the last member of the object starting at ``object_start``."""
    end = value_end(data, object_start)
    close = end - 1
    inside = data[object_start + 1 : close].strip(_WHITESPACE)
    if style.unit is None:
        pair = json.dumps(key, ensure_ascii=style.ensure_ascii) + style.key_separator + style.dumps(value)
        text = (style.item_separator + pair) if inside else pair
        return Edit(close if inside else object_start + 1, close, text.encode("utf-8"), owner)
    base = line_indent(data, object_start)
    inner = base + style.unit
    pair = json.dumps(key, ensure_ascii=style.ensure_ascii) + style.key_separator + style.dumps(value, inner)
    if inside:
        last = close
        while data[last - 1 : last] in (b" ", b"\t", b"\r", b"\n"):
            last -= 1
        return Edit(last, last, ("," + style.newline + inner + pair).encode("utf-8"), owner)
    return Edit(object_start + 1, close, (style.newline + inner + pair + style.newline + base).encode("utf-8"), owner)
