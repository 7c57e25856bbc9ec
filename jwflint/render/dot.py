"""Scene → Graphviz DOT source, through templates/diagram/workflow.dot.j2.

This module decides how each node and edge looks (colours, dashes, pen widths); the template
decides the layout of the source and how labels are composed and escaped.
"""

from __future__ import annotations

from jwflint.model.workflow import INITIAL
from jwflint.render import palette
from jwflint.render.scene import (
    ADDED,
    ANY,
    DANGLING,
    MISSING,
    PHANTOM,
    REMOVED,
    START,
    Edge,
    Node,
    Scene,
)

FONT = "Helvetica,Arial,sans-serif"
TEMPLATE = "diagram/workflow.dot.j2"

# Past this many arrows labels start to collide with LR ranks; top-down layouts spread them.
WIDE_EDGE_COUNT = 40


def graph_attrs(scene: Scene) -> dict[str, str]:
    big = len(scene.edges) > WIDE_EDGE_COUNT
    return {
        "rankdir": "TB" if big else "LR",
        "splines": "true",
        "nodesep": "0.35" if big else "0.45",
        "ranksep": "0.9" if big else "0.6",
        "pad": "0.25",
        "newrank": "true",
        "outputorder": "edgesfirst",
        "fontname": FONT,
        "fontsize": "12",
        "labelloc": "t",
        "labeljust": "l",
        "bgcolor": "white",
    }


def node_attrs(node: Node) -> dict[str, str | list[str]]:
    if node.kind == START:
        return {
            "shape": "circle",
            "style": "filled",
            "width": "0.22",
            "fixedsize": "true",
            "fillcolor": palette.INK,
            "color": palette.INK,
            "tooltip": node.tooltip,
        }
    swatch = palette.SWATCHES[node.category]
    attrs: dict[str, str | list[str]] = {
        "style": "rounded,filled",
        "fillcolor": swatch.fill,
        "color": swatch.border,
        "fontcolor": swatch.text,
        "tooltip": node.tooltip,
    }
    if node.kind == ANY:
        attrs.update(style="rounded,filled,dashed", fillcolor="#F4F5F7", color=palette.MUTED, fontcolor=palette.MUTED)
    elif node.kind in (PHANTOM, DANGLING):
        attrs.update(style="rounded,filled,dashed", color=palette.FINDING, fontcolor=palette.FINDING)
    if node.change == REMOVED:
        attrs.update(style="rounded,filled,dashed", color=palette.REMOVED, fontcolor=palette.REMOVED)
    if node.flagged:
        attrs.update(color=palette.FINDING, penwidth="2.5")
    if node.hidden:
        attrs["style"] = "invis"
    return attrs


def edge_attrs(edge: Edge) -> dict[str, str | list[str]]:
    attrs: dict[str, str | list[str]] = {"tooltip": edge.tooltip, "labeltooltip": edge.tooltip}
    styles = []
    if edge.restriction or edge.kind == MISSING:
        styles.append("dashed")
    elif edge.conditional:
        styles.append("dotted")
    colour = palette.INK if edge.kind == INITIAL else palette.EDGE
    if edge.kind == MISSING or edge.flagged:
        colour = palette.FINDING
        attrs["penwidth"] = "1.6"
    if edge.change == ADDED:
        colour = palette.ADDED
        attrs["penwidth"] = "2.2"
    elif edge.change == REMOVED:
        # Red means "finding": a removed arrow is purple and dotted, and its label says "(removed)".
        colour = palette.REMOVED
        attrs["penwidth"] = "2.2"
        styles = ["dotted"]
    if edge.hidden:
        styles = ["invis"]
    if styles:
        attrs["style"] = ",".join(styles)
    attrs["color"] = colour
    attrs["fontcolor"] = palette.INK if colour == palette.EDGE else colour
    if edge.loop:
        attrs["dir"] = "forward"
    return attrs


def legend(scene: Scene) -> list[tuple[str, str, str]]:
    """(fill, border, title) of every status colour in the picture."""
    return [(s.fill, s.border, s.title) for s in (palette.SWATCHES[c] for c in scene.categories)]


def to_dot(scene: Scene) -> str:
    from jwflint.core import templating

    return templating.render(
        TEMPLATE,
        scene=scene,
        graph=graph_attrs(scene),
        node_font=FONT,
        nodes=[(node, node_attrs(node)) for node in scene.nodes],
        edges=[(edge, edge_attrs(edge)) for edge in scene.edges],
        legend=legend(scene),
        palette=palette,
    )
