"""``jwflint.core.records.record``: dataclasses whose shared ``__repr__`` says what the generated one says."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from dataclasses import field

import pytest

import jwflint
from jwflint.core.records import record, record_repr
from jwflint.remote.site import CLOUD, Site


@dataclasses.dataclass
class PlainDataclass:
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)
    secret: str = field(default="s3cret", repr=False)


@record
class PlainRecord:
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)
    secret: str = field(default="s3cret", repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class FrozenDataclass:
    key: tuple[int, ...]
    label: str | None = None


@record(frozen=True, slots=True)
class FrozenRecord:
    key: tuple[int, ...]
    label: str | None = None


@dataclasses.dataclass(eq=False)
class NodeDataclass:
    value: int
    children: list[object] = field(default_factory=list)


@record(eq=False)
class NodeRecord:
    value: int
    children: list[object] = field(default_factory=list)


@dataclasses.dataclass
class ChildDataclass(PlainDataclass):
    extra: float = 1.5


@record
class ChildRecord(PlainRecord):
    extra: float = 1.5


@record
class OwnRepr:
    name: str

    def __repr__(self) -> str:
        return f"<{self.name}>"


class Outer:
    @dataclasses.dataclass
    class InnerDataclass:
        x: int

    @record
    class InnerRecord:
        x: int


def _as_dataclass_text(text: str) -> str:
    return text.replace("Record", "Dataclass")


@pytest.mark.parametrize(
    ("made", "reference"),
    [
        (PlainRecord("a", 2, ["x", "y"]), PlainDataclass("a", 2, ["x", "y"])),
        (PlainRecord("quote ' \" \n"), PlainDataclass("quote ' \" \n")),
        (FrozenRecord((1, 2), None), FrozenDataclass((1, 2), None)),
        (NodeRecord(1, [NodeRecord(2)]), NodeDataclass(1, [NodeDataclass(2)])),
        (ChildRecord("c", extra=2.0), ChildDataclass("c", extra=2.0)),
        (Outer.InnerRecord(3), Outer.InnerDataclass(3)),
    ],
    ids=["plain", "escapes", "frozen-slots", "nested", "subclass", "inner-class"],
)
def test_repr_is_the_generated_one(made: object, reference: object) -> None:
    assert _as_dataclass_text(repr(made)) == repr(reference)


def test_a_value_that_contains_itself_is_shown_as_ellipsis() -> None:
    made, reference = NodeRecord(1), NodeDataclass(1)
    made.children.append(made)
    reference.children.append(reference)
    assert _as_dataclass_text(repr(made)) == repr(reference) == "NodeDataclass(value=1, children=[...])"


def test_a_field_declared_without_repr_stays_hidden() -> None:
    assert "s3cret" not in repr(PlainRecord("a"))
    site = Site("https://example.atlassian.net", CLOUD, ("basic", "bot@example.com", "tok-123-secret"))
    assert "tok-123-secret" not in repr(site) and repr(site).startswith("Site(url='https://example.atlassian.net'")


def test_the_rest_is_still_dataclasses() -> None:
    assert [f.name for f in dataclasses.fields(PlainRecord)] == ["name", "count", "tags", "secret"]
    assert PlainRecord("a") == PlainRecord("a")
    frozen = FrozenRecord((1,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.label = "x"  # type: ignore[misc]
    assert hash(frozen) == hash(FrozenRecord((1,))) and not hasattr(frozen, "__dict__")
    assert NodeRecord(1) != NodeRecord(1)  # eq=False: identity
    assert dataclasses.replace(ChildRecord("a"), extra=3.0) == ChildRecord("a", extra=3.0)


def test_a_repr_written_in_the_class_is_kept() -> None:
    assert repr(OwnRepr("x")) == "<x>"


def test_repr_is_not_an_option() -> None:
    with pytest.raises(TypeError, match="repr="):
        record(repr=True)


def test_every_jwflint_dataclass_is_a_record() -> None:
    """A plain @dataclass would compile its own __repr__ at import again (docs/performance.md)."""
    found = []
    for module_info in pkgutil.walk_packages(jwflint.__path__, "jwflint."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__ and dataclasses.is_dataclass(value):
                found.append(value)
    assert len(found) > 50
    generated = [cls.__qualname__ for cls in found if "__repr__" in vars(cls) and cls.__repr__ is not record_repr]
    assert generated == []
