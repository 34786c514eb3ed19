"""SQLite and file-system failures as messages a teacher understands."""

from __future__ import annotations

import errno

import sqlcipher3

from app.domain.errors import DomainError


class StoreError(DomainError):
    """The record store could not do what was asked; the data is as it was before. ``sqlite_code`` is the
    primary SQLite result code of the failure, when SQLite gave one (callers decide on it, not on the text)."""

    sqlite_code: int | None = None


class DiskFull(StoreError):
    """No room on the disk (or the database reached its size limit): nothing was saved."""


class DatabaseBusy(StoreError):
    """Another program holds the database file."""


class DatabaseDamaged(StoreError):
    """The database file is damaged: the latest backup has to be restored."""


class CannotDecrypt(StoreError):
    """The file does not open with this key: a wrong password, or not (or no longer) a Jiafang database."""


class ReadOnlyFolder(StoreError):
    """The data folder cannot be written to."""


class DiskError(StoreError):
    """A read or write failed at the disk (a failing disk or USB stick)."""


class ConstraintViolated(StoreError):
    """A write broke a constraint (unique, foreign key, not null): refused, nothing saved."""


class WriterBusy(StoreError):
    """Another piece of work of this app (a sync, an import) is writing; nothing was written."""

    def __init__(self) -> None:
        super().__init__("正在同步或导入，数据暂时不能写入；稍后会自动再试。",
                         "A sync or import is writing; this will be saved a moment later.")


# Primary SQLite result codes (https://www.sqlite.org/rescode.html); extended codes carry them in the low byte.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL = 5, 6, 8, 10, 11, 13
SQLITE_CONSTRAINT, SQLITE_NOTADB = 19, 26


# SQLite's own fixed text for each code (sqlite3_errstr). sqlcipher3 leaves the code off a few errors (those of
# the backup API): their text is then exactly one of these, which names the code as surely as the number.
_ERRSTR = {"database or disk is full": SQLITE_FULL, "file is not a database": SQLITE_NOTADB,
           "database is locked": SQLITE_BUSY, "database table is locked": SQLITE_LOCKED,
           "database disk image is malformed": SQLITE_CORRUPT, "attempt to write a readonly database": SQLITE_READONLY,
           "disk I/O error": SQLITE_IOERR}


def sqlite_code(exc: BaseException | None) -> int | None:
    """The primary SQLite result code of a driver error, also when SQLAlchemy or a StoreError wraps it."""
    seen = 0
    while exc is not None and seen < 4:
        if isinstance(exc, StoreError) and exc.sqlite_code is not None:
            return exc.sqlite_code
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
        if isinstance(exc, sqlcipher3.Error) and str(exc) in _ERRSTR:
            return _ERRSTR[str(exc)]
        orig = getattr(exc, "orig", None)
        exc = orig if isinstance(orig, BaseException) else exc.__cause__
        seen += 1
    return None


def _detail(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)


def translate(exc: BaseException) -> StoreError:
    """The StoreError for a database or OS error (the transaction has been or will be rolled back), chosen by
    the SQLite result code or the OS errno, never by the message's wording."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return DiskFull("磁盘已满，本次修改没有保存。请清理磁盘空间后重试。",
                          "The disk is full; this change was not saved. Free some space and try again.")
    code = sqlite_code(exc)
    error = _by_code(code, exc)
    error.sqlite_code = code
    return error


def _by_code(code: int | None, exc: BaseException) -> StoreError:
    if code == SQLITE_FULL:
        return DiskFull("磁盘已满（或数据库已达上限），本次修改没有保存，原有数据未受影响。请清理磁盘空间后重试。",
                          "The disk is full (or the database reached its limit); this change was not saved "
                          "and existing data is untouched. Free some space and try again.")
    if code == SQLITE_NOTADB:
        return CannotDecrypt("无法解密数据库：密码不对，或数据库文件已损坏。",
                          "Cannot decrypt the database: wrong password or a damaged database file.")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy("数据库正被另一个程序使用，请关闭其他家访通窗口后重试。",
                          "The database is in use by another program; close other Jiafang windows and retry.")
    if code == SQLITE_CORRUPT:
        return DatabaseDamaged("数据库文件已损坏。请用“恢复备份”还原最近的备份。",
                          "The database file is damaged. Restore the latest backup.")
    if code == SQLITE_READONLY:
        return ReadOnlyFolder("数据文件夹是只读的，无法保存。请检查文件夹权限。",
                          "The data folder is read-only; nothing can be saved. Check the folder's permissions.")
    if code == SQLITE_IOERR or isinstance(exc, OSError):
        return DiskError("读写数据时出错（磁盘或U盘可能有问题），本次修改没有保存。",
                          "A read or write error occurred (the disk or USB stick may be failing); "
                          "this change was not saved.")
    text = _detail(exc)
    if code == SQLITE_CONSTRAINT:
        return ConstraintViolated(f"数据不一致，修改被拒绝：{text}",
                                  f"Inconsistent data; the change was refused: {text}")
    return StoreError(f"数据库出错：{text}", f"Database error: {text}")
