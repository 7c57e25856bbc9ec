"""The one Jinja environment: bundled templates, StrictUndefined, autoescaping for XML and HTML.

Imported only by commands that render (patch, fix, render); linting never loads Jinja.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup

from jwflint.core.resources import templates_dir

_ESCAPED_SUFFIXES = (".xml.j2", ".html.j2", ".svg.j2")


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith(_ESCAPED_SUFFIXES)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(dot_str=dot_str, dot_html=dot_html, mermaid_text=mermaid_text)
    env.filters["xml"] = xml_escape
    return env


# Characters XML 1.0 cannot carry at all, not even as a character reference.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_ESCAPES = str.maketrans(
    # Named entities as Jira's writer uses them (&quot; even in text); tabs and newlines as
    # character references so a parser gives back the same value, in attributes too.
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def xml_escape(value: object) -> Markup:
    """Escape text or an attribute value the way Jira writes it; refuse what XML cannot hold."""
    text = str(value)
    bad = _NOT_XML.search(text)
    if bad:
        raise jinja2.TemplateRuntimeError(f"U+{ord(bad.group()):04X} cannot be written in XML")
    return Markup(text.translate(_XML_ESCAPES))


def _one_line(text: str) -> str:
    """Names never break a source line: control characters (newlines included) become spaces."""
    return "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text)


def _lines(value: str | list[str]) -> list[str]:
    return [_one_line(str(v)) for v in value] if isinstance(value, list) else [_one_line(str(value))]


def dot_str(value: str | list[str]) -> str:
    """A DOT double-quoted string; a list becomes one line each.

    Graphviz reads backslash escapes (``\\N``, ``\\n``) and HTML entities (``&amp;``) inside quoted
    labels, so both ``\\`` and ``&`` are escaped to show names exactly as written.
    """
    parts = [line.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"') for line in _lines(value)]
    return '"' + "\\n".join(parts) + '"'


def dot_html(value: str | list[str]) -> str:
    """Text for a Graphviz HTML-like label (``label=<...>``); a list becomes lines joined by <BR/>."""
    parts = [
        line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        for line in _lines(value)
    ]
    return "<BR/>".join(parts)


# Mermaid decodes ``#name;`` / ``#123;`` codes in the whole source before parsing; every
# character its grammars may read as syntax is written as a code.
_MERMAID_CODES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    ";": "#59;",
    "%": "#37;",
    "\\": "#92;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    ":": "#58;",
}


def mermaid_text(value: str) -> str:
    return "".join(_MERMAID_CODES.get(c, c) for c in _one_line(str(value)))


def render(name: str, **context: object) -> str:
    try:
        return environment().get_template(name).render(**context)
    except jinja2.TemplateError as error:
        from jwflint.core.errors import JwflintError

        raise JwflintError(f"template {name}: {error}") from None
