"""Random bot options keep the patch invariants: group/user/role names with markup, unicode, long
values and quotes; random suffixes, restrictions and targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from jwflint.config.settings import Config
from jwflint.core import jira
from jwflint.core.errors import JwflintError
from jwflint.lint.engine import Engine
from jwflint.patch import apply
from jwflint.patch.bot import BotOptions

from .conftest import FIXTURES
from .test_patch_corpus import assert_only_additions

INPUTS = [
    FIXTURES / "corpus" / "classic_default_workflow.xml",
    FIXTURES / "patch" / "cloud_cdata" / "input.xml",
    FIXTURES / "patch" / "crlf_tabs" / "input.xml",
    FIXTURES / "patch" / "compact" / "input.xml",
]
DATA = {path: path.read_bytes() for path in INPUTS}
ENGINE = Engine.from_config(Config())
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Text as users type it, plus markup, quotes, entities-lookalikes and characters XML cannot hold.
names = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from('<>&"\'; ]]>&amp;é中\U0001f600\t\n\r\x01'), min_size=1, max_size=30),
    st.text(min_size=200, max_size=400),
)
optional = st.none() | names


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(INPUTS),
    group=optional,
    user=optional,
    role=st.none() | st.integers(min_value=1, max_value=10**12).map(str),
    hide=st.booleans(),
    unassign=st.booleans(),
    suffix=st.one_of(st.just(" (bot)"), st.just(""), names),
    resolution=st.none() | st.integers(min_value=1, max_value=99999).map(str),
    screen=st.none() | st.integers(min_value=1, max_value=10**6),
)
def test_random_options_keep_the_invariants(
    path: Path,
    group: str | None,
    user: str | None,
    role: str | None,
    hide: bool,
    unassign: bool,
    suffix: str,
    resolution: str | None,
    screen: int | None,
) -> None:
    options = BotOptions(
        group=group,
        role=role,
        user=user,
        hide_from_users=hide,
        unassign_on_reopen=unassign,
        name_suffix=suffix,
        resolution=resolution,
        screen=screen,
        unrestricted=True,
        force=True,
    )
    data = DATA[path]
    # Group names are trimmed like the rules compare them (str.strip also drops \x1c-\x1f),
    # so only what survives the trim must be writable XML; suffixes are kept as given.
    unwritable = any(v and _NOT_XML.search(v) for v in ((group or "").strip(), suffix))
    if unwritable:
        with pytest.raises(JwflintError):
            apply.patch_bot(str(path), data, ENGINE, options)
        assert path.read_bytes() == data
        return
    outcome = apply.patch_bot(str(path), data, ENGINE, options)
    patched = outcome.patched
    assert_only_additions(data, patched)
    root = etree.fromstring(patched.lstrip())
    keys = [a.get("name").strip().casefold() for a in root.iter("action")]
    old_ids = {a.get("id") for a in etree.fromstring(data.lstrip()).iter("action")}
    new = [a for a in root.iter("action") if a.get("id") not in old_ids]
    assert len(new) == sum(1 for c in outcome.changes if c.startswith("added transition"))
    for action in new:
        assert keys.count(action.get("name").strip().casefold()) == 1  # a new name is unique
    for action in new:
        groups = [
            c.find("arg[@name='group']").text
            for c in action.iter("condition")
            if c.find("arg[@name='class.name']").text.strip() == jira.USER_IN_GROUP
        ]
        # Escaped, and parsed back to the very same name (trimmed, as Jira stores group names).
        assert groups == ([group.strip()] if group and group.strip() else [])
    again = apply.patch_bot(str(path), patched, ENGINE, options)
    assert again.patched == patched
