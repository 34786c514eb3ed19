"""A village's list of school-age children not in school (适龄儿童少年未在校名单), landscape A4."""

from __future__ import annotations

from app.documents.data import VillageListData
from app.documents.layout import LANDSCAPE, MM, SMALL, Column, Painter, Sheet, SheetHeader

TITLE = "适龄儿童少年未在校名单"
COLUMNS = (Column("序号", 12, align="center"), Column("屯（自然村）", 30), Column("姓名", 26), Column("出生年月", 22),
           Column("户主", 26), Column("未在校原因", 52), Column("家访次数", 16, align="center"), Column("备注", 0))


def draw_village_list(painter: Painter, data: VillageListData) -> int:
    """Draw one village list; returns its page count."""
    sheet = Sheet(painter, SheetHeader(title=TITLE, subject=data.village, sheet_no=data.sheet_no,
                                       printed=data.printing.line),
                  pagesize=LANDSCAPE, margins=(12 * MM, 14 * MM, 16 * MM, 14 * MM))
    p = sheet.p
    middle = (sheet.left + sheet.right) / 2
    p.text(middle, sheet.top - 8 * MM, f"{data.village}{TITLE}", 16, bold=True, align="center")
    p.text(sheet.left, sheet.top - 15 * MM, f"{data.township}　{data.village}", SMALL)
    p.text(sheet.right, sheet.top - 15 * MM, f"统计截至 {data.as_of}　共 {len(data.rows)} 人", SMALL, align="right")
    sheet.y = sheet.top - 18 * MM
    rows = [[str(n), r.hamlet, r.name, r.birth_month, r.head, r.reason, str(r.visits), r.remarks]
            for n, r in enumerate(data.rows, start=1)]
    sheet.table(COLUMNS, rows, min_rows=max(3, len(rows) + 2))
    # The signing block stays together on the last page, as on the paper form.
    sheet.ensure(22 * MM)
    sheet.gap(6 * MM)
    blank = "＿＿＿＿＿＿"
    parts = (f"核查人：{data.checker or blank}", f"填表人：{data.preparer or blank}",
             f"联系电话：{data.phone or blank}", "（盖章）", "填表日期：　　　年　　月　　日")
    width = sheet.width / len(parts)
    for number, part in enumerate(parts):
        p.text(sheet.left + number * width, sheet.y - SMALL, part, SMALL + 0.5)
    sheet.gap(8 * MM)
    return sheet.finish()
