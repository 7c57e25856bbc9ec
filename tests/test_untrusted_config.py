"""Configs and rule packs are untrusted input (issue 17): every failure is one line and exit 2.

Alias bombs under any key, nesting thousands deep, values of the wrong type, invalid
pyproject.toml files and hostile message templates; and a property test that feeds generated
YAML to the config and pack loaders and accepts only exit codes 0-2.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwflint.cli import cli
from jwflint.config.catalogue_file import BOT_KEYS, CATALOGUE_KEYS, SCREEN_KEYS, STATUS_KEYS
from jwflint.config.settings import CONFIG_KEYS, SUPPRESSION_KEYS

from .conftest import FIXTURES

WORKFLOW = FIXTURES / "rules" / "any-to-resolved" / "fail.xml"
PACK_HEAD = "- id: my-rule\n  summary: s\n  check: model_problem\n  args: {kind: missing-steps}\n"

# A 10^7-node "billion laughs" in a few hundred bytes; PLACE is where the bomb goes off.
BOMB = "\n".join(
    [
        'x0: &a0 ["x","x","x","x","x","x","x","x","x","x"]',
        *(f"x{n}: &a{n} [{','.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)),
    ]
)
BOMB_PLACES = [
    "severity: {any-to-resolved: *a6}",
    "fail_on: *a6",
    "profile: *a6",
    "max_file_size: *a6",
    "catalogue: {screens: *a6}",
    "catalogue: {statuses: {'1': {name: *a6}}}",
    "catalogue: {statuses: {'1': *a6}}",
    "catalogue: {done_resolution: *a6}",
    "catalogue: {bot: {group: *a6}}",
    "suppressions: [{workflow: '*', rule: any-to-resolved, reason: *a6}]",
]


def lint(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["lint", str(WORKFLOW), *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stderr


def config_error(tmp_path: Path, text: str, name: str = "c.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    code, stderr = lint("--config", path)
    assert code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jwflint: error: {path}"), stderr
    return lines[0].removeprefix(f"jwflint: error: {path}")


@pytest.mark.parametrize("place", BOMB_PLACES)
def test_an_alias_bomb_is_refused_under_every_key(tmp_path: Path, place: str) -> None:
    # The anchors sit under an unknown key, which would be an error too: the bomb is refused first.
    document = "\n".join(f"  {line}" for line in BOMB.splitlines())
    started = time.monotonic()
    message = config_error(tmp_path, f"_:\n{document}\n{place}\n")
    assert time.monotonic() - started < 60  # a bound on a hang (hours), not a speed assertion
    assert message.startswith(":1: aliases expand to 2345"), message
    assert message.endswith("nodes, more than 10000 beyond the document's own")


def test_aliases_that_repeat_a_small_node_are_fine(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("select: &rules [any-to-resolved]\nignore: []\nper_path_ignores: {'*.txt': *rules}\n")
    assert lint("--config", config)[0] == 1


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert config_error(tmp_path, "severity: &a {r: *a}\n") == ":1: an alias refers to a node that contains it"


@pytest.mark.parametrize("depth", [100, 5_000, 200_000])
@pytest.mark.parametrize("kind", ["config", "pack", "toml"])
def test_nesting_thousands_deep_is_refused(tmp_path: Path, depth: int, kind: str) -> None:
    deep = "[" * depth + "]" * depth
    if kind == "config":
        message = config_error(tmp_path, f"severity: {deep}\n")
    elif kind == "toml":
        project = tmp_path / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text(f"[tool.jwflint]\nseverity = {deep}\n")
        (project / "w.xml").write_bytes(WORKFLOW.read_bytes())
        result = CliRunner().invoke(cli, ["lint", str(project / "w.xml")], catch_exceptions=False)
        assert result.exit_code == 2
        message = result.stderr
    else:
        pack = tmp_path / "pack.yaml"
        pack.write_text(PACK_HEAD + f"  given: {deep}\n")
        code, message = lint("--pack", pack)
        assert code == 2
    assert "nested more than 64 levels deep" in message
    assert "internal error" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "catalogue: {buckets: {resolved: 5}}\n",
            ":1: bucket resolved must list status names or ids, e.g. [Done, '10005'], not 5",
        ),
        (
            "catalogue:\n  statuses: null\n",
            ":2: catalogue.statuses has no value: give one, write {} for none, or remove the key",
        ),
        ("required_resolution_fields: 5\n", ":1: required_resolution_fields must be a list of strings"),
        ("required_resolution_fields: [5]\n", ":1: required_resolution_fields must be a list of strings"),
        ("select:\n", ":1: select has no value: give one or remove the key"),
        (
            "severity: {any-to-resolved: [error]}\n",
            ":1: severity of any-to-resolved is ['error']: write error, warning or info",
        ),
        ("fail_on: [error]\n", ":1: fail_on is ['error']; expected one of: error, warning, info, never"),
        ("catalogue: {done_resolution: [Done]}\n", ":1: done_resolution must be a single value, not ['Done']"),
        ("catalogue: {statuses: {'1': {name: [Open]}}}\n", ":1: name must be a single value, not ['Open']"),
        ("catalogue: {screens: {'1': {rest: [a.json]}}}\n", ":1: rest must be a single value, not ['a.json']"),
    ],
)
def test_config_values_of_the_wrong_type_are_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert config_error(tmp_path, text) == expected


def test_screens_left_empty_by_init_are_accepted(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("catalogue:\n  screens:\n    # 10000: [assignee, resolution]\n")
    assert lint("--config", config)[0] == 1


@pytest.mark.parametrize(
    "text",
    ["[tool.jwflint\nfail_on = 'error'\n", "not toml at all = = =\n", "[project]\nname = 'x'\n[project]\n"],
)
def test_an_invalid_pyproject_toml_is_an_error_not_ignored(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "w.xml").write_bytes(WORKFLOW.read_bytes())
    result = CliRunner().invoke(cli, ["lint", str(tmp_path / "w.xml")], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"jwflint: error: {tmp_path / 'pyproject.toml'}")
    assert "invalid TOML" in result.stderr


def test_a_valid_pyproject_toml_without_the_table_is_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "w.xml").write_bytes(WORKFLOW.read_bytes())
    assert CliRunner().invoke(cli, ["lint", str(tmp_path / "w.xml")]).exit_code == 1


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("'{detail'", "message is not a valid template (expected '}' before end of string; write {{ and }} for"),
        ("'}'", "message is not a valid template (Single '}' encountered in format string;"),
        ("'{detail:>1000000000}'", "message pads or cuts {detail} to more than 200 characters"),
        ("'{detail:.999}'", "message pads or cuts {detail} to more than 200 characters"),
        ("'{detail:{message}}'", "message formats {detail} with '{message}', which is not a plain width or precision"),
        ("'{detail.__class__}'", "message uses {detail.__class__}, which check model_problem does not provide"),
        ("'{0}'", "message uses {0}, which check model_problem does not provide"),
    ],
)
@pytest.mark.parametrize("command", ["lint", "rules", "explain"])
def test_hostile_message_templates_are_refused_at_load(
    tmp_path: Path, template: str, expected: str, command: str
) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK_HEAD + f"  message: {template}\n")
    args = {"lint": ["lint", str(WORKFLOW)], "rules": ["rules"], "explain": ["explain", "my-rule"]}[command]
    result = CliRunner().invoke(cli, [*args, "--pack", str(pack)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"jwflint: error: {pack}:5: {expected}")


def test_a_small_width_in_a_message_template_is_kept(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK_HEAD + "  message: '[{detail:>12.5}] {message!r}'\n")
    result = CliRunner().invoke(cli, ["explain", "my-rule", "--pack", str(pack)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


# --- property test: generated YAML never makes the loaders fail other than with exit 0-2 ---

# The loaders' own key lists, so a key added to the config or catalogue is fuzzed too, plus the
# rule-pack keys and values that reach deeper branches (bucket names, severities, rule ids).
KEYS = st.sampled_from(
    sorted(
        {
            *CONFIG_KEYS,
            *SUPPRESSION_KEYS,
            *CATALOGUE_KEYS,
            *BOT_KEYS,
            *STATUS_KEYS,
            *SCREEN_KEYS,
            "id",
            "summary",
            "check",
            "args",
            "message",
            "given",
            "docs",
            "fix",
            "rules",
            "pack",
            "kind",
            "resolved",
            "error",
            "any-to-resolved",
            "model_problem",
            "*",
            "1",
        }
    )
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    KEYS,
    st.text(max_size=20),
    st.sampled_from(["{detail", "{detail:>999999}", "{message}", "99999999999999999999GB", "error", "Done"]),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.one_of(KEYS, st.integers()), children, max_size=5)
    ),
    max_leaves=30,
)


def _run_generated(tmp_path: Path, document: object, as_pack: bool) -> int:
    path = tmp_path / ("pack.yaml" if as_pack else "config.yaml")
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    option = "--pack" if as_pack else "--config"
    result = CliRunner().invoke(cli, ["lint", str(WORKFLOW), option, str(path)])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, path.read_text())
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    if result.exit_code == 2:
        assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.exit_code


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(document=st.one_of(DOCUMENTS, st.dictionaries(KEYS, DOCUMENTS, max_size=6)))
def test_generated_configs_exit_0_to_2(tmp_path: Path, document: object) -> None:
    _run_generated(tmp_path, document, as_pack=False)


RULES = st.fixed_dictionaries(
    {"id": st.sampled_from(["my-rule", "x", "Bad Id"]), "summary": SCALARS, "check": KEYS},
    optional={
        "args": DOCUMENTS,
        "message": SCALARS,
        "given": DOCUMENTS,
        "docs": DOCUMENTS,
        "fix": DOCUMENTS,
        "severity": SCALARS,
    },
)


@PROPERTY
@given(document=st.one_of(DOCUMENTS, st.lists(st.one_of(RULES, DOCUMENTS), max_size=3)))
def test_generated_packs_exit_0_to_2(tmp_path: Path, document: object) -> None:
    _run_generated(tmp_path, document, as_pack=True)
