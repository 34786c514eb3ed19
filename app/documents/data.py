"""What each document prints, as plain data.

The renderers take these and nothing else: no session, no ORM object. :mod:`app.services.documents` fills them
from the records (and masks ID and phone numbers there, unless the caller's role may see them), so a document
can never print more than it was handed. Code values (policies, purposes, hardship categories) are the
stored ``Code.value`` strings; the renderers show their Chinese labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Printing:
    """Who printed the document and when (local time, already formatted)."""

    printed_by: str
    printed_at: str

    @property
    def line(self) -> str:
        return f"打印：{self.printed_by}　{self.printed_at}"


@dataclass(frozen=True)
class StudentInfo:
    id: str = ""
    name: str = ""
    sex: str = ""
    birth_date: str = ""  # 2015-03-05
    age: str = ""
    ethnicity: str = ""
    id_number: str = ""  # masked unless revealed
    student_number: str = ""  # masked like the ID when it is G + ID number
    school: str = ""
    grade_class: str = ""
    status: str = ""
    left_behind: str = ""
    disability: str = ""  # 肢体 二级


@dataclass(frozen=True)
class MemberLine:
    relation: str
    name: str
    work: str = ""
    phone: str = ""
    guardian: bool = False


@dataclass(frozen=True)
class HouseholdInfo:
    id: str = ""
    head_name: str = ""
    address: str = ""
    place: str = ""  # township, village and hamlet
    phone: str = ""
    registration_place: str = ""
    hardship: tuple[str, ...] = ()  # HardshipCategory values
    guardian: str = ""
    guardian_phone: str = ""
    members: tuple[MemberLine, ...] = ()


@dataclass(frozen=True)
class PersonLine:
    """A visitor, persuader, helper or head teacher."""

    name: str
    role: str = ""
    unit: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CoverageLine:
    """双线四包: one role and who holds it for this student."""

    role: str  # ResponsibilityRole value
    name: str
    unit: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Picture:
    kind: str  # photo / guardian_signature / visitor_signature
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class VisitSheetData:
    """家访记录表. With ``blank`` set it is the paper-fallback sheet: empty boxes to fill by hand, a QR code."""

    record_id: str
    sheet_no: str
    printing: Printing
    school: str = ""
    campaign: str = ""
    status: str = ""  # 已定稿 / 草稿
    draft: bool = False
    amends_sheet_no: str = ""
    student: StudentInfo = field(default_factory=StudentInfo)
    household: HouseholdInfo = field(default_factory=HouseholdInfo)
    coverage: tuple[CoverageLine, ...] = ()
    visited_on: str = ""
    visited_time: str = ""
    purpose: str = ""  # VisitPurpose value
    visitors: tuple[PersonLine, ...] = ()
    address: str = ""
    contact_phone: str = ""
    texts: Mapping[str, str] = field(default_factory=dict)  # Visit text fields by name
    policies: frozenset[str] = frozenset()  # Policy values
    follow_up_on: str = ""
    pictures: tuple[Picture, ...] = ()
    blank: bool = False
    qr_payload: str = ""

    @property
    def household_key(self) -> str:
        return self.household.id or self.student.id or self.record_id


@dataclass(frozen=True)
class AttemptLine:
    number: int
    date: str
    persuaders: str  # names, units and phones, joined
    method: str = ""
    result: str = ""


@dataclass(frozen=True)
class FollowUpLine:
    date: str
    in_school: str  # 在校 / 不在校
    by: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CaseFileData:
    """辍学学生劝返记录: one case (一人一案) with its persuasion attempts and what came of them."""

    record_id: str
    sheet_no: str
    printing: Printing
    school: str
    student: StudentInfo
    household: HouseholdInfo = field(default_factory=HouseholdInfo)
    coverage: tuple[CoverageLine, ...] = ()
    status: str = ""
    detected_on: str = ""
    dropped_month: str = ""
    reason: str = ""
    reason_detail: str = ""
    whereabouts: str = ""
    help_given: str = ""
    plan: str = ""
    attempts: tuple[AttemptLine, ...] = ()
    outcome: str = ""
    outcome_on: str = ""
    return_mode: str = ""
    placement: str = ""
    placement_verified: bool = False
    follow_ups: tuple[FollowUpLine, ...] = ()
    closed_on: str = ""


EXEMPTION_KINDS = ("免学", "缓学", "休学")
EXEMPTION_CAUSES = ("严重疾病", "重度残疾", "精神疾病")


@dataclass(frozen=True)
class ExemptionData:
    """因失能免学、缓学、休学 record. No table holds these yet: filled from a case whose outcome is 延缓入学/休学
    and from what the caller passes; what neither knows is left as boxes to fill by hand."""

    record_id: str
    sheet_no: str
    printing: Printing
    school: str
    student: StudentInfo
    household: HouseholdInfo = field(default_factory=HouseholdInfo)
    kind: str = ""  # one of EXEMPTION_KINDS, or "" to tick by hand
    causes: frozenset[str] = frozenset()  # of EXEMPTION_CAUSES
    situation: str = ""
    evidence: str = ""
    finding: str = ""  # the expert committee's finding
    finding_on: str = ""
    period: str = ""
    helper: PersonLine | None = None
    head_teacher: PersonLine | None = None


@dataclass(frozen=True)
class VillageRow:
    hamlet: str
    name: str
    birth_month: str
    head: str
    reason: str
    visits: int
    remarks: str = ""


@dataclass(frozen=True)
class VillageListData:
    """A village's list of school-age children not in school, with its checker, preparer and phone."""

    record_id: str
    sheet_no: str
    printing: Printing
    township: str
    village: str
    as_of: str
    rows: tuple[VillageRow, ...] = ()
    checker: str = ""
    preparer: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RenderedDocument:
    """A finished PDF and what the caller must know about it."""

    pdf: bytes
    pages: int
    sheets: int = 1
    #: Characters no font had, drawn as □: the user must be told (a name printed wrong is a wrong record).
    missing_chars: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def missing_message(self, lang: str = "zh") -> str:
        return describe_missing(self.missing_chars, lang)


def describe_missing(chars: tuple[str, ...], lang: str = "zh") -> str:
    """One line naming the characters printed as □, or "" when there are none."""
    if not chars:
        return ""
    if lang == "zh":
        listed = "、".join(f"{ch}（U+{ord(ch):04X}）" for ch in chars)
        return f"以下字符没有可用字体，已印成 □：{listed}。请安装含这些字的字体（如 fonts-babelstone-han）后重新打印。"
    listed = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in chars)
    return (f"No font has these characters; they were printed as □: {listed}. Install a font that has them "
            "(e.g. fonts-babelstone-han) and print again.")
