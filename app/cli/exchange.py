"""Records in and out of other systems' files: ``export json`` and ``import roster``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import EXIT_OK, EXIT_USER_ERROR, UserError, _open, _t
from app.domain.errors import DomainError
from app.domain.i18n import current_language

if TYPE_CHECKING:
    from app.services.importing import ImportPlan
    from app.services.roster import RowError


def cmd_export_json(args: argparse.Namespace) -> int:
    from app.services.audit import AuditAction, record_event, require_admin
    from app.services.exchange import export_json

    database = _open(args)
    reader_left = False
    try:
        require_admin(database.user.role if database.user else None)
        with database.write() as session:  # a write session: the export is audited
            record_event(session, AuditAction.EXPORTED, detail="json")
            if args.out == "-":
                try:
                    export_json(session, sys.stdout)
                except BrokenPipeError:
                    reader_left = True  # `| head`: what was printed was shown, so the export stays audited
            else:
                out = Path(args.out)
                tmp = out.with_name(out.name + ".part")
                try:
                    with open(tmp, "w", encoding="utf-8") as handle:
                        count = export_json(session, handle)
                    os.replace(tmp, out)
                except OSError as exc:
                    tmp.unlink(missing_ok=True)
                    raise UserError(f"无法写入 {out}：{exc.strerror}",
                                    f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    if args.out == "-":
        if reader_left:
            raise BrokenPipeError  # main() ends quietly
        return EXIT_OK
    print(_t(f"已导出 {count} 条记录到 {out}（含个人信息，请妥善保管）。",
             f"Exported {count} records to {out} (it holds personal data: keep it safe)."), file=sys.stderr)
    return EXIT_OK


# Lists on screen stop here; the report file beside the input has every row.
_SHOWN_ROWS = 50


def cmd_import_roster(args: argparse.Namespace) -> int:
    from datetime import date

    from app.services.importing import ImportRejected, apply_import, describe_error, plan_import, write_report

    path = Path(args.file)
    progress = _rows_printer() if sys.stderr.isatty() else None
    rejected: ImportRejected | None = None
    database = _open(args)
    try:
        if args.dry_run:
            with database.read() as session:
                plan = plan_import(session, path, today=date.today(), progress=progress)
            _print_plan(plan, dry_run=True)
            return EXIT_USER_ERROR if plan.counts.rejected and not args.skip_invalid else EXIT_OK
        try:
            with database.write() as session:
                plan = plan_import(session, path, today=date.today(), progress=progress)
                result = apply_import(session, plan, skip_invalid=args.skip_invalid)
        except ImportRejected as exc:
            rejected = exc
    finally:
        database.close()
        if progress is not None:
            print(file=sys.stderr)
    if rejected is not None:
        _print_plan(rejected.plan, dry_run=False, errors=rejected.errors, error_count=rejected.count)
        _print_report(lambda: write_report(rejected.plan))
        raise UserError(f"{rejected.zh}（请修改后重新导入，或加 --skip-invalid 只导入无误的行）",
                        f"{rejected.en} (Fix the file and import again, or add --skip-invalid to import the valid "
                        "rows only.)")
    print(_t(f"已导入 {path.name}：{result.summary('zh')}。", f"Imported {path.name}: {result.summary('en')}."))
    lang = current_language()
    counts = result.plan.counts
    _print_rows([describe_error(e, lang) for e in result.skipped], _t("有误未导入：", "Invalid, not imported:"),
                counts.errors if result.skipped else 0)
    _print_rows([describe_error(n, lang) for n in result.plan.notes], _t("提示：", "Notes:"), counts.notes)
    _print_report(lambda: write_report(result))
    return EXIT_OK


def _print_plan(plan: ImportPlan, *, dry_run: bool, errors: Sequence[RowError] | None = None,
                error_count: int | None = None) -> None:
    """The plan's summary and its first rows of each kind (a plan keeps only the first ones; the counts say how
    many there are in all)."""
    from app.services.importing import describe_error

    lang = current_language()
    sheet_zh = f"工作表「{plan.sheet}」，" if plan.sheet else ""
    sheet_en = f"sheet {plan.sheet!r}, " if plan.sheet else ""
    where = _t(f"{plan.path.name}（{sheet_zh}表头在第 {plan.header_row} 行，{plan.rows_read} 行数据）",
               f"{plan.path.name} ({sheet_en}header on row {plan.header_row}, {plan.rows_read} data rows)")
    if dry_run:
        print(_t(f"试运行，没有写入任何记录：{where}", f"Dry run, nothing written: {where}"))
    else:
        print(where)
    print(plan.summary(lang))
    if dry_run:
        _print_rows([_t(f"第 {a.row} 行 {a.name}（{a.grade} 年级 {a.class_name or ''}）",
                        f"Row {a.row} {a.name} (grade {a.grade} {a.class_name or ''})"
                        ).rstrip() for a in plan.to_add], _t("将新增：", "Would add:"), plan.counts.to_add)
        _print_rows([_t(f"第 {c.row} 行 {c.name}：", f"Row {c.row} {c.name}: ") + c.describe(lang)
                     for c in plan.to_change], _t("将更新：", "Would change:"), plan.counts.to_change)
    rejected = errors if errors is not None else plan.rejected
    _print_rows([describe_error(e, lang) for e in rejected], _t("有误：", "Invalid:"),
                error_count if error_count is not None else plan.counts.errors if errors is None else len(errors))
    _print_rows([describe_error(n, lang) for n in plan.notes], _t("提示：", "Notes:"), plan.counts.notes)


def _print_rows(lines: Sequence[str], title: str, total: int | None = None) -> None:
    """The first _SHOWN_ROWS of ``lines``; ``total`` is how many there are in all (default: ``len(lines)``)."""
    if not lines:
        return
    total = max(total or 0, len(lines))
    print(title)
    for line in lines[:_SHOWN_ROWS]:
        print(f"  {line}")
    if total > _SHOWN_ROWS:
        print(_t(f"  …（共 {total} 条，全部见导入报告）",
                 f"  … ({total} in all; the report lists every one)"))


def _print_report(write: Callable[[], Path]) -> None:
    try:
        written = write()
        print(_t(f"导入报告：{written}", f"Import report: {written}"))
    except DomainError as exc:  # a read-only folder must not hide the import's own outcome
        print(f"jiafang: {exc}", file=sys.stderr)


def _rows_printer() -> Callable[[int], None]:
    def show(rows: int) -> None:
        print(_t(f"\r已读取 {rows} 行", f"\rRead {rows} rows"), end="", file=sys.stderr, flush=True)

    return show
