"""Printing documents as PDF: ``pdf visit``, ``pdf campaign``, ``pdf blank``, ``pdf case``, ``pdf exemption``
and ``pdf village``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from app.cli.common import EXIT_OK, UserError, _open, _progress_printer, _reveal, _t
from app.domain.i18n import current_language


def _warn_missing(missing: tuple[str, ...], problems: tuple[str, ...]) -> None:
    from app.documents.data import describe_missing

    if missing:
        print(f"jiafang: {_t('警告', 'warning')}: {describe_missing(missing, current_language())}", file=sys.stderr)
    for problem in problems:
        print(f"jiafang: {_t('警告', 'warning')}: {problem}", file=sys.stderr)


def _pdf_command(args: argparse.Namespace, make: Callable[..., object]) -> int:
    """Open the data folder, render one document with ``make(session, reveal)``, write it to --out."""
    from app.documents import RenderedDocument, write_pdf

    out = Path(args.out)
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        # A write session: printing is to be audited (services.documents.record_print) once the log exists.
        with database.write() as session:
            document = make(session, reveal)
    finally:
        database.close()
    assert isinstance(document, RenderedDocument)
    try:
        write_pdf(document, out)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") from None
    _warn_missing(document.missing_chars, document.problems)
    print(_t(f"已生成 {out}（{document.pages} 页；含个人信息，请妥善保管）。",
             f"Wrote {out} ({document.pages} page(s); it holds personal data: keep it safe)."))
    return EXIT_OK


def cmd_pdf_visit(args: argparse.Namespace) -> int:
    from app.services.documents import visit_pdf

    return _pdf_command(args, lambda session, reveal: visit_pdf(session, args.id, reveal=reveal))


def cmd_pdf_blank(args: argparse.Namespace) -> int:
    from app.services.documents import blank_pdf

    return _pdf_command(args, lambda session, reveal: blank_pdf(session, args.student, reveal=reveal))


def cmd_pdf_case(args: argparse.Namespace) -> int:
    from app.services.documents import case_pdf

    return _pdf_command(args, lambda session, reveal: case_pdf(session, args.id, reveal=reveal))


def cmd_pdf_exemption(args: argparse.Namespace) -> int:
    from app.services.documents import exemption_pdf

    return _pdf_command(args, lambda session, reveal: exemption_pdf(
        session, case_id=args.id, reveal=reveal, kind=args.kind, causes=args.cause or (), finding=args.finding,
        evidence=args.evidence))


def cmd_pdf_village(args: argparse.Namespace) -> int:
    from app.services.documents import village_pdf

    return _pdf_command(args, lambda session, reveal: village_pdf(
        session, args.id, checker=args.checker or "", preparer=args.preparer or "", phone=args.phone or ""))


def cmd_pdf_campaign(args: argparse.Namespace) -> int:
    from app.services.documents import campaign_pdfs

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} 不是文件夹。", f"{out} is not a folder.")
    database = _open(args)
    try:
        reveal = _reveal(args, database)
        with database.write() as session:
            result = campaign_pdfs(session, args.code, out, one_file=args.one_file, school_id=args.school,
                                   reveal=reveal, progress=None if args.quiet else _progress_printer())
    finally:
        database.close()
    _warn_missing(result.missing_chars, result.problems)
    print(_t(f"已生成 {len(result.files)} 个文件、{result.sheets} 份家访记录（{result.pages} 页）到 {out}"
             "（含个人信息，请妥善保管）。",
             f"Wrote {len(result.files)} file(s) with {result.sheets} visit sheet(s) ({result.pages} pages) to {out} "
             "(they hold personal data: keep them safe)."))
    return EXIT_OK
