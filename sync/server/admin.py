"""What the district's administrator does with ``jiafang serve ...`` on the server machine: set the server up
(or adopt an existing folder-share deployment), add dashboard users, make enrollment codes, list and revoke
devices. Administration is on the command line of the server machine only: nothing about it is reachable
over the network, so a stolen laptop token or a dashboard password cannot enroll anything.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from sqlalchemy import or_, select

from app.store.models import DISTRICT_SCOPE, School
from sync.errors import SharePassphraseChanged, SyncError
from sync.server.store import ServerStore, default_url

CACHE_DIR = "server-cache"


def open_store(db_url: str | None, data_dir: Path, *, deployment: tuple[str, bytes] | None = None) -> ServerStore:
    """The server store (SQLite in the data folder unless ``db_url``), migrated and with a deployment."""
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if db_url is None:
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        store = ServerStore(db_url or default_url(data_dir))
    except ArgumentError:
        raise SyncError(f"数据库地址格式不对：{db_url}", f"Malformed database URL: {db_url}") from None
    try:
        store.setup(deployment=deployment)
    except DBAPIError as exc:
        store.close()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise SyncError(f"无法打开服务器数据库：{reason}", f"Cannot open the server database: {reason}") from None
    except Exception:
        store.close()
        raise
    return store


def share_deployment(share: Path, passphrase: str) -> tuple[str, bytes]:
    """The deployment id and content key of a folder share (so the server serves the same deployment).

    The server keeps the deployment's first key (see sync/keyring.py); after a lost laptop's re-key it is
    reached through the newest key record, so the share's current passphrase is the one that works, and the
    old one (the lost laptop may know it) is refused like on a laptop joining the share."""
    from sync import keyring
    from sync.folder import FolderShare

    folder = FolderShare(share)
    folder.check_reachable()
    meta = folder.read_meta()
    if meta is None:
        raise SyncError(f"{share} 不是家访通的同步文件夹。", f"{share} is not a Jiafang share.")
    deployment = str(meta["deployment"])
    try:
        first, _later = keyring.open_share(folder.key_records(deployment), meta, passphrase, deployment)
    except SharePassphraseChanged:
        raise SharePassphraseChanged(
            "这个同步文件夹的口令已被管理员更换（有电脑丢失后的安全措施），给出的不是新口令。"
            "请用现在的同步口令加入（JIAFANG_SYNC_PASSPHRASE 或 --passphrase-file）。",
            "An administrator changed this share's passphrase (after a laptop was lost) and the one given is not "
            "the new one. Adopt the share with its current passphrase (JIAFANG_SYNC_PASSPHRASE or "
            "--passphrase-file).") from None
    return deployment, first


def resolve_scope(store: ServerStore, data_dir: Path, school: str | None, *, district: bool) -> tuple[str, str]:
    """(scope, label) for a code or user: the district, or a school given by id, 学校标识码 or name."""
    if district:
        return DISTRICT_SCOPE, "区教育局 district"
    if not school:
        raise SyncError("请指定学校（--school 学校编号、标识码或名称）或 --district。",
                        "Give a school (--school id, code or name) or --district.")
    from sync.server.records import open_records

    records = open_records(store, data_dir / CACHE_DIR)
    try:
        records.refresh()
        with records.session() as session:
            found = list(session.execute(select(School.id, School.name).where(
                School.deleted.is_(False),
                or_(School.id == school, School.code == school, School.name == school,
                    School.name.contains(school)))))
    finally:
        records.close()
    exact = [f for f in found if school in (f[0], f[1])]
    matches = exact or found
    if len(matches) == 1:
        return matches[0][0], matches[0][1]
    if not matches:
        raise SyncError(f"服务器上没有学校“{school}”（区教育局的电脑同步过吗？）。",
                        f"The server knows no school '{school}' (has the district laptop synced?).")
    names = "、".join(m[1] for m in matches[:5])
    raise SyncError(f"“{school}”对应多所学校：{names}……请写全称或编号。",
                    f"'{school}' matches several schools: {names}…; give the full name or id.")


def enrollment_link(server_url: str, code: str) -> str:
    """What the QR code holds: the server's address and the one-time code, and no other secret."""
    query = urllib.parse.urlencode({"server": server_url.rstrip("/"), "code": code})
    return f"jiafang://enroll?{query}"


def qr_terminal(text: str) -> str | None:
    """The QR code as text for a terminal (None without the optional ``segno`` package)."""
    try:
        import io

        import segno
    except ImportError:
        return None
    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def qr_file(text: str, path: Path) -> None:
    try:
        import segno
    except ImportError:
        raise SyncError("生成二维码文件需要 segno（pip install 'jiafang[server]'）。",
                        "Writing a QR code file needs segno (pip install 'jiafang[server]').") from None
    try:
        segno.make(text, error="m").save(str(path), scale=8, border=4)
    except OSError as exc:
        raise SyncError(f"无法写入 {path}：{exc.strerror}", f"Cannot write {path}: {exc.strerror}") from None
