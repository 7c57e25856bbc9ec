"""PyYAML's loaders, made to record where every mapping and key came from (LineDict, LineList).

Imported by jwflint.config.yaml_source only when a YAML document is actually parsed: a lint whose
rule packs come from the parsed-pack cache (jwflint.config.yaml_cache) never imports PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from jwflint.config.yaml_lines import MAX_ALIAS_NODES, MAX_DEPTH, LineDict, LineList
from jwflint.core.errors import ConfigError


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser when PyYAML was built with it (the wheels are): about seven times faster,
# which was most of the start-up cost of loading the rule packs. Its marks (lines) are the same;
# its error messages are vaguer, so a document it rejects is parsed again by _Loader for the
# message users see.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.column = node.start_mark.column + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain scalars", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)




def _bounded(node: yaml.Node, path: str) -> None:
    """Refuse alias expansion beyond MAX_ALIAS_NODES, recursive aliases and nesting beyond MAX_DEPTH.

    Sizes and depths are computed once per distinct node (aliases share nodes), without recursion.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    open_nodes: set[int] = set()
    while stack:
        current, done = stack.pop()
        key = id(current)
        children = _children(current)
        if done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                raise _shape_error(path, current, f"nested more than {MAX_DEPTH} levels deep")
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise _shape_error(path, current, "an alias refers to a node that contains it")
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((child, False) for child in children if id(child) not in size)
        if len(open_nodes) > MAX_DEPTH:
            raise _shape_error(path, current, f"nested more than {MAX_DEPTH} levels deep")
    if size[id(node)] > len(size) + MAX_ALIAS_NODES:
        raise _shape_error(
            path,
            node,
            f"aliases expand to {size[id(node)]} nodes, more than {MAX_ALIAS_NODES} beyond the document's own",
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _shape_error(path: str, node: yaml.Node, message: str) -> ConfigError:
    return ConfigError(f"{path}:{node.start_mark.line + 1}: {message}")


def _load(text: str, loader_class: type[yaml.SafeLoader], path: str) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _bounded(node, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse(text: str, path: str) -> Any:
    """Parse YAML; a syntax error becomes a ConfigError naming the file, line and column."""
    try:
        return _load(text, _FastLoader, path)
    except yaml.YAMLError:
        pass
    except RecursionError:
        raise ConfigError(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    try:
        return _load(text, _Loader, path)
    except RecursionError:
        raise ConfigError(f"{path}: nested more than {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = error.problem or error.context or "invalid YAML"
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None
