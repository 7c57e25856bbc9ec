"""``jwflint init``: write a starter ``.jwflint.yaml`` whose catalogue is pre-filled from workflow exports.

The file is generated as text so that it can carry comments (why each bucket was guessed, how
to fetch a screen's fields from Jira); every scalar that comes from an export goes through
``yaml.safe_dump`` so names with quotes, colons or non-ASCII characters load back unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import field
from pathlib import Path

import yaml

from jwflint.core import jira
from jwflint.core.errors import InputError, JwflintError
from jwflint.core.records import record
from jwflint.core.text import printable
from jwflint.model.buckets import BUCKETS, Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Workflow
from jwflint.sources import osworkflow_xml
from jwflint.sources.files import DEFAULT_MAX_BYTES, read_bytes
from jwflint.sources.registry import expand_paths
from jwflint.sources.xml_document import XMLSyntax, parse

CONFIG_NAME = ".jwflint.yaml"
MAX_USERS_LISTED = 4  # transitions named per screen comment; the rest are counted


@record
class StatusEntry:
    status_id: str
    name: str
    bucket: str | None
    reason: str
    used_in: list[str] = field(default_factory=list)  # workflow names
    other_names: list[str] = field(default_factory=list)


@record
class ScreenEntry:
    screen_id: int
    shown_by: dict[str, list[str]] = field(default_factory=dict)  # workflow name -> transition labels


@record
class Inventory:
    """What the starter catalogue lists: statuses by Jira status id, screens by id, in first-seen order."""

    sources: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # workflow names, as bot_workflows globs match them
    statuses: dict[str, StatusEntry] = field(default_factory=dict)
    screens: dict[int, ScreenEntry] = field(default_factory=dict)
    unmapped_steps: list[str] = field(default_factory=list)  # steps without jira.status.id

    @property
    def unplaced(self) -> list[StatusEntry]:
        """Statuses no bucket rule could place (neither Jira's default ids nor their names)."""
        return [entry for entry in self.statuses.values() if entry.bucket is None]

    def add(self, workflow: Workflow) -> None:
        self.sources.append(printable(workflow.path))
        self.names.append(workflow.name)
        buckets = Buckets(workflow, Catalogue())
        for status in workflow.statuses:
            if not status.status_id:
                self.unmapped_steps.append(f"{workflow.name}: {status.label}")
                continue
            name = buckets.status_name(status)
            entry = self.statuses.get(status.status_id)
            if entry is None:
                assignment = buckets.by_step.get(status.step_id) if status.step_id is not None else None
                entry = StatusEntry(
                    status_id=status.status_id,
                    name=name,
                    bucket=assignment.bucket if assignment else None,
                    reason=assignment.reason if assignment else "its name and status id match no bucket",
                )
                self.statuses[status.status_id] = entry
            elif name != entry.name and name not in entry.other_names:
                entry.other_names.append(name)
            if workflow.name not in entry.used_in:
                entry.used_in.append(workflow.name)
        for transition in workflow.transitions:
            if transition.screen is None:
                continue
            screen = self.screens.setdefault(transition.screen, ScreenEntry(transition.screen))
            screen.shown_by.setdefault(workflow.name, []).append(transition.label)


def load_workflows(paths: list[str]) -> list[Workflow]:
    """Named files must be workflow exports; XML in named folders that is not a workflow is skipped."""
    workflows: list[Workflow] = []
    for given in paths:
        from_folder = Path(given).is_dir()
        files = expand_paths([given], kinds=("xml",))  # init reads XML exports
        if from_folder and not files:
            raise InputError(f"{given}: no *.xml files in this folder")
        for path in files:
            workflow = _load(path, skip_other_xml=from_folder)
            if workflow is not None:
                workflows.append(workflow)
    return workflows


def _load(path: str, skip_other_xml: bool) -> Workflow | None:
    data = read_bytes(path, DEFAULT_MAX_BYTES)
    try:
        document = parse(path, data)
    except XMLSyntax as error:
        raise InputError(f"{path}:{error.line}:{error.column}: {error.message}") from None
    if document.root.tag != "workflow":
        if skip_other_xml:
            return None
        raise InputError(
            f"{path}: the root element is <{document.root.tag}>, not <workflow>: not a Jira workflow export"
        )
    return osworkflow_xml.build(document)


def _relative(path: str, base: Path | None) -> str:
    if base is None:
        return path
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def scalar(value: object) -> str:
    """One YAML flow scalar on one line, quoted only when needed (``yaml.safe_dump`` decides)."""
    # YAML folds U+2028 and friends into real line breaks; double quotes keep them as escapes.
    style = '"' if isinstance(value, str) and _LINE_BREAKING.search(value) else None
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, default_style=style, width=1 << 30)
    return text.strip()[1:-1]


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: one line, no control characters."""
    return _LINE_BREAKING.sub(" ", text).strip()


def _listing(items: list[str], limit: int = MAX_USERS_LISTED) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def render(inventory: Inventory, base: Path | None = None, bot_workflows: tuple[str, ...] = ()) -> str:
    """The config text; source paths are shown relative to ``base`` (the config's folder) when below it."""
    lines = ["# jwflint configuration, written by `jwflint init`."]
    if inventory.sources:
        sources = [_relative(source, base) for source in inventory.sources]
        lines.append("# " + comment(f"Catalogue pre-filled from: {_listing(sources, 6)}."))
    lines += [
        "# Review every entry: a Jira export does not carry status names, screen fields or the bot's identity.",
        "",
        "# Rule packs beyond the bundled structure, service-bot and jira packs (paths relative to this file).",
        "packs: []",
        "# profile: service-bot  # run one bundled pack only: service-bot or jira",
        "# Lowest severity that makes `jwflint lint` fail: error, warning, info or never.",
        "fail_on: error",
        "",
        *_bot_scope_lines(inventory, bot_workflows),
        "",
        "# Facts about your Jira instance that a workflow export does not carry.",
        "catalogue:",
        *_status_lines(inventory),
        "",
        *_screen_lines(inventory),
        "",
        "  # Resolution name -> id (GET /rest/api/3/resolution), e.g. {Done: '10000'}.",
        "  resolutions: {}",
        "  # done_resolution: Done  # the resolution the bot sets when it resolves",
        "",
        "  # The service-desk bot's identity: fill at least one, so the bot-* rules can check that",
        "  # the bot may run its transitions.",
        "  bot:",
        "    group: null  # the group the bot's account is in, e.g. service-desk-bots",
        "    role: null  # a project role id the bot holds, e.g. '10002'",
        "    user: null  # the bot's user name, key or Atlassian account id",
        "    # permissions: [BROWSE_PROJECTS, TRANSITION_ISSUES, RESOLVE_ISSUES, ASSIGN_ISSUES]  # when known",
    ]
    return "\n".join(lines) + "\n"


def _bot_scope_lines(inventory: Inventory, bot_workflows: tuple[str, ...]) -> list[str]:
    lines = [
        "# The workflows the service-desk bot uses: globs over paths (relative to this file) and workflow",
        "# names. The service-bot rules run on these only; without the key they run on every workflow.",
    ]
    if bot_workflows:
        return [*lines, f"bot_workflows: [{', '.join(scalar(glob) for glob in bot_workflows)}]"]
    read = _listing(sorted(set(inventory.names)), 6) or "none"
    return [*lines, comment(f"# bot_workflows: []  # the workflows read: {read}")]


def _status_lines(inventory: Inventory) -> list[str]:
    lines = [
        f"  # Jira status id -> name and bucket ({', '.join(BUCKETS)}; null leaves it to jwflint's guess).",
        "  # The buckets are jwflint's guesses (the comment says why): check them; written here they are facts.",
    ]
    if not inventory.statuses:
        return [*lines, "  statuses: {}"]
    lines.append("  statuses:")
    for entry in sorted(inventory.statuses.values(), key=_id_order):
        unplaced = f"TODO pick a bucket, no rule could place it: {entry.reason}"
        why = f"guessed from {entry.reason}" if entry.bucket else unplaced
        notes = [why, f"in {_listing(entry.used_in)}"]
        if entry.other_names:
            notes.append(f"also named {_listing(entry.other_names)}")
        value = f"{{name: {scalar(entry.name)}, bucket: {scalar(entry.bucket)}}}"
        lines.append(f"    {scalar(entry.status_id)}: {value}  # {comment('; '.join(notes))}")
    if inventory.unmapped_steps:
        steps = _listing(inventory.unmapped_steps)
        lines.append(comment(f"    # Steps without a jira.status.id (not listed): {steps}"))
    return lines


def _id_order(entry: StatusEntry) -> tuple[int, int, str]:
    text = entry.status_id
    # isdigit() accepts '²', which int() rejects: only ASCII digits are ids.
    return (0, int(text), text) if text.isascii() and text.isdigit() else (1, 0, text)


def _screen_lines(inventory: Inventory) -> list[str]:
    builtin = sorted(s for s in inventory.screens if s in jira.DEFAULT_SCREENS)
    custom = [s for s in inventory.screens.values() if s.screen_id not in jira.DEFAULT_SCREENS]
    lines = [
        "  # Fields on the screens your transitions show. Until a screen is listed here, checks that need",
        '  # its fields say "cannot verify" rather than guess; an empty list would claim it has no fields.',
        "  # Get a screen's fields from Jira (Server/Data Center: /rest/api/2/...):",
        "  #   GET /rest/api/3/screens/{id}/tabs                 -> the ids of its tabs",
        '  #   GET /rest/api/3/screens/{id}/tabs/{tabId}/fields  -> [{"id": "resolution", ...}, ...]',
        "  # then uncomment the screen and list the field ids, or save the JSON and write {rest: file.json}.",
    ]
    if builtin:
        names = ", ".join(f"{s} {jira.DEFAULT_SCREENS[s][0]}" for s in builtin)
        lines.append(f"  # Jira's seed screens ({names}) are assumed to hold their default fields; list to override.")
    lines.append("  screens:")
    for screen in sorted(custom, key=lambda s: s.screen_id):
        shown = "; ".join(f"{name}: {_listing(labels)}" for name, labels in screen.shown_by.items())
        lines.append(f"    # {screen.screen_id}: []  # fill in the field ids; {comment(f'shown by {shown}')}")
    if not custom:
        lines.append("    # 10000: [assignee, resolution]  # an example: these workflows show no instance screen")
    return lines


def write_starter(
    paths: list[str],
    target: str = CONFIG_NAME,
    force: bool = False,
    bot_workflows: tuple[str, ...] | Callable[[Inventory], tuple[str, ...]] = (),
) -> tuple[Path, Inventory]:
    """Write the starter config; refuses to replace an existing file unless ``force``.

    ``bot_workflows`` is the bot's scope, or a function that asks for it once the workflows are read.
    """
    from jwflint.config.settings import load_config
    from jwflint.core.files import write_atomic

    destination = Path(target)
    if destination.is_dir():
        raise JwflintError(f"{destination} is a folder; give a file name")
    if destination.exists() and not force:
        raise JwflintError(f"{destination} already exists; use --force to overwrite it")
    from jwflint.core.outputs import Output, check_outputs

    # --force replaces a config, never a workflow this run reads.
    check_outputs([Output("-o", target)], expand_paths(paths)).prepare()
    inventory = Inventory()
    for workflow in load_workflows(paths):
        inventory.add(workflow)
    scope = bot_workflows(inventory) if callable(bot_workflows) else bot_workflows
    umask = os.umask(0)
    os.umask(umask)
    # A config is committed and shared: the usual 0644, not the private mode of a temporary file.
    text = render(inventory, destination.parent, scope)
    write_atomic(destination, text.encode("utf-8"), mode=0o666 & ~umask)
    load_config(destination)  # what we wrote must load: a failure here is a bug, not the user's
    return destination, inventory
