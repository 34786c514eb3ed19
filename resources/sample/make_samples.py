"""Writes the sample roster files beside this script. Synthetic data only: every name, ID number and phone number
is made up (ID numbers carry valid check characters so that they import).

    python resources/sample/make_samples.py      # needs openpyxl, and xlwt for the .xls

- 学籍导出示例.xlsx   a registry-style export: a merged title row, a blank row, the header, 30 students of two
                      schools, the school name and code merged down over each school's rows, a Zhuang name with 𰻝
- 学籍导出示例.csv    a later export of the same schools in GBK, as older registry software writes it: other header
                      spellings and order, a title row, birth month only, three class changes and two new students
- 建档立卡名单示例.xls the poverty system's list of registered-poor students (old Excel 97 format): it marks
                      six of the students above as 建档立卡 and names one more
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a plain script from anywhere in the repository

from app.domain.identity import make_id_number  # noqa: E402

SCHOOLS = (("西乡塘区石埠小学", "2145070001", "石埠街道"), ("西乡塘区坛洛镇中心小学", "2145070002", "坛洛镇"))
SURNAMES = "韦黄覃陆蒙农梁李莫罗"
GIVEN = ("小明", "丽华", "志强", "秀英", "海燕", "春梅", "建国", "玉凤", "桂兰", "宏", "芳", "军", "金凤", "文杰")
CN_GRADES = "一二三四五六"
RELATIONS = ("父亲", "母亲", "祖父", "祖母")


@dataclass
class Pupil:
    school: int
    grade: int
    class_name: str
    name: str
    sex: str
    birth: date
    ethnicity: str
    id_number: str
    guardian: str
    relation: str
    phone: str
    address: str
    left_behind: str


def birth_for_grade(grade: int, rng: random.Random) -> date:
    # Grade 1 in the 2026–27 school year is the child who turned 6 between 1 September 2019 and 31 August 2020.
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return date(2021 - grade, month, day) if month <= 8 else date(2020 - grade, month, day)


def pupils(count: int, rng: random.Random, *, first_sequence: int = 1) -> list[Pupil]:
    found = []
    for index in range(count):
        school = 0 if index < count * 8 // 15 else 1
        grade = rng.randint(1, 6)
        sex = rng.choice("男女")
        sequence = (first_sequence + index) * 2 + (1 if sex == "男" else 0)
        birth = birth_for_grade(grade, rng)
        surname = rng.choice(SURNAMES)
        town = SCHOOLS[school][2]
        found.append(Pupil(
            school=school, grade=grade, class_name=f"{rng.randint(1, 3)}班", name=surname + rng.choice(GIVEN),
            sex=sex, birth=birth, ethnicity=rng.choice(("汉族", "壮族", "壮族")),
            id_number=make_id_number("450107", birth, sequence % 1000), guardian=surname + rng.choice(GIVEN),
            relation=rng.choice(RELATIONS), phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            address=f"南宁市西乡塘区{town}{rng.choice(('那告', '老口', '忠良', '美丽'))}村{rng.randint(1, 40)}号",
            left_behind=rng.choice(("否", "否", "否", "单亲外出", "双亲外出"))))
    if count > 5:
        # Rare characters outside the basic block: Zhuang names written with them must survive every step.
        found[5].name = "韦𰻝"
    found.sort(key=lambda p: (p.school, p.grade, p.class_name))
    return found


def write_xlsx(path: Path, roster: list[Pupil]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "学生名单"
    header = ["序号", "学校名称", "学校标识码", "年级", "班级", "姓名*", "性别", "出生日期", "民族", "身份证件类型",
              "身份证件号", "全国学籍号", "监护人", "监护人关系", "联系电话", "家庭住址", "户口所在地",
              "是否留守儿童", "是否随迁子女", "就读方式", "备注"]
    sheet.append(["西乡塘区XX学校学生名单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([])
    sheet.append(header)
    first_row = {0: None, 1: None}
    for number, pupil in enumerate(roster, start=1):
        name, code, _ = SCHOOLS[pupil.school]
        if first_row[pupil.school] is None:
            first_row[pupil.school] = sheet.max_row + 1
        sheet.append([number, name, code, f"{CN_GRADES[pupil.grade - 1]}年级", pupil.class_name, pupil.name, pupil.sex,
                      datetime(pupil.birth.year, pupil.birth.month, pupil.birth.day), pupil.ethnicity, "居民身份证",
                      pupil.id_number, "G" + pupil.id_number, pupil.guardian, pupil.relation, pupil.phone,
                      pupil.address, "广西南宁市西乡塘区", pupil.left_behind, "否", "走读", ""])
        sheet.cell(sheet.max_row, 8).number_format = "yyyy-mm-dd"
    # Registry exports merge the school's name and code down over its rows; the import fills them down again.
    for school, start in first_row.items():
        if start is None:
            continue
        end = start + sum(1 for p in roster if p.school == school) - 1
        for column in (2, 3):
            sheet.merge_cells(start_row=start, start_column=column, end_row=end, end_column=column)
    for column, width in zip("ABCDEFGHIJKLMNOPQ", (5, 24, 12, 8, 6, 8, 5, 12, 6, 12, 20, 22, 8, 10, 13, 36, 18),
                             strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(path)


def write_csv(path: Path, roster: list[Pupil], rng: random.Random) -> None:
    later = [p for p in roster if "𰻝" not in p.name]  # GBK cannot hold 𰻝: GBK exports lose such names
    for pupil in rng.sample(later, 3):
        pupil.class_name = "4班"
    later += pupils(2, random.Random(99), first_sequence=400)
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["西乡塘区学生花名册（2026年秋季学期）"])
        writer.writerow(["学籍号", "姓名", "身份证号码", "性别", "出生年月", "学校", "年级", "班级名称", "家长姓名",
                         "手机号码", "现住址", "是否建档立卡"])
        for pupil in later:
            writer.writerow(["G" + pupil.id_number, pupil.name, pupil.id_number, pupil.sex,
                             f"{pupil.birth.year}.{pupil.birth.month:02d}", SCHOOLS[pupil.school][0], str(pupil.grade),
                             pupil.class_name, pupil.guardian, pupil.phone, pupil.address, "否"])


def write_xls(path: Path, roster: list[Pupil]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("建档立卡学生")
    header = ["序号", "乡镇", "学校名称", "学校标识码", "姓名", "性别", "身份证号码", "年级", "户主姓名", "联系电话",
              "脱贫户"]
    sheet.write_merge(0, 0, 0, len(header) - 1, "西乡塘区2026年建档立卡脱贫家庭在校学生名单")
    for column, text in enumerate(header):
        sheet.write(1, column, text)
    poor = [p for p in roster if "𰻝" not in p.name][::5][:6] + pupils(1, random.Random(7), first_sequence=600)
    poor.sort(key=lambda p: p.school)
    for number, pupil in enumerate(poor, start=1):
        name, code, town = SCHOOLS[pupil.school]
        row = number + 1
        for column, value in enumerate([number, town, name, code, pupil.name, pupil.sex, pupil.id_number,
                                        f"{CN_GRADES[pupil.grade - 1]}年级", pupil.guardian, pupil.phone, "是"]):
            sheet.write(row, column, value)
    book.save(str(path))


def main() -> None:
    rng = random.Random(2026)
    roster = pupils(30, rng)
    write_xlsx(HERE / "学籍导出示例.xlsx", roster)
    write_xls(HERE / "建档立卡名单示例.xls", roster)
    write_csv(HERE / "学籍导出示例.csv", roster, rng)
    print("written:", *sorted(p.name for p in HERE.glob("*示例.*")))


if __name__ == "__main__":
    main()
