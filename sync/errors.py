"""Sync failures as messages a teacher understands."""

from __future__ import annotations

from app.domain.errors import DomainError


class SyncError(DomainError):
    """The sync could not go on; what was applied before stays applied, nothing is half-applied."""


class BundleError(SyncError):
    """One bundle is unusable (truncated, corrupted, tampered, foreign...): it is set aside, the rest go on."""


class PassphraseNeeded(SyncError):
    """The sync needs the share's passphrase and was given none (a new share, or a first sync into one); a
    person at a terminal can be asked for it."""


class SharePassphraseChanged(PassphraseNeeded):
    """An administrator gave the share a new passphrase and key (a laptop was lost): this laptop needs the new
    passphrase once before it can sync again. Nothing was changed on either side."""
