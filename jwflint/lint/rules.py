"""Rule packs: YAML files of rules, each naming a check from the closed vocabulary.

A pack is validated as it loads; any problem is a ConfigError naming the file, the line and
the field, so a typo never surfaces halfway through a run.
"""

from __future__ import annotations

import contextlib
import os
import re
import string
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from jwflint.config.settings import Config
from jwflint.config.yaml_cache import read_yaml_file_cached
from jwflint.config.yaml_source import LineDict, line_of, read_yaml_file
from jwflint.core.errors import ConfigError
from jwflint.core.findings import Severity
from jwflint.core.records import record
from jwflint.core.resources import rules_dir
from jwflint.lint.checks import CHECKS
from jwflint.lint.checks.base import Arg, Check, Problem
from jwflint.lint.selectors import Selector, parse_selector
from jwflint.model.workflow import FORMATS

RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RULE_FIELDS = ("id", "summary", "severity", "given", "check", "args", "message", "docs", "fix", "formats")
DOC_FIELDS = ("why", "bad", "good", "how_to_fix", "see")
FIX_FIELDS = ("safe", "description")

# Packs shipped with jwflint, in the order their rules are listed.
BUNDLED_PACKS = ("structure", "service-bot", "bot-account", "jira")


@record(frozen=True)
class Fix:
    """A rule's automatic fix: whether `jwflint fix` applies it by default (safe) and what it does."""

    safe: bool
    description: str = ""


@record(frozen=True)
class Rule:
    """One rule of a pack: an id, a severity and docs over a check with its arguments and selector."""

    id: str
    summary: str
    severity: Severity
    check: Check
    selector: Selector
    args: dict[str, Any]
    pack: str
    source: str  # file:line where the rule is defined
    message: str | None = None
    docs: dict[str, str] = field(default_factory=dict)
    fix: Fix | None = None
    # The source formats the rule has a meaning for (model.workflow.FORMATS); it does not run on
    # the others (e.g. Jira's built-in post-functions, which Cloud JSON does not list).
    formats: tuple[str, ...] = FORMATS

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def severity_for(self, problem: Problem) -> Severity:
        """The rule's severity for one problem, before a config override: a problem may lower it."""
        return min(self.severity, problem.severity or self.severity)

    def message_for(self, problem: Problem) -> str:
        """The rule's message template filled with the problem's values (or the check's own message),
        then the problem's note in parentheses."""
        text = problem.message
        if self.message is not None:
            with contextlib.suppress(KeyError, IndexError, ValueError):  # a bad template: the check's text
                text = self.message.format(message=problem.message, **problem.values)
        return f"{text} ({problem.note})" if problem.note else text


# A message template may pad or cut a value for alignment, but a pack is untrusted input:
# '{detail:>1000000000}' would build a gigabyte per finding.
MAX_TEMPLATE_WIDTH = 200
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[sdr]?")


def template_problem(template: str, fields: set[str], provider: str) -> str | None:
    """Why a message template cannot be used, or None: only the named fields, small widths, balanced braces."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        return f"message is not a valid template ({error}; write {{{{ and }}}} for literal braces)"
    for _, name, spec, _ in parts:
        if name is None:
            continue
        if name not in fields:
            return (
                f"message uses {{{name}}}, which {provider} does not provide (it provides: {', '.join(sorted(fields))})"
            )
        match = _FORMAT_SPEC.fullmatch(spec or "")
        if match is None:
            return f"message formats {{{name}}} with {spec!r}, which is not a plain width or precision"
        sizes = [int(v) for v in (match.group("width"), match.group("precision")) if v]
        if any(size > MAX_TEMPLATE_WIDTH for size in sizes):
            return f"message pads or cuts {{{name}}} to more than {MAX_TEMPLATE_WIDTH} characters"
    return None


def bundled_pack_paths() -> list[Path]:
    base = rules_dir()
    return [base / f"{name}.yaml" for name in BUNDLED_PACKS if (base / f"{name}.yaml").is_file()]


def _bundled(path: str) -> bool:
    return os.path.dirname(os.path.abspath(path)) == str(rules_dir())


def load_pack(path: Path | str) -> list[Rule]:
    path = str(path)
    # The bundled packs are read on every run: parsed once, then from the user's cache (no PyYAML).
    data = read_yaml_file_cached(path) if _bundled(path) else read_yaml_file(path)
    pack = Path(path).stem
    if isinstance(data, dict) and "rules" in data:
        name = data.get("pack", pack)
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{path}:{line_of(data, 'pack')}: pack must be a name")
        pack = name
        data = data["rules"]
    if not isinstance(data, list):
        raise ConfigError(f"{path}:{line_of(data)}: a rule pack is a list of rules (or a mapping with 'rules:')")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(data):
        item_line = data.item_lines[index] if hasattr(data, "item_lines") else 0
        rule = _load_rule(entry, path, pack, item_line)
        if rule.id in seen:
            raise ConfigError(f"{path}:{item_line}: rule id {rule.id!r} is already defined at line {seen[rule.id]}")
        seen[rule.id] = item_line
        rules.append(rule)
    return rules


def _load_rule(entry: Any, path: str, pack: str, item_line: int) -> Rule:
    def fail(key: str | None, message: str) -> ConfigError:
        line = line_of(entry, key) if isinstance(entry, LineDict) else item_line
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        where = f" (rule {rule_id!r})" if rule_id else ""
        return ConfigError(f"{path}:{line or item_line}: {message}{where}")

    if not isinstance(entry, dict):
        raise fail(None, "each rule must be a mapping")
    unknown = [k for k in entry if k not in RULE_FIELDS]
    if unknown:
        raise fail(unknown[0], f"unknown field {unknown[0]!r} (expected one of: {', '.join(RULE_FIELDS)})")
    for required in ("id", "summary", "check"):
        if required not in entry:
            raise fail(None, f"missing required field {required!r}")
    rule_id = entry["id"]
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise fail("id", f"id {rule_id!r} must be kebab-case (lowercase words joined by '-')")
    if not isinstance(entry["summary"], str) or not entry["summary"].strip():
        raise fail("summary", "summary must be a non-empty string")
    try:
        severity = Severity.parse(str(entry.get("severity", "warning")))
    except ValueError as error:
        raise fail("severity", str(error)) from None
    check = CHECKS.get(str(entry["check"]))
    if check is None:
        raise fail("check", f"unknown check {entry['check']!r} (expected one of: {', '.join(sorted(CHECKS))})")
    args = _validate_args(entry.get("args") or {}, check, lambda m: fail("args", m))
    selector, reason = parse_selector(entry.get("given"), check.scope)
    if selector is None:
        raise fail("given", f"invalid given: {reason}")
    message = entry.get("message")
    if message is not None:
        if not isinstance(message, str):
            raise fail("message", "message must be a string")
        problem = template_problem(message, set(check.values) | {"message"}, f"check {check.name}")
        if problem:
            raise fail("message", problem)
    docs = entry.get("docs") or {}
    if not isinstance(docs, dict):
        raise fail("docs", "docs must be a mapping")
    for key in docs:
        if key not in DOC_FIELDS:
            raise fail("docs", f"unknown docs field {key!r} (expected one of: {', '.join(DOC_FIELDS)})")
        if not isinstance(docs[key], str):
            raise fail("docs", f"docs.{key} must be text")
    fix = _parse_fix(entry.get("fix"), check, lambda m: fail("fix", m))
    formats = _parse_formats(entry.get("formats"), lambda m: fail("formats", m))
    return Rule(
        id=rule_id,
        summary=entry["summary"].strip(),
        severity=severity,
        check=check,
        selector=selector,
        args=args,
        pack=pack,
        source=f"{path}:{item_line}",
        message=message,
        docs={k: str(v).strip() for k, v in docs.items()},
        fix=fix,
        formats=formats,
    )


def _parse_formats(value: Any, fail: Any) -> tuple[str, ...]:
    """``formats:`` is a list of source formats (default: all of them)."""
    if value is None:
        return FORMATS
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise fail(f"formats must be a non-empty list of: {', '.join(FORMATS)}")
    for name in names:
        if name not in FORMATS:
            raise fail(f"unknown format {name!r} (expected one of: {', '.join(FORMATS)})")
    return tuple(f for f in FORMATS if f in names)


def _parse_fix(value: Any, check: Check, fail: Any) -> Fix | None:
    if value is None or value is False:
        return None
    if not check.fixable:
        raise fail(f"check {check.name} offers no fix")
    if value is True:
        return Fix(safe=check.fix_safe)
    if not isinstance(value, dict):
        raise fail("fix must be true, false or a mapping with 'safe' and 'description'")
    unknown = [k for k in value if k not in FIX_FIELDS]
    if unknown:
        raise fail(f"unknown fix field {unknown[0]!r} (expected one of: {', '.join(FIX_FIELDS)})")
    safe = value.get("safe", check.fix_safe)
    if not isinstance(safe, bool):
        raise fail("fix.safe must be true or false")
    if safe and not check.fix_safe:
        raise fail(f"the fix of check {check.name} changes behaviour and cannot be marked safe")
    return Fix(safe=safe, description=str(value.get("description", "")))


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
    "str_or_list": (str, list),
}


def _validate_args(args: Any, check: Check, fail: Any) -> dict[str, Any]:
    if not isinstance(args, dict):
        raise fail("args must be a mapping")
    result: dict[str, Any] = {}
    for name in args:
        if name not in check.args:
            expected = ", ".join(check.args) or "none"
            raise fail(f"check {check.name} has no argument {name!r} (arguments: {expected})")
    for name, spec in check.args.items():
        if name not in args:
            if spec.required:
                raise fail(f"check {check.name} needs argument {name!r}")
            result[name] = spec.default
            continue
        value = args[name]
        result[name] = _coerce(value, name, spec, check, fail)
    return result


def _coerce(value: Any, name: str, spec: Arg, check: Check, fail: Any) -> Any:
    types = _TYPES[spec.type]
    if spec.type == "int" and isinstance(value, bool):
        raise fail(f"argument {name!r} of check {check.name} must be an integer")
    if not isinstance(value, types):
        raise fail(f"argument {name!r} of check {check.name} must be of type {spec.type}")
    if spec.choices:
        values = value if isinstance(value, list) else [value]
        for item in values:
            if str(item) not in spec.choices:
                raise fail(
                    f"argument {name!r} of check {check.name} is {item!r}; expected one of: {', '.join(spec.choices)}"
                )
    if spec.type == "list":
        return [str(v) if not isinstance(v, (dict, list)) else v for v in value]
    return dict(value) if isinstance(value, dict) else value


def check_rule_references(
    config: Config, rules: Iterable[Rule], options: Iterable[tuple[str, Iterable[str]]] = ()
) -> None:
    """Fail on the first rule id or pack, in the config or on the command line, that no loaded rule has.

    ``options`` pairs a command-line option (``select``, ``ignore``) with the names it was given.
    """
    rules = list(rules)
    ids = {rule.id for rule in rules}
    packs = {rule.pack for rule in rules}
    for ref in config.rule_refs:
        if ref.name not in ids and not (ref.packs and ref.name in packs):
            choices = ids | packs if ref.packs else ids
            raise ConfigError(f"{config.path}:{ref.line}: {unknown_rule(ref.name, f'in {ref.key}', choices)}")
    for option, names in options:
        for name in names:
            if name not in ids and name not in packs:
                raise ConfigError(unknown_rule(name, f"in --{option}", ids | packs))


def unknown_rule(name: str, where: str, choices: Iterable[str]) -> str:
    """``unknown rule 'x' in ignore (see `jwflint rules`)``, with a suggestion when one is close."""
    import difflib  # only to suggest a name in an error

    close = difflib.get_close_matches(name, sorted(choices), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown rule {name!r}{' ' + where if where else ''} ({hint}see `jwflint rules`)"
