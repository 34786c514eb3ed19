"""家访记录表: the household visit sheet, and the blank paper-fallback sheet with a QR code.

Page 1 starts with a fixed grid (student, household, visit, 双线四包) whose lines and labels are one form
XObject shared by every sheet of a PDF; the findings follow as boxes that grow with their text and split across
pages. The blank sheet is the same form with empty, ruled boxes sized for handwriting.
"""

from __future__ import annotations

from app.documents.data import VisitSheetData
from app.documents.layout import (
    BODY,
    MM,
    SMALL,
    Cell,
    Column,
    Grid,
    GridRow,
    Painter,
    Sheet,
    SheetHeader,
)
from app.domain.codes import HardshipCategory, Policy, ResponsibilityRole, VisitPurpose

TITLE = "家访记录表"

# Government line on the left, education line on the right, as 双线四包 is drawn on paper.
COVERAGE_ROWS: tuple[tuple[tuple[ResponsibilityRole, str], tuple[ResponsibilityRole, str]], ...] = (
    ((ResponsibilityRole.VILLAGE_CADRE, "包村干部"), (ResponsibilityRole.AREA_LEADER, "包片领导")),
    ((ResponsibilityRole.TOWNSHIP_HEAD, "乡镇长"), (ResponsibilityRole.CLASS_TEACHER, "包班教师")),
    ((ResponsibilityRole.VILLAGE_HEAD, "村主任"), (ResponsibilityRole.STUDENT_TEACHER, "包生/包户")),
)


def coverage_rows() -> tuple[GridRow, ...]:
    head = GridRow(5.5, (Cell(89, label="政府线", align="center"), Cell(0, label="教育线", align="center")))
    rows = [head]
    for (gov, gov_label), (edu, edu_label) in COVERAGE_ROWS:
        rows.append(GridRow(7.5, (Cell(20, label=gov_label), Cell(69, key=f"cov:{gov.value}"),
                                  Cell(20, label=edu_label), Cell(0, key=f"cov:{edu.value}"))))
    return tuple(rows)


VISIT_GRID = Grid("jf-visit-grid", (
    GridRow(7, (Cell(20, label="学生姓名"), Cell(34, key="name"), Cell(12, label="性别"), Cell(10, key="sex"),
                Cell(18, label="出生日期"), Cell(34, key="birth"), Cell(12, label="民族"), Cell(0, key="ethnicity"))),
    GridRow(7, (Cell(20, label="学校"), Cell(68, key="school"), Cell(18, label="年级班级"), Cell(22, key="grade"),
                Cell(14, label="学籍号"), Cell(0, key="student_number"))),
    GridRow(7, (Cell(20, label="身份证号"), Cell(48, key="id_number"), Cell(16, label="监护人"),
                Cell(40, key="guardian"), Cell(18, label="联系电话"), Cell(0, key="phone"))),
    GridRow(9.5, (Cell(20, label="家庭住址"), Cell(0, key="address"))),
    GridRow(7, (Cell(20, label="困难类别"), Cell(108, key="hardship", options=tuple(h.zh for h in HardshipCategory)),
                Cell(14, label="留守"), Cell(0, key="left_behind"))),
    GridRow(7, (Cell(20, label="家访时间"), Cell(40, key="visit_time"), Cell(18, label="家访目的"),
                Cell(0, key="purpose", options=tuple(p.zh for p in VisitPurpose)))),
    GridRow(7, (Cell(20, label="宣讲政策"), Cell(0, key="policies", options=tuple(p.zh for p in Policy)))),
    *coverage_rows(),
))

# (field, label, lines on a printed record at least, lines on the blank sheet)
TEXT_FIELDS: tuple[tuple[str, str, int, int], ...] = (
    ("present_persons", "主要陪同人", 1, 1),
    ("family_situation", "家庭情况", 1, 6),
    ("attitude_to_school", "对上学的态度", 1, 3),
    ("behaviour", "在校在家表现", 1, 3),
    ("state_of_mind", "思想动态", 1, 3),
)
TEXT_FIELDS_AFTER_POLICIES: tuple[tuple[str, str, int, int], ...] = (
    ("hardships", "存在困难", 1, 3),
    ("help_given", "帮扶措施", 1, 3),
    ("parents_views", "家长意见", 1, 3),
    ("diagnosis", "问题诊断", 1, 3),
    ("measures", "措施建议", 1, 4),
    ("follow_up_plan", "跟进计划", 1, 3),
    ("remarks", "备注", 1, 2),
)
VISITOR_COLUMNS = (Column("姓名", 26), Column("身份", 24), Column("单位", 66), Column("联系电话", 0))
MEMBER_COLUMNS = (Column("关系", 14), Column("姓名", 24), Column("务工/就业情况", 62), Column("联系电话", 34),
                  Column("监护人", 0, align="center"))


def _label(code_table: type[HardshipCategory] | type[Policy] | type[VisitPurpose], value: str) -> str:
    try:
        return code_table(value).zh
    except ValueError:
        return value


def grid_values(data: VisitSheetData) -> dict[str, object]:
    s, h = data.student, data.household
    values: dict[str, object] = {
        "name": s.name, "sex": s.sex, "birth": f"{s.birth_date}（{s.age}）" if s.age else s.birth_date,
        "ethnicity": s.ethnicity, "school": s.school or data.school, "grade": s.grade_class,
        "student_number": s.student_number, "id_number": s.id_number,
        "guardian": h.guardian, "phone": data.contact_phone or h.guardian_phone or h.phone,
        "address": data.address or h.address,
        "hardship": {_label(HardshipCategory, v) for v in h.hardship},
        "left_behind": s.left_behind,
        "visit_time": " ".join(x for x in (data.visited_on, data.visited_time) if x) or (
            "　　年　　月　　日　　时" if data.blank else ""),
        "purpose": {_label(VisitPurpose, data.purpose)} if data.purpose else set(),
        "policies": {_label(Policy, v) for v in data.policies},
    }
    for line in data.coverage:
        text = line.name + (f"（{line.unit}）" if line.unit else "") + (f" {line.phone}" if line.phone else "")
        values[f"cov:{line.role}"] = text
    return values


def _title_block(sheet: Sheet, *, school: str, campaign: str, title: str, sheet_no: str, status: str,
                 qr: str = "") -> None:
    """The fixed 22 mm block above the grid: school, campaign, title, number, status (and the QR code)."""
    p = sheet.p
    top = sheet.top
    qr_size = 20.5 * MM if qr else 0.0
    right = sheet.right - (qr_size + 2 * MM if qr else 0.0)
    half = (right - sheet.left) / 2 - 2 * MM
    for text, x, align in ((school, sheet.left, "left"), (campaign, right, "right")):
        fitted = p.fit(text, half, SMALL * 1.4, SMALL, min_size=6) if text else None
        if fitted:
            p.text(x, top - 4 * MM, fitted[1][0], fitted[0], align=align)
    p.text((sheet.left + right) / 2, top - 12.5 * MM, title, 18, bold=True, align="center")
    p.text(sheet.left, top - 19.5 * MM, f"编号：{sheet_no}", SMALL)
    if status:
        fitted = p.fit(status, half, SMALL * 1.4, SMALL, min_size=6)
        if fitted:
            p.text(right, top - 19.5 * MM, fitted[1][0], fitted[0], align="right")
    if qr:
        p.qr(qr, sheet.right - qr_size, top - qr_size - 0.5 * MM, qr_size)
    sheet.y = top - 22 * MM


def draw_visit_sheet(painter: Painter, data: VisitSheetData) -> int:
    """Draw one visit sheet (or blank sheet) on the painter's canvas; returns its page count."""
    blank = data.blank
    title = f"{TITLE}（纸质备用）" if blank else (f"{TITLE}（更正）" if data.amends_sheet_no else TITLE)
    sheet = Sheet(painter, SheetHeader(title=TITLE, subject=data.student.name, sheet_no=data.sheet_no,
                                       printed=data.printing.line, watermark="草稿" if data.draft else None))
    status = data.status
    if data.amends_sheet_no:
        status = f"{status}　更正 {data.amends_sheet_no}".strip()
    if blank:
        status = "纸质记录：录入时扫码或输入编号"
    _title_block(sheet, school=data.school, campaign=data.campaign, title=title, sheet_no=data.sheet_no,
                 status=status, qr=data.qr_payload if blank else "")
    sheet.grid(VISIT_GRID, grid_values(data))
    sheet.gap(2 * MM)

    visitors = [[v.name, v.role, v.unit, v.phone] for v in data.visitors]
    sheet.table(VISITOR_COLUMNS, visitors, title="走访人员", min_rows=3 if blank else 1,
                blank_height=7 * MM if blank else 0.0)
    members = [[m.relation, m.name, m.work, m.phone, "是" if m.guardian else ""] for m in data.household.members]
    sheet.table(MEMBER_COLUMNS, members, title="家庭成员及务工情况",
                min_rows=len(members) + 2 if blank else 1, blank_height=7 * MM if blank else 0.0)

    def fields(specs: tuple[tuple[str, str, int, int], ...]) -> None:
        for name, label, lines, blank_lines in specs:
            tail = None
            if name == "follow_up_plan":
                tail = f"跟进日期：{data.follow_up_on}" if data.follow_up_on else (
                    "跟进日期：　　　年　　月　　日" if blank else None)
            sheet.field(label, data.texts.get(name, ""), min_lines=blank_lines if blank else lines, ruled=blank,
                        tail=tail)

    fields(TEXT_FIELDS)
    fields(TEXT_FIELDS_AFTER_POLICIES)

    photos = [(pic.data, pic.caption) for pic in data.pictures if pic.kind == "photo"]
    if photos:
        sheet.pictures("照片", photos)
    sheet.gap(1.5 * MM)
    visitor_signs = [pic.data for pic in data.pictures if pic.kind == "visitor_signature"]
    guardian_signs = [pic.data for pic in data.pictures if pic.kind == "guardian_signature"]
    sheet.signatures([("走访人签名", visitor_signs), ("监护人签名", guardian_signs)],
                     height=(32 if blank else 22) * MM)
    return sheet.finish()


__all__ = ["BODY", "TITLE", "VISIT_GRID", "draw_visit_sheet"]
