"""Rule packs parsed once: a pack's YAML tree kept in the user's cache between runs.

Parsing the bundled packs costs a cold ``jwflint lint`` about 25 ms, and importing PyYAML 20 ms
more, on every start; read back from the cache, the same trees cost about 1 ms and need no PyYAML.

An entry is named after the pack's path and starts with a key of everything the tree depends on:
the pack's text, jwflint's version, the installed PyYAML and this file's format. When the key
differs, or the entry is missing or does not decode, the pack is parsed and the entry rewritten.
Only trees made of what packs are written with (mappings, lists, strings, numbers, booleans and
null) are stored, so a tree read back is identical to a fresh parse, lines included; a pack with
anything else (a date, !!binary, !!set) is parsed every time. A pack that fails to parse stores
nothing and fails the same way on every run. The cache itself never fails a run
(jwflint.core.cache).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from typing import Any

from jwflint import __version__
from jwflint.config.yaml_lines import LineDict, LineList
from jwflint.config.yaml_source import load_yaml, read_text
from jwflint.core.cache import read_entry, write_entry

FOLDER = "packs"
# Bump when the encoding below changes, or what jwflint.config.yaml_loader builds from YAML.
FORMAT = "1"
_SCALARS = (str, int, float, bool, type(None))


def read_yaml_file_cached(path: str) -> Any:
    """What ``yaml_source.read_yaml_file(path)`` returns, from the cache when it holds this text."""
    text = read_text(path)
    key = _key(text)
    name = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".json"
    entry = read_entry(FOLDER, name)
    if entry is not None:
        stored_key, _, body = entry.partition(b"\n")
        if stored_key.decode("ascii", "replace") == key:
            try:
                return json.loads(body, object_hook=_decode)
            except (ValueError, KeyError, TypeError, RecursionError):
                pass  # damaged: parse again and rewrite it
    tree = load_yaml(text, path)
    try:
        body_text = json.dumps(_encode(tree), separators=(",", ":"))
    except _NotStored:
        return tree
    write_entry(FOLDER, name, f"{key}\n{body_text}".encode("ascii"))
    return tree


def _key(text: str) -> str:
    digest = hashlib.sha256()
    for part in (FORMAT, __version__, _yaml_install()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _yaml_install() -> str:
    """Where PyYAML is installed and when, without importing it: an upgrade may parse differently."""
    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None and spec.origin else ""
    try:
        return f"{origin}:{os.stat(origin).st_mtime_ns}"
    except OSError:
        return origin


class _NotStored(Exception):
    """The tree holds a value that the encoding below would not give back exactly."""


def _encode(node: Any) -> Any:
    kind = type(node)
    if kind is LineDict:
        for key in node:
            if type(key) not in _SCALARS:
                raise _NotStored
        return {
            "m": [[key, _encode(value)] for key, value in node.items()],
            "l": node.line,
            "c": node.column,
            "k": list(node.key_lines.items()),
        }
    if kind is LineList:
        return {"s": [_encode(item) for item in node], "l": node.line, "i": list(node.item_lines)}
    if kind in _SCALARS:
        return node
    raise _NotStored


def _decode(obj: dict[str, Any]) -> LineDict | LineList:
    """Every JSON object in an entry is an encoded LineDict ("m") or LineList ("s")."""
    if "m" in obj:
        mapping = LineDict((key, value) for key, value in obj["m"])
        mapping.line, mapping.column = obj["l"], obj["c"]
        mapping.key_lines = {key: line for key, line in obj["k"]}
        return mapping
    sequence = LineList(obj["s"])
    sequence.line, sequence.item_lines = obj["l"], obj["i"]
    return sequence
