"""The hardened reader (jwflint/sources/xml_document.py): parser options, entity refusal, size limits, positions."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from jwflint.core.errors import InputError
from jwflint.sources import files
from jwflint.sources import xml_document as xmlio
from jwflint.sources.files import read_bytes
from jwflint.sources.xml_document import XMLSyntax, parse

from .conftest import corpus_files

SECRET = "jwflint-secret-7f3a91"


def _position_text(document: xmlio.Document, element: etree._Element) -> str:
    """The file's text from the position the reader gives for an element."""
    line, column = document.position(element)
    text = document.data.split(b"\n")[line - 1].decode("utf-8")
    return text.removeprefix("\ufeff")[column - 1 :]


# --- parser configuration -------------------------------------------------------------------


def test_parser_is_built_with_network_dtd_and_entities_off(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    real = etree.XMLParser

    def recording_parser(**options: Any) -> etree.XMLParser:
        seen.append(options)
        return real(**options)

    monkeypatch.setattr(xmlio, "_parser", None)
    monkeypatch.setattr(xmlio.etree, "XMLParser", recording_parser)
    parse("x.xml", b"<workflow/>")
    assert len(seen) == 1
    options = seen[0]
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["resolve_entities"] is False
    assert options["dtd_validation"] is False
    assert options["huge_tree"] is False


def test_external_dtd_is_never_loaded(tmp_path: Path) -> None:
    # A DTD can inject default attributes; if it were read, the root would grow one.
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ATTLIST workflow injected CDATA "from-the-dtd">\n', encoding="utf-8")
    data = f'<?xml version="1.0"?>\n<!DOCTYPE workflow SYSTEM "{dtd.as_uri()}">\n<workflow/>\n'.encode()
    document = parse("x.xml", data)
    assert document.root.get("injected") is None


def test_internal_subset_default_attributes_are_not_applied() -> None:
    # An <!ATTLIST> default could otherwise inject attributes such as a result's step.
    data = b'<!DOCTYPE workflow [<!ATTLIST workflow injected CDATA "yes">]><workflow/>'
    assert dict(parse("x.xml", data).root.attrib) == {}


def test_hardened_parser_alone_does_not_expand_an_external_entity(tmp_path: Path) -> None:
    # Below the byte scan that refuses the document: even if it were bypassed, lxml with our
    # options keeps the reference unresolved.
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data = (
        f'<!DOCTYPE workflow [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<workflow><meta name="x">&xxe;</meta></workflow>'
    ).encode()
    root = etree.fromstring(data, xmlio._hardened_parser())
    assert SECRET not in etree.tostring(root, encoding="unicode")


# --- entity refusal ------------------------------------------------------------------------


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE workflow [\n  <!ENTITY lol "lol">\n'
    + "".join(
        f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + ']>\n<workflow><meta name="x">&lol9;</meta></workflow>\n'
)


def test_billion_laughs_is_refused_as_unsafe_before_parsing() -> None:
    started = time.perf_counter()
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", BILLION_LAUGHS.encode())
    assert time.perf_counter() - started < 1.0
    assert caught.value.rule == "unsafe-xml"
    assert (caught.value.line, caught.value.column) == (3, 3)


@pytest.mark.parametrize(
    "prolog",
    [
        # a comment holding "<x" used to end the scan before the declaration
        "<!DOCTYPE workflow [<!-- <x --> <!ENTITY e 'v'>]>",
        # a quoted literal holding "]>" must not end the DOCTYPE
        "<!DOCTYPE workflow PUBLIC \"-//a]>//EN\" 'b.dtd' [ <!-- ]> --> <!ENTITY e 'v'> ]>",
        # a processing instruction in the subset holding quotes and '>'
        "<!DOCTYPE workflow [<?pi \" > ' ?><!ENTITY e 'v'>]>",
        # a comment before the DOCTYPE holding a fake root element
        "<!-- <workflow> --><!DOCTYPE workflow [<!ENTITY e 'v'>]>",
    ],
)
def test_entity_declarations_are_found_whatever_precedes_them(prolog: str) -> None:
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", (prolog + "<workflow/>").encode())
    assert caught.value.rule == "unsafe-xml"
    offset = prolog.index("<!ENTITY")
    assert (caught.value.line, caught.value.column) == (1, offset + 1)


def test_entity_declaration_in_utf16_is_refused_after_parsing() -> None:
    # The byte scan cannot read UTF-16; the parsed DTD is checked as well.
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE workflow [<!ENTITY e "v">]><workflow/>'
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", text.encode("utf-16"))
    assert caught.value.rule == "unsafe-xml"


def test_entity_text_outside_the_doctype_is_not_refused() -> None:
    data = (
        b'<!DOCTYPE workflow PUBLIC "-//OpenSymphony Group//DTD OSWorkflow 2.8//EN" "http://x/w.dtd">\n'
        b"<workflow><!-- <!ENTITY is only text here --><meta name=\"d\"><![CDATA[<!ENTITY]]></meta></workflow>"
    )
    document = parse("x.xml", data)
    assert document.root[1].text == "<!ENTITY"


@pytest.mark.parametrize(
    "hostile",
    [
        b"<!DOCTYPE workflow [" + b"<!--" * 200_000,
        b"<!DOCTYPE workflow [" + b'"' * 200_000,
        b"<!DOCTYPE workflow [" + b"<!-- c -->" * 100_000 + b"]><workflow/>",
    ],
    ids=["unterminated-comments", "unterminated-quotes", "many-comments"],
)
def test_prolog_scan_is_linear_on_hostile_input(hostile: bytes) -> None:
    started = time.perf_counter()
    try:
        parse("x.xml", hostile)
    except XMLSyntax as error:
        assert error.rule == "xml-syntax"
    assert time.perf_counter() - started < 2.0


# --- syntax errors: positions in the real file ---------------------------------------------


def test_syntax_error_counts_lines_from_the_real_file_start() -> None:
    data = b'\n\n<?xml version="1.0"?>\n<workflow>\n  <steps>\n</workflow>\n'
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", data)
    assert caught.value.rule == "xml-syntax"
    assert caught.value.line == 6
    assert "mismatch" in caught.value.message


def test_syntax_error_column_includes_stripped_spaces_on_the_first_line() -> None:
    body = '<?xml version="1.0"?><workflow><a></workflow>'
    plain = pytest.raises(XMLSyntax)
    with plain as without:
        parse("x.xml", body.encode())
    with pytest.raises(XMLSyntax) as shifted:
        parse("x.xml", ("\n\n   " + body).encode())
    assert (shifted.value.line, shifted.value.column) == (3, without.value.column + 3)


def test_syntax_error_column_after_a_bom_ignores_the_bom() -> None:
    body = b'<?xml version="1.0"?><workflow><a></workflow>'
    with pytest.raises(XMLSyntax) as plain:
        parse("x.xml", body)
    with pytest.raises(XMLSyntax) as with_bom:
        parse("x.xml", xmlio.UTF8_BOM + body)
    assert (with_bom.value.line, with_bom.value.column) == (plain.value.line, plain.value.column)


def test_truncated_export_reports_the_last_line() -> None:
    data = (corpus_files()[0]).read_bytes() if corpus_files() else b""
    if not data:
        pytest.skip("shared corpus not available")
    half = data[: len(data) // 2]
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", half)
    assert caught.value.rule == "xml-syntax"
    assert caught.value.line == half.count(b"\n") + 1


def test_empty_and_whitespace_only_files_are_syntax_errors() -> None:
    for data in (b"", b"\n\n  \t", xmlio.UTF8_BOM):
        with pytest.raises(XMLSyntax) as caught:
            parse("x.xml", data)
        assert caught.value.rule == "xml-syntax"
        assert "empty" in caught.value.message


# --- leading whitespace ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "declaration", "expected", "stripped"),
    [
        (b"\n\n", True, 2, 2),  # the Jira Cloud quirk
        (b" \r\n\t\n", True, 5, 5),
        (xmlio.UTF8_BOM, True, 0, 3),  # a BOM is legal XML
        (xmlio.UTF8_BOM + b"\n\n", True, 2, 5),
        (b"\n\n" + xmlio.UTF8_BOM, True, 2, 2),  # a BOM after the whitespace: lxml reads it
        (b"\n\n", False, 0, 2),  # whitespace before a root element without a declaration is legal
        (b"", True, 0, 0),
    ],
)
def test_whitespace_before_declaration(prefix: bytes, declaration: bool, expected: int, stripped: int) -> None:
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else b"") + b"<workflow/>"
    document = parse("x.xml", prefix + body)
    assert document.whitespace_before_declaration == expected
    assert document.leading_bytes == stripped
    assert document.position(document.root) == (prefix.count(b"\n") + 1 + int(declaration), 1)


# --- element positions -----------------------------------------------------------------------


def test_start_tag_split_over_several_lines() -> None:
    data = b'<workflow>\n  <step\n     id="1"\n     name="Open"><meta name="a"/></step>\n</workflow>\n'
    document = parse("x.xml", data)
    step = document.root[0]
    assert document.position(step) == (2, 3)
    assert document.position(step[0]) == (4, 18)
    assert _position_text(document, step[0]).startswith("<meta")


def test_split_start_tag_followed_by_same_tag_elements_on_its_last_line() -> None:
    data = b'<workflow>\n  <a\n   x="1"\n  /><b/><a/><a y="2"/></workflow>\n'
    document = parse("x.xml", data)
    first, b, second, third = list(document.root)
    assert document.position(first) == (2, 3)
    assert document.position(b) == (4, 5)
    assert document.position(second) == (4, 9)
    assert document.position(third) == (4, 13)


def test_two_same_tag_elements_on_one_line() -> None:
    data = b'<workflow>\n<steps><step id="1" name="A"/><step id="2" name="B"/></steps>\n</workflow>'
    document = parse("x.xml", data)
    first, second = list(document.root[0])
    assert document.position(first) == (2, 8)
    assert document.position(second) == (2, 31)
    assert _position_text(document, second).startswith('<step id="2"')


def test_tag_name_prefixes_do_not_match() -> None:
    # "<step" must not match "<steps", nor "<action" match "<actions".
    data = b"<workflow><steps><step id='1'><actions><action id='2'/></actions></step></steps></workflow>"
    document = parse("x.xml", data)
    action = document.root.find("steps/step/actions/action")
    step = document.root.find("steps/step")
    assert document.position(step) == (1, 18)
    assert document.position(action) == (1, 40)


def test_cloud_file_with_two_leading_blank_lines() -> None:
    data = b'\n\n<?xml version="1.0" encoding="UTF-8"?>\n<workflow>\n  <steps>\n    <step id="1"/>\n'
    data += b"  </steps>\n</workflow>\n"
    document = parse("x.xml", data)
    assert document.position(document.root) == (4, 1)
    assert document.position(document.root.find("steps/step")) == (6, 5)


def test_non_ascii_text_before_an_element_on_the_same_line() -> None:
    data = '<workflow><meta name="d">Заявка — ok</meta><step id="1"/></workflow>'.encode()
    document = parse("x.xml", data)
    step = document.root.find("step")
    assert document.position(step) == (1, len('<workflow><meta name="d">Заявка — ok</meta>') + 1)
    assert _position_text(document, step).startswith('<step id="1"')


def test_bom_does_not_count_as_a_column() -> None:
    document = parse("x.xml", xmlio.UTF8_BOM + b"<workflow><step/></workflow>")
    assert document.position(document.root) == (1, 1)
    assert document.position(document.root[0]) == (1, 11)


def test_namespaced_element_position() -> None:
    data = b'<?xml version="1.0"?>\n\n  <p:project xmlns:p="urn:x"><p:a/></p:project>'
    document = parse("x.xml", data)
    assert document.position(document.root) == (3, 3)
    assert document.position(document.root[0]) == (3, 30)


def test_comment_nodes_get_their_line() -> None:
    document = parse("x.xml", b"<workflow>\n<!-- c -->\n</workflow>")
    comment = document.root[0]
    assert document.position(comment) == (2, 1)


def test_positions_on_a_long_file_beyond_65535_lines() -> None:
    # lxml's sourceline stops at 65535 for elements (it guesses from neighbouring text nodes,
    # and an empty element without siblings gets 65535): positions come from the text instead.
    data = b"<workflow>\n" + b"  <meta name='x'/>\n" * 70_000
    data += b'  <steps><step id="1"><actions/></step></steps>\n  <x a="1"><y/></x>\n</workflow>\n'
    document = parse("x.xml", data)
    steps, x = document.root[-2], document.root[-1]
    assert steps.sourceline == 65_535  # the lxml limit this works around
    assert document.position(steps) == (70_002, 3)
    assert document.position(steps[0]) == (70_002, 10)
    assert document.position(steps[0][0]) == (70_002, 23)
    assert document.position(x) == (70_003, 3)
    assert document.position(x[0]) == (70_003, 12)


def test_comments_cdata_and_processing_instructions_do_not_count_as_start_tags() -> None:
    data = b'<workflow><!-- <step id="0"/> --><meta><![CDATA[ <step> ]]></meta><?pi <step ?><step id="1"/></workflow>'
    document = parse("x.xml", data)
    step = document.root.find("step")
    assert document.position(step) == (1, data.index(b'<step id="1"') + 1)


def test_positions_in_utf16_fall_back_to_lxml_lines() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<workflow>\n  <steps><step id="1"/></steps>\n</workflow>'
    document = parse("x.xml", text.encode("utf-16"))
    assert [document.position(e)[0] for e in document.root.iter()] == [2, 3, 3]


def test_positions_on_lines_across_and_beyond_the_newline_index_blocks() -> None:
    # Lines are found through an index of newlines per block of the file: lines that start
    # or end on a block boundary, straddle one, or are longer than a block must still come
    # out whole. Every step sits alone on its line, after a varying indent.
    lines, expected = [b"<workflow>"], []
    for i in range(600):
        indent = b" " * (i * 7 % 23)
        padding = b"x" * (xmlio._BLOCK + 100) if i % 97 == 5 else b"y" * (i * 13 % 61)
        lines.append(indent + b'<step id="%d" name="%s"/>' % (i, padding))
        expected.append((len(lines), len(indent) + 1))
    lines.append(b"</workflow>")
    document = parse("x.xml", b"\n".join(lines))
    assert [document.position(step) for step in document.root] == expected


def test_line_text_is_the_split_line() -> None:
    data = b"<workflow>\n\n" + b"".join(b"  <a n='%d'/>%s\n" % (i, b"z" * (i % 300)) for i in range(400))
    data += b"</workflow>\n"
    for tail in (b"", b"\n", b"\n\n"):
        document = parse("x.xml", data + tail)
        lines = document.data.split(b"\n")
        assert [document._line_text(n) for n in range(1, len(lines) + 3)] == [*lines, None, None]
        # in any order too (a block's lines are kept between lookups)
        order = [(n * 7919) % len(lines) + 1 for n in range(len(lines))]
        fresh = parse("x.xml", data + tail)
        assert [fresh._line_text(n) for n in order] == [lines[n - 1] for n in order]


def test_crlf_lines_and_a_default_namespace() -> None:
    data = b'<workflow xmlns="urn:x">\r\n  <steps>\r\n    <step\r\n id="1"/><step id="2"/>\r\n  </steps>\r\n</workflow>'
    document = parse("x.xml", data)
    steps = document.root[0]
    assert xmlio.written_name(steps) == "steps"
    assert document.position(steps) == (2, 3)
    assert [document.position(step) for step in steps] == [(3, 5), (4, 10)]


def _with_line_ends(lf_data: bytes, ends: list[bytes]) -> bytes:
    """``lf_data`` with its n-th LF written as ``ends[n % len(ends)]``."""
    lines = lf_data.split(b"\n")
    return b"".join(line + ends[i % len(ends)] for i, line in enumerate(lines[:-1])) + lines[-1]


@pytest.mark.parametrize(
    "ends",
    [[b"\r"], [b"\r", b"\n"], [b"\r\n", b"\r"], [b"\r", b"\r\n", b"\n"]],
    ids=["lone CR", "CR and LF", "CRLF and CR", "all three"],
)
def test_lone_cr_line_ends_count_as_lines(ends: list[bytes]) -> None:
    # Old Mac line ends: XML reads a lone CR as a line end, libxml2 counts lines at LFs only.
    # Every element must get the line and column it has with plain LFs, not line 1.
    path = corpus_files()[0]
    lf_data = path.read_bytes().replace(b"\r\n", b"\n")
    data = _with_line_ends(lf_data, ends)
    assert data.count(b"\r") > data.count(b"\r\n")  # it does hold lone CRs
    # Each CRLF, CR and LF is one line end (a CR then an empty line's LF make a CRLF).
    expected = parse("lf.xml", data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    document = parse("cr.xml", data)
    assert document.data is data  # the file's own bytes, which a patch splices into
    assert len(document.lined) == len(data)
    positions = [document.position(e) for e in document.root.iter()]
    assert positions == [expected.position(e) for e in expected.root.iter()]
    assert max(line for line, _ in positions) > 100
    # The parsed document is the same: XML normalises every line end to LF.
    assert etree.tostring(document.root) == etree.tostring(expected.root)


def test_lone_cr_positions_of_a_syntax_error() -> None:
    reported = []
    for end in (b"\n", b"\r"):
        with pytest.raises(XMLSyntax) as caught:
            parse("x.xml", end.join([b"<workflow>", b"  <steps>", b"    <step id='1'>", b"  </steps>", b"</workflow>"]))
        reported.append((caught.value.line, caught.value.column, caught.value.message))
    assert reported[0] == reported[1]
    assert reported[1][:2] == (4, 11)
    assert "step line 3" in reported[1][2]


def test_line_feeds_leave_files_without_lone_crs_and_other_encodings_alone() -> None:
    for data in (b"<w>\n<a/>\n</w>", b"<w>\r\n<a/>\r\n</w>", b"<w/>"):
        assert xmlio.with_line_feeds(data) is data
    assert xmlio.with_line_feeds(b"\xef\xbb\xbf <w>\r<a/>\r</w>") == b"\xef\xbb\xbf <w>\n<a/>\n</w>"
    # In UTF-16 a 0x0D byte may be half of another character: such files are left to lxml.
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>\r<w>\r<a n="\u0d0d"/></w>'.encode("utf-16")
    assert xmlio.with_line_feeds(utf16) is utf16
    document = parse("x.xml", utf16)
    assert document.root[0].get("n") == "\u0d0d"


@pytest.mark.parametrize(
    "text",
    [
        b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "x.dtd"><w><!-- a <b> --><![CDATA[ <!-- ]]><?pi ?></w>',
        b"<w><!--><x/>--><??><![CDATA[]]><!-- unterminated <![CDATA[ x ]]></w>",
        b"<w>" + b"a != b ? c : d; " * 40 + b"<!-- late --><?pi x?></w>",
        b"<w><![CDATA[ ?> --> ]]><?p <!-- ?><!-- <?q ?> --></w>",
    ],
)
def test_masked_spans_are_those_of_the_pattern(text: bytes) -> None:
    document = xmlio.Document(path="x.xml", data=text, root=etree.fromstring(b"<w/>"), leading_bytes=0, leading_lines=0)
    spans = [match.span() for match in xmlio._MASKED.finditer(text)]
    assert document._masked_spans() == ([start for start, _ in spans], [end for _, end in spans])


@pytest.mark.parametrize(
    ("body", "hides"),
    [
        (b"<w><a>hello</a></w>", False),
        (b"<w><a>" + b"!?" * 40 + b"</a></w>", False),
        (b"<w><a>" + b"!?" * 40 + b"</a><!-- c --></w>", True),
        (b"<w><a>" + b"!?" * 40 + b"</a><?pi ?></w>", True),
        (b"<w><a><![CDATA[x]]></a></w>", True),
        (b"<!-- before --><?pi ?><w><a/></w>", False),
    ],
)
def test_markup_that_could_hide_a_tag_is_found_after_the_root(body: bytes, hides: bool) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE w SYSTEM "w.dtd">\n' + body
    assert parse("x.xml", data)._hides_tags() is hides


def _lookup_seconds(count: int) -> tuple[float, list[tuple[int, int]]]:
    data = b"<workflow>\n" + b"".join(b'<action id="%d"/>\n' % i for i in range(count)) + b"</workflow>"
    best, positions = float("inf"), []
    for _ in range(3):
        document = parse("x.xml", data)  # fresh: positions are cached per document
        started = time.perf_counter()
        positions = [document.position(element) for element in document.root]
        best = min(best, time.perf_counter() - started)
    return best, positions


def test_position_lookups_stay_linear_with_many_findings() -> None:
    # Each lookup used to rescan the whole tree, and past line 65535 every element shared one
    # lxml line number: 70,000 lookups on a 70,000-line file took minutes. Compared with ten
    # times fewer lookups on a ten times smaller file (not against a clock, which a loaded
    # machine can stretch): linear work costs about 10x, the old quadratic work 100x.
    count = 70_000
    small, _ = _lookup_seconds(count // 10)
    large, positions = _lookup_seconds(count)
    assert large < 40 * max(small, 1e-4), (small, large)
    assert positions[0] == (2, 1)
    assert positions[-1] == (count + 1, 1)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[-50:])
def test_every_step_and_action_position_points_at_its_start_tag(path: Path) -> None:
    document = parse(str(path), path.read_bytes())
    seen: set[tuple[int, int]] = set()
    for tag in ("step", "action", "common-action", "unconditional-result", "function", "meta"):
        for element in document.root.iter(tag):
            where = document.position(element)
            assert _position_text(document, element).startswith(f"<{tag}"), (tag, where)
            assert where not in seen
            seen.add(where)


@st.composite
def _laid_out_workflow(draw: st.DrawFn) -> bytes:
    """A workflow whose start tags are laid out every way exports and editors do: one per line,
    several on a line, attributes split over lines, text with ``>`` in it."""
    gap = st.sampled_from(["", "\n", " ", "\n  ", "\n\n"])
    parts = ['<?xml version="1.0"?>', draw(gap), "<workflow>"]
    for step in range(draw(st.integers(1, 6))):
        parts += [draw(gap), f'<step id="{step}"', draw(gap), ' name="S>">' if draw(st.booleans()) else ">"]
        for action in range(draw(st.integers(0, 3))):
            parts += [draw(gap), f'<action id="{step}{action}"', draw(gap), ' name="a">', draw(gap)]
            parts += ['<meta name="m">x > y</meta>' if draw(st.booleans()) else "", draw(gap)]
            parts += ['<results><unconditional-result step="1"', draw(gap), "/></results>", draw(gap), "</action>"]
        parts += [draw(gap), "</step>"]
    parts += [draw(gap), "</workflow>\n"]
    return "".join(parts).encode()


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_laid_out_workflow())
def test_every_position_is_that_of_the_exact_scan(data: bytes) -> None:
    # The oracle: the k-th "<tag" in the text is the k-th element of that tag (no comments here).
    document = parse("layout.xml", data)
    for tag in ("workflow", "step", "action", "meta", "results", "unconditional-result"):
        offsets = [m.start() for m in re.finditer(b"<" + tag.encode() + rb"(?=[\s/>])", data)]
        elements = list(document.root.iter(tag))
        assert len(offsets) == len(elements)
        for element, offset in zip(elements, offsets, strict=True):
            line_start = data.rfind(b"\n", 0, offset) + 1
            expected = (data.count(b"\n", 0, offset) + 1, offset - line_start + 1)
            assert document.position(element) == expected, (tag, data.decode())


# --- reading bytes ----------------------------------------------------------------------------


def test_size_limit_names_the_limit_in_readable_units(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    big.write_bytes(b"<workflow/>" + b" " * 200)
    with pytest.raises(InputError, match=r"larger than the 100 bytes limit"):
        read_bytes(str(big), max_bytes=100)
    big.write_bytes(b" " * 2000)
    with pytest.raises(InputError, match=r"larger than the 1 KB limit"):
        read_bytes(str(big), max_bytes=1024)
    assert read_bytes(str(big), max_bytes=2000) == b" " * 2000
    assert files.size_text(files.DEFAULT_MAX_BYTES) == "20 MB"


def test_read_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_bytes(str(tmp_path))
    with pytest.raises(InputError, match="no such file"):
        read_bytes(str(tmp_path / "missing.xml"))


def test_stdin_is_read_with_the_same_cap() -> None:
    assert read_bytes("-", stdin=io.BytesIO(b"<workflow/>")) == b"<workflow/>"
    with pytest.raises(InputError, match="larger than"):
        read_bytes("-", max_bytes=4, stdin=io.BytesIO(b"<workflow/>"))


def test_line_numbers_inside_parser_messages_count_from_the_real_file_start() -> None:
    data = b'\n\n<?xml version="1.0"?>\n<workflow>\n  <steps>\n    <step id="1">\n  </steps>\n</workflow>\n'
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", data)
    assert caught.value.line == 7
    assert "step line 6 and steps" in caught.value.message


def test_written_name_keeps_the_prefix_not_the_namespace_uri() -> None:
    root = parse("x.xml", b'<p:project xmlns:p="urn:x"><a xmlns="urn:y"/></p:project>').root
    assert xmlio.written_name(root) == "p:project"
    assert xmlio.written_name(root[0]) == "a"


def test_parser_messages_are_one_line() -> None:
    # libxml2 ends "Char 0x0 out of allowed range" with a newline; found by tests/test_fuzz_parser.py.
    with pytest.raises(XMLSyntax) as caught:
        parse("x.xml", b'<\x00xml version="1.0"?>\n<workflow/>')
    assert "\n" not in caught.value.message
    assert caught.value.message.endswith("out of allowed range")
