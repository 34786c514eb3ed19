"""Issue 5's figure: 1,000 visit sheets through the document engine, against a raw reportlab canvas drawing the
same strings (same fonts, same sizes, same places) on the same number of pages, in the same run.

The raw side is what no layout at all would cost: it replays the text runs the engine drew (recorded in an
untimed first pass), one ``drawString`` each, with page compression on for both. The engine's extra work is
wrapping, fitting, boxes, grids and the per-sheet "page x of y" forms. Bound: at most 4x.

    python -m bench.documents [N]
"""

from __future__ import annotations

import io
import random
import sys
import time
from collections import defaultdict
from typing import Any

from app.documents import render_visit_sheets
from app.documents.data import (
    CoverageLine,
    HouseholdInfo,
    MemberLine,
    PersonLine,
    Printing,
    StudentInfo,
    VisitSheetData,
)
from app.documents.fonts import default_fonts
from app.documents.layout import new_canvas
from app.documents.render import render
from app.documents.visit_sheet import draw_visit_sheet

SURNAMES = "韦李黄陆莫蒙覃梁农罗刘陈张周"
GIVEN = "小明丽华强芳军秀英海燕志宏桂兰春梅建国玉凤𰻝𠮷"
SENTENCES = ("父母在广东务工，孩子由祖母照看，家庭收入主要靠务工。", "家中种植甘蔗和水稻，收入不稳定。",
             "父亲因病不能劳动，母亲在本地打零工，家庭经济困难。", "家长认为读书用处不大，需要做思想工作。",
             "上课注意力不集中，偶有迟到，对学习兴趣不高，想外出打工。", "落实教育扶贫资助，发放生活补助。")


def synthetic_sheets(count: int, seed: int = 5) -> list[VisitSheetData]:
    rng = random.Random(seed)

    def name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def text(low: int, high: int) -> str:
        return "".join(rng.choice(SENTENCES) for _ in range(rng.randint(low, high)))

    sheets = []
    for index in range(count):
        head = name()
        # Most visits are short; one in ten has a family situation long enough to need a second page.
        long = rng.random() < 0.1
        sheets.append(VisitSheetData(
            record_id=f"{index:08x}", sheet_no=f"V-{index:04X}-{rng.randint(0, 0xFFFF):04X}",
            printing=Printing("区教育局管理员", "2026-11-29 14:30"), school="西乡塘区石埠街道那龙村小学",
            campaign="2026年寒假大家访", status="已定稿",
            student=StudentInfo(id=str(index), name=name(), sex=rng.choice("男女"), birth_date="2015-03-05",
                                age="11岁", ethnicity=rng.choice(("汉族", "壮族")), id_number="450107********1234",
                                student_number="G450107********1234", school="西乡塘区石埠街道那龙村小学",
                                grade_class=f"{rng.randint(1, 6)}年级{rng.randint(1, 4)}班",
                                left_behind=rng.choice(("否", "单亲外出", "双亲外出"))),
            household=HouseholdInfo(id=f"h{index}", head_name=head, address=f"石埠街道那龙村那良屯{index % 200}号",
                                    guardian=f"{head}（父亲）", guardian_phone="138****5678",
                                    hardship=("registered_poor",) if rng.random() < 0.2 else (),
                                    members=(MemberLine("父亲", head, "广东东莞务工", "138****5678", True),
                                             MemberLine("母亲", name(), "本地务农", "139****1111"))),
            coverage=(CoverageLine("village", name(), "那龙村委", "138****0001"),
                      CoverageLine("class", name(), "西乡塘区石埠街道那龙村小学", "139****0002")),
            visited_on="2026-01-15", visited_time="14:30", purpose="screening",
            visitors=(PersonLine(name(), "班主任", "西乡塘区石埠街道那龙村小学", "139****0002"),
                      PersonLine(name(), "村干部", "那龙村委")),
            texts={"present_persons": "祖母", "family_situation": text(30, 50) if long else text(1, 3),
                   "attitude_to_school": text(1, 1), "behaviour": text(1, 2), "state_of_mind": text(1, 1),
                   "help_given": text(1, 2), "measures": text(1, 2), "diagnosis": text(0, 1)},
            policies=frozenset({"compulsory_law", "two_exemptions"}), follow_up_on="2026-02-15"))
    return sheets


def engine(sheets: list[VisitSheetData]) -> tuple[float, int, int]:
    start = time.perf_counter()
    document = render_visit_sheets(sheets)
    return time.perf_counter() - start, document.pages, len(document.pdf)


def raw(runs_by_page: dict[int, list[tuple[Any, ...]]], pages: int) -> tuple[float, int]:
    fonts = default_fonts()
    start = time.perf_counter()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, fonts, title="raw")
    for page in range(1, pages + 1):
        for _page, font, size, x, y, text in runs_by_page.get(page, ()):
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start, len(buffer.getvalue())


def main(count: int = 1000) -> None:
    sheets = synthetic_sheets(count)
    default_fonts()  # font discovery is a one-time cost of the process, not of a batch
    # Untimed: record every run the engine draws (and warm both sides' font caches alike).
    record: list[tuple[Any, ...]] = []
    recorded = render(sheets, draw_visit_sheet, title="家访记录表", record=record)
    runs_by_page: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for run in record:
        runs_by_page[run[0]].append(run)
    raw(runs_by_page, recorded.pages)

    engine_s, pages, engine_bytes = engine(sheets)
    raw_s, raw_bytes = raw(runs_by_page, pages)
    print(f"{count} visit sheets, {pages} pages, {len(record)} text runs")
    print(f"engine: {engine_s:.2f} s ({engine_s / count * 1000:.1f} ms/sheet), {engine_bytes / 1e6:.1f} MB")
    print(f"raw canvas, same strings and pages: {raw_s:.2f} s, {raw_bytes / 1e6:.1f} MB")
    print(f"ratio: {engine_s / raw_s:.2f}x (bound 4x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
