"""``record``: ``dataclasses.dataclass`` with one ``__repr__`` shared by every class, for start-up time.

Python 3.11's ``dataclasses`` writes the source of each generated method and compiles it with its
own ``exec`` when the class is created. A cold ``jwflint lint`` creates about fifty of them, and their
``__repr__`` methods alone cost about 9 ms of a ~220 ms run (docs/performance.md); nothing on the
lint's path calls them. ``record`` asks ``dataclasses`` for everything else and gives the class a
``__repr__`` that writes the same text as the generated one, worked out when it is called:
``QualifiedName(field=value, ...)`` over the fields declared with ``repr=True``, ``...`` where a value
contains itself.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform, overload

_Class = TypeVar("_Class", bound=type)


@reprlib.recursive_repr()
def record_repr(self: Any) -> str:
    """What ``dataclasses``' generated ``__repr__`` returns for ``self``."""
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


@overload
def record(cls: _Class, /) -> _Class: ...


@overload
def record(cls: None = None, /, **options: Any) -> Callable[[_Class], _Class]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: _Class | None = None, /, **options: Any) -> _Class | Callable[[_Class], _Class]:
    """``@record`` and ``@record(frozen=True, ...)`` as ``@dataclass`` and ``@dataclass(...)`` (any of its
    options but ``repr``, which is always the shared one)."""
    if "repr" in options:
        raise TypeError("record() always gives the class the shared __repr__; do not pass repr=")

    def make(target: _Class) -> _Class:
        # dataclass(repr=True) keeps a __repr__ written in the class body; so does this.
        own = "__repr__" in target.__dict__
        made: Any = dataclasses.dataclass(target, repr=False, **options)
        if not own:
            made.__repr__ = record_repr
        return cast(_Class, made)

    return make if cls is None else make(cls)
