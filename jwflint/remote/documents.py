"""What `pull` writes: one Cloud workflow document per workflow, and the catalogue.

A workflow document is a page of ``GET /rest/api/3/workflows/search?expand=values.transitions``
holding that one workflow and the statuses it uses, so `jwflint lint` reads it as the site
returned it. The catalogue uses the keys of jwflint/config/catalogue_file.py.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from jwflint.core.shapes import items, mapping
from jwflint.remote.fetch import CATEGORY_BY_KEY, Snapshot


def workflow_document(workflow: dict[str, Any], statuses: list[dict[str, Any]]) -> dict[str, Any]:
    used = {str(s.get("statusReference")) for s in items(workflow.get("statuses")) if isinstance(s, dict)}
    own = [s for s in statuses if str(s.get("statusReference") or s.get("id")) in used]
    return {"isLast": True, "maxResults": 1, "startAt": 0, "total": 1, "values": [workflow], "statuses": own}


def file_names(names: list[str]) -> list[str]:
    """A safe, distinct ``<name>.json`` per workflow name (case-insensitive file systems included)."""
    taken: set[str] = set()
    result = []
    for name in names:
        stem = _safe_stem(name)
        candidate, n = stem, 2
        while candidate.casefold() in taken:
            candidate, n = f"{stem} ({n})", n + 1
        taken.add(candidate.casefold())
        result.append(f"{candidate}.json")
    return result


def _safe_stem(name: str) -> str:
    text = unicodedata.normalize("NFC", name)
    kept = "".join(c if c.isalnum() or c in " -_.()+,&'" else "_" for c in text).strip(" .")
    return (kept or "workflow")[:120]


def catalogue(snapshot: Snapshot) -> dict[str, Any]:
    result: dict[str, Any] = {
        "statuses": _statuses(snapshot),
        "screens": {
            str(screen["id"]): {"name": screen["name"], "fields": screen["tabs"]} for screen in snapshot.screens
        },
        "resolutions": snapshot.resolutions,
        "permission_schemes": snapshot.permission_schemes,
        "project_roles": snapshot.project_roles,
        "projects": snapshot.projects,
    }
    if snapshot.bot is not None:
        result["bot"] = snapshot.bot
    return result


def _statuses(snapshot: Snapshot) -> dict[str, dict[str, str]]:
    statuses: dict[str, dict[str, str]] = {}
    for status in snapshot.statuses:
        if not isinstance(status, dict) or "id" not in status:
            continue
        entry = {"name": str(status.get("name", ""))}
        category = CATEGORY_BY_KEY.get(str(mapping(status.get("statusCategory")).get("key", "")))
        if category:
            entry["category"] = category
        statuses[str(status["id"])] = entry
    # the workflow API names the category of each status it uses; it wins where both say
    for status in snapshot.workflow_statuses:
        if isinstance(status, dict) and status.get("id") and status.get("statusCategory") in CATEGORY_BY_KEY.values():
            entry = statuses.setdefault(str(status["id"]), {"name": str(status.get("name", ""))})
            entry["category"] = str(status["statusCategory"])
    return statuses
