"""Precompiled templates (core/templating.py): compiled once into the user cache, same output as the sources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from jwflint.core import templating
from jwflint.core.resources import templates_dir
from jwflint.render.api import render_file

WORKFLOW = Path(__file__).resolve().parent.parent / "fixtures" / "demo" / "service_desk.xml"


@pytest.fixture(autouse=True)
def fresh_environment() -> Iterator[None]:
    templating.environment.cache_clear()
    yield
    templating.environment.cache_clear()


def test_templates_compile_once_into_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    env = templating.environment()
    (folder,) = (tmp_path / "jwflint").glob("templates-*")
    names = sorted(p.relative_to(templates_dir()).as_posix() for p in templates_dir().rglob("*.j2"))
    assert len(list(folder.glob("tmpl_*.py"))) == len(names)
    compiled = jinja2.ModuleLoader(str(folder))
    for name in names:
        compiled.load(env, name)  # every template loads without its source
    templating.environment.cache_clear()
    templating.environment()
    assert list((tmp_path / "jwflint").glob("templates-*")) == [folder]  # the next start compiles nothing


def test_a_diagram_is_the_same_compiled_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    render_file(str(WORKFLOW), str(tmp_path / "compiled.dot"))
    assert list((tmp_path / "cache" / "jwflint").glob("templates-*/tmpl_*.py"))
    templating.environment.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", "/dev/null/not-a-folder")  # unwritable: sources compiled in memory
    render_file(str(WORKFLOW), str(tmp_path / "source.dot"))
    assert (tmp_path / "compiled.dot").read_text() == (tmp_path / "source.dot").read_text()
    assert "digraph" in (tmp_path / "source.dot").read_text()
