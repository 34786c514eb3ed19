"""Where Jiafang keeps its data, and the settings a user can change.

Settings are declared once (name, default, type, label) and stored as plain JSON in the data folder; the
file holds no personal data, so it may stay unencrypted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "Jiafang"
DATA_DIR_ENV = "JIAFANG_DATA_DIR"
PASSWORD_ENV = "JIAFANG_PASSWORD"
USER_ENV = "JIAFANG_USER"
DATABASE_FILE = "jiafang.db"
KEYSLOT_FILE = "keyslots.json"
SETTINGS_FILE = "settings.json"
BACKUP_DIR = "backups"


def default_data_dir() -> Path:
    """The data folder: $JIAFANG_DATA_DIR, else the platform's per-user data folder."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: type
    label_zh: str
    label_en: str


SETTINGS: tuple[Setting, ...] = (
    Setting("language", "zh", str, "界面语言", "Interface language"),
    Setting("idle_lock_minutes", 10, int, "空闲多少分钟后锁定", "Lock after idle minutes"),
    Setting("draft_autosave_seconds", 5, int, "草稿自动保存间隔（秒）", "Draft autosave interval (seconds)"),
    Setting("sync_folder", "", str, "同步文件夹", "Sync folder"),
    # Reports: the date from which the records hold the whole district's roll ("" = the first record's date);
    # retention rates need the cohort's intake years ago, so they are computed only when the records reach it.
    Setting("records_complete_since", "", str, "学籍记录完整起始日期", "Records complete since (date)"),
    # Early-warning thresholds, one per rule; the defaults are app.domain.warnings.Thresholds' (a test checks
    # they agree; written out here so that reading the settings does not import the domain at start-up).
    Setting("warn_absence_days", 3, int, "连续缺勤多少个上学日预警", "Warn after school days absent in a row"),
    Setting("warn_absence_dropout_days", 20, int, "连续缺勤多少个上学日视为辍学",
            "School days absent in a row that count as dropout"),
    Setting("warn_stale_case_days", 7, int, "个案多少天无劝返记录预警",
            "Warn when a case has no persuasion attempt for days"),
    Setting("warn_retention_days", 30, int, "返校后多少天未巩固回访预警",
            "Warn when a returned child has no retention check for days"),
    Setting("warn_placement_days", 14, int, "中职安置多少天未核实预警",
            "Warn when a vocational placement is unverified for days"),
    Setting("warn_key_target_days", 14, int, "专项活动开始多少天后重点对象仍未家访预警",
            "Warn when a key target is unvisited this many days into a campaign"),
    Setting("warn_follow_up_grace_days", 0, int, "家访跟进日期过后多少天算逾期",
            "Days after a visit's follow-up date before it is overdue"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(data_dir: Path) -> dict[str, Any]:
    """Every declared setting, from the file where present and valid, else its default."""
    values = {s.name: s.default for s in SETTINGS}
    path = data_dir / SETTINGS_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return values
    if isinstance(stored, dict):
        for name, value in stored.items():
            setting = _BY_NAME.get(name)
            if setting is not None and isinstance(value, setting.kind):
                values[name] = value
    return values


def save_setting(data_dir: Path, name: str, value: Any) -> None:
    setting = _BY_NAME[name]
    if not isinstance(value, setting.kind):
        raise TypeError(f"{name} must be {setting.kind.__name__}")
    values = load_settings(data_dir)
    values[name] = value
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / (SETTINGS_FILE + ".tmp")
    tmp.write_text(json.dumps(values, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, data_dir / SETTINGS_FILE)
