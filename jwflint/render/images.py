"""SVG, PNG and PDF through the graphviz package and Graphviz's ``dot`` program."""

from __future__ import annotations

import re
import shutil

from jwflint.core.errors import JwflintError

IMAGE_FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = "install Graphviz (apt-get install graphviz / brew install graphviz)"
NEEDS_GRAPHVIZ = f"The picture needs Graphviz's `dot` program: {INSTALL_HINT}."

_SVG_START = re.compile(rb"<svg[\s>]")


class GraphvizMissing(JwflintError):
    """Graphviz's ``dot`` is not installed or not on PATH."""


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_image(dot_source: str, image_format: str) -> bytes:
    """Lay out and draw DOT source; raises GraphvizMissing when ``dot`` cannot be run."""
    import graphviz

    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"not an image format: {image_format}")
    try:
        return graphviz.pipe("dot", image_format, dot_source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(f"Graphviz's `dot` program was not found on PATH: {INSTALL_HINT}") from None
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise JwflintError(f"Graphviz could not draw the workflow: {detail[0] if detail else error}") from None


def inline_svg(svg: bytes) -> str:
    """The ``<svg>`` element alone, for embedding in HTML: no XML declaration, no DOCTYPE."""
    match = _SVG_START.search(svg)
    if match is None:
        raise JwflintError("Graphviz returned no SVG")
    return svg[match.start() :].decode("utf-8").strip()
