"""The wheel: it carries every rule pack, template and schema, and works installed outside the repo."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, corpus_files

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The backend is already installed in the dev venv: build without fetching it again.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
    built = _run([sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", str(out), str(REPO)], cwd=out)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheels = list(out.glob("jwflint-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with only the wheel installed in it.

    Dependencies come from the dev venv's site-packages, named as a plain path in a .pth
    file: a plain path is not a site directory, so the dev venv's editable-install hook
    (which points at the repository) is not run.
    """
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    pip = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        cwd=venv.parent,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv.parent)
    dependencies = sysconfig.get_paths()["purelib"]
    Path(site.stdout.strip(), "dev-dependencies.pth").write_text(dependencies + "\n", encoding="utf-8")
    return venv


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_wheel_carries_rules_templates_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted((REPO / "rules").glob("*.yaml"))
    assert packs, "no rule packs in the repository"
    for pack in packs:
        assert f"jwflint/_bundled/rules/{pack.name}" in names
    for template in sorted((REPO / "templates").rglob("*.j2")):
        assert f"jwflint/_bundled/templates/{template.relative_to(REPO / 'templates').as_posix()}" in names
    for schema in sorted((REPO / "jwflint" / "schemas").glob("*.json")):
        assert f"jwflint/schemas/{schema.name}" in names
    for module in sorted((REPO / "jwflint").glob("*.py")):
        assert f"jwflint/{module.name}" in names
    assert not [name for name in names if name.startswith(("tests/", "fixtures/")) or "__pycache__" in name]
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "jwflint = jwflint.cli:console_main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_finds_its_bundled_rules(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    probe = _run(
        [
            str(python),
            "-c",
            "import jwflint, jwflint.core.resources as r; print(jwflint.__file__); print(r.rules_dir()); "
            "print(r.templates_dir()); print(sorted(p.name for p in r.rules_dir().glob('*.yaml')))",
        ],
        cwd=tmp_path,
        env=_env(),
    )
    assert probe.returncode == 0, probe.stderr
    module, rules_dir, templates_dir, packs = probe.stdout.splitlines()
    assert Path(module).is_relative_to(installed)
    assert Path(rules_dir) == Path(module).parent / "_bundled" / "rules"
    assert Path(templates_dir) == Path(module).parent / "_bundled" / "templates"
    assert packs == repr(sorted(p.name for p in (REPO / "rules").glob("*.yaml")))
    assert str(REPO) not in probe.stdout


def test_installed_jwflint_lints_from_outside_the_repository(installed: Path, tmp_path: Path) -> None:
    jwflint = str(installed / "bin" / "jwflint")
    failing = tmp_path / "dangling.xml"
    shutil.copy(FIXTURES / "rules" / "dangling-step-reference" / "fail.xml", failing)
    run = _run([jwflint, "lint", "--select", "dangling-step-reference", failing.name], cwd=tmp_path, env=_env())
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines()[0].startswith("dangling.xml:35:13: error [dangling-step-reference] ")
    assert "Traceback" not in run.stderr
    version = _run([jwflint, "--version"], cwd=tmp_path, env=_env())
    assert version.returncode == 0 and version.stdout.startswith("jwflint")
    export = corpus_files()[0] if corpus_files() else failing
    whole = _run([jwflint, "lint", "--format", "json", "--fail-on", "never", str(export)], cwd=tmp_path, env=_env())
    assert whole.returncode == 0, whole.stderr
    assert '"findings"' in whole.stdout


def test_installed_rules_command_lists_every_bundled_rule(installed: Path, tmp_path: Path) -> None:
    jwflint = str(installed / "bin" / "jwflint")
    commands = _run([jwflint, "--help"], cwd=tmp_path, env=_env())
    assert commands.returncode == 0
    if "  rules " not in commands.stdout:
        pytest.skip("this version has no `jwflint rules` command")
    listed = _run([jwflint, "rules"], cwd=tmp_path, env=_env())
    assert listed.returncode == 0, listed.stderr
    import yaml

    for pack in sorted((REPO / "rules").glob("*.yaml")):
        document = yaml.safe_load(pack.read_text(encoding="utf-8"))
        rules = document["rules"] if isinstance(document, dict) else document
        for rule in rules:
            assert rule["id"] in listed.stdout
