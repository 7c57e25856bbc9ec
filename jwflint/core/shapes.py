"""What JSON holds where Jira's description says an object or an array.

A Cloud document edited by hand, or a site's answer through a proxy, an app or another Jira
version, may hold anything there: what is not an object reads as an empty one, what is not an
array as an empty array, and the command goes on with what it could read instead of stopping on
a traceback. The readers, the patchers and pull/push all read JSON through these two.
"""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []
