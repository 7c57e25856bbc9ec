"""The one Jinja environment: bundled templates, StrictUndefined, autoescaping for XML and HTML.

Imported only by commands that render (patch, fix, render); linting never loads Jinja.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from jwflint.resources import templates_dir

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
    return env


def render(name: str, **context: object) -> str:
    try:
        return environment().get_template(name).render(**context)
    except jinja2.TemplateError as error:
        from jwflint.errors import JwflintError

        raise JwflintError(f"template {name}: {error}") from None
