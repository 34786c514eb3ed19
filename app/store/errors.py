"""SQLite and file-system failures as messages a teacher understands."""

from __future__ import annotations

import errno

from app.domain.errors import DomainError


class StoreError(DomainError):
    """The record store could not do what was asked; the data is as it was before."""


class WriterBusy(StoreError):
    """Another piece of work of this app (a sync, an import) is writing; nothing was written."""

    def __init__(self) -> None:
        super().__init__("正在同步或导入，数据暂时不能写入；稍后会自动再试。",
                         "A sync or import is writing; this will be saved a moment later.")


def _text_of(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).lower()


def translate(exc: BaseException) -> StoreError:
    """The StoreError for a database or OS error (the transaction has been or will be rolled back)."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return StoreError("磁盘已满，本次修改没有保存。请清理磁盘空间后重试。",
                          "The disk is full; this change was not saved. Free some space and try again.")
    text = _text_of(exc)
    if "full" in text:
        return StoreError("磁盘已满（或数据库已达上限），本次修改没有保存，原有数据未受影响。请清理磁盘空间后重试。",
                          "The disk is full (or the database reached its limit); this change was not saved "
                          "and existing data is untouched. Free some space and try again.")
    if "not a database" in text or "encrypted" in text:
        return StoreError("无法解密数据库：密码不对，或数据库文件已损坏。",
                          "Cannot decrypt the database: wrong password or a damaged database file.")
    if "locked" in text or "busy" in text:
        return StoreError("数据库正被另一个程序使用，请关闭其他家访通窗口后重试。",
                          "The database is in use by another program; close other Jiafang windows and retry.")
    if "malformed" in text or "corrupt" in text:
        return StoreError("数据库文件已损坏。请用“恢复备份”还原最近的备份。",
                          "The database file is damaged. Restore the latest backup.")
    if "readonly" in text or "read-only" in text:
        return StoreError("数据文件夹是只读的，无法保存。请检查文件夹权限。",
                          "The data folder is read-only; nothing can be saved. Check the folder's permissions.")
    if "i/o error" in text or isinstance(exc, OSError):
        return StoreError("读写数据时出错（磁盘或U盘可能有问题），本次修改没有保存。",
                          "A read or write error occurred (the disk or USB stick may be failing); "
                          "this change was not saved.")
    if "constraint" in text:
        return StoreError(f"数据不一致，修改被拒绝：{text}", f"Inconsistent data; the change was refused: {text}")
    return StoreError(f"数据库出错：{text}", f"Database error: {text}")
