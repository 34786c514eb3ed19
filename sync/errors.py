"""Sync failures as messages a teacher understands."""

from __future__ import annotations

from app.domain.errors import DomainError


class SyncError(DomainError):
    """The sync could not go on; what was applied before stays applied, nothing is half-applied."""


class BundleError(SyncError):
    """One bundle is unusable (truncated, corrupted, tampered, foreign...): it is set aside, the rest go on."""


class SharePassphraseChanged(SyncError):
    """An administrator gave the share a new passphrase and key (a laptop was lost): this laptop needs the new
    passphrase once before it can sync again. Nothing was changed on either side."""
