"""The JSON position scan agrees with the parser on every object, whatever the JSON (property test)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwflint.sources.json_document import JsonObject, JSONSyntax, parse

# Strings full of the characters the scan must not mistake for structure.
_TEXT = st.text(alphabet=st.sampled_from([*'{}[]",:\\/ aé€\n\t', "\U0001f600"]), max_size=12)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**18), 10**18) | _TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=30,
)


def _objects(value: Any) -> list[JsonObject]:
    found: list[JsonObject] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(_objects(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_objects(item))
    return found


@settings(max_examples=300, deadline=None)
@given(value=_JSON, indent=st.sampled_from([None, 0, 1, 2, "\t"]), ascii_only=st.booleans())
def test_every_object_starts_where_its_position_says(value: Any, indent: Any, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    document = parse("x.json", text.encode("utf-8"))
    assert document.root == value
    lines = text.split("\n")
    decoder = json.JSONDecoder()
    for node in _objects(document.root):
        line, column = document.position(node)
        rest = "\n".join([lines[line - 1][column - 1 :], *lines[line:]])
        assert rest.startswith("{")
        assert decoder.raw_decode(rest)[0] == node


def _written_with(text: str, end: str) -> bytes:
    return text.replace("\n", end).encode("utf-8")


def test_line_ends_lf_crlf_and_lone_cr_give_the_same_positions() -> None:
    value = {"values": [{"name": "a", "transitions": [{"id": "1"}, {"id": "2", "links": [{"x": 1}]}]}]}
    text = json.dumps(value, indent=2)
    lf = parse("lf.json", _written_with(text, "\n"))
    expected = [lf.position(node) for node in _objects(lf.root)]
    assert max(line for line, _ in expected) > 5
    for end in ("\r\n", "\r"):
        document = parse("x.json", _written_with(text, end))
        assert [document.position(node) for node in _objects(document.root)] == expected


def test_syntax_and_encoding_errors_count_lone_cr_line_ends() -> None:
    broken = '{\n  "a": 1,\n  "b": [1, 2,,]\n}'
    bad_byte = b'{\n  "a": 1,\n  "b": "\xff"\n}'
    for end in ("\n", "\r\n", "\r"):
        with pytest.raises(JSONSyntax) as syntax:
            parse("x.json", _written_with(broken, end))
        assert (syntax.value.line, syntax.value.column) == (3, 14)  # the second comma
        with pytest.raises(JSONSyntax) as encoding:
            parse("x.json", bad_byte.replace(b"\n", end.encode()))
        assert (encoding.value.line, encoding.value.column) == (3, 9)
