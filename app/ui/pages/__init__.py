"""The main window's pages, registered here so that each page lives in its own module.

A page is a QWidget made by ``factory(context)``. The context gives it the open database and a navigator:
``context.navigate(kind, record_id)`` asks the main window to show a record ("student", "household",
"visit", "case") on whichever page registered itself as the handler of that kind. A page hears of other
pages' writes through the change signal (``app.ui.ops.ChangeWatch``), not through the navigator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.store.db import Database
    from app.ui.qt import QWidget


class Navigator(Protocol):
    def navigate(self, kind: str, record_id: str) -> None: ...


@dataclass(frozen=True)
class PageContext:
    database: Database
    navigator: Navigator


class RecordPage(Protocol):
    """A page that can show one record of the kinds it handles."""

    def show_record(self, kind: str, record_id: str) -> None: ...


@dataclass(frozen=True)
class PageSpec:
    key: str  # stable identifier, also used in tests
    title: tuple[str, str]  # source text for tr(): (context, text)
    factory: Callable[[PageContext], QWidget]
    order: int = 50
    handles: tuple[str, ...] = ()  # record kinds this page can show
    shortcut: str | None = None
    roles: frozenset[str] | None = None  # the user roles (UserRole values) shown the page; None: every role

    def shown_to(self, role: str | None) -> bool:
        return self.roles is None or (role is not None and role in self.roles)


@dataclass
class PageRegistry:
    specs: list[PageSpec] = field(default_factory=list)

    def register(self, spec: PageSpec) -> PageSpec:
        if any(existing.key == spec.key for existing in self.specs):
            raise ValueError(f"page {spec.key!r} registered twice")
        self.specs.append(spec)
        return spec

    def ordered(self) -> list[PageSpec]:
        return sorted(self.specs, key=lambda spec: (spec.order, spec.key))


REGISTRY = PageRegistry()


def load_pages() -> PageRegistry:
    """Import every page module (each registers itself) and return the registry."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY
