"""The one Jinja environment: bundled templates, StrictUndefined, autoescaping for XML and HTML.

Imported only by commands that render (patch, fix, render); linting never loads Jinja.

The templates ship as Jinja sources in ``templates/``. Parsing and compiling one costs more than
running it (the DOT template ~10 ms, the HTML report ~15 ms, plus building Jinja's lexer), and
``jwflint render`` is run cold, so on first use they are compiled into Python modules in the user's
cache folder and loaded from there with ``jinja2.ModuleLoader``; the folder's name carries Jinja's
version and a stamp of the sources (names, sizes, times), so an edited template is recompiled. When
the cache cannot be written the sources are compiled in memory as before.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from jwflint.core.cache import cache_root
from jwflint.core.resources import templates_dir

_ESCAPED_SUFFIXES = (".xml.j2", ".html.j2", ".svg.j2")


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith(_ESCAPED_SUFFIXES)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    sources = templates_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(sources)),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(dot_str=dot_str, dot_html=dot_html, mermaid_text=mermaid_text)
    env.filters["xml"] = xml_escape
    compiled = _compiled(env, sources)
    if compiled is not None:
        # Compiled modules first; a template the cache lacks still loads from its source.
        env.loader = jinja2.ChoiceLoader([jinja2.ModuleLoader(str(compiled)), env.loader])  # type: ignore[list-item]
    return env


# Bump when the Environment's compile-time options (autoescape, whitespace control) change: they
# are baked into the compiled modules.
_COMPILED_FORMAT = "1"


def _compiled(env: jinja2.Environment, sources: Path) -> Path | None:
    """The folder of compiled template modules for these sources, compiled now if missing."""
    stamp = [str(sources), jinja2.__version__, _COMPILED_FORMAT]
    try:
        for path in sorted(sources.rglob("*.j2")):
            info = path.stat()
            stamp.append(f"{path.relative_to(sources)}:{info.st_size}:{info.st_mtime_ns}")
        folder = cache_root() / f"templates-{zlib.crc32(chr(0).join(stamp).encode()):08x}"
        if folder.is_dir():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand ~ into
        return None
    try:
        work = tempfile.mkdtemp(prefix=".templates-", dir=folder.parent)
    except OSError:
        return None
    try:
        env.compile_templates(work, filter_func=lambda name: name.endswith(".j2"), zip=None, ignore_errors=False)
        os.replace(work, folder)
    except (OSError, jinja2.TemplateError):
        shutil.rmtree(work, ignore_errors=True)
        return folder if folder.is_dir() else None  # another run may have just put it there
    return folder


# Characters XML 1.0 cannot carry at all, not even as a character reference: the complement of
# its Char production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]) among
# Python's code points. Written as what is excluded: the negated class of what is allowed took
# 5 ms to compile on every `render` and `patch`, this one 1 ms (tests/test_xml_escape.py holds
# it to the production).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
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


_CONTROLS_TO_SPACES = {code: " " for code in [*range(32), 0x7F]}


def _one_line(text: str) -> str:
    """Names never break a source line: control characters (newlines included) become spaces."""
    return text.translate(_CONTROLS_TO_SPACES)


def _lines(value: str | list[str]) -> list[str]:
    return [_one_line(str(v)) for v in value] if isinstance(value, list) else [_one_line(str(value))]


def dot_str(value: str | list[str]) -> str:
    """A DOT double-quoted string; a list becomes one line each.

    Graphviz reads backslash escapes (``\\N``, ``\\n``) and HTML entities (``&amp;``) inside quoted
    labels, so both ``\\`` and ``&`` are escaped to show names exactly as written.
    """
    parts = [line.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"') for line in _lines(value)]
    return _dot_quoted("\\n".join(parts))


# Graphviz's scanner refuses a quoted string longer than 16,384 characters; DOT joins
# "a" + "b", so a longer text (a full name in a tooltip) is written in pieces.
_DOT_PIECE = 8_000


def _dot_quoted(escaped: str) -> str:
    if len(escaped) <= _DOT_PIECE:
        return '"' + escaped + '"'
    pieces, start = [], 0
    while start < len(escaped):
        end = min(start + _DOT_PIECE, len(escaped))
        piece = escaped[start:end]
        if (len(piece) - len(piece.rstrip("\\"))) % 2:
            end -= 1  # never end a piece inside an escape: a lone "\\" would swallow the closing quote
        pieces.append(escaped[start:end])
        start = end
    return " + ".join(f'"{piece}"' for piece in pieces)


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


def render(template: str, /, **context: object) -> str:
    """The bundled template named ``template`` rendered with ``context`` (which may hold any name,
    ``name`` and ``template`` included: the template's own name is positional only)."""
    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateError as error:
        from jwflint.core.errors import JwflintError

        raise JwflintError(f"template {template}: {error}") from None
