"""Which app a condition, validator or post-function class comes from, by its package prefix."""

from __future__ import annotations

OTHER = "other"

# (key, display name, class-name prefixes); the order is the order of report columns.
VENDORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("jira", "Jira", ("com.atlassian.jira.",)),
    ("scriptrunner", "ScriptRunner", ("com.onresolve.",)),
    ("jsu", "JSU", ("com.googlecode.jsu.", "ch.beecom.jira.jsu.")),
    ("jmwe", "JMWE", ("com.innovalog.",)),
    ("insight", "Insight/Assets", ("com.riadalabs.",)),
    ("servicedesk", "Service Management", ("com.atlassian.servicedesk.",)),
    (OTHER, "other", ()),
)

VENDOR_KEYS: tuple[str, ...] = tuple(key for key, _, _ in VENDORS)
VENDOR_TITLES: dict[str, str] = {key: title for key, title, _ in VENDORS}
_PREFIXES: tuple[tuple[str, str], ...] = tuple((prefix, key) for key, _, prefixes in VENDORS for prefix in prefixes)


def vendor_of(class_name: str) -> str:
    """The vendor key of a (stripped) class name; ``other`` for unknown apps and empty names."""
    for prefix, key in _PREFIXES:
        if class_name.startswith(prefix):
            return key
    return OTHER
