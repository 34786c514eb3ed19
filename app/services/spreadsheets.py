"""Reading list files: the student registry's (学籍系统) exports and the lists like them (poverty, disability,
enrolment lists), as .xlsx, .xls or .csv, opened at their header.

:func:`open_table` finds the file's real format from its content (not its name), the text encoding of a CSV
(UTF-8, GBK/GB18030, UTF-16), the header under any title rows (the first sheet with one), and hands over a
:class:`Table`: the recognised columns and the rows after the header, as the file numbers them, with merged cells
filled in (a school name merged down over its pupils). :func:`convert_cell` and :func:`cell_text` read a cell the
way the roster import does (ID numbers as text, grades like 四年级 or 初一, dates however they are written, 是/否);
:func:`column_aliases` gives the header spellings the registry uses, for a list that adds its own.

.xlsx and .xls are read by calamine (Rust), through python-calamine-plus: python-calamine with a row-by-row
stream over an .xlsx sheet, so reading a 100,000-row export holds a row at a time (python-calamine itself reads a
whole sheet first, about 2 KB a row of a registry export: 209 MB at 100,000 rows), some ten times faster than
openpyxl's streaming read-only mode. An .xls sheet is read whole (its format stops at 65,536 rows). CSV is read
line by line. openpyxl stays for writing ledgers, not for reading.

A file that cannot be used as a whole raises :class:`RosterFileError` with a message for a teacher, in Chinese and
English; nothing here touches the database.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.codes import BoardingType, Code, DisabilityGrade, DisabilityType, Ethnicity, IdType, LeftBehind, Sex
from app.domain.contact import normalize_phone
from app.domain.errors import ValidationError
from app.domain.identity import normalize_id_text
from app.domain.names import normalize_name

if TYPE_CHECKING:
    from python_calamine_plus import CalamineSheet, CalamineSheetStream

# Registry exports of a whole district are a few tens of MB; anything far larger is not a roster, and reading it
# would keep a teacher's laptop busy for minutes before saying so.
MAX_FILE_BYTES = 200 * 1024 * 1024
# 512 MiB of sheet XML is some 400,000 rows of a 21-column export, several times a province's largest county. The
# .xlsx rows are streamed, but the shared strings are held whole, and a zip bomb would keep the laptop busy for
# minutes before it came to an end: the directory says so at once.
MAX_SHEET_XML_BYTES = 512 * 1024 * 1024
HEADER_SCAN_ROWS = 20
MIN_HEADER_MATCHES = 3

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_OTHER_FORMATS = (
    (b"\x89PNG", "PNG 图片", "a PNG image"), (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"), (b"%PDF", "PDF 文档", "a PDF document"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"), (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"), (b"BM", "BMP 图片", "a BMP image"),
)
_TEXT_SUFFIXES = frozenset({".csv", ".txt"})


# ----------------------------------------------------------------------------- errors
class RosterFileError(ValidationError):
    """The file as a whole cannot be imported (not a spreadsheet, too big, no header...); nothing was written."""


# ----------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    """A field of the roster, its usual header (Chinese and English) and the header spellings exports use."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...]  # in order of preference when a file has two of them


COLUMNS = (
    Column("name", "姓名", "Name", ("姓名", "学生姓名")),
    Column("id_number", "身份证件号", "ID number",
           ("身份证件号", "身份证号", "身份证号码", "证件号码", "身份证件号码", "证件号", "学生身份证号")),
    Column("id_type", "身份证件类型", "ID type", ("身份证件类型", "证件类型")),
    Column("student_number", "全国学籍号", "Student number", ("全国学籍号", "学籍号", "学籍辅号")),
    Column("school_name", "学校名称", "School", ("学校名称", "学校", "就读学校")),
    Column("school_code", "学校标识码", "School code", ("学校标识码", "学校代码")),
    Column("grade", "年级", "Grade", ("年级", "就读年级")),
    Column("class_name", "班级", "Class", ("班级", "班级名称")),
    Column("sex", "性别", "Sex", ("性别",)),
    Column("birth_date", "出生日期", "Birth date", ("出生日期", "出生年月")),
    Column("ethnicity", "民族", "Ethnicity", ("民族",)),
    Column("guardian", "监护人", "Guardian", ("监护人", "监护人姓名", "家长姓名")),
    Column("relation", "监护人关系", "Relation", ("监护人关系", "与学生关系")),
    Column("phone", "联系电话", "Phone", ("联系电话", "监护人电话", "手机号码", "监护人联系电话")),
    Column("address", "家庭住址", "Address", ("家庭住址", "现住址", "家庭地址")),
    Column("registration_place", "户籍所在地", "Registration place", ("户籍所在地", "户口所在地")),
    Column("registered_poor", "是否建档立卡", "Registered poor",
           ("是否建档立卡", "建档立卡", "脱贫户", "是否建档立卡户", "是否脱贫户")),
    Column("left_behind", "是否留守儿童", "Left-behind child", ("是否留守儿童", "留守儿童")),
    Column("disability_type", "残疾类别", "Disability type", ("残疾类别", "残疾类型")),
    Column("disability_grade", "残疾等级", "Disability grade", ("残疾等级",)),
    Column("migrant", "是否随迁子女", "Migrant child", ("是否随迁子女", "随迁子女", "是否进城务工人员随迁子女")),
    Column("orphan", "是否孤儿", "Orphan", ("是否孤儿", "孤儿")),
    Column("boarding", "就读方式", "Day or boarding", ("就读方式", "是否住校", "是否寄宿")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Parenthesised notes ("出生日期(yyyy-mm-dd)", "性别（必填）") and required markers are decoration, not the name.
_HEADER_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|[*:：\s\ufeff]")


def _header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _build_alias_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for column in COLUMNS:
        for rank, alias in enumerate(column.aliases):
            table[_header_key(alias)] = (column.key, rank)
    return table


_ALIASES = _build_alias_table()


# ----------------------------------------------------------------------------- cell values
class YearMonth:
    """A birth "date" that gives only the year and month (出生年月 "2014.03")."""

    __slots__ = ("month", "year")

    def __init__(self, year: int, month: int) -> None:
        self.year, self.month = year, month

    def matches(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year; serials after Feb 1900 agree)
_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE = re.compile(r"(小学|初中|初)?([1-9一二三四五六七八九])(?:年级|年|级)?")
_YES = frozenset({"是", "y", "yes", "1", "√", "✓", "✔", "true", "有", "对",
                  # Lists of one kind mark their rows with the kind's own name.
                  "建档立卡", "建档立卡户", "脱贫户", "脱贫", "随迁子女", "随迁", "孤儿", "留守", "留守儿童"})
# No plain "x": some forms tick a box with it, others cross it out, so it is refused rather than guessed.
_NO = frozenset({"否", "n", "no", "0", "×", "✗", "✘", "false", "无", "不是", "非", "非留守"})
_NONE_WORDS = frozenset({"无", "否", "0", "非残疾", "不是", "没有"})
_LEFT_BEHIND_WORDS = {"单亲留守": LeftBehind.ONE_PARENT, "双亲留守": LeftBehind.BOTH_PARENTS}


def _text(value: Any) -> str | None:
    """A cell as trimmed text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        return "是" if value else "否"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    else:
        text = str(value).strip()
    if not text:
        return None
    # CSV exports keep Excel from turning long numbers into 4.5E+17 with ="…", a leading apostrophe or a tab.
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    elif text[0] == "'":
        text = text[1:].strip()
    return text or None


def fold(text: str) -> str:
    """The spelling two names are compared in: NFKC, no spaces, case folded ("石埠 小学" is "石埠小学")."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").casefold()


def _id_text(value: Any) -> str:
    if isinstance(value, float) and value >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit number typed into a number cell has lost its tail.
        raise ValidationError(
            f"证件号被 Excel 存成了数字（{value:.0f}），后几位已经丢失；请把该列设为“文本”格式后重新导出",
            f"Excel stored the ID number as a number ({value:.0f}) and its last digits are lost; export it again "
            "with the column formatted as text")
    text = _text(value)
    assert text is not None
    return normalize_id_text(text)


def _grade(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
    else:
        text = (_text(value) or "").replace(" ", "")
    return _grade_of(text)


@functools.lru_cache(maxsize=256)
def _grade_of(text: str) -> int:
    match = _GRADE.fullmatch(unicodedata.normalize("NFKC", text))
    grade = None
    if match:
        stage, digit = match.group(1), match.group(2)
        number = _CN_NUMBERS.get(digit) or int(digit)
        if stage in ("初", "初中"):
            grade = number + 6 if number <= 3 else number if number >= 7 else None
        elif stage == "小学":
            grade = number if number <= 6 else None
        else:
            grade = number
    if grade is None:
        raise ValidationError(f"年级「{text}」无法识别：请填 1–9，或“四年级”“初一”“七年级”这样的写法",
                              f'Grade "{text}" is not understood: use 1–9, or 四年级, 初一, 七年级')
    return grade


def _yes_no(value: Any) -> bool:
    text = _text(value) or ""
    if text in _YES:  # the usual 是/否, before any folding
        return True
    if text in _NO:
        return False
    key = fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(f"「{text}」不是“是”或“否”（也可写 Y/N、1/0、√）",
                          f'"{text}" is neither yes nor no (是/否, Y/N, 1/0, √)')


def _date(value: Any) -> date | YearMonth:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 19000101 <= number <= 21001231 and number.is_integer():
            text = str(int(number))  # 20140305 typed as a number
        elif 1 <= number < 100000:
            return _EXCEL_EPOCH + timedelta(days=int(number))  # an Excel date serial that lost its format
        else:
            text = str(value)
    else:
        text = unicodedata.normalize("NFKC", _text(value) or "")
    try:
        if match := _FULL_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _COMPACT_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := _YEAR_MONTH.fullmatch(text)) and 1 <= int(match[2]) <= 12:
            return YearMonth(int(match[1]), int(match[2]))
    except ValueError:
        pass
    raise ValidationError(f"日期「{text}」无法识别，请写成 2014-03-05 这样的格式",
                          f'The date "{text}" is not understood; write it like 2014-03-05')


def _code(kind: type[Code]) -> Callable[[Any], Code]:
    def parse(value: Any) -> Code:
        return kind.parse(_text(value) or "")

    return parse


def _left_behind(value: Any) -> LeftBehind:
    text = _text(value) or ""
    if text in _LEFT_BEHIND_WORDS:
        return _LEFT_BEHIND_WORDS[text]
    try:
        return LeftBehind.parse(text)
    except ValidationError:
        # A bare "是" says at least one parent is away; which one, the file does not say, so the milder code.
        return LeftBehind.ONE_PARENT if _yes_no(value) else LeftBehind.NO


def _boarding(value: Any) -> BoardingType:
    try:
        return BoardingType.parse(_text(value) or "")
    except ValidationError:
        return BoardingType.BOARDING if _yes_no(value) else BoardingType.DAY  # 是否住校: 是 / 否


def _or_none(kind: type[Code]) -> Callable[[Any], Code | None]:
    def parse(value: Any) -> Code | None:
        text = _text(value) or ""
        return None if fold(text) in _NONE_WORDS else kind.parse(text)

    return parse


def _plain(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value) or ""
        if len(text) > max_length:
            raise ValidationError(f"内容太长（最多 {max_length} 个字）", f"Too long (at most {max_length} characters)")
        return text

    return parse


def _student_number(value: Any) -> str:
    return normalize_id_text(_text(value) or "").upper()  # "g4501…" typed by hand is the same number


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _text(v) or "",
    "id_number": _id_text,
    "id_type": _code(IdType),
    "student_number": _student_number,
    "school_name": lambda v: _text(v) or "",
    "school_code": lambda v: _text(v) or "",
    "grade": _grade,
    "class_name": lambda v: _text(v) or "",
    "sex": _code(Sex),
    "birth_date": _date,
    "ethnicity": _code(Ethnicity),
    "guardian": lambda v: normalize_name(_text(v) or ""),
    "relation": _plain(20),
    "phone": lambda v: normalize_phone(_text(v) or ""),
    "address": _plain(200),
    "registration_place": _plain(200),
    "registered_poor": _yes_no,
    "left_behind": _left_behind,
    "disability_type": _or_none(DisabilityType),
    "disability_grade": _or_none(DisabilityGrade),
    "migrant": _yes_no,
    "orphan": _yes_no,
    "boarding": _boarding,
}
# Columns whose cells repeat down a roster (男/女, 汉族/壮族, 是/否, a grade, a class, a school, a birthday): each
# distinct cell is read once, which was a third of reading a 100,000-row export. A converter is a pure function of
# the cell and returns a value nobody changes; an error is not kept, so a bad cell raises each time it is met.
for _key in ("id_type", "school_name", "school_code", "grade", "class_name", "sex", "birth_date", "ethnicity",
             "relation", "registration_place", "registered_poor", "left_behind", "disability_type",
             "disability_grade", "migrant", "orphan", "boarding"):
    _CONVERTERS[_key] = functools.lru_cache(maxsize=4096, typed=True)(_CONVERTERS[_key])


# ----------------------------------------------------------------------------- reading files
Rows = Iterator[tuple[int, Sequence[Any]]]  # (the file's 1-based row number, cell values)
Merge = tuple[int, int, int, int]  # min_row, max_row (1-based), first_col, last_col (0-based)


@dataclass
class _Sheet:
    name: str | None
    rows: Rows
    merges: list[Merge]


def _not_a_spreadsheet(zh_what: str, en_what: str) -> RosterFileError:
    return RosterFileError(
        f"不是电子表格：{zh_what}。请导入学籍系统导出的 .xlsx、.xls 或 .csv 文件",
        f"Not a spreadsheet: {en_what}. Import the .xlsx, .xls or .csv file the registry exported")


def check_file(path: Path) -> bytes:
    """The first 8 KiB of the file, after checking that it exists, is readable, not empty and not over
    MAX_FILE_BYTES (RosterFileError otherwise): before anything reads the whole of it."""
    try:
        if not path.is_file():
            raise RosterFileError(f"找不到文件 {path}", f"File not found: {path}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RosterFileError(
                f"文件有 {size / 1e6:.0f} MB，超过 {MAX_FILE_BYTES / 1e6:.0f} MB 的上限，不像是学生名单；"
                "请确认选对了文件，或把名单按学校分成几个文件",
                f"The file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit, which no roster "
                "reaches; check that this is the right file, or split the list by school")
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise RosterFileError(f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}") from None
    if not head.strip():
        raise RosterFileError(f"文件 {path.name} 是空的", f"The file {path.name} is empty")
    return head


def _detect_format(path: Path, head: bytes) -> str:
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise _not_a_spreadsheet("文件像 .xlsx 但已损坏（可能没有下载或复制完整）",
                                     "it looks like .xlsx but is damaged (perhaps not fully downloaded or copied)"
                                     ) from None
        if "xl/workbook.xml" not in names:
            raise _not_a_spreadsheet("这是一个压缩包或 Word 等文档", "it is a zip archive or a Word-type document")
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    for magic, zh, en in _OTHER_FORMATS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(f"这是{zh}", f"it is {en}")
    is_utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head and not is_utf16:
        raise _not_a_spreadsheet("文件内容不是表格数据", "the file does not hold table data")
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        raise _not_a_spreadsheet(
            f"文件扩展名是 {path.suffix or '（无）'}，内容却是纯文本（可能是改了扩展名的 CSV 或网页）；"
            "请用 Excel 打开后另存为 .xlsx，或把扩展名改为 .csv",
            f"the name ends in {path.suffix or '(nothing)'} but the content is plain text (perhaps a renamed CSV "
            "or a web page); open it in Excel and save it as .xlsx, or rename it to .csv")
    return "csv"


def _csv_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    # The whole file is decoded once per candidate (cheap next to parsing it), so a bad byte on row 90,000
    # is found before anything is planned, not half way through.
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise RosterFileError(
        "文件的文字编码无法识别：既不是 UTF-8，也不是 GBK/GB18030。请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”"
        "或 .xlsx 再导入",
        "The file's text encoding is neither UTF-8 nor GBK/GB18030. Open it in Excel and save it as "
        "'CSV UTF-8 (comma delimited)' or .xlsx, then import that")


def _csv_sheets(path: Path, encoding: str, stack: contextlib.ExitStack) -> Iterator[_Sheet]:
    handle = stack.enter_context(open(path, encoding=encoding, newline=""))  # noqa: SIM115 (the stack closes it)
    sample = handle.read(64 * 1024)
    handle.seek(0)
    delimiter = max((",", "\t", ";"), key=sample.count)
    reader = csv.reader(handle, delimiter=delimiter)

    def rows() -> Rows:
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [cell if cell.strip() else None for cell in record]
        except csv.Error as exc:
            raise RosterFileError(f"CSV 文件第 {reader.line_num} 行格式有误：{exc}",
                                  f"The CSV file is malformed at line {reader.line_num}: {exc}") from None

    yield _Sheet(None, rows(), [])


def _check_unpacked(path: Path) -> None:
    """Refuse an .xlsx whose largest sheet and shared strings unpack to more than MAX_SHEET_XML_BYTES, from the
    archive's directory alone: a file far past any roster, or a zip bomb, would hold a laptop for minutes (and
    its shared strings, read whole, its memory) instead of getting a message."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [(info.filename, info.file_size) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError):
        return  # calamine reports it, as a damaged file
    strings = sum(size for name, size in sizes if name == "xl/sharedStrings.xml")
    largest = max((size for name, size in sizes if name.startswith("xl/worksheets/")), default=0) + strings
    if largest > MAX_SHEET_XML_BYTES:
        raise RosterFileError(
            f"表格解压后有 {largest / 1e6:.0f} MB，超过 {MAX_SHEET_XML_BYTES / 1e6:.0f} MB 的上限，不像是学生名单；"
            "请确认选对了文件，或把名单按学校分成几个文件",
            f"The sheet unpacks to {largest / 1e6:.0f} MB, over the {MAX_SHEET_XML_BYTES / 1e6:.0f} MB limit, "
            "which no roster reaches; check that this is the right file, or split the list by school")


def _calamine_failed(exc: BaseException) -> bool:
    # A Rust panic on a malformed file reaches Python as pyo3's PanicException, which derives from BaseException.
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _unreadable(file_format: str, exc: BaseException, *, opening: bool) -> RosterFileError:
    if file_format == "xls":  # an encrypted .xlsx is an OLE2 file too, so it lands here
        return RosterFileError(
            f"无法读取 .xls 文件：可能设置了打开密码、已损坏，或不是 Excel 文件（{exc}）",
            f"Cannot read the .xls file: it may have a password, be damaged, or not be an Excel file ({exc})")
    if opening:
        return RosterFileError(f"无法读取 .xlsx 文件（可能已损坏）：{exc}",
                               f"Cannot read the .xlsx file (it may be damaged): {exc}")
    return RosterFileError(f".xlsx 文件内容有误，无法读完：{exc}",
                           f"The .xlsx file is damaged and cannot be read to the end: {exc}")


def _workbook_sheets(path: Path, file_format: str, stack: contextlib.ExitStack) -> Iterator[_Sheet]:
    """The worksheets of an .xlsx or .xls file in workbook order (chart and macro sheets left out), each with its
    merged ranges: an .xlsx sheet streamed row by row, an .xls sheet read whole when it is reached."""
    import python_calamine_plus

    if file_format == "xlsx":
        _check_unpacked(path)
    handle = stack.enter_context(open(path, "rb"))  # noqa: SIM115 (the stack closes it)
    try:
        # A file object, not the name: calamine picks its reader by the name's extension; here the content decides.
        workbook = python_calamine_plus.CalamineWorkbook.from_filelike(handle)
    except BaseException as exc:
        if not _calamine_failed(exc):
            raise
        raise _unreadable(file_format, exc, opening=True) from None
    stack.callback(workbook.close)
    for index, sheet_info in enumerate(workbook.sheets_metadata):
        if sheet_info.typ != python_calamine_plus.SheetTypeEnum.WorkSheet:
            continue
        try:
            if file_format == "xlsx":
                # The merged ranges follow the rows in the sheet's XML: a rich stream reads the sheet's metadata
                # before its first row (0.4 s at 100,000 rows); the plain stream that reads the values retires it.
                merges = workbook.stream_sheet_by_index(index, rich=True).merged_cell_ranges or []
                rows = _streamed_rows(workbook.stream_sheet_by_index(index))
            else:
                sheet = workbook.get_sheet_by_index(index)
                merges = sheet.merged_cell_ranges or []
                rows = _sheet_rows(sheet)
                del sheet  # held by its rows only: it goes when they do, before the next sheet is read
        except BaseException as exc:
            if not _calamine_failed(exc):
                raise
            raise _unreadable(file_format, exc, opening=False) from None
        yield _Sheet(sheet_info.name, rows,
                     [(first[0] + 1, last[0] + 1, first[1], last[1]) for first, last in merges if first != last])
        del rows


# What Excel shows in a cell whose formula failed; the stream hands them over as that text.
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                           "#SPILL!", "#CALC!"})


def _streamed_rows(stream: CalamineSheetStream) -> Rows:
    """An .xlsx sheet's rows as calamine streams them (from the file's first row and column), an empty cell or an
    error value as None; a sheet damaged past its first rows raises RosterFileError when the damage is reached."""
    rows = enumerate(stream, start=1)
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except BaseException as exc:
            if not _calamine_failed(exc):
                raise
            raise _unreadable("xlsx", exc, opening=False) from None
        yield number, [None if cell == "" or cell in _EXCEL_ERRORS else cell for cell in cells]


def _sheet_rows(sheet: CalamineSheet) -> Rows:
    """A calamine sheet's rows, numbered as the file numbers them, an empty cell as None."""
    start = sheet.start
    if start is None:  # nothing in the sheet
        return
    # iter_rows starts at the file's first row (rows above the data come as blanks) but at the first column that
    # holds anything: the columns before it are put back, so that a cell's index is its column in the file.
    lead = [None] * start[1]
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = [None if cell == "" else cell for cell in cells]
        yield number, lead + values if lead else values


def _filled(rows: Rows, merges: list[Merge]) -> Rows:
    """The rows with every merged range's value copied into each of its cells (a school name merged down)."""
    if not merges:
        yield from rows
        return
    starting: dict[int, list[Merge]] = {}
    for merge in merges:
        starting.setdefault(merge[0], []).append(merge)
    active: dict[int, tuple[int, Any]] = {}  # column -> (last row of its merge, value)
    for number, values in rows:
        for _, max_row, first, last in starting.get(number, ()):
            value = values[first] if first < len(values) else None
            for column in range(first, last + 1):
                active[column] = (max_row, value)
        if active:
            cells = list(values)
            for column, (until, value) in list(active.items()):
                if number > until:
                    del active[column]
                    continue
                if column >= len(cells):
                    cells.extend([None] * (column + 1 - len(cells)))
                if cells[column] is None:
                    cells[column] = value
            values = cells
        yield number, values


# ----------------------------------------------------------------------------- header
@dataclass
class _Header:
    row: int
    columns: dict[str, tuple[int, str]]  # field -> (0-based column, header text)
    ignored: list[str]


def _match_header(number: int, values: Sequence[Any],
                  aliases: Mapping[str, tuple[str, int]] | None = None) -> _Header | None:
    best: dict[str, tuple[int, int, str]] = {}  # field -> (rank, column, text)
    ignored = []
    table = _ALIASES if aliases is None else aliases
    for column, value in enumerate(values):
        text = _text(value)
        if text is None:
            continue
        found = table.get(_header_key(text))
        if found is None:
            ignored.append(text)
            continue
        key, rank = found
        if key not in best or rank < best[key][0]:
            if key in best:
                ignored.append(best[key][2])
            best[key] = (rank, column, text)
        else:
            ignored.append(text)
    if len(best) < MIN_HEADER_MATCHES:
        return None
    return _Header(number, {k: (c, t) for k, (_, c, t) in best.items()}, ignored)


def _find_header(sheet: _Sheet, aliases: Mapping[str, tuple[str, int]] | None = None) -> tuple[_Header, Rows] | None:
    rows = _filled(sheet.rows, sheet.merges)
    for number, values in rows:
        header = _match_header(number, values, aliases)
        if header is not None:
            return header, rows
        if number >= HEADER_SCAN_ROWS:
            return None
    return None


# ----------------------------------------------------------------------------- opening a list
@dataclass
class Table:
    """A list file opened at its header: what :func:`open_table` hands over."""

    file_format: str  # "xlsx", "xls" or "csv"
    encoding: str | None  # of a CSV file
    sheet: str | None
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (0-based column, header text as the file writes it)
    ignored_columns: list[str]
    rows: Rows  # (file row number, cell values) after the header, merged cells filled in

    def value(self, key: str, values: Sequence[Any]) -> Any:
        """The cell of field ``key`` in a row, or None (no such column, or an empty cell)."""
        found = self.columns.get(key)
        if found is None or found[0] >= len(values):
            return None
        cell = values[found[0]]
        return None if isinstance(cell, str) and not cell.strip() else cell


def column_aliases(columns: Sequence[tuple[str, Sequence[str]]] = ()) -> dict[str, tuple[str, int]]:
    """The roster's header spellings, plus ``columns`` ((field, spellings in order of preference), ...)."""
    table = dict(_ALIASES)
    for key, spellings in columns:
        for rank, alias in enumerate(spellings):
            table[_header_key(alias)] = (key, rank)
    return table


def convert_cell(key: str, value: Any) -> Any:
    """A cell read as the roster import reads field ``key`` (ValidationError when it cannot be read)."""
    return _CONVERTERS[key](value)


def cell_reader(key: str) -> Callable[[Any], Any]:
    """``convert_cell`` for one field, looked up once: for a loop over every cell of a file."""
    return _CONVERTERS[key]


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty), undoing the tricks exports use to keep long numbers as text."""
    return _text(value)


@contextlib.contextmanager
def open_table(path: Path | str, aliases: Mapping[str, tuple[str, int]] | None = None) -> Iterator[Table]:
    """Open an .xlsx, .xls or .csv list at its header (the first sheet that has one), as the roster import does.

    Raises RosterFileError when the file as a whole cannot be used (missing, over MAX_FILE_BYTES, empty, not a
    spreadsheet, an unknown text encoding, no recognisable header in the first HEADER_SCAN_ROWS rows). The file
    stays open until the ``with`` block ends.
    """
    path = Path(path)
    head = check_file(path)
    file_format = _detect_format(path, head)
    encoding = _csv_encoding(path, head) if file_format == "csv" else None
    with contextlib.ExitStack() as stack:
        if file_format in ("xlsx", "xls"):
            sheets = _workbook_sheets(path, file_format, stack)
        else:
            assert encoding is not None
            sheets = _csv_sheets(path, encoding, stack)
        for sheet in sheets:
            found = _find_header(sheet, aliases)
            if found is not None:
                header, rows = found
                yield Table(file_format, encoding, sheet.name, header.row, header.columns, header.ignored, rows)
                return
            del sheet  # a sheet without a header goes before the next is read
    hint_zh = hint_en = ""
    if encoding is not None:
        shown = "GBK" if encoding == "gb18030" else "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        hint_zh = f"（文件按 {shown} 编码读取；如果在记事本中看到的是乱码，请检查文件编码）"
        hint_en = f" (read as {shown}; if the text looks garbled in a text editor, check the file's encoding)"
    raise RosterFileError(
        f"找不到表头：前 {HEADER_SCAN_ROWS} 行中没有一行含有至少 {MIN_HEADER_MATCHES} 个可识别的列名"
        f"（如 姓名、身份证件号、全国学籍号、学校名称、年级）{hint_zh}",
        f"No header found: none of the first {HEADER_SCAN_ROWS} rows has at least {MIN_HEADER_MATCHES} known column "
        f"names (such as 姓名, 身份证件号, 全国学籍号, 学校名称, 年级){hint_en}")
