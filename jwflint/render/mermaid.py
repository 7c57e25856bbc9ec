"""Scene → Mermaid ``stateDiagram-v2`` source, through templates/diagram/workflow.mmd.j2.

Mermaid's state diagrams cannot dash or colour arrows, so what DOT says with line styles is
said in the arrow's text here: restrictions, findings, missing and patched transitions.
"""

from __future__ import annotations

from jwflint.render import palette
from jwflint.render.dot import WIDE_EDGE_COUNT
from jwflint.render.scene import ADDED, ANY, DANGLING, MISSING, PHANTOM, REMOVED, START, Edge, Node, Scene

TEMPLATE = "diagram/workflow.mmd.j2"
START_STATE = "[*]"  # Mermaid's own start pseudo-state
FLAG = "_flag"


def _classes() -> dict[str, str]:
    classes = {}
    for name, swatch in palette.SWATCHES.items():
        base = f"fill:{swatch.fill},stroke:{swatch.border},color:{swatch.text}"
        classes[name] = base
        classes[name + FLAG] = f"fill:{swatch.fill},stroke:{palette.FINDING},stroke-width:3px,color:{swatch.text}"
    classes["anystatus"] = f"fill:#F4F5F7,stroke:{palette.MUTED},stroke-dasharray:4 3,color:{palette.MUTED}"
    classes["missing"] = f"fill:#FFFFFF,stroke:{palette.FINDING},stroke-dasharray:4 3,color:{palette.FINDING}"
    classes["removed"] = f"fill:#FFFFFF,stroke:{palette.REMOVED},stroke-dasharray:4 3,color:{palette.REMOVED}"
    return classes


def node_class(node: Node) -> str:
    if node.kind == ANY:
        return "anystatus"
    if node.kind in (PHANTOM, DANGLING):
        return "missing"
    if node.change == REMOVED:
        return "removed"
    return node.category + (FLAG if node.flagged else "")


def edge_label(edge: Edge) -> str:
    text = edge.label
    if edge.restriction:
        text += f" [{edge.restriction}]"
    if edge.conditional:
        text += " [conditional]"
    if edge.kind != MISSING and edge.flagged:
        text = "⚠ " + text
    if edge.change == ADDED:
        text = "(added) " + text
    elif edge.change == REMOVED:
        text = "(removed) " + text
    return text


def to_mermaid(scene: Scene) -> str:
    from jwflint.core import templating

    def state(node_id: str) -> str:
        return START_STATE if node_id == START else node_id

    nodes = [n for n in scene.nodes if n.kind != START]
    return templating.render(
        TEMPLATE,
        scene=scene,
        direction="TB" if len(scene.edges) > WIDE_EDGE_COUNT else "LR",
        classes=_classes(),
        nodes=nodes,
        edges=[(e, state(e.source), state(e.target), edge_label(e)) for e in scene.edges],
        node_classes=[(n, node_class(n)) for n in nodes],
    )
