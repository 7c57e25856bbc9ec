"""Status buckets: which statuses play the roles a service-desk bot needs.

A status belongs to a bucket by the catalogue (status id or name), else by its status category
where the source or the catalogue knows it (DONE → resolved, IN_PROGRESS → in progress or
waiting, TODO → new, reopened or waiting, the name choosing within the category), else by Jira's
seed status ids (1 Open, 3 In Progress, 4 Reopened, 5 Resolved, 6 Closed), else by a name synonym. Every
assignment keeps its reason so findings can say which status was taken and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jwflint.core import jira
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Status, Workflow

RESOLVED = "resolved"
IN_PROGRESS = "in_progress"
REOPENED = "reopened"
NEW = "new"
WAITING = "waiting"
BUCKETS = (RESOLVED, IN_PROGRESS, REOPENED, NEW, WAITING)

# Role fallbacks: a workflow with no Reopened status reopens into its "new" statuses.
ROLE_FALLBACK = {REOPENED: NEW}

BUCKET_TITLES = {
    RESOLVED: "Resolved",
    IN_PROGRESS: "In Progress",
    REOPENED: "Reopened",
    NEW: "New",
    WAITING: "Waiting",
}

# The buckets a status category allows, its default first; a name synonym picks another of them.
CATEGORY_BUCKETS = {
    jira.CATEGORY_DONE: (RESOLVED,),
    jira.CATEGORY_IN_PROGRESS: (IN_PROGRESS, WAITING),
    jira.CATEGORY_TODO: (NEW, REOPENED, WAITING),
}

DEFAULT_STATUS_BUCKETS = {"1": NEW, "3": IN_PROGRESS, "4": REOPENED, "5": RESOLVED, "6": RESOLVED}

SYNONYMS: dict[str, tuple[str, ...]] = {
    RESOLVED: ("resolved", "done", "closed", "completed", "complete", "fixed"),
    IN_PROGRESS: ("in progress", "work in progress", "in work", "doing", "wip", "in development"),
    REOPENED: ("reopened", "re-opened", "reopen"),
    NEW: ("open", "new", "to do", "todo", "backlog", "waiting for support", "untriaged"),
    WAITING: (
        "waiting for customer",
        "waiting for user",
        "waiting for reporter",
        "pending",
        "on hold",
        "awaiting customer",
    ),
}


_NOT_WORD = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive key: "Re-Opened" and "reopened" are the same status."""
    return _NOT_WORD.sub("", name.casefold())


_SYNONYM_INDEX = {normalise_name(word): bucket for bucket, words in SYNONYMS.items() for word in words}
# preferred()'s rank of each bucket's synonyms (most typical first): constant, so built once here.
_SYNONYM_RANK = {
    bucket: {normalise_name(word): index for index, word in enumerate(words)} for bucket, words in SYNONYMS.items()
}
_NO_RANK: dict[str, int] = {}


@dataclass(frozen=True)
class Assignment:
    bucket: str
    reason: str
    guessed: bool  # True unless the catalogue says so

    def describe(self) -> str:
        return self.reason


# The assignments by Jira's seed status ids are the same in every workflow; Assignment is frozen,
# so one object each can be shared.
_DEFAULT_ASSIGNMENTS = {
    status_id: Assignment(bucket, f"Jira's default status id {status_id}", True)
    for status_id, bucket in DEFAULT_STATUS_BUCKETS.items()
}


class Buckets:
    """The bucket of every status of one workflow."""

    def __init__(self, workflow: Workflow, catalogue: Catalogue) -> None:
        self.workflow = workflow
        self.catalogue = catalogue
        self.by_step: dict[int, Assignment] = {}
        # normalise_name is a regex substitution; assignment and preferred() ask for the same names.
        self._keys: dict[str, str] = {}
        # Statuses per bucket, built on the first members() call: many rules ask for the same roles.
        self._members: dict[str | None, list[Status]] | None = None
        # Per-workflow views checks build on top of the buckets and share between rules, by owner
        # (e.g. checks.coverage's roles and transitions into them). The workflow and catalogue are
        # fixed for the object's life, so nothing here goes stale.
        self.derived: dict[str, Any] = {}
        configured = _configured_index(catalogue)
        for status in workflow.statuses:
            if status.step_id is None or status.step_id in self.by_step:
                continue
            assignment = self._assign(status, configured)
            if assignment is not None:
                self.by_step[status.step_id] = assignment

    def status_name(self, status: Status) -> str:
        """The Jira status name when the catalogue, the source or Jira's defaults know it, else the step name."""
        return self.catalogue.status_name(status.status_id) or status.status_name or status.name

    def _names(self, status: Status) -> list[str]:
        """The names a status is known by: its Jira status name, then its step name."""
        names = (self.catalogue.status_name(status.status_id or ""), status.status_name, status.name)
        return [n for n in names if n]

    def _key(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = normalise_name(name)
        return key

    def _assign(self, status: Status, configured: dict[str, str]) -> Assignment | None:
        status_id = status.status_id or ""
        info = self.catalogue.statuses.get(status_id)
        if info is not None and info.bucket:
            return Assignment(info.bucket, f"catalogue: status id {status_id} is {info.bucket}", False)
        if configured:  # nothing to look up in an empty config (the default catalogue)
            if status_id and status_id in configured:
                return Assignment(configured[status_id], f"config: status id {status_id}", False)
            for name in self._names(status):
                key = self._key(name)
                if key in configured:
                    return Assignment(configured[key], f"config: status {name!r}", False)
        category = status.category or (info.category if info is not None else None)
        if category in CATEGORY_BUCKETS:
            return self._by_category(status, category)
        default = _DEFAULT_ASSIGNMENTS.get(status_id)
        if default is not None:
            return default
        for name in self._names(status):
            bucket = _SYNONYM_INDEX.get(self._key(name))
            if bucket is not None:
                return Assignment(bucket, f"its name {name!r}", True)
        return None

    def _by_category(self, status: Status, category: str) -> Assignment:
        allowed = CATEGORY_BUCKETS[category]
        for name in self._names(status):
            bucket = _SYNONYM_INDEX.get(self._key(name))
            if bucket in allowed and bucket != allowed[0]:
                return Assignment(bucket, f"category {category} and its name {name!r}", True)
        return Assignment(allowed[0], f"category {category}", True)

    def bucket_of(self, status: Status) -> str | None:
        assignment = self.by_step.get(status.step_id) if status.step_id is not None else None
        return assignment.bucket if assignment else None

    def _by_bucket(self) -> dict[str | None, list[Status]]:
        """Every bucket's statuses (with a step id), in document order, grouped in one pass."""
        if self._members is None:
            members: dict[str | None, list[Status]] = {}
            by_step = self.by_step
            for status in self.workflow.statuses:
                if status.step_id is not None:
                    # A duplicate step id shares the first status's assignment, as bucket_of says.
                    assignment = by_step.get(status.step_id)
                    members.setdefault(assignment.bucket if assignment else None, []).append(status)
            self._members = members
        return self._members

    def members(self, bucket: str) -> list[Status]:
        """Statuses in a bucket, in document order (a new list: the caller may change it)."""
        return list(self._by_bucket().get(bucket, ()))

    def role(self, bucket: str) -> tuple[list[Status], str | None]:
        """Statuses that play a bucket's role, and the bucket they came from when it fell back."""
        members = self.members(bucket)
        if members or bucket not in ROLE_FALLBACK:
            return members, None
        fallback = ROLE_FALLBACK[bucket]
        return self.members(fallback), fallback

    def preferred(self, statuses: list[Status], bucket: str) -> Status:
        """The status a bot transition should enter among those playing a bucket's role.

        The catalogue's own mapping first, then the bucket's most typical name (Resolved before Done
        before Closed: a bot resolves, and closing is the customer's or a timer's), then document order.
        The linter's messages and the patch generator both use it, so they name the same status.
        """
        rank = _SYNONYM_RANK.get(bucket, _NO_RANK)
        unranked = len(rank)
        # min() by (guessed, rank of its best name), the first in document order on a tie; a plain
        # loop rather than a key closure with a generator per status.
        best: Status | None = None
        best_key = (True, unranked)
        for status in statuses:
            assignment = self.by_step.get(status.step_id) if status.step_id is not None else None
            named = unranked
            for name in (self.status_name(status), status.name):
                if name:
                    named = min(named, rank.get(self._key(name), unranked))
            key = (assignment is None or assignment.guessed, named)
            if best is None or key < best_key:
                best, best_key = status, key
        if best is None:
            raise ValueError("preferred() of no statuses")
        return best

    def explain(self, status: Status) -> str:
        assignment = self.by_step.get(status.step_id) if status.step_id is not None else None
        if assignment is None:
            return "no bucket: its name and status id match none (map it in the catalogue)"
        return f"{assignment.bucket} ({assignment.reason})"


def _configured_index(catalogue: Catalogue) -> dict[str, str]:
    index: dict[str, str] = {}
    for bucket, entries in catalogue.bucket_names.items():
        for entry in entries:
            text = str(entry).strip()
            index[text if text.isascii() and text.isdigit() else normalise_name(text)] = bucket
    return index


def explain_text(buckets: Buckets) -> str:
    """Every status's bucket and why, then which statuses play each role (``lint --explain-buckets``)."""
    workflow = buckets.workflow
    lines = [f"{workflow.path}: workflow {workflow.name!r}"]
    for status in workflow.statuses:
        lines.append(
            f"  status {status.label!r} (step {status.raw_id}, status id {status.status_id or '?'}): "
            f"{buckets.explain(status)}"
        )
    for bucket in BUCKETS:
        members, fallback = buckets.role(bucket)
        names = ", ".join(repr(s.label) for s in members) or "none"
        title = BUCKET_TITLES[bucket]
        if fallback:
            names += f" (no {title} status: falls back to {BUCKET_TITLES[fallback]})"
        lines.append(f"  role {title}: {names}")
    return "\n".join(lines) + "\n"
