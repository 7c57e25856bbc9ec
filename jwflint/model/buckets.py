"""Status buckets: which statuses play the roles a service-desk bot needs.

A status belongs to a bucket by the catalogue (status id or name), else by its status category
where the source or the catalogue knows it (DONE → resolved, IN_PROGRESS → in progress or
waiting, TODO → new, reopened or waiting, the name choosing within the category), else by Jira's
seed status ids (1 Open, 3 In Progress, 4 Reopened, 5 Resolved, 6 Closed), else by a name synonym. Every
assignment keeps its reason so findings can say which status was taken and why.
"""

from __future__ import annotations

import re
from typing import Any

from jwflint.core import jira
from jwflint.core.records import record
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import INITIAL, Status, Transition, Workflow

RESOLVED = "resolved"
IN_PROGRESS = "in_progress"
REOPENED = "reopened"
NEW = "new"
WAITING = "waiting"
BUCKETS = (RESOLVED, IN_PROGRESS, REOPENED, NEW, WAITING)

# Role fallbacks: a workflow with no Reopened status reopens where its own reopen transitions lead
# (REOPEN_TARGET, see Buckets.reopen_target), else into its "new" statuses.
ROLE_FALLBACK = {REOPENED: NEW}
# Not a bucket: the fallback of the Reopened role that is the status the workflow's reopen transitions enter.
REOPEN_TARGET = "reopen_target"

BUCKET_TITLES = {
    RESOLVED: "Resolved",
    IN_PROGRESS: "In Progress",
    REOPENED: "Reopened",
    NEW: "New",
    WAITING: "Waiting",
}


def fallback_title(fallback: str) -> str:
    """How messages name the role a status plays in place of a missing one ("New", or the reopen target)."""
    if fallback == REOPEN_TARGET:
        return "the target of its reopen transitions"
    return BUCKET_TITLES[fallback]


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
    NEW: (
        "open",
        "new",
        "to do",
        "todo",
        "backlog",
        "waiting for support",
        "waiting for triage",
        "untriaged",
        "awaiting support",
        "awaiting triage",
    ),
    WAITING: (
        "waiting for customer",
        "waiting for user",
        "waiting for reporter",
        "pending",
        "on hold",
        "awaiting customer",
        "awaiting reporter",
        "awaiting user",
        "customer wait",
        "reporter wait",
        "user wait",
    ),
}

# Name prefixes, after the exact synonyms: "In Progress - Dev" works, "Awaiting approval" waits.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("in progress", IN_PROGRESS),
    ("awaiting", WAITING),
    ("waiting for", WAITING),
    ("pending", WAITING),
    ("on hold", WAITING),
    ("hold", WAITING),
)

# Done-type statuses: terminal and done, but not resolved by the bot (it never resolves into them).
# The resolution checks treat them like resolved statuses (entering sets a resolution, leaving
# clears it). A separate concept from the buckets: a status category DONE can feed it too.
DONE_TYPE_NAMES = (
    "canceled",
    "cancelled",
    "rejected",
    "declined",
    "discarded",
    "expired",
    "won't do",
    "wont do",
    "duplicate",
    "obsolete",
    "withdrawn",
)

# Name fragments close to a bucket, for naming the statuses an admin might map when no status plays its
# role ("2 - Engineering WIP", "II° Level - In Progress", "Done reproduce", "Reopened QA").
CLOSE_NAME_KEYS: dict[str, tuple[str, ...]] = {
    RESOLVED: ("resolved", "done", "closed", "complete", "fixed", "finish"),
    IN_PROGRESS: ("progress", "wip", "doing", "inwork", "develop"),
    REOPENED: ("reopen",),
    NEW: ("open", "new", "todo", "backlog", "triage"),
    WAITING: ("wait", "pending", "hold", "await"),
}
# Buckets whose statuses an admin may have meant for another one (Jira's category holds both).
NEIGHBOURS = {IN_PROGRESS: (WAITING,), NEW: (WAITING,)}
# Why Buckets.unplaced() did not take a status (besides a neighbouring bucket).
UNPLACED_CLOSE = "close"
UNPLACED_DONE_TYPE = "done-type"
UNPLACED_UNKNOWN = "unknown"

# JSM's sd.step.key metas on steps name the service-desk role of a status.
SD_STEP_KEYS = {
    "sdwfcustomer": WAITING,  # "Waiting for customer" in JSM-derived exports (corpus: AAS Support)
}


_NOT_WORD = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive key: "Re-Opened" and "reopened" are the same status."""
    key = name.casefold()
    # str.isalnum() is true exactly when _NOT_WORD finds nothing (both use Unicode's alphanumerics,
    # and "_" is not one): most names need no substitution, or lose only their spaces.
    if key.isalnum():
        return key
    compact = key.replace(" ", "")
    return compact if compact.isalnum() else _NOT_WORD.sub("", key)


_REOPEN_KEY = "reopen"


def fires_event(transition: Transition, event: str) -> bool:
    """Some Fire Issue Event post-function of the transition fires ``event`` (an event id)."""
    return event in transition.fired_events()


_PREFIX_KEYS = tuple((normalise_name(prefix), bucket) for prefix, bucket in PREFIXES)
_DONE_TYPE_PREFIXES = tuple(normalise_name(name) for name in DONE_TYPE_NAMES)  # "Expired Request" too
_SYNONYM_INDEX = {normalise_name(word): bucket for bucket, words in SYNONYMS.items() for word in words}
# preferred()'s rank of each bucket's synonyms (most typical first): constant, so built once here.
_SYNONYM_RANK = {
    bucket: {normalise_name(word): index for index, word in enumerate(words)} for bucket, words in SYNONYMS.items()
}
_NO_RANK: dict[str, int] = {}


@record(frozen=True)
class Assignment:
    """The bucket a status plays, and why jwflint thinks so."""

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
        self._done_type: dict[int, bool] = {}  # by id(status): the statuses live as long as this object
        # Statuses per bucket, built on the first members() call: many rules ask for the same roles.
        self._members: dict[str | None, list[Status]] | None = None
        # Per-workflow views checks build on top of the buckets and share between rules, by owner
        # (e.g. checks.coverage's roles and transitions into them). The workflow and catalogue are
        # fixed for the object's life, so nothing here goes stale.
        self.derived: dict[str, Any] = {}
        self._reopen_target: tuple[Status | None] | None = None  # worked out on the first ask
        configured = _configured_index(catalogue)
        self._created_into = {t.target for t in workflow.transitions if t.kind == INITIAL and t.target is not None}
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
        meta = status.metas.get(jira.META_SD_STEP_KEY, "") if status.metas else ""
        if meta:
            bucket = SD_STEP_KEYS.get(normalise_name(meta))
            if bucket is not None:
                return Assignment(bucket, f"its JSM sd.step.key {meta.strip()!r}", True)
        for name in self._names(status):
            key = self._key(name)
            for prefix, bucket in _PREFIX_KEYS:
                if key.startswith(prefix):
                    return Assignment(bucket, f"its name {name!r}", True)
            if key.endswith("wait") and len(key) > len("wait"):
                # Compact service-desk names: "CustomerWait" waits on the customer (a synonym above);
                # SupportWait, EngineeringWait, AgentActionWait wait on the team: work in progress.
                return Assignment(IN_PROGRESS, f"its name {name!r} (the team's queue)", True)
        if status.step_id is not None and status.step_id in self._created_into:
            return Assignment(NEW, "the create transition leads into it", True)
        return None

    def done_type(self, status: Status) -> bool:
        """A terminal done status the bot never resolves into (Canceled, Rejected, Won't Do …):
        a status without a bucket whose name says so."""
        # Asked once per transition about its target: worked out once per status.
        known = self._done_type.get(id(status))
        if known is None:
            known = self._done_type[id(status)] = self.bucket_of(status) is None and any(
                self._key(name).startswith(_DONE_TYPE_PREFIXES) for name in self._names(status)
            )
        return known

    def reopen_named(self, name: str) -> bool:
        """A transition name such as Reopen, Re-open, ReOpen Issue, "Reopen and start progress" …"""
        folded = name[:1].casefold()
        if folded.isalnum() and not folded.startswith("r"):
            return False  # the key starts with this: no need to build it (every transition asks)
        return self._key(name).startswith(_REOPEN_KEY)

    def reopens(self, transition: Transition) -> bool:
        """Named Reopen / Re-open …, or firing Issue Reopened (7): the workflow's own way to reopen."""
        return self.reopen_named(transition.name) or fires_event(transition, jira.EVENT_REOPENED)

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
        """Statuses that play a bucket's role, and where they came from when it fell back: a bucket
        (ROLE_FALLBACK), or REOPEN_TARGET for the status the workflow's own reopen transitions enter."""
        members = self.members(bucket)
        if members or bucket not in ROLE_FALLBACK:
            return members, None
        if bucket == REOPENED:
            target = self.reopen_target()
            if target is not None:
                return [target], REOPEN_TARGET
        fallback = ROLE_FALLBACK[bucket]
        return self.members(fallback), fallback

    def reopen_target(self) -> Status | None:
        """The open status the workflow's own reopen transitions lead into, when it has some.

        A reopen transition is named Reopen / Re-open … or fires Issue Reopened (7). Targets in the
        Resolved role or done-type are not reopens ("ReOpen" into Resolved). Among several targets,
        the one a transition firing event 7 enters wins, then the plainest name ("Reopen" before
        "Reopen and start progress"), then the most reopen transitions, then a New status, then
        document order.
        """
        if self._reopen_target is None:
            self._reopen_target = (self._find_reopen_target(),)
        return self._reopen_target[0]

    def _find_reopen_target(self) -> Status | None:
        ranks: dict[int, tuple[bool, int]] = {}  # per target step: its best reopen transition's rank
        counts: dict[int, int] = {}
        for transition in self.workflow.transitions:
            step = transition.target
            if transition.kind == INITIAL or step is None:
                continue
            event = fires_event(transition, jira.EVENT_REOPENED)
            if not (event or self.reopen_named(transition.name)):
                continue
            key = self._key(transition.name)
            if step not in ranks:
                status = self.workflow.status_of_step(step)
                if status is None or self.bucket_of(status) == RESOLVED or self.done_type(status):
                    continue
            rank = (not event, len(key))
            ranks[step] = min(ranks.get(step, rank), rank)
            counts[step] = counts.get(step, 0) + 1
        if not ranks:
            return None
        candidates = [s for s in self.workflow.statuses if s.step_id in ranks]  # document order
        return min(
            candidates,
            key=lambda s: (ranks[s.step_id], -counts[s.step_id], self.bucket_of(s) != NEW),  # type: ignore[index]
        )

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

    def unplaced(self, bucket: str) -> list[tuple[str, list[Status]]]:
        """The statuses an admin might map to ``bucket`` when none plays its role, grouped by why jwflint
        did not take them: UNPLACED_CLOSE (a name close to the bucket's), a neighbouring bucket's name
        (Waiting, for In Progress), UNPLACED_DONE_TYPE (for Resolved), UNPLACED_UNKNOWN. Empty when
        every status plays another role."""
        close_keys = CLOSE_NAME_KEYS.get(bucket, ())
        neighbours = NEIGHBOURS.get(bucket, ())
        groups: dict[str, list[Status]] = {}
        for status in self.workflow.statuses:
            if status.step_id is None:
                continue
            current = self.bucket_of(status)
            if current is not None:
                kind = current if current in neighbours else None
            elif self.done_type(status):
                kind = UNPLACED_DONE_TYPE if bucket == RESOLVED else None
            elif any(k in self._key(n) for n in self._names(status) for k in close_keys):
                kind = UNPLACED_CLOSE
            else:
                kind = UNPLACED_UNKNOWN
            if kind is not None:
                groups.setdefault(kind, []).append(status)
        order = (UNPLACED_CLOSE, *neighbours, UNPLACED_DONE_TYPE, UNPLACED_UNKNOWN)
        return [(kind, groups[kind]) for kind in order if kind in groups]

    def explain(self, status: Status) -> str:
        assignment = self.by_step.get(status.step_id) if status.step_id is not None else None
        if assignment is None:
            if self.done_type(status):
                return "done-type (terminal, holds a resolution; never the bot's resolve target)"
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
            names += f" (no {title} status: falls back to {fallback_title(fallback)})"
        lines.append(f"  role {title}: {names}")
    return "\n".join(lines) + "\n"
