"""patch/json_splice.py: edits land where they should, in the file's own style, and nothing else moves."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jwflint.patch import splice
from jwflint.patch.json_splice import JsonStyle, add_member, append_items, byte_offset, member, replace_value

STYLES = [
    {"indent": 2},
    {"indent": 4},
    {"indent": "\t"},
    {"separators": (",", ":")},
    {"separators": (", ", ": ")},
    {"indent": 2, "ensure_ascii": True},
]


def _dump(value: Any, style: dict[str, Any], crlf: bool = False) -> bytes:
    text = json.dumps(
        value, ensure_ascii=style.get("ensure_ascii", False), **{k: v for k, v in style.items() if k != "ensure_ascii"}
    )
    return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")


scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    document=st.dictionaries(st.text(max_size=6), values, max_size=4),
    items=st.lists(values, min_size=1, max_size=3),
    existing=st.lists(values, max_size=3),
    style=st.sampled_from(STYLES),
    crlf=st.booleans(),
)
def test_append_keeps_everything_else(
    document: dict[str, Any], items: list[Any], existing: list[Any], style: dict[str, Any], crlf: bool
) -> None:
    root = {"name": "wf ✓", **document, "transitions": existing, "after": {"k": '}]"{['}}
    data = _dump(root, style, crlf and "indent" in style)
    span = member(data, 0, "transitions")
    assert span is not None
    patched = splice.apply(data, [append_items(data, span, items, JsonStyle.of(data))])
    result = json.loads(patched)
    assert result == {**root, "transitions": existing + items}
    assert list(result) == list(root)
    # The bytes before the array and after it are untouched.
    assert patched.startswith(data[: span[0] + 1]) and patched.endswith(data[span[1] - 1 :])
    if "indent" in style and (existing or items):
        # What was inserted is written as the file writes: same as dumping the whole result.
        assert patched == _dump(result, style, crlf)


def test_add_member_and_replace_value() -> None:
    for style in STYLES:
        data = _dump({"a": {"b": 1}, "c": {}}, style)
        start = data.index(b"{", 1)
        patched = splice.apply(data, [add_member(data, start, "new", [1, {"x": "é"}], JsonStyle.of(data))])
        assert json.loads(patched) == {"a": {"b": 1, "new": [1, {"x": "é"}]}, "c": {}}
        empty = data.rindex(b"{")
        patched = splice.apply(data, [add_member(data, empty, "k", "v", JsonStyle.of(data))])
        assert json.loads(patched)["c"] == {"k": "v"}
        span = member(data, 0, "a")
        assert span is not None
        patched = splice.apply(data, [replace_value(data, span, {"b": 2}, JsonStyle.of(data))])
        assert json.loads(patched) == {"a": {"b": 2}, "c": {}}
        if "indent" in style:
            assert patched == _dump({"a": {"b": 2}, "c": {}}, style)


def test_member_reads_only_the_object_s_own_keys() -> None:
    data = b'{"x": {"transitions": 1}, "s": "\\"transitions\\": [", "transitions": [2]}'
    span = member(data, 0, "transitions")
    assert span is not None and data[span[0] : span[1]] == b"[2]"
    assert member(data, 0, "missing") is None


def test_byte_offset_counts_utf8_bytes_after_a_bom() -> None:
    data = b"\xef\xbb\xbf" + '{"é": {"x": 1}}'.encode()
    text = data[3:].decode("utf-8")
    assert data[byte_offset(data, text.index("{", 1)) :].startswith(b'{"x"')


def test_style_of_escaped_and_compact_files() -> None:
    assert JsonStyle.of(b'{"a":"\\u00e9","b":[1,2]}') == JsonStyle(None, ",", ":", True, "\n")
    assert JsonStyle.of(b'{\r\n\t"a": "\xc3\xa9"\r\n}') == JsonStyle("\t", ",", ": ", False, "\r\n")
