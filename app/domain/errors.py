"""Errors the domain raises, each carrying its message in Chinese and in English.

Every error ends up in front of a village teacher (a dialog, a CLI line, an import report), so the
message says what is wrong with which value in words they use, and carries both languages: the layer
that shows it picks the language, not the layer that raises it.
"""

from __future__ import annotations

from typing import Any

from app.domain.i18n import resolve_language


class DomainError(Exception):
    """A rule of the work was broken; ``field`` names the input at fault when there is one."""

    def __init__(self, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(zh, en)
        self.zh = zh
        self.en = en
        self.field = field

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang``, or in the current language when ``lang`` is None."""
        return self.zh if resolve_language(lang) == "zh" else self.en

    def __str__(self) -> str:
        return self.message()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.zh!r}, {self.en!r}, field={self.field!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickling replays only ``args`` and would lose ``field``; errors cross thread and
        # process boundaries (workers, sync), so keep them whole.
        return (_rebuild, (type(self), self.zh, self.en, self.field))


def _rebuild(cls: type[DomainError], zh: str, en: str, field: str | None) -> DomainError:
    return cls(zh, en, field=field)


class ValidationError(DomainError):
    """An input value is wrong: malformed, impossible, or inconsistent with another value."""


class LifecycleError(DomainError):
    """The action is not allowed in the record's current state."""


class NotFoundError(DomainError):
    """The record asked for does not exist (or is not visible to this user)."""


class PermissionDenied(DomainError):
    """The user's role does not allow this action."""
