"""Byte-level splicing: element spans, the file's layout, and insertions that keep every other byte."""

from __future__ import annotations

import pytest
from lxml import etree

from jwflint.core.errors import JwflintError
from jwflint.patch.splice import ByteIndex, Edit, Layout, Splicer, apply, line_indent, overlaps
from jwflint.sources.xml_document import parse

from .conftest import corpus_files


def _splicer(data: bytes) -> tuple[Splicer, etree._Element]:
    document = parse("t.xml", data)
    index = ByteIndex(data, document.root)
    layout = Layout.of(data, document.root, index, "UTF-8")
    return Splicer(data, index, layout), document.root


def test_spans_cover_each_element_exactly_even_with_tricky_markup() -> None:
    data = (
        b'\n\n<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE workflow PUBLIC "-//X//EN" "http://example.invalid/w.dtd">\n'
        b"<!-- <fake> -->\n"
        b"<workflow><meta name=\"a&gt;b\" note='x > y'>t</meta><!-- <b/> -->"
        b"<arg><![CDATA[ <not-a-tag> ]]></arg><empty/><empty2 /></workflow>\n"
    )
    document = parse("t.xml", data)
    index = ByteIndex(data, document.root)
    for element in document.root.iter():
        if not isinstance(element.tag, str):
            continue
        span = index.span(element)
        text = data[span.start : span.end]
        assert etree.tostring(etree.fromstring(text), method="c14n") == etree.tostring(
            element, method="c14n", with_tail=False
        )
        assert text.startswith(b"<" + element.tag.encode())
    assert index.span(document.root.find("empty")).empty


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_spans_agree_with_lxml_on_the_corpus(path) -> None:
    data = path.read_bytes()
    try:
        document = parse(str(path), data)
    except Exception:
        pytest.skip("not well-formed (a negative test file)")
    index = ByteIndex(data, document.root)
    for element in document.root.iter("action", "function", "step"):
        span = index.span(element)
        assert etree.tostring(etree.fromstring(data[span.start : span.end]), method="c14n") == etree.tostring(
            element, method="c14n", with_tail=False
        )


def test_layout_reads_newline_and_indent_unit() -> None:
    crlf_tabs = b"<?xml version='1.0'?>\r\n<workflow>\r\n\t<steps>\r\n\t\t<step/>\r\n\t</steps>\r\n</workflow>\r\n"
    splicer, _ = _splicer(crlf_tabs)
    assert (splicer.layout.newline, splicer.layout.unit, splicer.layout.compact) == (b"\r\n", b"\t", False)
    four = b"<workflow>\n    <steps/>\n</workflow>\n"
    assert _splicer(four)[0].layout.unit == b"    "
    compact = b"<workflow><steps/></workflow>"
    assert _splicer(compact)[0].layout.compact


def test_layout_reads_lone_cr_line_ends() -> None:
    # Old Mac line ends: new lines are written with CR, indented like their siblings.
    data = b"<workflow>\r  <global-actions>\r    <action id='1'/>\r  </global-actions>\r</workflow>\r"
    splicer, root = _splicer(data)
    assert (splicer.layout.newline, splicer.layout.unit, splicer.layout.compact) == (b"\r", b"  ", False)
    edit = splicer.append_child(root.find("global-actions"), "<action id='2'>\n  <x/>\n</action>")
    assert apply(data, [edit]) == (
        b"<workflow>\r  <global-actions>\r    <action id='1'/>\r    <action id='2'>\r      <x/>\r    </action>\r"
        b"  </global-actions>\r</workflow>\r"
    )
    assert line_indent(data, data.index(b"<action")) == b"    "


def test_fragment_reindents_to_the_file_style() -> None:
    layout = Layout(newline=b"\r\n", unit=b"\t", compact=False, encoding="UTF-8")
    text = "<a>\n  <b>\n    <c/>\n  </b>\n</a>\n"
    assert layout.fragment(text, b"\t") == b"<a>\r\n\t\t<b>\r\n\t\t\t<c/>\r\n\t\t</b>\r\n\t</a>"
    latin = Layout(newline=b"\n", unit=b"  ", compact=False, encoding="ISO-8859-1")
    assert latin.fragment("<a>\u2192é</a>", b"") == "<a>&#8594;é</a>".encode("ISO-8859-1")


def test_append_after_the_last_child_keeps_all_other_bytes() -> None:
    data = b"<workflow>\n  <global-actions>\n    <action id='1'/>\n  </global-actions>\n</workflow>\n"
    splicer, root = _splicer(data)
    edit = splicer.append_child(root.find("global-actions"), "<action id='2'>\n  <x/>\n</action>")
    assert apply(data, [edit]) == (
        b"<workflow>\n  <global-actions>\n    <action id='1'/>\n    <action id='2'>\n      <x/>\n    </action>\n"
        b"  </global-actions>\n</workflow>\n"
    )


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (b"<p>\n  </p>", b"<p>\n    <n/>\n  </p>"),
        (b"<p></p>", b"<p>\n    <n/>\n  </p>"),
        (b"<p/>", b"<p>\n    <n/>\n  </p>"),
        (b"<p />", b"<p >\n    <n/>\n  </p>"),
    ],
)
def test_append_into_an_element_without_children(section: bytes, expected: bytes) -> None:
    data = b"<workflow>\n  " + section + b"\n</workflow>"
    splicer, root = _splicer(data)
    assert (
        apply(data, [splicer.append_child(root.find("p"), "<n/>")]) == b"<workflow>\n  " + expected + b"\n</workflow>"
    )


def test_insert_before_and_after_siblings_and_set_attribute_and_text() -> None:
    data = b'<workflow>\n  <a k="v"/>\n  <b>old</b>\n  <c/>\n</workflow>'
    splicer, root = _splicer(data)
    edits = [
        splicer.insert_before(root.find("a"), "<first/>"),
        splicer.insert_after(root.find("c"), "<last/>"),
        splicer.set_attribute(root.find("a"), "type", "AND"),
        splicer.set_text(root.find("b"), "new &amp; improved"),
        splicer.set_text(root.find("c"), "filled"),
    ]
    assert apply(data, edits) == (
        b'<workflow>\n  <first/>\n  <a k="v" type="AND"/>\n  <b>new &amp; improved</b>\n  <c>filled</c>\n'
        b"  <last/>\n</workflow>"
    )


def test_compact_files_get_compact_fragments() -> None:
    data = b"<workflow><p><x/></p></workflow>"
    splicer, root = _splicer(data)
    assert apply(data, [splicer.append_child(root.find("p"), "<n>\n  <m/>\n</n>")]) == (
        b"<workflow><p><x/><n><m/></n></p></workflow>"
    )


def test_move_swaps_element_bytes_verbatim() -> None:
    data = b"<workflow>\n  <f id='b'  x = \"1\"/>\n  <g/>\n  <f id='a'><![CDATA[ z ]]></f>\n</workflow>"
    splicer, root = _splicer(data)
    first, _, last = list(root)
    edits = splicer.move([first, last], [last, first])
    assert apply(data, edits) == (
        b"<workflow>\n  <f id='a'><![CDATA[ z ]]></f>\n  <g/>\n  <f id='b'  x = \"1\"/>\n</workflow>"
    )


def test_overlapping_edits_are_refused_and_detected() -> None:
    replace = Edit(5, 10, b"x")
    assert overlaps(Edit(7, 7, b"i"), [replace])
    assert not overlaps(Edit(5, 5, b"i"), [replace])  # at a boundary: no conflict
    assert not overlaps(Edit(10, 12, b"y"), [replace])
    assert overlaps(Edit(9, 12, b"y"), [replace])
    with pytest.raises(JwflintError):
        apply(b"0123456789abc", [replace, Edit(9, 12, b"y")])
    assert apply(b"0123456789", [Edit(2, 2, b"A"), Edit(2, 2, b"B")]) == b"01AB23456789"


def test_line_indent() -> None:
    data = b"x\n  \t<a/> <b/>"
    assert line_indent(data, data.index(b"<a")) == b"  \t"
    assert line_indent(data, data.index(b"<b")) is None
