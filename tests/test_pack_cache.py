"""The parsed-pack cache (config/yaml_cache.py): a tree read back is the tree PyYAML gives, lines
included; an edited, damaged or unwritable cache never changes what is read; and a default lint
with a filled cache does not import PyYAML at all."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jwflint.config import yaml_cache
from jwflint.config.yaml_lines import LineDict, LineList
from jwflint.config.yaml_source import read_yaml_file
from jwflint.core.errors import ConfigError
from jwflint.lint.rules import bundled_pack_paths, load_pack
from jwflint.lint.suppressions import config_rules

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "fixtures" / "demo" / "service_desk.xml"

PACK = """\
rules:
  - id: my-rule
    summary: "Says: {hello}"
    check: status-without-way-out
    severity: info
    args: {}
    docs:
      why: |
        Because.
  - &second
    id: other-rule
    summary: x
    check: status-without-way-out
    formats: [osworkflow-xml]
numbers: [1, -2.5, 1.0e+3, .inf, true, false, null, "007", 0x1f]
? [complex, key]
: 1
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    return root / "jwflint" / yaml_cache.FOLDER


def _shape(node: Any) -> Any:
    """A tree with every line, column and type made explicit, to compare two trees exactly."""
    if isinstance(node, LineDict):
        items = [(_shape(k), _shape(v)) for k, v in node.items()]
        return ("dict", node.line, node.column, sorted(node.key_lines.items()), items)
    if isinstance(node, LineList):
        return ("list", node.line, node.item_lines, [_shape(v) for v in node])
    return (type(node).__name__, node)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def test_a_bundled_pack_read_back_is_the_parsed_one(cache: Path) -> None:
    for path in [*bundled_pack_paths(), bundled_pack_paths()[0].with_name("config.yaml")]:
        fresh = read_yaml_file(str(path))
        first = yaml_cache.read_yaml_file_cached(str(path))  # a miss: parsed and stored
        again = yaml_cache.read_yaml_file_cached(str(path))  # a hit
        assert _shape(first) == _shape(again) == _shape(fresh)
    assert len(_entries(cache)) == len(bundled_pack_paths()) + 1


def test_cached_rules_are_the_same_rules(cache: Path) -> None:
    parsed = [load_pack(path) for path in bundled_pack_paths()], config_rules()
    assert _entries(cache)
    cached = [load_pack(path) for path in bundled_pack_paths()], config_rules()
    assert cached == parsed
    assert [rule.source for rule in cached[0][0]] == [rule.source for rule in parsed[0][0]]


def test_a_pack_that_fails_to_parse_stores_nothing(cache: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping keys must be plain scalars"):
        yaml_cache.read_yaml_file_cached(str(pack))
    assert _entries(cache) == []  # errors are never cached


def test_every_scalar_type_comes_back(cache: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK.replace("? [complex, key]\n: 1\n", "1: int key\n2.5: float key\nnull: none key\n"))
    fresh = read_yaml_file(str(pack))
    assert _shape(yaml_cache.read_yaml_file_cached(str(pack))) == _shape(fresh)
    assert len(_entries(cache)) == 1
    assert _shape(yaml_cache.read_yaml_file_cached(str(pack))) == _shape(fresh)


def test_values_json_cannot_carry_are_parsed_every_time(cache: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("when: 2024-01-31\ndata: !!binary aGVsbG8=\n", encoding="utf-8")
    for _ in range(2):
        tree = yaml_cache.read_yaml_file_cached(str(pack))
        assert tree == {"when": datetime.date(2024, 1, 31), "data": b"hello"}
    assert _entries(cache) == []


def test_an_edited_pack_is_read_again(cache: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("a: 1\n", encoding="utf-8")
    assert yaml_cache.read_yaml_file_cached(str(pack)) == {"a": 1}
    stamp = pack.stat()
    pack.write_text("a: 2\n", encoding="utf-8")  # same size
    os.utime(pack, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # and the same time
    assert yaml_cache.read_yaml_file_cached(str(pack)) == {"a": 2}
    assert len(_entries(cache)) == 1  # rewritten in place


@pytest.mark.parametrize(
    "damage",
    [
        lambda key, body: b"",
        lambda key, body: key + b"\n" + body[: len(body) // 2],
        lambda key, body: key + b"\n" + b'{"x": 1}',
        lambda key, body: key + b"\n" + b'[{"s": [1], "l": 1}]',
        lambda key, body: key + b"\n\xff\xfe",
        lambda key, body: b"0" * len(key) + b"\n" + body,
    ],
)
def test_a_damaged_entry_is_rebuilt(cache: Path, damage: Any) -> None:
    path = str(bundled_pack_paths()[0])
    fresh = _shape(read_yaml_file(path))
    yaml_cache.read_yaml_file_cached(path)
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    key, _, body = good.partition(b"\n")
    entry.write_bytes(damage(key, body))
    assert _shape(yaml_cache.read_yaml_file_cached(path)) == fresh
    assert entry.read_bytes() == good


def test_an_unwritable_cache_still_reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/dev/null/not-a-folder")
    path = str(bundled_pack_paths()[0])
    assert _shape(yaml_cache.read_yaml_file_cached(path)) == _shape(read_yaml_file(path))
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "no-such-home"))
    (tmp_path / "no-such-home").write_text("a file where the home folder should be")
    assert _shape(yaml_cache.read_yaml_file_cached(path)) == _shape(read_yaml_file(path))


_LINT_AND_LIST_YAML = """
import sys
from jwflint.cli import main
try:
    main(["lint", sys.argv[1]])
except SystemExit as done:
    print("EXIT", done.code, "YAML", sorted(m for m in sys.modules if m.split(".")[0] == "yaml"), file=sys.stderr)
"""


def _lint_in_a_fresh_process(workflow: Path, cache_home: Path) -> tuple[str, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    process = subprocess.run(
        [sys.executable, "-c", _LINT_AND_LIST_YAML, str(workflow)], capture_output=True, text=True, env=env, timeout=120
    )
    exit_, _, modules = process.stderr.strip().splitlines()[-1].partition(" YAML ")
    return exit_, modules


def test_a_default_lint_with_a_filled_cache_never_imports_pyyaml(tmp_path: Path) -> None:
    workflow = tmp_path / "workflow.xml"  # outside the repository: no config file is found for it
    workflow.write_bytes(DEMO.read_bytes())
    first_exit, first_modules = _lint_in_a_fresh_process(workflow, tmp_path / "cache")
    assert first_exit == "EXIT 1"  # the demo workflow has errors
    assert first_modules.startswith("['yaml'")  # the cache was empty: the packs were parsed
    assert _lint_in_a_fresh_process(workflow, tmp_path / "cache") == (first_exit, "[]")


_LINT_AND_LIST_PERMISSION_MODEL = """
import sys
from jwflint.cli import main
try:
    main(["lint", sys.argv[1]])
except SystemExit as done:
    print("EXIT", done.code, sorted(m for m in sys.modules if m.startswith(("jwflint.model.permissions",
          "jwflint.model.bot_access"))), file=sys.stderr)
"""


def test_a_lint_of_workflows_alone_never_imports_the_permission_model(tmp_path: Path) -> None:
    # Its ten dataclasses were a noticeable part of a cold start; only permission schemes (a scheme
    # document, or a catalogue that describes them) need it.
    workflow = tmp_path / "workflow.xml"
    workflow.write_bytes(DEMO.read_bytes())
    process = subprocess.run(
        [sys.executable, "-c", _LINT_AND_LIST_PERMISSION_MODEL, str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.stderr.strip().splitlines()[-1] == "EXIT 1 []"
