"""Permission scheme documents, as Jira's REST API returns them, into the model.

Two shapes, recognised by their content: one scheme (``GET
/rest/api/3/permissionscheme/{id}?expand=all``: an object with ``permissions``, a list of grants
each with a ``permission`` and a ``holder``) or a page of them (``GET
/rest/api/3/permissionscheme?expand=all``: ``{"permissionSchemes": [...]}``). The same builder
reads the catalogue's ``permission_schemes``, with the catalogue's line numbers.

A grant without a permission key or a holder type is recorded as a problem with its position (a
finding; the rest of the scheme is still checked). Unknown permission keys (apps' keys) and
unknown holder types are kept as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jwflint.sources.json_document import UTF8_BOM, JSONSyntax
from jwflint.sources.json_document import parse as parse_json

if TYPE_CHECKING:
    from jwflint.model.permissions import Grant, SchemeSet

KIND = "permission-scheme"
PAGE_KEY = "permissionSchemes"

Position = Callable[[Any], tuple[int, int]]


class NotASchemeDocument(Exception):
    """Readable JSON, but neither a permission scheme nor a page of them."""


def looks_like(data: bytes) -> bool:
    """A cheap test on a file's start: JSON that speaks of permission grants and their holders."""
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    if body.lstrip(b" \t\r\n")[:1] != b"{":
        return False
    if b'"permission_schemes"' in body:  # a jwflint catalogue (jwflint pull writes one): read with --catalogue
        return False
    return b'"permissionSchemes"' in body or (b'"permissions"' in body and b'"holder"' in body)


def scheme_entries(root: Any) -> list[Any] | None:
    """The scheme objects of a document, or None when the document is not of a known shape."""
    if not isinstance(root, dict):
        return None
    if isinstance(root.get(PAGE_KEY), list):
        return list(root[PAGE_KEY])
    if _is_scheme(root):
        return [root]
    return None


def _is_scheme(node: Any) -> bool:
    if not isinstance(node, dict) or not isinstance(node.get("permissions"), list):
        return False
    if "name" in node or "id" in node:
        return True
    return any(isinstance(g, dict) and ("holder" in g or "permission" in g) for g in node["permissions"])


def read(path: str, data: bytes) -> SchemeSet:
    """Parse a scheme document; JSONSyntax for bad JSON, NotASchemeDocument for another shape."""
    document = parse_json(path, data)
    entries = scheme_entries(document.root)
    if entries is None:
        raise NotASchemeDocument(
            "this JSON is not a permission scheme (GET /rest/api/3/permissionscheme/{id}?expand=all) "
            "nor a page of them ({\"permissionSchemes\": [...]})"
        )
    return build(entries, path, document.position)


def build(entries: list[Any], path: str, position: Position) -> SchemeSet:
    # The permission model is imported when a scheme is read, not when lint sniffs a file's kind.
    from jwflint.model.permissions import PermissionScheme, SchemeProblem, SchemeSet

    schemes: list[PermissionScheme] = []
    problems: list[SchemeProblem] = []
    for index, entry in enumerate(entries):
        line, column = position(entry)
        if not _is_scheme(entry):
            problems.append(
                SchemeProblem(
                    f"entry {index + 1} of {PAGE_KEY} is not a permission scheme (an object with permissions)",
                    "",
                    line,
                    column,
                )
            )
            continue
        name = scalar_text(entry.get("name")) or f"permission scheme {scalar_text(entry.get('id')) or index + 1}"
        grants = []
        for grant in entry["permissions"]:
            built = _grant(grant, position)
            if isinstance(built, str):
                key = scalar_text(grant.get("permission")) if isinstance(grant, dict) else None
                # Only objects have positions; a stray string or list is reported at its scheme.
                at = position(grant) if isinstance(grant, dict) else (line, column)
                problems.append(SchemeProblem(built, name, *at, permission=key))
            else:
                grants.append(built)
        schemes.append(PermissionScheme(name, scalar_text(entry.get("id")), tuple(grants), path, line, column))
    return SchemeSet(path, tuple(schemes), tuple(problems))


def _grant(node: Any, position: Position) -> Grant | str:
    """A grant, or why it is not one."""
    if not isinstance(node, dict):
        return "a grant is an object with a permission and a holder"
    permission = scalar_text(node.get("permission"))
    holder = node.get("holder")
    if permission is None:
        return "this grant names no permission (its 'permission' is missing or empty)"
    if not isinstance(holder, dict) or scalar_text(holder.get("type")) is None:
        return f"this {permission} grant has no holder type (holder.type is missing)"
    label = None
    expanded = holder.get("projectRole")
    if isinstance(expanded, dict):
        label = scalar_text(expanded.get("name"))
    line, column = position(node)
    from jwflint.model.permissions import Grant, Holder

    return Grant(
        permission=permission,
        holder=Holder(
            str(holder["type"]).strip(), scalar_text(holder.get("parameter")), scalar_text(holder.get("value")), label
        ),
        id=scalar_text(node.get("id")),
        line=line,
        column=column,
    )


def scalar_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


__all__ = ["KIND", "JSONSyntax", "NotASchemeDocument", "looks_like", "read", "scalar_text"]
