"""xml_escape (core/templating.py): what the templates write into XML, and what XML cannot hold."""

from __future__ import annotations

import jinja2
import pytest

from jwflint.core import templating


def _is_xml_char(code: int) -> bool:
    """XML 1.0's Char production, written from the specification."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def test_refused_characters_are_exactly_those_outside_xml_char() -> None:
    every = "".join(map(chr, range(0x110000)))
    refused = {ord(c) for c in templating._NOT_XML.findall(every)}
    assert refused == {code for code in range(0x110000) if not _is_xml_char(code)}


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_what_xml_cannot_hold_is_refused(bad: str) -> None:
    with pytest.raises(jinja2.TemplateRuntimeError, match=f"U\\+{ord(bad):04X} cannot be written in XML"):
        templating.xml_escape(f"a{bad}b")


def test_text_is_escaped_as_jira_writes_it() -> None:
    written = templating.xml_escape('R&D <ops> "t"\t\r\n\U0010ffff\ue000')
    assert written == "R&amp;D &lt;ops&gt; &quot;t&quot;&#9;&#13;&#10;\U0010ffff\ue000"
