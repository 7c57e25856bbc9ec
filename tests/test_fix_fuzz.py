"""Hypothesis: workflows changed the way admins and apps change them (args and attributes removed,
functions and conditions added, elements duplicated or moved) go through lint, fix, patch bot and
render without an uncaught exception, and what fix and patch write is well-formed XML.

test_fuzz_parser breaks the syntax; this breaks the meaning, where the fixers and the renderers
take paths no corpus file takes (an Update Issue Field without its value once crashed `fix`).
Examples are derandomized so CI runs are repeatable.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from jwflint.config.settings import parse_config
from jwflint.config.yaml_source import load_yaml
from jwflint.core import jira
from jwflint.core.errors import InputError, JwflintError
from jwflint.lint.engine import Engine
from jwflint.patch import apply, formats
from jwflint.patch.bot import BotOptions
from jwflint.render import api as render_api
from jwflint.render.source import Loaded

from .conftest import FIXTURES
from .test_patch_fixers import workflow

CONFIG = """
catalogue:
  resolutions: {Done: "10000", "Won't Do": "10001"}
  bot: {group: service-bots, role: "10002"}
"""
WITH_CATALOGUE = Engine.from_config(parse_config(load_yaml(CONFIG, "c.yaml"), "c.yaml"))
PLAIN = Engine.from_config(parse_config(load_yaml("{}", "c.yaml"), "c.yaml"))

SEEDS = [
    workflow(),  # the fixers' own workflow: every bot rule finds something in it
    (FIXTURES / "corpus" / "classic_default_workflow.xml").read_bytes(),
    (FIXTURES / "patch" / "common_actions" / "input.xml").read_bytes(),
    (FIXTURES / "demo" / "service_desk.xml").read_bytes(),
]


def _function(class_name: str, **args: str) -> str:
    parts = "".join(f'<arg name="{name.replace("_", ".")}">{value}</arg>' for name, value in args.items())
    return f'<function type="class"><arg name="class.name">{class_name}</arg>{parts}</function>'


def _condition(class_name: str, negate: bool = False, **args: str) -> str:
    parts = "".join(f'<arg name="{name.replace("_", ".")}">{value}</arg>' for name, value in args.items())
    flag = ' negate="true"' if negate else ""
    return f'<condition type="class"{flag}><arg name="class.name">{class_name}</arg>{parts}</condition>'


# What gets added: the functions and conditions the bot rules read, whole and with parts missing.
INSERTS = [
    _function(jira.UPDATE_ISSUE_FIELD, field_name="resolution"),
    _function(jira.UPDATE_ISSUE_FIELD, field_name="resolution", field_value="10001"),
    _function(jira.UPDATE_ISSUE_FIELD, field_name="assignee", field_value="bob"),
    _function(jira.UPDATE_ISSUE_FIELD, field_name="assignee"),
    _function(jira.UPDATE_ISSUE_FIELD),
    _function(jira.FIRE_ISSUE_EVENT, eventTypeId="x"),
    _function(jira.FIRE_ISSUE_EVENT),
    _function(jira.ASSIGN_FUNCTIONS[0]),
    '<function type="class"><arg name="field.name">resolution</arg></function>',
    _condition(jira.USER_IN_GROUP, group="service-bots"),
    _condition(jira.USER_IN_GROUP),
    _condition(jira.IN_PROJECT_ROLE, jira_projectrole_id="10002"),
    _condition(jira.PERMISSION_CONDITION, negate=True, permission="RESOLVE_ISSUES"),
    '<conditions type="AND"/>',
    "<conditions/>",
    '<conditions type="OR"><conditions/></conditions>',
    "<post-functions/>",
    '<unconditional-result old-status="null" status="null" step="1"/>',
]
CONTAINERS = ("post-functions", "conditions", "validators", "results", "restrict-to", "actions", "global-actions")
PLACES = {
    "function": ("post-functions",),
    "condition": ("conditions",),
    "conditions": ("restrict-to", "conditions"),
    "post-functions": ("unconditional-result",),
    "unconditional-result": ("results",),
}
TEXTS = ["", " ", "0", "-1", "10000", "abc", "resolution", "assignee", jira.UPDATE_ISSUE_FIELD]
VALUES = ["", " ", "-1", "0", "x", "99999", "1.5", "005"]
ARG_NAMES = ["field.value", "field.name", "class.name", "eventTypeId", "group", "permission", ""]


def _mutated(data: bytes, rng: random.Random, count: int) -> bytes:
    """``count`` changes, each picked with ``rng``: removing an element, an attribute or an arg,
    duplicating, emptying or moving an element, rewriting a text, an attribute or an arg's name,
    or inserting one of INSERTS where such an element goes."""
    root = etree.fromstring(data.lstrip())
    for _ in range(count):
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        if not elements:
            break
        element = rng.choice(elements)
        parent = element.getparent()
        names = list(element.attrib)
        what = rng.randrange(13)
        if what == 0:
            parent.remove(element)
        elif what == 1 and names:
            del element.attrib[rng.choice(names)]
        elif what == 2:
            parent.insert(parent.index(element), etree.fromstring(etree.tostring(element)))
        elif what == 3:
            element.text = rng.choice(TEXTS)
        elif what == 4 and names:
            element.set(rng.choice(names), rng.choice(VALUES))
        elif what == 5 and element.tag == "arg":
            element.set("name", rng.choice(ARG_NAMES))
        elif what == 6:
            for child in list(element):
                element.remove(child)
        elif what == 7:
            other = rng.choice(elements)
            if other is not element and other is not parent and element not in other.iterancestors():
                other.append(element)
        elif what == 8:  # an arg missing from its function or condition: the likeliest hand edit
            args = [e for e in elements if e.tag == "arg"]
            if args:
                arg = rng.choice(args)
                arg.getparent().remove(arg)
        else:  # an insert, where such an element goes (mostly) or anywhere
            insert = etree.fromstring(rng.choice(INSERTS))
            containers = list(root.iter(*(PLACES.get(insert.tag, CONTAINERS) if what < 12 else CONTAINERS)))
            if containers:
                container = rng.choice(containers)
                container.insert(rng.randint(0, len(container)), insert)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _well_formed_or_same(patched: bytes, data: bytes) -> None:
    if patched != data:
        etree.fromstring(patched)


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, len(SEEDS) - 1), rng=st.randoms(use_true_random=False), count=st.integers(1, 5))
def test_changed_workflows_lint_fix_patch_and_render(seed: int, rng: random.Random, count: int) -> None:
    data = _mutated(SEEDS[seed], rng, count)
    result = WITH_CATALOGUE.lint_bytes("w.xml", data)
    assert not result.failed
    # JwflintError is a refusal with a message (a managed workflow, a patch that does not verify).
    for engine, unsafe in ((WITH_CATALOGUE, True), (PLAIN, False)):
        with contextlib.suppress(JwflintError):
            _well_formed_or_same(apply.fix("w.xml", data, engine, unsafe, BotOptions()).patched, data)
    with contextlib.suppress(JwflintError):
        patched = apply.patch_bot("w.xml", data, WITH_CATALOGUE, BotOptions(unrestricted=True)).patched
        _well_formed_or_same(patched, data)
    if result.workflow is not None:
        loaded = Loaded("w.xml", result.workflow, result.findings, WITH_CATALOGUE.config.catalogue)
        for output_format in ("dot", "mermaid", "html"):
            assert render_api.render_loaded(loaded, output_format)



# --- Cloud workflow JSON --------------------------------------------------------------------------

JSON_SEEDS = [
    json.loads((FIXTURES / "patch" / name / "input.json").read_bytes())
    for name in ("cloud-json-group", "cloud-json-api-only-compact", "cloud-fix-unsafe")
]
# What a hand edit or another tool may leave where Jira writes something else.
JSON_VALUES: list[Any] = [None, "", " ", 0, -1, "10000", [], {}, "x", True, "system:update-field", "GLOBAL"]


def _json_nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_nodes(item, (*path, index))


def _json_mutated(document: Any, rng: random.Random, count: int) -> bytes:
    """``count`` changes: a member or item removed, replaced by another JSON value, duplicated, or
    an object or array emptied."""
    document = copy.deepcopy(document)
    for _ in range(count):
        nodes = [(p, v) for p, v in _json_nodes(document) if p]
        # Mostly inside transitions, where the rules, the fixers and the request look.
        inside = [(p, v) for p, v in nodes if "transitions" in p[:-1]]
        path, value = rng.choice(inside if inside and rng.random() < 0.8 else nodes)
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        what = rng.randrange(4)
        if what == 0:
            del parent[key]
        elif what == 1:
            parent[key] = copy.deepcopy(rng.choice(JSON_VALUES))
        elif what == 2 and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))
        elif isinstance(value, (dict, list)):
            value.clear()
    return json.dumps(document, indent=2).encode()


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, len(JSON_SEEDS) - 1), rng=st.randoms(use_true_random=False), count=st.integers(1, 4))
def test_changed_cloud_documents_lint_fix_patch_and_render(seed: int, rng: random.Random, count: int) -> None:
    data = _json_mutated(JSON_SEEDS[seed], rng, count)
    result = WITH_CATALOGUE.lint_bytes("w.json", data)
    # InputError and JwflintError are refusals with a one-line message (exit code 2).
    for unsafe in (True, False):
        with contextlib.suppress(JwflintError, InputError):
            cloud = formats.CloudOptions(update_request="u.json") if unsafe else None
            _well_formed_json_or_same(formats.fix("w.json", data, WITH_CATALOGUE, unsafe, BotOptions(), cloud), data)
    for options, cloud in (
        (BotOptions(unrestricted=True), formats.CloudOptions(update_request="u.json")),
        (BotOptions(group="g"), formats.CloudOptions(api_only=True)),
    ):
        with contextlib.suppress(JwflintError, InputError):
            _well_formed_json_or_same(formats.patch_bot("w.json", data, WITH_CATALOGUE, options, cloud), data)
    if result.workflow is not None:
        loaded = Loaded("w.json", result.workflow, result.findings, WITH_CATALOGUE.config.catalogue)
        for output_format in ("dot", "mermaid", "html"):
            assert render_api.render_loaded(loaded, output_format)


def _well_formed_json_or_same(outcome: Any, data: bytes) -> None:
    if outcome.patched != data:
        json.loads(outcome.patched)
    request = getattr(outcome, "update_request", None)
    if request is not None:
        json.dumps(request)
