"""JSON Schema validators for request and response bodies of Atlassian's Jira Cloud OpenAPI description.

The description (../shared/jira-openapi/jira-platform-v3.openapi.json) is OpenAPI 3.0: its schemas
say ``nullable: true`` where JSON Schema says ``type: [T, "null"]``, and refer to each other as
``#/components/schemas/Name``. ``validator("WorkflowUpdateRequest")`` turns the whole components
section into a JSON Schema document (nullable converted, refs kept: they resolve inside it) and
returns a jsonschema validator for the named schema. Any test that checks a body jwflint writes
or reads against the spec can use it (the connector's tests too).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from tests.conftest import SHARED

SPEC = SHARED / "jira-openapi" / "jira-platform-v3.openapi.json"


def available() -> bool:
    return SPEC.is_file()


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable: true`` becomes a ``"null"`` type.

    A nullable ``$ref`` (or a schema with no type) becomes ``anyOf`` with ``{"type": "null"}``;
    OpenAPI-only keywords (``discriminator``, ``xml``, ``example`` …) are ignored by jsonschema.
    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        kind = converted.get("type")
        if isinstance(kind, str):
            converted["type"] = [kind, "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        elif kind is None:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _components() -> dict[str, Any]:
    return {"components": to_json_schema(spec()["components"])}


def validator(schema_name: str) -> Draft4Validator:
    """A validator for ``#/components/schemas/<schema_name>``, its refs resolved within the spec."""
    document = dict(_components())
    document["$ref"] = f"#/components/schemas/{schema_name}"
    return Draft4Validator(document)


def errors(schema_name: str, instance: Any) -> list[str]:
    """Every way ``instance`` breaks the schema, each as ``path: message`` (empty when valid)."""
    found = validator(schema_name).iter_errors(instance)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in found]
