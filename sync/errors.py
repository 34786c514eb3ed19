"""Sync failures as messages a teacher understands."""

from __future__ import annotations

from app.domain.errors import DomainError


class SyncError(DomainError):
    """The sync could not go on; what was applied before stays applied, nothing is half-applied."""


class BundleError(SyncError):
    """One bundle is unusable (truncated, corrupted, tampered, foreign...): it is set aside, the rest go on."""
