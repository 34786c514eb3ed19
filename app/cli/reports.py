"""Early warnings, reports, ledgers and reconciliation: ``warnings``, ``absence`` (what the warnings count),
``report``, ``export ledger`` and ``reconcile``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import EXIT_OK, UserError, _day, _open, _reveal, _t
from app.config import load_settings
from app.domain.i18n import current_language


def cmd_warnings(args: argparse.Namespace) -> int:
    from app.domain.warnings import Thresholds
    from app.services.warnings import find_warnings

    settings = load_settings(args.data_dir)
    database = _open(args)
    try:
        with database.read() as session:
            found = find_warnings(session, today=_day(args.date, "--date"),
                                  thresholds=Thresholds.from_settings(settings), school_id=args.school,
                                  township_id=args.township)
    finally:
        database.close()
    lang = current_language()
    if args.json:
        print(json.dumps([w.as_dict(lang) for w in found], ensure_ascii=False))
        return EXIT_OK
    for warning in found:
        where = f"{warning.school_name} {warning.grade}{_t('年级', ' ')}{warning.class_name}".rstrip()
        people = _t("；", "; ").join(f"{c.as_dict(lang)['role_label']} {c.name} {c.phone}".rstrip()
                                    for c in warning.coverage)
        line = (f"[{warning.severity.label(lang)}] {warning.since} {warning.rule.label(lang)} "
                f"{warning.student_name}（{where}）：{warning.finding.detail(lang)}")
        print(line + (_t(f" — 包保：{people}", f" — covered by: {people}") if people else ""))
    print(_t(f"共 {len(found)} 条预警。", f"{len(found)} warning(s)."))
    return EXIT_OK


def cmd_absence(args: argparse.Namespace) -> int:
    from app.services import attendance

    if not args.since and not args.until:
        raise UserError("请用 --since 给出缺勤开始日期，或用 --until 结束缺勤。",
                        "Give --since (first day away) or --until (last day away).")
    database = _open(args)
    try:
        with database.write() as session:
            if args.since:
                spell = attendance.record_absence(session, args.student, started_on=args.since, excused=args.excused,
                                                  reason=args.reason)
                if args.until:
                    attendance.end_absence(session, spell.id, ended_on=args.until)
            else:
                going_on = attendance.open_absence_of(session, args.student)
                if going_on is None:
                    raise UserError("这名学生没有未结束的缺勤记录。", "This student has no absence going on.")
                spell = attendance.end_absence(session, going_on.id, ended_on=args.until)
            shown = (spell.started_on, spell.ended_on)
    finally:
        database.close()
    print(_t(f"已记录缺勤：{shown[0]} 起" + (f"，至 {shown[1]}" if shown[1] else "（仍在缺勤）") + "。",
             f"Absence recorded from {shown[0]}" + (f" to {shown[1]}" if shown[1] else " (still away)") + "."))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from app.services.reports import Level, build_report, records_since_setting, write_report

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(f"--out 应以 .pdf 或 .xlsx 结尾：{out.name}", f"--out must end in .pdf or .xlsx: {out.name}")
    level, unit = Level.DISTRICT, None
    if args.school:
        level, unit = Level.SCHOOL, args.school
    elif args.township:
        level, unit = Level.TOWNSHIP, args.township
    since = records_since_setting(load_settings(args.data_dir).get("records_complete_since"))
    database = _open(args)
    try:
        printed_by = database.user.display_name if database.user else "—"
        with database.read() as session:
            report = build_report(session, args.kind, _day(args.date, "--date"), level=level, unit_id=unit,
                                  records_since=since)
        try:
            write_report(report, out, printed_by=printed_by)
        except OSError as exc:
            raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    lang = current_language()
    f = report.total.figures
    for note in report.note_lines(lang):
        print(f"jiafang: {note}", file=sys.stderr)
    rate_zh, rate_en = report.total.dropout_rate.shown("zh"), report.total.dropout_rate.shown("en")
    print(_t(f"已生成 {out}：{report.period.label('zh')}，新发现辍学 {f.found} 人，劝返复学 {f.back} 人，仍未返校 "
             f"{f.still_out} 人，家访 {f.visits_done}/{f.visits_planned}，辍学率 {rate_zh}。",
             f"Wrote {out}: {report.period.label('en')}; {f.found} found, {f.back} back, {f.still_out} still out, "
             f"visits {f.visits_done}/{f.visits_planned}, dropout rate {rate_en}."))
    return EXIT_OK


def cmd_export_ledger(args: argparse.Namespace) -> int:
    from app.services.ledgers import Signatures, export_ledger

    out = Path(args.out)
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        signatures = Signatures(checker=args.checker or "", preparer=args.preparer or "", phone=args.phone or "")
        with database.write() as session:  # a write session: exports are to be audited (record_print)
            try:
                result = export_ledger(session, args.ledger, out, on=_day(args.date, "--date"), school_id=args.school,
                                       township_id=args.township, village_id=args.village, signatures=signatures,
                                       reveal=reveal)
            except OSError as exc:
                raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    finally:
        database.close()
    print(_t(f"已导出{result.kind.zh} {result.rows} 行到 {out}（含个人信息，请妥善保管）。",
             f"Exported the {result.kind.en.lower()} ({result.rows} rows) to {out} (it holds personal data: keep it "
             "safe)."))
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    from app.services.reconciliation import accept_line, dismiss_line, reconcile

    if args.dismiss and not args.reason:
        raise UserError("忽略（--dismiss）需要用 --reason 写明原因。", "--dismiss needs a --reason.")
    day = _day(args.date, "--date")
    database = _open(args)
    done: list[str] = []
    try:
        if args.accept or args.dismiss:
            with database.write() as session:
                result = reconcile(session, Path(args.file), args.kind, today=day)
                for key in args.accept or ():
                    line = result.line(key)
                    done.append(f"{line.name}：{accept_line(session, result, key, school_id=args.school, today=day)}")
                for key in args.dismiss or ():
                    line = result.line(key)
                    dismiss_line(session, result, key, args.reason, today=day)
                    done.append(_t(f"{line.name}：已忽略。", f"{line.name}: dismissed."))
        else:
            with database.read() as session:
                result = reconcile(session, Path(args.file), args.kind, today=day)
    finally:
        database.close()
    lang = current_language()
    if args.json:
        print(json.dumps([line.as_dict(lang) for line in result.lines], ensure_ascii=False))
        return EXIT_OK
    for message in done:
        print(message)
    for line in (result.lines if args.all else result.open_lines):
        state = ""
        if line.dismissed is not None:
            state = _t(f"（已忽略：{line.dismissed.reason}）", f" (dismissed: {line.dismissed.reason})")
        elif line.accepted is not None:
            state = _t("（已接受）", " (accepted)")
        print(f"{line.key}  {_t('第', 'row ')}{line.row}{_t(' 行', '')}  {line.issue.label(lang)}  {line.name} "
              f"{line.id_shown}  {line.school_name}：{line.detail(lang)}{state}")
    print(result.summary(lang))
    return EXIT_OK
