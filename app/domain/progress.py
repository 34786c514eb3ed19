"""How long work reports progress and stops when asked: one protocol for the services, the sync, the CLI and
the desktop app.

A long call takes two optional keyword arguments:

* ``progress`` reports how far the work is: ``progress(stage, fraction)`` (:data:`Progress`), or, for work
  that cannot know its total in advance (reading a roster or a list), ``progress(rows_so_far)``
  (:data:`RowProgress`).
* ``cancelled`` (:data:`IsCancelled`) is asked at the points where the work can stop cleanly; once it returns
  true the work raises :class:`Cancelled` (see :func:`raise_if_cancelled`), having first undone what it must.

The desktop app's worker stops a task the other way as well: after the user pressed cancel, the ``progress``
it passes raises :class:`Cancelled`. So an exception out of ``progress`` is a cancel too, and must leave
nothing half done, as an exception anywhere else must.
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain.errors import DomainError

Progress = Callable[[str, float], None]
RowProgress = Callable[[int], None]
IsCancelled = Callable[[], bool]

CANCELLED_ZH = "已取消。"
CANCELLED_EN = "Cancelled."


class Cancelled(DomainError):
    """The user stopped the work. The message says what was kept; each kind of work words its own, and a screen
    that knows better may say it in its own words."""

    def __init__(self, zh: str = CANCELLED_ZH, en: str = CANCELLED_EN, *, field: str | None = None) -> None:
        super().__init__(zh, en, field=field)


def raise_if_cancelled(cancelled: IsCancelled | None, zh: str = CANCELLED_ZH, en: str = CANCELLED_EN) -> None:
    """Raise :class:`Cancelled` with this message when ``cancelled`` is given and returns true."""
    if cancelled is not None and cancelled():
        raise Cancelled(zh, en)
