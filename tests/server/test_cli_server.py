"""`jiafang serve ...` and `jiafang sync server URL` as a district technician would type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from sync.server.store import ServerStore, default_url
from tests.conftest import PASSWORD
from tests.server.conftest import seed_district, start_server


def test_serve_administration_and_sync_server_from_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    server_dir, laptop_dir = tmp_path / "server", tmp_path / "laptop"
    monkeypatch.setenv("JIAFANG_PASSWORD", PASSWORD)
    assert main(["--data-dir", str(server_dir), "serve", "init"]) == 0
    assert "部署编号" in capsys.readouterr().out
    assert main(["--data-dir", str(server_dir), "serve", "code", "--district", "--url", "http://127.0.0.1:9",
                 "--qr", str(tmp_path / "qr.png")]) == 0
    out = capsys.readouterr().out
    code = out.split("：", 1)[1].split()[0]
    assert "jiafang://enroll?server=http%3A%2F%2F127.0.0.1%3A9&code=" in out and (tmp_path / "qr.png").exists()
    assert PASSWORD not in out and "content" not in out  # the link carries the code and nothing else secret
    # The district laptop: a demo district, enrolled with the code, synced.
    store = ServerStore(default_url(server_dir))
    live = start_server(store, server_dir / "server-cache")
    try:
        assert main(["--data-dir", str(laptop_dir), "init"]) == 0
        from app.store.db import open_folder

        laptop = open_folder(laptop_dir, None, PASSWORD)
        seed_district(laptop)
        laptop.close()
        capsys.readouterr()
        assert main(["--data-dir", str(laptop_dir), "sync", "server", live.url, "--enroll", code, "--quiet"]) == 0
        assert "发送" in capsys.readouterr().out
        assert main(["--data-dir", str(laptop_dir), "sync", "server", live.url + "/", "--quiet"]) == 0
        capsys.readouterr()
        # Codes and users for a school, named as the bureau knows it.
        assert main(["--data-dir", str(server_dir), "serve", "code", "--school", "北湖小学"]) == 0
        assert "北湖小学" in capsys.readouterr().out
        assert main(["--data-dir", str(server_dir), "serve", "code", "--school", "小学"]) == 1
        assert "多所学校" in capsys.readouterr().err
        assert main(["--data-dir", str(server_dir), "serve", "user", "add", "bureau", "--role", "district"]) == 0
        assert main(["--data-dir", str(server_dir), "serve", "user", "add", "bureau", "--role", "district"]) == 1
        assert "已存在" in capsys.readouterr().err
        assert main(["--data-dir", str(server_dir), "serve", "user", "add", "head", "--role", "school_admin",
                     "--school", "石埠小学"]) == 0
        capsys.readouterr()
        assert main(["--data-dir", str(server_dir), "serve", "devices", "--json"]) == 0
        devices = json.loads(capsys.readouterr().out)
        assert len(devices) == 1 and devices[0]["scope"] == "district" and devices[0]["ops"] > 0
        # Revoked: the next sync fails with one clear line, exit 1, no traceback.
        assert main(["--data-dir", str(server_dir), "serve", "revoke", devices[0]["id"][:13]]) == 0
        capsys.readouterr()
        assert main(["--data-dir", str(laptop_dir), "sync", "server", live.url, "--quiet"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "撤销" in err and "Traceback" not in err
        # A token from the environment overrides the stored one (and a wrong one is refused clearly).
        monkeypatch.setenv("JIAFANG_SYNC_TOKEN", "not-a-token")
        assert main(["--data-dir", str(laptop_dir), "--lang", "en", "sync", "server", live.url, "--quiet"]) == 1
        assert "token is not valid" in capsys.readouterr().err
        monkeypatch.delenv("JIAFANG_SYNC_TOKEN")
        assert main(["--data-dir", str(laptop_dir), "sync", "server", "not a url"]) == 1
        assert "服务器地址不对" in capsys.readouterr().err
    finally:
        live.stop()
        store.close()


def test_serve_refuses_bad_options_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "serve", "--cert", "x.pem"]) == 1
    assert "--key" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "serve", "--db", "mysql://x/y", "devices"]) == 1
    assert "postgresql" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "serve", "revoke", "nobody"]) == 1
    assert "nobody" in capsys.readouterr().err


def test_serve_init_joins_a_share_with_its_newest_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A district server adopts a school's share after a lost laptop's re-key: the new passphrase opens it
    (the server keeps the deployment's first key, as the laptops do), the old one is refused; a share never
    re-keyed is adopted with its only passphrase."""
    from app.store.db import create_folder
    from app.store.models import SyncIdentity
    from sync.engine import sync_folder
    from sync.rekey import rekey_share

    old, new = "石埠小学-共享-2026", "换了新口令-2026-秋"
    share, never = tmp_path / "share", tmp_path / "never-rekeyed"
    share.mkdir()
    never.mkdir()
    admin = create_folder(tmp_path / "a", username="admin", password=PASSWORD)
    lost = create_folder(tmp_path / "c", username="c", password=PASSWORD)
    try:
        for laptop in (admin, lost, admin):
            assert sync_folder(laptop, share, old).ok
        assert sync_folder(admin, never, old).ok  # a second share of the same deployment
        rekey_share(admin, share, new, revoke=[lost.device_id])
        with admin.read() as session:
            identity = session.get(SyncIdentity, 1)
            assert identity is not None
            deployment, first_key = identity.deployment_id, identity.content_key
    finally:
        admin.close()
        lost.close()

    def adopt(folder: Path, passphrase: str, server: str) -> int:
        monkeypatch.setenv("JIAFANG_SYNC_PASSPHRASE", passphrase)
        return main(["--data-dir", str(tmp_path / server), "serve", "init", "--join-share", str(folder)])

    assert adopt(share, old, "refused") == 1  # what the lost laptop knows
    err = capsys.readouterr().err
    assert "更换" in err and "JIAFANG_SYNC_PASSPHRASE" in err and "Traceback" not in err
    assert adopt(share, new, "server") == 0
    assert deployment in capsys.readouterr().out
    store = ServerStore(default_url(tmp_path / "server"))
    try:
        assert store.deployment == (deployment, first_key)
    finally:
        store.close()
    assert adopt(never, old, "server-2") == 0
    assert deployment in capsys.readouterr().out
    assert adopt(never, new, "server-3") == 1
    assert "口令" in capsys.readouterr().err
