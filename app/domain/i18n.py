"""The interface language for messages and code labels.

One module-level setting: the CLI and the GUI set it once at start-up (from ``--lang`` or the user's
settings) and everything that formats a message or a label reads it. Chinese is the default because the
people using the app are village teachers and township cadres.
"""

from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Make ``lang`` ('zh' or 'en') the language of every message and label from now on."""
    global _language
    _language = _checked(lang)


def current_language() -> str:
    """The language set by :func:`set_language`, 'zh' until someone sets another."""
    return _language


def resolve_language(lang: str | None) -> str:
    """``lang`` itself when given (and supported), else the current language."""
    return _language if lang is None else _checked(lang)


def _checked(lang: str) -> str:
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(SUPPORTED_LANGUAGES)}")
    return lang
