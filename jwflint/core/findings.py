"""Findings: plain, ordered values that every stage after the checks passes around."""

from __future__ import annotations

import enum
import re
from dataclasses import field, replace

from jwflint.core.records import record


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


# Not frozen, though nothing changes a Finding (dataclasses.replace makes a new one): a frozen
# dataclass's __init__ sets each of these fifteen fields through object.__setattr__, which made
# building one cost twice as much (0.23 against 0.13 s for the 50,000 findings of the largest
# synthetic workflow). unsafe_hash gives it the hash frozen=True would (sort_findings and
# baselines key on it).
@record(unsafe_hash=True)
class Finding:
    """One problem in one file.

    ``status`` and ``transition`` name the subject the way a Jira admin sees it; together with
    the workflow and rule they form the key that baselines and suppressions use, so that a
    re-export that moves lines does not resurrect accepted findings. A finding about a permission
    scheme is keyed on the scheme's name (in ``workflow``) and the ``permission``. A finding that
    gathers a whole workflow's occurrences of something (its instance-specific custom fields, one
    screen the catalogue lacks) is keyed on that ``subject`` ("custom fields", "screen 10600").
    """

    file: str
    line: int  # 1-based; 0 when the problem has no place in the file
    column: int  # 1-based; 0 when unknown
    rule: str
    severity: Severity
    message: str
    status: str | None = None
    transition: str | None = None
    fixable: bool = False
    workflow: str = ""  # the workflow's name; for a permission scheme, the scheme's name
    permission: str | None = None  # the permission key a finding about a permission scheme concerns
    subject: str | None = None  # what a workflow-wide finding gathers, when neither a status nor a transition
    hint: str = field(default="", compare=False)
    note: str = field(default="", compare=False)  # the message's closing "(...)": why a status got its role
    suppression: str = field(default="", compare=False)  # why it is accepted (config reason or baseline); SARIF only

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def subject_key(self) -> tuple[str, str, str, str, str, str]:
        """Stable identity for baselines: never the line number."""
        return (
            self.workflow,
            self.rule,
            self.status or "",
            self.transition or "",
            self.permission or "",
            self.subject or "",
        )

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def parts(self) -> MessageParts:
        """The message as text output shows it: what is wrong, what to do, and the guess note."""
        text = " ".join(self.message.splitlines())  # a message quoting raw XML text stays one line
        note = " ".join(self.note.splitlines())
        if note and text.endswith(f" ({note})"):
            text = text[: -len(note) - 3]
        else:
            note = ""
        headline, help_text = split_help(text)
        return MessageParts(headline, help_text, note)


@record(frozen=True)
class MessageParts:
    """A finding's message split for display: the headline, the ``help:`` line (what to do) and the ``note:`` line."""

    headline: str
    help: str
    note: str


_OPENERS = {"(": ")", "[": "]", "<": ">", "{": "}"}
_QUOTES = "'\""
_SPECIAL = re.compile(r"""[()\[\]<>{}'":]""")


def split_help(message: str) -> tuple[str, str]:
    """Split ``what is wrong: what to do`` at its first ": " outside quotes and brackets.

    Names in messages are quoted (``'Waiting: customer'``) and may hold a colon; a quote opens
    only after a space or bracket, so the apostrophe in "Jira's" does not.
    """
    closing: list[str] = []
    # Only brackets, quotes and colons change the state: visiting just those (a C-level search)
    # instead of every character made the text report's message split the costliest part of it.
    for match in _SPECIAL.finditer(message):
        index, char = match.start(), match.group()
        if closing and char == closing[-1] and (char not in _QUOTES or _ends_word(message, index)):
            closing.pop()
        elif closing and closing[-1] in _QUOTES:
            continue
        elif char in _OPENERS:
            closing.append(_OPENERS[char])
        elif char in _QUOTES and (index == 0 or message[index - 1] in " ([{,="):
            closing.append(char)
        elif char == ":" and not closing and message[index + 1 : index + 2] == " ":
            return message[:index], message[index + 2 :]
    return message, ""


def _ends_word(message: str, index: int) -> bool:
    return index + 1 == len(message) or not message[index + 1].isalnum()


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort by file, line, column, rule and message; drop exact duplicates."""
    unique = dict.fromkeys(findings)
    return sorted(unique, key=Finding.sort_key)
