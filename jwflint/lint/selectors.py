"""A rule's ``given``: which statuses or transitions its check looks at.

The vocabulary is closed so a pack can be validated when it loads:
``workflow`` (the whole workflow), ``statuses: {name, bucket, status_id}`` and
``transitions: {kind, name, from, to, from_bucket, to_bucket}``. Filters combine with AND;
each value is a literal or a list (any of). Names compare case- and punctuation-insensitively.
"""

from __future__ import annotations

from dataclasses import field

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.lint.checks.base import STATUS, TRANSITION, WORKFLOW, LintContext
from jwflint.model.buckets import BUCKETS, normalise_name
from jwflint.model.workflow import TRANSITION_KINDS, Status, Transition

STATUS_FILTERS = ("name", "bucket", "status_id")
TRANSITION_FILTERS = ("kind", "name", "from", "to", "from_bucket", "to_bucket")


@record(frozen=True)
class Selector:
    """A rule's ``given``: a scope and the filters on it."""

    scope: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def select(self, ctx: LintContext) -> list[object]:
        """The selected subjects in document order. Most rules select every transition or
        status: then the workflow's own list is returned, with no per-item work."""
        if self.scope == WORKFLOW:
            return [ctx.workflow]
        if self.scope == STATUS:
            if not self.filters:
                return ctx.workflow.statuses  # type: ignore[return-value]
            return [status for status in ctx.workflow.statuses if self._status_matches(status, ctx)]
        if self.scope == TRANSITION:
            if not self.filters:
                return ctx.workflow.transitions  # type: ignore[return-value]
            return [t for t in ctx.workflow.transitions if self._transition_matches(t, ctx)]
        return []

    def _status_matches(self, status: Status, ctx: LintContext) -> bool:
        f = self.filters
        if "name" in f and not _name_in(status.name, f["name"], ctx.buckets.status_name(status)):
            return False
        if "bucket" in f and ctx.buckets.bucket_of(status) not in f["bucket"]:
            return False
        return not ("status_id" in f and (status.status_id or "") not in f["status_id"])

    def _transition_matches(self, transition: Transition, ctx: LintContext) -> bool:
        f = self.filters
        if "kind" in f and transition.kind not in f["kind"]:
            return False
        if "name" in f and not _name_in(transition.name, f["name"]):
            return False
        if "to" in f or "to_bucket" in f:
            target = _target_status(transition, ctx)
            if target is None:
                return False
            if "to" in f and not _name_in(target.name, f["to"], ctx.buckets.status_name(target)):
                return False
            if "to_bucket" in f and ctx.buckets.bucket_of(target) not in f["to_bucket"]:
                return False
        if "from" in f or "from_bucket" in f:
            sources = _source_statuses(transition, ctx)
            if "from" in f and not any(_name_in(s.name, f["from"], ctx.buckets.status_name(s)) for s in sources):
                return False
            if "from_bucket" in f and not any(ctx.buckets.bucket_of(s) in f["from_bucket"] for s in sources):
                return False
        return True


def _name_in(name: str, wanted: tuple[str, ...], other: str | None = None) -> bool:
    keys = {normalise_name(name)}
    if other:
        keys.add(normalise_name(other))
    return any(normalise_name(w) in keys for w in wanted)


def _target_status(transition: Transition, ctx: LintContext) -> Status | None:
    if transition.target is None or transition.target == jira.STAY:
        return None
    return ctx.workflow.status_of_step(transition.target)


def _source_statuses(transition: Transition, ctx: LintContext) -> list[Status]:
    if transition.kind == "global":
        return [s for s in ctx.workflow.statuses if s.step_id != transition.target]
    return [s for s in (ctx.workflow.status_of_step(i) for i in transition.sources) if s is not None]


def parse_selector(given: object, scope: str) -> tuple[Selector | None, str]:
    """Build a Selector for a check of ``scope``; on failure return (None, reason)."""
    if given is None or given == "workflow":
        if scope == STATUS:
            return Selector(STATUS), ""
        if scope == TRANSITION:
            return Selector(TRANSITION), ""
        return Selector(scope), ""
    if not isinstance(given, dict) or len(given) != 1:
        return None, "must be 'workflow', {statuses: {...}} or {transitions: {...}}"
    ((key, filters),) = given.items()
    expected = {"statuses": STATUS, "transitions": TRANSITION}.get(str(key))
    if expected is None:
        return None, f"unknown selector {key!r} (expected statuses or transitions)"
    if expected != scope:
        return None, f"the check looks at a {scope}, but the rule selects {key}"
    filters = filters or {}
    if not isinstance(filters, dict):
        return None, f"{key} filters must be a mapping"
    allowed = STATUS_FILTERS if expected == STATUS else TRANSITION_FILTERS
    parsed: dict[str, tuple[str, ...]] = {}
    for name, value in filters.items():
        if name not in allowed:
            return None, f"unknown {key} filter {name!r} (expected one of: {', '.join(allowed)})"
        values = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
        if name in ("bucket", "to_bucket", "from_bucket"):
            unknown = [v for v in values if v not in BUCKETS]
            if unknown:
                return None, f"unknown bucket {unknown[0]!r} (expected one of: {', '.join(BUCKETS)})"
        if name == "kind":
            unknown = [v for v in values if v not in TRANSITION_KINDS]
            if unknown:
                return None, f"unknown transition kind {unknown[0]!r} (expected one of: {', '.join(TRANSITION_KINDS)})"
        parsed[name] = values
    return Selector(expected, parsed), ""
