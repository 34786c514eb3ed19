"""A deterministic synthetic district shaped like Xixiangtang (西乡塘区), for trying the app and for benchmarks.

Everything is written through the services, so the demo's records carry ops like real ones and the demo
exercises the same rules. The same seed, size and day give the same district. No real person is in it: names
come from pools of common Han and Zhuang surnames and given-name characters, ID numbers are made with valid
check characters for the district's division code.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain.ages import school_year_start
from app.domain.codes import (
    CampaignKind,
    CaseOutcome,
    DisabilityGrade,
    DisabilityType,
    DropoutReason,
    Ethnicity,
    HardshipCategory,
    LeftBehind,
    Policy,
    ResponsibilityRole,
    ReturnMode,
    SchoolType,
    Sex,
    Term,
    VisitorRole,
    VisitPurpose,
)
from app.domain.identity import make_id_number
from app.domain.lifecycle import CaseStatus
from app.domain.progress import Progress
from app.services import campaigns, cases, key_targets, places, responsibility, return_checks, roster, visits
from app.store.db import Database

DIVISION = "450107"  # 南宁市西乡塘区
TOWNSHIPS: tuple[tuple[str, str, str], ...] = (
    ("001", "衡阳街道", "street"), ("002", "北湖街道", "street"), ("003", "西乡塘街道", "street"),
    ("004", "安吉街道", "street"), ("005", "华强街道", "street"), ("006", "新阳街道", "street"),
    ("007", "上尧街道", "street"), ("008", "安宁街道", "street"), ("009", "石埠街道", "street"),
    ("010", "心圩街道", "street"), ("100", "金陵镇", "town"), ("101", "双定镇", "town"), ("105", "坛洛镇", "town"),
)
# Suburban street offices still have villages (and hamlets) besides their communities.
SUBURBAN = {"石埠街道", "安宁街道", "心圩街道", "上尧街道"}

SURNAMES = "韦黄覃陆蒙莫梁农罗李刘陈张周杨何卢廖唐潘谢苏蓝赵吴邓卜区甘滕"
# Weighted towards the surnames most common in Nanning's Zhuang and Han families.
SURNAME_WEIGHTS = [9, 9, 6, 6, 5, 5, 6, 4, 4, 7, 5, 5, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1]
GIVEN = ("小明丽华强芳军秀英海燕志宏桂兰春梅建国玉凤俊杰婷雪宇轩浩然欣怡子涵佳琪诗雨思嘉文"
         "博晨阳鹏飞龙丹萍金花云庆福勇壮柳妹娟宁静峰涛林森兵")
# Characters outside the Basic Multilingual Plane, as some Zhuang names use: every screen, search, export
# and PDF must carry them.
RARE = ("𰻝", "𠮷", "𪚥", "𫖮")
PLACE_HEADS = "那坛上下新东西南北大长石龙凤金平安和永富乐光明六板"
PLACE_TAILS = "龙洛尧湖岭坡塘江桥山华阳宁兴安义福蒙连良"
HAMLET_HEADS = ("那", "板", "坡", "六", "岜", "弄", "渌")
VOCATIONAL_SCHOOLS = ("南宁市第一职业技术学校", "南宁市第六职业技术学校", "广西纺织工业学校")


@dataclass
class DemoSummary:
    townships: int = 0
    villages: int = 0
    schools: int = 0
    households: int = 0
    students: int = 0
    key_targets: int = 0
    visits: int = 0
    cases: int = 0
    case_stages: Counter[str] = field(default_factory=Counter)

    def describe(self, lang: str) -> str:
        if lang == "zh":
            stages = "，".join(f"{CaseStatus(s).zh} {n}" for s, n in sorted(self.case_stages.items()))
            return (f"{self.townships} 个镇/街道，{self.villages} 个村/社区，{self.schools} 所学校，"
                    f"{self.households} 户家庭，{self.students} 名学生，{self.key_targets} 名重点监测对象，"
                    f"{self.visits} 份家访记录，{self.cases} 件辍学个案（{stages}）")
        stages = ", ".join(f"{CaseStatus(s).en} {n}" for s, n in sorted(self.case_stages.items()))
        return (f"{self.townships} townships, {self.villages} villages, {self.schools} schools, "
                f"{self.households} households, {self.students} students, {self.key_targets} key targets, "
                f"{self.visits} visits, {self.cases} dropout cases ({stages})")


@dataclass
class _Place:
    township_id: str
    township: str
    village_id: str
    village: str
    rural: bool
    hamlets: list[tuple[str, str]]  # (id, name)


@dataclass
class _School:
    id: str
    name: str
    kind: SchoolType
    place: _Place
    capacity: float
    teachers: list[str] = field(default_factory=list)


class _Generator:
    def __init__(self, database: Database, students: int, seed: int, today: date, progress: Progress | None):
        self.db = database
        self.target = students
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress or (lambda stage, fraction: None)
        self.summary = DemoSummary()
        self.places: list[_Place] = []
        self.schools: list[_School] = []
        self.id_sequences: Counter[tuple[date, int]] = Counter()
        self.children: list[tuple[str, roster.StudentInput]] = []
        # The last campaign year that is fully in the past: winter visits in January of this year.
        self.year = today.year if today.month >= 7 else today.year - 1

    # ------------------------------------------------------------------ names and numbers
    def person_name(self, surname: str | None = None) -> str:
        rng = self.rng
        surname = surname or rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        if rng.random() < 0.004:
            given = given[:-1] + rng.choice(RARE)
        return surname + given

    def phone(self) -> str:
        return self.rng.choice(("138", "139", "135", "136", "150", "152", "177", "181", "189")) + \
            f"{self.rng.randint(0, 99_999_999):08d}"

    def id_number(self, birth: date, sex: Sex) -> str:
        # Sequence numbers per birth date and sex parity, so no two children share an ID.
        parity = 1 if sex is Sex.MALE else 0
        count = self.id_sequences[(birth, parity)]
        self.id_sequences[(birth, parity)] += 1
        return make_id_number(DIVISION, birth, (2 * count + parity) % 1000 if count < 500 else 2 * (count % 500))

    # ------------------------------------------------------------------ places and schools
    def place_name(self, used: set[str], suffix: str) -> str:
        while True:
            name = self.rng.choice(PLACE_HEADS) + self.rng.choice(PLACE_TAILS) + suffix
            if name not in used:
                used.add(name)
                return name

    def make_places(self) -> None:
        rng = self.rng
        with self.db.write() as session:
            for code, name, kind in TOWNSHIPS:
                township = places.add_township(session, code=DIVISION + code, name=name, kind=kind)
                self.summary.townships += 1
                used: set[str] = set()
                plans: list[tuple[str, bool]] = []
                if kind == "street":
                    plans += [("社区", False)] * rng.randint(5, 8)
                    if name in SUBURBAN:
                        plans += [("村", True)] * rng.randint(4, 7)
                else:
                    plans += [("社区", False)] * 2 + [("村", True)] * rng.randint(14, 20)
                for number, (suffix, rural) in enumerate(plans, start=1):
                    village_name = self.place_name(used, suffix)
                    village = places.add_village(session, township_id=township.id, name=village_name,
                                                 code=f"{DIVISION}{code}{number:03d}",
                                                 kind="village" if rural else "community")
                    hamlets = []
                    if rural:
                        hamlet_names: set[str] = set()
                        for _ in range(rng.randint(3, 6)):
                            hamlet_name = rng.choice(HAMLET_HEADS) + rng.choice(PLACE_TAILS) + "屯"
                            if hamlet_name in hamlet_names:
                                continue
                            hamlet_names.add(hamlet_name)
                            hamlets.append((places.add_hamlet(session, village_id=village.id, name=hamlet_name).id,
                                            hamlet_name))
                    self.places.append(_Place(township.id, name, village.id, village_name, rural, hamlets))
                    self.summary.villages += 1
        self.progress("places", 1.0)

    def make_schools(self) -> None:
        rng = self.rng
        rural = [p for p in self.places if p.rural]
        urban = [p for p in self.places if not p.rural]
        plan: list[tuple[SchoolType, _Place, str, float]] = []
        for place in rng.sample(rural, min(20, len(rural))):
            plan.append((SchoolType.TEACHING_POINT, place, f"{place.village}教学点", rng.uniform(15, 45)))
        for place in rng.sample(rural, min(60, len(rural))):
            plan.append((SchoolType.PRIMARY, place, f"{place.township}{place.village}小学", rng.uniform(150, 500)))
        for index, place in enumerate(rng.sample(urban, min(30, len(urban)))):
            street = place.township.removesuffix("街道")
            plan.append((SchoolType.PRIMARY, place, f"西乡塘区{street}第{index % 4 + 1}小学", rng.uniform(1000, 3000)))
        for index, place in enumerate(rng.sample(self.places, min(25, len(self.places)))):
            plan.append((SchoolType.JUNIOR, place, f"南宁市第{index + 20}中学" if not place.rural
                         else f"{place.township}{place.village}中学", rng.uniform(600, 2000)))
        for place in rng.sample(self.places, min(12, len(self.places))):
            plan.append((SchoolType.NINE_YEAR, place, f"{place.township}{place.village}九年一贯制学校",
                         rng.uniform(800, 2200)))
        plan.append((SchoolType.SPECIAL, urban[0], "西乡塘区特殊教育学校", 120.0))
        names: set[str] = set()
        with self.db.write() as session:
            for number, (kind, place, name, capacity) in enumerate(plan, start=1):
                if name in names:
                    name = f"{name}（{number}）"
                names.add(name)
                school = places.add_school(session, name=name, school_type=kind, code=f"21450{number:05d}",
                                           township_id=place.township_id, village_id=place.village_id,
                                           phone=f"0771-{rng.randint(2_000_000, 8_999_999)}")
                teachers = [self.person_name() for _ in range(6)]
                self.schools.append(_School(school.id, name, kind, place, capacity, teachers))
        self.summary.schools = len(self.schools)
        self.progress("schools", 1.0)

    # ------------------------------------------------------------------ households and students
    def birth_for(self, grade: int) -> date:
        start = school_year_start(self.today)
        # School age (on 31 August before the school year) is grade + 5; a few children are a year behind.
        age = grade + 5 + (1 if self.rng.random() < 0.04 else 0)
        first = date(start.year - age - 1, 9, 1)
        return first + timedelta(days=self.rng.randint(0, 364))

    def make_roster(self) -> None:
        rng = self.rng
        total_capacity = sum(s.capacity for s in self.schools)
        allocation = [int(self.target * s.capacity / total_capacity) for s in self.schools]
        for index in rng.sample(range(len(self.schools)), len(self.schools)):
            if sum(allocation) >= self.target:
                break
            allocation[index] += 1
        batch_households: list[roster.HouseholdInput] = []
        batch_students: list[tuple[int, roster.StudentInput]] = []  # (household index, input)
        batch_members: list[tuple[int, roster.MemberInput]] = []
        done = 0
        for school, count in zip(self.schools, allocation, strict=True):
            grades = list(school.kind.grades)
            left = count
            while left > 0:
                place = school.place
                hamlet = rng.choice(place.hamlets) if place.hamlets else None
                surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
                father, mother = self.person_name(surname), self.person_name()
                rural = place.rural
                poor = rng.random() < (0.11 if rural else 0.02)
                hardship = [HardshipCategory.REGISTERED_POOR] if poor else []
                if rng.random() < 0.03:
                    hardship.append(HardshipCategory.MINIMUM_LIVING)
                away = rng.choices(("0", "1", "2"), weights=(70, 15, 15) if rural else (90, 7, 3))[0]
                household_index = len(batch_households)
                batch_households.append(roster.HouseholdInput(
                    scope=school.id, head_name=father,
                    address=f"{place.township}{place.village}{hamlet[1] if hamlet else ''}{rng.randint(1, 199)}号",
                    township_id=place.township_id, village_id=place.village_id,
                    hamlet_id=hamlet[0] if hamlet else None, phone=self.phone(),
                    household_type="1" if rural else "2", registration_place=f"广西南宁市西乡塘区{place.township}",
                    hardship=hardship))
                batch_members.append((household_index, roster.MemberInput(
                    household_id="", name=father, relation="父亲", phone=self.phone(),
                    work="广东务工" if away != "0" else "本地务农" if rural else "本地务工",
                    works_away=away != "0", is_guardian=away == "0")))
                batch_members.append((household_index, roster.MemberInput(
                    household_id="", name=mother, relation="母亲", phone=self.phone(), works_away=away == "2",
                    is_guardian=away == "1")))
                if away == "2":
                    batch_members.append((household_index, roster.MemberInput(
                        household_id="", name=self.person_name(surname)[:1] + rng.choice("桂秀金玉") + "英",
                        relation="祖母", phone=self.phone(), is_guardian=True)))
                for _ in range(min(left, rng.choices((1, 2, 3), weights=(65, 30, 5))[0])):
                    sex = rng.choice((Sex.MALE, Sex.FEMALE))
                    grade = rng.choice(grades)
                    birth = self.birth_for(grade)
                    id_number = self.id_number(birth, sex)
                    disabled = rng.random() < 0.008 or school.kind is SchoolType.SPECIAL
                    batch_students.append((household_index, roster.StudentInput(
                        name=self.person_name(surname), sex=sex, birth_date=birth, school_id=school.id, grade=grade,
                        class_name=f"{rng.randint(1, max(1, int(school.capacity / 45 / len(grades))) or 1)}班",
                        id_number=id_number, student_number="G" + id_number,
                        ethnicity=rng.choices((Ethnicity.HAN, Ethnicity.ZHUANG, Ethnicity.YAO, Ethnicity.MULAO),
                                              weights=(48, 47, 3, 2))[0],
                        registered_poor=poor, left_behind=LeftBehind(away),
                        disability_type=rng.choice(list(DisabilityType)) if disabled else None,
                        disability_grade=rng.choice(list(DisabilityGrade)) if disabled else None,
                        migrant=not rural and rng.random() < 0.12, orphan=rng.random() < 0.002,
                        boarding="boarding" if rural and grade >= 7 else "day")))
                    left -= 1
            done += count
            if len(batch_students) >= 5000 or school is self.schools[-1]:
                self._write_roster(batch_households, batch_students, batch_members)
                batch_households, batch_students, batch_members = [], [], []
                self.progress("students", done / max(1, self.target))

    def _write_roster(self, households: list[roster.HouseholdInput],
                      students: list[tuple[int, roster.StudentInput]],
                      members: list[tuple[int, roster.MemberInput]]) -> None:
        if not households:
            return
        with self.db.write() as session:
            household_ids = roster.add_households(session, households)
            for index, member in members:
                member.household_id = household_ids[index]
            roster.add_members(session, [m for _, m in members])
            for index, student in students:
                student.household_id = household_ids[index]
            student_ids = roster.add_students(session, [s for _, s in students], today=self.today)
        self.summary.households += len(household_ids)
        self.summary.students += len(student_ids)
        for (_, student), student_id in zip(students, student_ids, strict=True):
            self.children.append((student_id, student))

    # ------------------------------------------------------------------ the campaign year
    def day(self, start: date, spread: int) -> date:
        picked = start + timedelta(days=self.rng.randint(0, spread))
        return min(picked, self.today)

    def cover(self, session: Any, student_id: str, school: _School, *, full: bool) -> None:
        rng = self.rng
        responsibility.assign(session, student_id, ResponsibilityRole.CLASS_TEACHER, rng.choice(school.teachers),
                              unit=school.name, phone=self.phone())
        responsibility.assign(session, student_id, ResponsibilityRole.VILLAGE_CADRE, self.person_name(),
                              unit=f"{school.place.village}村（居）委会", phone=self.phone())
        if full:
            responsibility.assign(session, student_id, ResponsibilityRole.AREA_LEADER, self.person_name(),
                                  unit=school.name, phone=self.phone())
            responsibility.assign(session, student_id, ResponsibilityRole.TOWNSHIP_HEAD, self.person_name(),
                                  unit=f"{school.place.township}办事处", phone=self.phone())

    def make_campaign_year(self) -> None:
        rng = self.rng
        y = self.year
        school_by_id = {s.id: s for s in self.schools}
        with self.db.write() as session:
            winter = campaigns.create_campaign(session, CampaignKind.WINTER_VISITS, y, starts_on=date(y, 1, 5),
                                               ends_on=date(y, 2, 22))
            spring = campaigns.create_campaign(session, CampaignKind.SPRING_RETURN, y, starts_on=date(y, 2, 23),
                                               ends_on=date(y, 3, 31))
            campaigns.create_campaign(session, CampaignKind.SUMMER_ZERO, y, starts_on=date(y, 4, 1),
                                      ends_on=date(y, 6, 30))
            winter_id, spring_id = winter.id, spring.id

        def risk(student: roster.StudentInput) -> float:
            score = 0.01
            score += 0.08 if student.registered_poor else 0
            score += 0.06 if student.left_behind == LeftBehind.BOTH_PARENTS else 0
            score += 0.08 if student.disability_type else 0
            score += 0.03 if student.grade >= 7 else 0
            return score

        targets = [(sid, s) for sid, s in self.children if rng.random() < risk(s)]
        n_cases = min(600, max(5, len(self.children) // 100))
        older = [(sid, s) for sid, s in self.children if s.grade >= 6]
        case_pool = targets[: n_cases // 2] + rng.sample(older, min(len(older), n_cases))
        seen: set[str] = set()
        case_children = [c for c in case_pool if not (c[0] in seen or seen.add(c[0]))][:n_cases]  # type: ignore[func-returns-value]

        for number, chunk_start in enumerate(range(0, len(targets), 500)):
            with self.db.write() as session:
                for student_id, student in targets[chunk_start:chunk_start + 500]:
                    school = school_by_id[student.school_id]
                    reasons = [DropoutReason.FAMILY_HARDSHIP] if student.registered_poor else []
                    if student.disability_type:
                        reasons.append(DropoutReason.DISABILITY)
                    if not reasons or rng.random() < 0.4:
                        reasons.append(rng.choice((DropoutReason.LEARNING_DIFFICULTY, DropoutReason.WORK,
                                                   DropoutReason.FAMILY_UPHEAVAL)))
                    flagged = self.day(date(y, 1, 5), 20)
                    key_targets.flag_key_target(session, student_id, reasons, campaign_id=winter_id, flagged_on=flagged)
                    self.cover(session, student_id, school, full=False)
                    self._visit(session, student_id, student, school, winter_id, self.day(flagged, 25),
                                draft=rng.random() < 0.03)
                    self.summary.key_targets += 1
            self.progress("key targets", min(1.0, (number + 1) * 500 / max(1, len(targets))))

        with self.db.write() as session:
            for student_id, student in rng.sample(self.children, min(len(self.children), len(self.children) // 60)):
                self._visit(session, student_id, student, school_by_id[student.school_id], winter_id,
                            self.day(date(y, 1, 8), 40), draft=rng.random() < 0.02)
        self.progress("visits", 1.0)

        case_ids = {sid for sid, _ in case_children}
        with self.db.write() as session:
            for student_id, _student in targets:
                if student_id in case_ids:
                    continue
                return_checks.record_return_check(session, student_id, returned=True, term=Term.SPRING,
                                                  checked_on=date(y, 3, 2), campaign_id=spring_id, today=self.today)
        stages = [CaseStatus.OPEN] * 15 + [CaseStatus.PERSUADING] * 25 + [CaseStatus.RESOLVED] * 30 + \
            [CaseStatus.CLOSED] * 30
        for number, chunk_start in enumerate(range(0, len(case_children), 100)):
            with self.db.write() as session:
                for student_id, student in case_children[chunk_start:chunk_start + 100]:
                    school = school_by_id[student.school_id]
                    self._case(session, student_id, student, school, rng.choice(stages), spring_id)
            self.progress("cases", min(1.0, (number + 1) * 100 / max(1, len(case_children))))

    def _visit(self, session: Any, student_id: str, student: roster.StudentInput, school: _School, campaign_id: str,
               on: date, *, draft: bool, purpose: VisitPurpose = VisitPurpose.SCREENING) -> None:
        rng = self.rng
        teacher = rng.choice(school.teachers)
        fields: dict[str, Any] = {
            "visited_time": f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}",
            "purpose": purpose, "campaign_id": campaign_id,
            "visitors": [{"name": teacher, "role": VisitorRole.HEAD_TEACHER, "unit": school.name},
                         {"name": self.person_name(), "role": VisitorRole.VILLAGE_CADRE,
                          "unit": f"{school.place.village}村（居）委会"}],
            "present_persons": "祖母" if student.left_behind == LeftBehind.BOTH_PARENTS else "父亲、母亲",
            "family_situation": rng.choice((
                "父母在广东务工，孩子由祖母照看，家庭收入主要靠务工。", "家中种植甘蔗和水稻，收入不稳定。",
                "父亲因病不能劳动，母亲在本地打零工，家庭经济困难。", "家庭经济一般，父母重视孩子读书。")),
            "attitude_to_school": rng.choice(("家长支持孩子读书。", "家长认为读书用处不大，需要做思想工作。")),
            "behaviour": rng.choice(("在校表现良好，按时完成作业。", "上课注意力不集中，偶有迟到。")),
            "state_of_mind": rng.choice(("情绪稳定。", "对学习兴趣不高，想外出打工。", "性格内向，需多关心。")),
            "policies": [Policy.COMPULSORY_EDUCATION_LAW, Policy.TWO_EXEMPTIONS]
            + ([Policy.POVERTY_EDUCATION_AID] if student.registered_poor else []),
            "hardships": "家庭经济困难。" if student.registered_poor else None,
            "help_given": "落实教育扶贫资助，发放生活补助。" if student.registered_poor else "讲解资助政策。",
            "diagnosis": "存在辍学风险，需重点关注。" if purpose is not VisitPurpose.ROUTINE else None,
            "measures": "班主任每周联系家长一次，安排学习帮扶。",
            "follow_up_on": min(on + timedelta(days=30), self.today),
        }
        visit = visits.start_visit(session, student_id, visited_on=on, today=self.today, **fields)
        if not draft:
            visits.finalize_visit(session, visit.id)
        self.summary.visits += 1

    def _case(self, session: Any, student_id: str, student: roster.StudentInput, school: _School,
              stage: CaseStatus, campaign_id: str) -> None:
        rng = self.rng
        y = self.year
        reason = rng.choices(list(DropoutReason), weights=(30, 25, 8, 12, 6, 5, 1, 7, 3, 3))[0]
        detected = self.day(date(y, 3, 2), 80)
        if student.grade >= 1:
            return_checks.record_return_check(session, student_id, returned=False, term=Term.SPRING,
                                              checked_on=date(y, 3, 2), campaign_id=campaign_id,
                                              reason=f"未返校：{reason.zh}", today=self.today)
        self.cover(session, student_id, school, full=True)
        case = cases.open_case(session, student_id, detected_on=detected, reason=reason,
                               dropped_month=f"{y}-{rng.randint(1, 2):02d}",
                               whereabouts="在广东东莞务工" if reason is DropoutReason.WORK else "在家",
                               help_given="已讲解资助政策", plan="村校联合，每周上门劝返一次", today=self.today)
        self.summary.cases += 1
        self.summary.case_stages[stage.value] += 1
        if stage is CaseStatus.OPEN:
            return
        last = detected
        for _ in range(rng.randint(1, 3)):
            last = self.day(last + timedelta(days=1), 10)
            cases.record_attempt(session, case.id, attempted_on=last,
                                 persuaders=[{"name": rng.choice(school.teachers), "phone": self.phone()},
                                             {"name": self.person_name(), "phone": self.phone(),
                                              "unit": f"{school.place.village}村（居）委会"}],
                                 method="上门劝返",
                                 result=rng.choice(("家长同意考虑", "学生表示愿意返校", "仍在外务工")),
                                 today=self.today)
        if stage is CaseStatus.PERSUADING:
            return
        outcome = rng.choices((CaseOutcome.RETURNED, CaseOutcome.VOCATIONAL, CaseOutcome.SPECIAL_SCHOOL,
                               CaseOutcome.HOME_TEACHING, CaseOutcome.TRANSFERRED, CaseOutcome.DATA_ERROR),
                              weights=(60, 15, 4, 5, 8, 8))[0]
        if outcome is CaseOutcome.SPECIAL_SCHOOL and not student.disability_type:
            outcome = CaseOutcome.RETURNED
        placement = {CaseOutcome.VOCATIONAL: rng.choice(VOCATIONAL_SCHOOLS),
                     CaseOutcome.SPECIAL_SCHOOL: "西乡塘区特殊教育学校",
                     CaseOutcome.TRANSFERRED: "广东省东莞市某学校"}.get(outcome)
        outcome_on = self.day(last + timedelta(days=3), 20)
        cases.record_outcome(session, case.id, outcome, outcome_on=outcome_on,
                             return_mode=rng.choice(list(ReturnMode)) if outcome is CaseOutcome.RETURNED else None,
                             placement=placement, today=self.today)
        follow_on = self.day(outcome_on + timedelta(days=30), 10)
        verified = outcome is CaseOutcome.VOCATIONAL and (stage is CaseStatus.CLOSED or rng.random() < 0.5)
        if outcome.is_return:
            cases.record_follow_up(session, case.id, followed_on=follow_on, in_school=True,
                                   by_name=rng.choice(school.teachers), notes="在校情况良好", today=self.today)
            if verified:
                cases.record_follow_up(session, case.id, followed_on=follow_on, in_school=True,
                                       verifies_placement=True, by_name=rng.choice(school.teachers),
                                       notes="到校核实，已注册就读", today=self.today)
        if stage is CaseStatus.CLOSED:
            cases.close_case(session, case.id, closed_on=self.day(follow_on + timedelta(days=1), 20), today=self.today)
            if rng.random() < 0.15:
                cases.mark_typical(session, case.id, f"{student.name[:1]}同学因{reason.zh}辍学，"
                                   "学校联合村委多次上门劝返，落实资助后返校就读，目前学习稳定。")


def generate_demo(database: Database, *, students: int = 20_000, seed: int = 2026, today: date | None = None,
                  progress: Progress | None = None) -> DemoSummary:
    """Fill an empty data folder with a synthetic district of about ``students`` students."""
    generator = _Generator(database, students, seed, today or date.today(), progress)
    generator.make_places()
    generator.make_schools()
    generator.make_roster()
    generator.make_campaign_year()
    return generator.summary


__all__: Sequence[str] = ("DemoSummary", "generate_demo")
