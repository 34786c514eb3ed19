"""The app's log: a rotating file ``logs/jiafang.log`` in the data folder (1 MB x 5), without personal data.

The rule is at the call sites: log record ids, codes, counts and paths, never names or free text typed about a
person. :class:`PersonalDataFilter` is the safety net behind that rule: it masks anything shaped like a
resident ID number (18 characters) or a mobile number (11 digits), and SQLAlchemy's echo of the parameters
of a failed statement, in the message, its arguments and a traceback alike.
No Qt here.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import re
import traceback
from pathlib import Path
from types import TracebackType

__all__ = ["LOG_DIR", "LOG_FILE", "PersonalDataFilter", "close_logging", "log_unexpected", "mask_personal",
           "setup_logging"]

LOG_DIR = "logs"
LOG_FILE = "jiafang.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

# A resident ID: 6-digit area, birth date 18xx/19xx/20xx, 3-digit sequence, check digit (0-9 or X). Shape only:
# a number that fails the checksum is just as personal.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                        r"\d{3}[0-9Xx](?![0-9A-Za-z])")
# A mainland mobile number, optionally after +86 / 86.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
# SQLAlchemy appends the bound values of a failed statement: names, ID numbers, anything.
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)


def mask_personal(text: str) -> str:
    """``text`` with ID-number and phone shapes masked (450107********123X, 138****5678) and SQL parameters
    removed."""
    # The shapes are found here; how each is masked is the screens' and printouts' own rule (imported here: the
    # log is set up before the first window, and that rule's module and the ID checks under it take 10 ms).
    from app.domain.masking import mask_id_number, mask_phone

    text = _PARAMETERS.sub("[parameters: hidden]", text)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE.sub(lambda m: m.group(0)[:-11] + mask_phone(m.group(0)[-11:]), text)


class PersonalDataFilter(logging.Filter):
    """Masks personal-data shapes in a record before any handler writes it (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None:
            # Only the formatted traceback is kept (never frame locals), and it is masked like the message.
            record.exc_text = mask_personal("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


class _FolderRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Creates ``logs/`` when the first record is written, so a command that logs nothing leaves no trace."""

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        # A log that cannot be written (read-only or full folder) must neither stop nor clutter a command.
        pass


_handler: logging.Handler | None = None


def setup_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the ``jiafang`` loggers to ``DATA_DIR/logs/jiafang.log``; returns that path. Calling it again
    (tests, a second main()) replaces the previous file handler."""
    global _handler
    path = Path(data_dir) / LOG_DIR / LOG_FILE
    logger = logging.getLogger("jiafang")
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    handler = _FolderRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                                         delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PersonalDataFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    _handler = handler
    return path


def close_logging() -> None:
    """Close the log file (before a data folder is removed, and in tests)."""
    global _handler
    if _handler is not None:
        logging.getLogger("jiafang").removeHandler(_handler)
        _handler.close()
        _handler = None


def log_unexpected(exc: BaseException, tb: TracebackType | None = None, *, command: str | None = None) -> None:
    """Write an unexpected exception's formatted traceback (masked; no frame locals) to the log."""
    logging.getLogger("jiafang.cli").error("unexpected error in command %s", command or "-",
                                           exc_info=(type(exc), exc, tb or exc.__traceback__))
