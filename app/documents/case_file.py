"""辍学学生劝返记录 (a case with its table of persuasion attempts) and the 因失能免学、缓学、休学 record."""

from __future__ import annotations

from app.documents.data import EXEMPTION_CAUSES, EXEMPTION_KINDS, CaseFileData, ExemptionData, StudentInfo
from app.documents.layout import MM, SMALL, Cell, Column, Grid, GridRow, Painter, Sheet, SheetHeader
from app.documents.visit_sheet import _title_block, coverage_rows

CASE_TITLE = "辍学学生劝返记录"
EXEMPTION_TITLE = "因失能免学、缓学、休学记录"

_IDENTITY_ROWS = (
    GridRow(7, (Cell(20, label="姓名"), Cell(34, key="name"), Cell(12, label="性别"), Cell(10, key="sex"),
                Cell(18, label="出生日期"), Cell(34, key="birth"), Cell(12, label="民族"), Cell(0, key="ethnicity"))),
    GridRow(7, (Cell(20, label="身份证号"), Cell(48, key="id_number"), Cell(16, label="学校"), Cell(0, key="school"))),
)

CASE_GRID = Grid("jf-case-grid", (
    *_IDENTITY_ROWS,
    GridRow(7, (Cell(20, label="年级班级"), Cell(34, key="grade"), Cell(18, label="辍学时间"), Cell(30, key="dropped"),
                Cell(18, label="发现日期"), Cell(0, key="detected"))),
    GridRow(7, (Cell(20, label="监护人"), Cell(48, key="guardian"), Cell(18, label="联系电话"), Cell(0, key="phone"))),
    GridRow(9.5, (Cell(20, label="家庭住址"), Cell(0, key="address"))),
    GridRow(7, (Cell(20, label="户籍所在地"), Cell(0, key="registration"))),
    GridRow(7, (Cell(20, label="辍学原因"), Cell(68, key="reason"), Cell(14, label="去向"),
                Cell(0, key="whereabouts"))),
    GridRow(7, (Cell(20, label="个案状态"), Cell(68, key="status"), Cell(14, label="销号"), Cell(0, key="closed"))),
    *coverage_rows(),
))

EXEMPTION_GRID = Grid("jf-exemption-grid", (
    *_IDENTITY_ROWS,
    GridRow(7, (Cell(20, label="年级班级"), Cell(34, key="grade"), Cell(16, label="监护人"), Cell(40, key="guardian"),
                Cell(18, label="联系电话"), Cell(0, key="phone"))),
    GridRow(9.5, (Cell(20, label="家庭住址"), Cell(0, key="address"))),
    GridRow(7, (Cell(20, label="残疾情况"), Cell(0, key="disability"))),
    GridRow(7, (Cell(20, label="类别"), Cell(0, key="kind", options=EXEMPTION_KINDS))),
    GridRow(7, (Cell(20, label="原因"), Cell(0, key="causes", options=EXEMPTION_CAUSES))),
    GridRow(7, (Cell(20, label="帮扶人"), Cell(48, key="helper"), Cell(18, label="联系电话"),
                Cell(0, key="helper_phone"))),
    GridRow(7, (Cell(20, label="班主任"), Cell(48, key="teacher"), Cell(18, label="联系电话"),
                Cell(0, key="teacher_phone"))),
))

ATTEMPT_COLUMNS = (Column("次数", 10, align="center"), Column("劝返日期", 22), Column("劝返人及联系电话", 56),
                   Column("方式", 18), Column("劝返结果", 0))
FOLLOW_UP_COLUMNS = (Column("回访日期", 22), Column("是否在校", 16, align="center"), Column("回访人", 26),
                     Column("情况", 0))


def _identity(student: StudentInfo, school: str) -> dict[str, object]:
    return {"name": student.name, "sex": student.sex,
            "birth": f"{student.birth_date}（{student.age}）" if student.age else student.birth_date,
            "ethnicity": student.ethnicity, "id_number": student.id_number, "school": student.school or school,
            "grade": student.grade_class}


def draw_case_file(painter: Painter, data: CaseFileData) -> int:
    """Draw one persuasion record; returns its page count."""
    sheet = Sheet(painter, SheetHeader(title=CASE_TITLE, subject=data.student.name, sheet_no=data.sheet_no,
                                       printed=data.printing.line))
    _title_block(sheet, school=data.school, campaign="一人一案", title=CASE_TITLE, sheet_no=data.sheet_no,
                 status=data.status)
    h = data.household
    values = _identity(data.student, data.school)
    values.update({
        "dropped": data.dropped_month, "detected": data.detected_on, "guardian": h.guardian,
        "phone": h.guardian_phone or h.phone, "address": h.address, "registration": h.registration_place,
        "reason": data.reason, "whereabouts": data.whereabouts, "status": data.status, "closed": data.closed_on,
    })
    for line in data.coverage:
        values[f"cov:{line.role}"] = line.name + (f"（{line.unit}）" if line.unit else "") + (
            f" {line.phone}" if line.phone else "")
    sheet.grid(CASE_GRID, values)
    sheet.gap(2 * MM)
    sheet.field("辍学原因说明", data.reason_detail)
    sheet.field("已采取的帮扶措施", data.help_given)
    sheet.field("劝返方案（一生一策）", data.plan, min_lines=2)
    sheet.gap(2 * MM)
    attempts = [[str(a.number), a.date, a.persuaders, a.method, a.result] for a in data.attempts]
    sheet.table(ATTEMPT_COLUMNS, attempts, title="劝返情况", min_rows=2)
    sheet.gap(2 * MM)
    outcome = "；".join(x for x in (data.outcome, f"处置日期 {data.outcome_on}" if data.outcome_on else "",
                                    f"返校方式：{data.return_mode}" if data.return_mode else "") if x)
    sheet.field("处置结果", outcome)
    placement = data.placement + ("（已核实）" if data.placement_verified else "（待核实）") if data.placement else ""
    sheet.field("安置去向", placement)
    follow_ups = [[f.date, f.in_school, f.by, f.notes] for f in data.follow_ups]
    sheet.gap(2 * MM)
    sheet.table(FOLLOW_UP_COLUMNS, follow_ups, title="巩固回访", min_rows=1)
    sheet.gap(3 * MM)
    sheet.signatures([("劝返责任人（签名）", []), ("学校（盖章）", [])], height=20 * MM)
    return sheet.finish()


def draw_exemption(painter: Painter, data: ExemptionData) -> int:
    """Draw one exemption record; returns its page count."""
    sheet = Sheet(painter, SheetHeader(title=EXEMPTION_TITLE, subject=data.student.name, sheet_no=data.sheet_no,
                                       printed=data.printing.line))
    _title_block(sheet, school=data.school, campaign="", title=EXEMPTION_TITLE, sheet_no=data.sheet_no,
                 status="")
    h = data.household
    values = _identity(data.student, data.school)
    values.update({
        "guardian": h.guardian, "phone": h.guardian_phone or h.phone, "address": h.address,
        "disability": data.student.disability, "kind": {data.kind} if data.kind else set(), "causes": data.causes,
        "helper": data.helper.name + (f"（{data.helper.unit}）" if data.helper.unit else "") if data.helper else "",
        "helper_phone": data.helper.phone if data.helper else "",
        "teacher": data.head_teacher.name if data.head_teacher else "",
        "teacher_phone": data.head_teacher.phone if data.head_teacher else "",
    })
    sheet.grid(EXEMPTION_GRID, values)
    sheet.gap(2 * MM)
    sheet.field("情况说明", data.situation, min_lines=4, ruled=not data.situation)
    sheet.field("证明材料", data.evidence, min_lines=3, ruled=not data.evidence)
    sheet.field("专家委员会意见", data.finding, min_lines=4, ruled=not data.finding,
                tail=f"鉴定日期：{data.finding_on}" if data.finding_on else "鉴定日期：　　　年　　月　　日")
    sheet.field("期限", data.period or "自　　　年　　月　　日起至　　　年　　月　　日止")
    sheet.gap(3 * MM)
    sheet.signatures([("监护人（签字）", []), ("学校（盖章）", []), ("县级教育行政部门（盖章）", [])], height=30 * MM)
    sheet.paragraph("说明：免学、缓学、休学须经县级残疾人教育专家委员会评估认定；期满后应及时复学或重新评估，"
                    "期间学校应提供送教上门或其他适宜的教育服务。", size=SMALL - 0.5, gray=0.3)
    return sheet.finish()
