"""Code tables of the work, with their Chinese and English labels.

Each table is an enum whose members are ``str``: the database and the exchange files store ``.value``
(the national code where one exists, e.g. GB/T 3304 ethnicity codes, else a short stable word), and
screens show ``label()``. The Chinese labels of the app live here and nowhere else.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum, nonmember
from typing import Self

from app.domain.errors import LifecycleError, ValidationError
from app.domain.i18n import resolve_language

# Tables longer than this are not listed in full in a parse error: 58 ethnicities would drown the message.
_MAX_LISTED_CHOICES = 12


class Code(StrEnum):
    """Base of every code table: members are defined as ``NAME = ("value", "中文", "English")``.

    Subclasses may add ``TABLE = nonmember(("表名", "Table name"))`` for messages and
    ``ALIASES = nonmember({"extra spelling": "value", ...})`` for spellings found in old spreadsheets.
    """

    _value_: str

    # The label defaults exist only so that type checkers accept the lookup call ``Sex("1")``; at run
    # time that call reaches neither method, and a member defined without labels is refused.
    def __new__(cls, value: str, zh: str = "", en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        return member

    def __init__(self, value: str, zh: str = "", en: str = "") -> None:
        if not zh or not en:
            raise TypeError(f"{type(self).__name__} member {value!r} needs a Chinese and an English label")
        self.zh = zh
        self.en = en

    def label(self, lang: str | None = None) -> str:
        """The label in ``lang``, or in the current language when ``lang`` is None."""
        return self.zh if resolve_language(lang) == "zh" else self.en

    @classmethod
    def table_name(cls, lang: str | None = None) -> str:
        """The table's own name, for messages ("性别" / "Sex")."""
        names = vars(cls).get("TABLE")
        if not isinstance(names, tuple):
            names = (cls.__name__, cls.__name__)
        return str(names[0] if resolve_language(lang) == "zh" else names[1])

    @classmethod
    def aliases(cls) -> Mapping[str, str]:
        """Extra accepted spellings of this table, mapped to member values."""
        found = vars(cls).get("ALIASES")
        return found if isinstance(found, Mapping) else {}

    @classmethod
    def choices(cls, lang: str | None = None) -> list[tuple[str, str]]:
        """(value, label) pairs in definition order, for combo boxes and import templates."""
        return [(member.value, member.label(lang)) for member in cls]

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member ``text`` names: its value, either label (any case), or an alias.

        Raises ValidationError naming the table and the text when nothing matches.
        """
        exact = cls._value2member_map_.get(text)
        if exact is not None:  # the stored code itself: the common case, no folding needed
            return exact  # type: ignore[return-value]
        found = _lookup(cls).get(_parse_key(text))
        if found is None:
            raise _unknown_code(cls, text)
        # _lookup is shared by all tables, so its values are typed as the base class.
        return cls(found.value)


def _parse_key(text: str) -> str:
    # NFKC folds full-width digits, letters and brackets (common in text typed with a Chinese input
    # method) so "０８" and "已处置(巩固跟踪)" find their members.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", folded).strip()


@functools.cache
def _lookup(cls: type[Code]) -> dict[str, Code]:
    table: dict[str, Code] = {}

    def add(spelling: str, member: Code) -> None:
        key = _parse_key(spelling)
        other = table.setdefault(key, member)
        if other is not member:
            # Two members answering to one spelling would make imports depend on definition order.
            raise ValueError(f"{cls.__name__}: {spelling!r} names both {other.name} and {member.name}")

    for member in cls:
        for spelling in (member.value, member.zh, member.en):
            add(spelling, member)
    for spelling, value in cls.aliases().items():
        add(spelling, cls(value))
    return table


def _unknown_code(cls: type[Code], text: str) -> ValidationError:
    if not text.strip():
        return ValidationError(f"请填写「{cls.table_name('zh')}」", f"{cls.table_name('en')} is empty")
    members = list(cls)
    if len(members) <= _MAX_LISTED_CHOICES:
        hint_zh = "可填：" + "、".join(f"{m.value} {m.zh}" for m in members)
        hint_en = "use one of: " + ", ".join(f"{m.value} {m.en}" for m in members)
    else:
        hint_zh = "请填写代码或名称，如 " + "、".join(f"{m.value} {m.zh}" for m in members[:3])
        hint_en = "use a code or a name, e.g. " + ", ".join(f"{m.value} {m.en}" for m in members[:3])
    return ValidationError(
        f"「{cls.table_name('zh')}」中没有「{text}」，{hint_zh}",
        f'{cls.table_name("en")} has no entry "{text}"; {hint_en}',
    )


class Sex(Code):
    TABLE = nonmember(("性别", "Sex"))
    MALE = ("1", "男", "Male")
    FEMALE = ("2", "女", "Female")
    ALIASES = nonmember({"男性": "1", "女性": "2", "男生": "1", "女生": "2", "M": "1", "F": "2"})


class Ethnicity(Code):
    """GB/T 3304 nationality codes, in the standard's order."""

    TABLE = nonmember(("民族", "Ethnicity"))
    HAN = ("01", "汉族", "Han")
    MONGOL = ("02", "蒙古族", "Mongol")
    HUI = ("03", "回族", "Hui")
    TIBETAN = ("04", "藏族", "Tibetan")
    UYGHUR = ("05", "维吾尔族", "Uyghur")
    MIAO = ("06", "苗族", "Miao")
    YI = ("07", "彝族", "Yi")
    ZHUANG = ("08", "壮族", "Zhuang")
    BOUYEI = ("09", "布依族", "Bouyei")
    KOREAN = ("10", "朝鲜族", "Korean")
    MANCHU = ("11", "满族", "Manchu")
    DONG = ("12", "侗族", "Dong")
    YAO = ("13", "瑶族", "Yao")
    BAI = ("14", "白族", "Bai")
    TUJIA = ("15", "土家族", "Tujia")
    HANI = ("16", "哈尼族", "Hani")
    KAZAK = ("17", "哈萨克族", "Kazak")
    DAI = ("18", "傣族", "Dai")
    LI = ("19", "黎族", "Li")
    LISU = ("20", "傈僳族", "Lisu")
    VA = ("21", "佤族", "Va")
    SHE = ("22", "畲族", "She")
    GAOSHAN = ("23", "高山族", "Gaoshan")
    LAHU = ("24", "拉祜族", "Lahu")
    SUI = ("25", "水族", "Sui")
    DONGXIANG = ("26", "东乡族", "Dongxiang")
    NAXI = ("27", "纳西族", "Naxi")
    JINGPO = ("28", "景颇族", "Jingpo")
    KIRGIZ = ("29", "柯尔克孜族", "Kirgiz")
    TU = ("30", "土族", "Tu")
    DAUR = ("31", "达斡尔族", "Daur")
    MULAO = ("32", "仫佬族", "Mulao")
    QIANG = ("33", "羌族", "Qiang")
    BLANG = ("34", "布朗族", "Blang")
    SALAR = ("35", "撒拉族", "Salar")
    MAONAN = ("36", "毛南族", "Maonan")
    GELAO = ("37", "仡佬族", "Gelao")
    XIBE = ("38", "锡伯族", "Xibe")
    ACHANG = ("39", "阿昌族", "Achang")
    PUMI = ("40", "普米族", "Pumi")
    TAJIK = ("41", "塔吉克族", "Tajik")
    NU = ("42", "怒族", "Nu")
    UZBEK = ("43", "乌孜别克族", "Uzbek")
    RUSSIAN = ("44", "俄罗斯族", "Russian")
    EWENKI = ("45", "鄂温克族", "Ewenki")
    DEANG = ("46", "德昂族", "Deang")
    BONAN = ("47", "保安族", "Bonan")
    YUGUR = ("48", "裕固族", "Yugur")
    GIN = ("49", "京族", "Gin")
    TATAR = ("50", "塔塔尔族", "Tatar")
    DERUNG = ("51", "独龙族", "Derung")
    OROQEN = ("52", "鄂伦春族", "Oroqen")
    HEZHEN = ("53", "赫哲族", "Hezhen")
    MONBA = ("54", "门巴族", "Monba")
    LHOBA = ("55", "珞巴族", "Lhoba")
    JINO = ("56", "基诺族", "Jino")
    OTHER = ("97", "其他", "Other")
    FOREIGN_ORIGIN = ("98", "外国血统中国籍人士", "Chinese citizen of foreign origin")
    # Filled in below from the members: "汉" for "汉族", "8" for "08" (spreadsheets drop leading zeros).
    ALIASES = nonmember(
        {"Mongolian": "02", "Uighur": "05", "Kazakh": "17", "Kyrgyz": "29", "Jing": "49", "Hezhe": "53"}
    )


Ethnicity.ALIASES.update({m.zh.removesuffix("族"): m.value for m in Ethnicity if m.zh.endswith("族")})
Ethnicity.ALIASES.update({m.value.lstrip("0"): m.value for m in Ethnicity if m.value.startswith("0")})


class IdType(Code):
    TABLE = nonmember(("证件类型", "ID type"))
    RESIDENT_ID = ("1", "居民身份证", "Resident identity card")
    HK_PERMIT = ("6", "香港特区护照/身份证明", "Hong Kong SAR passport or identity document")
    MACAO_PERMIT = ("7", "澳门特区护照/身份证明", "Macao SAR passport or identity document")
    TAIWAN_PERMIT = ("8", "台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents")
    FOREIGN_PR = ("9", "外国人永久居留身份证", "Foreign permanent resident ID card")
    PASSPORT = ("A", "护照", "Passport")
    OTHER = ("Z", "其他", "Other")
    ALIASES = nonmember({"身份证": "1", "ID card": "1", "台胞证": "8"})


class HouseholdType(Code):
    TABLE = nonmember(("户口性质", "Household registration type"))
    AGRICULTURAL = ("1", "农业", "Agricultural")
    NON_AGRICULTURAL = ("2", "非农业", "Non-agricultural")
    ALIASES = nonmember({"农业户口": "1", "非农业户口": "2", "农村": "1", "城镇": "2"})


class LeftBehind(Code):
    TABLE = nonmember(("留守儿童", "Left-behind child"))
    NO = ("0", "否", "No")
    ONE_PARENT = ("1", "单亲外出", "One parent away")
    BOTH_PARENTS = ("2", "双亲外出", "Both parents away")
    ALIASES = nonmember({"非留守": "0", "无": "0"})


class BoardingType(Code):
    TABLE = nonmember(("就读方式", "Day or boarding"))
    DAY = ("day", "走读", "Day student")
    BOARDING = ("boarding", "住校", "Boarding")
    ALIASES = nonmember({"寄宿": "boarding", "住宿": "boarding"})


class DisabilityType(Code):
    """Disability category; its value is also the category digit of a disability certificate number."""

    TABLE = nonmember(("残疾类别", "Disability type"))
    VISUAL = ("1", "视力", "Visual")
    HEARING = ("2", "听力", "Hearing")
    SPEECH = ("3", "言语", "Speech")
    PHYSICAL = ("4", "肢体", "Physical")
    INTELLECTUAL = ("5", "智力", "Intellectual")
    MENTAL = ("6", "精神", "Mental")
    MULTIPLE = ("7", "多重", "Multiple")
    OTHER = ("8", "其他", "Other")
    ALIASES = nonmember(
        {
            "视力残疾": "1",
            "听力残疾": "2",
            "言语残疾": "3",
            "肢体残疾": "4",
            "智力残疾": "5",
            "精神残疾": "6",
            "多重残疾": "7",
        }
    )


class DisabilityGrade(Code):
    """Disability grade; 1 is the most severe."""

    TABLE = nonmember(("残疾等级", "Disability grade"))
    GRADE_1 = ("1", "一级", "Grade 1")
    GRADE_2 = ("2", "二级", "Grade 2")
    GRADE_3 = ("3", "三级", "Grade 3")
    GRADE_4 = ("4", "四级", "Grade 4")
    ALIASES = nonmember({"1级": "1", "2级": "2", "3级": "3", "4级": "4"})


class HardshipCategory(Code):
    TABLE = nonmember(("困难类别", "Hardship category"))
    REGISTERED_POOR = ("registered_poor", "建档立卡", "Registered poor household")
    MINIMUM_LIVING = ("dibao", "低保", "Minimum living allowance")
    EXTREME_POVERTY = ("tekun", "特困供养", "Extreme-poverty support")
    DISABILITY = ("disability", "残疾", "Disability")
    RELAPSE_MONITORED = ("relapse_watch", "防返贫监测", "Monitored against relapse into poverty")
    ALIASES = nonmember(
        {"建档立卡户": "registered_poor", "低保户": "dibao", "特困": "tekun", "防返贫监测户": "relapse_watch"}
    )


class DropoutReason(Code):
    TABLE = nonmember(("辍学原因", "Dropout reason"))
    LEARNING_DIFFICULTY = ("learning", "学习困难/厌学", "Learning difficulty / dislikes school")
    WORK = ("work", "外出务工", "Left to work")
    EARLY_MARRIAGE = ("marriage", "早婚早育", "Early marriage or childbirth")
    FAMILY_HARDSHIP = ("hardship", "家庭经济困难", "Family hardship")
    ILLNESS = ("illness", "因病", "Illness")
    DISABILITY = ("disability", "因残", "Disability")
    RELIGION = ("religion", "信教", "Religion")
    FAMILY_UPHEAVAL = ("upheaval", "家庭变故", "Family upheaval")
    MISSING = ("missing", "失踪失联", "Missing / unreachable")
    OTHER = ("other", "其他", "Other")
    ALIASES = nonmember(
        {
            "厌学": "learning",
            "学习困难": "learning",
            "务工": "work",
            "打工": "work",
            "早婚": "marriage",
            "早育": "marriage",
            "家庭困难": "hardship",
            "失踪": "missing",
            "失联": "missing",
        }
    )


class CaseOutcome(Code):
    """How a dropout case ends."""

    TABLE = nonmember(("处置结果", "Case outcome"))
    RETURNED = ("returned", "返校复学", "Returned to school")
    MAINSTREAM_WITH_DISABILITY = ("mainstream", "随班就读", "Mainstream class (with disability)")
    SPECIAL_SCHOOL = ("special_school", "特殊教育学校", "Special school")
    HOME_TEACHING = ("home_teaching", "送教上门", "Home teaching")
    DEFERRED = ("deferred", "延缓入学/休学", "Deferred / suspended")
    VOCATIONAL = ("vocational", "中职安置", "Placed in vocational school")
    TRANSFERRED = ("transferred", "转学", "Transferred")
    ABROAD = ("abroad", "出国", "Abroad")
    OVER_AGE = ("over_age", "超龄", "Over compulsory age")
    DATA_ERROR = ("data_error", "信息错误", "Data error")
    DECEASED = ("deceased", "死亡", "Deceased")

    @property
    def is_return(self) -> bool:
        """The child is back in some form of education and must be followed for retention."""
        return self in _RETURN_OUTCOMES

    @property
    def needs_verification(self) -> bool:
        """Fake returns happen with vocational placements, so the placement must be verified."""
        return self is CaseOutcome.VOCATIONAL


_RETURN_OUTCOMES = frozenset(
    {
        CaseOutcome.RETURNED,
        CaseOutcome.MAINSTREAM_WITH_DISABILITY,
        CaseOutcome.SPECIAL_SCHOOL,
        CaseOutcome.HOME_TEACHING,
        CaseOutcome.DEFERRED,
        CaseOutcome.VOCATIONAL,
    }
)


class ReturnMode(Code):
    """How a returned child rejoined school."""

    TABLE = nonmember(("返校方式", "Return mode"))
    REGULAR_CLASS = ("regular", "随班", "Regular class")
    SEPARATE_CLASS = ("separate", "单独编班", "Separate class")
    GENERAL_VOCATIONAL = ("mixed", "普职融合", "General–vocational mix")
    ALIASES = nonmember({"插班": "regular", "General-vocational mix": "mixed"})


class RegistryChangeType(Code):
    TABLE = nonmember(("学籍异动类型", "Registry change"))
    TRANSFER_IN = ("transfer_in", "转入", "Transfer in")
    TRANSFER_OUT = ("transfer_out", "转出", "Transfer out")
    SUSPENSION = ("suspension", "休学", "Suspension")
    RESUMPTION = ("resumption", "复学", "Resumption")
    DROPOUT = ("dropout", "辍学", "Dropout")
    DEATH = ("death", "死亡", "Death")
    GRADUATION = ("graduation", "毕业", "Graduation")
    PROMOTION = ("promotion", "升级", "Promotion")
    REPEAT = ("repeat", "留级", "Repeat year")
    CLASS_CHANGE = ("class_change", "调班", "Class change")
    ALIASES = nonmember({"转学": "transfer_out", "返校": "resumption", "重读": "repeat"})


class StudentStatus(Code):
    TABLE = nonmember(("学生状态", "Student status"))
    IN_SCHOOL = ("in_school", "在校", "In school")
    DROPPED_OUT = ("dropped_out", "辍学", "Dropped out")
    SUSPENDED = ("suspended", "休学", "Suspended")
    HOME_TEACHING = ("home_teaching", "送教上门", "Home teaching")
    TRANSFERRED_OUT = ("transferred_out", "转出", "Transferred out")
    GRADUATED = ("graduated", "毕业", "Graduated")
    DECEASED = ("deceased", "死亡", "Deceased")
    ALIASES = nonmember({"在读": "in_school", "在籍在校": "in_school"})


def _status_changes() -> dict[StudentStatus, dict[RegistryChangeType, StudentStatus]]:
    change = RegistryChangeType
    status = StudentStatus

    def on_roll(keep: StudentStatus) -> dict[RegistryChangeType, StudentStatus]:
        # Year-end promotion, repeating and class changes move the registry record without changing
        # where the child is; registries roll over dropouts and suspended children too, because a
        # compulsory-stage dropout keeps the record.
        return {change.PROMOTION: keep, change.REPEAT: keep, change.CLASS_CHANGE: keep}

    return {
        status.IN_SCHOOL: {
            change.TRANSFER_OUT: status.TRANSFERRED_OUT,
            change.SUSPENSION: status.SUSPENDED,
            change.DROPOUT: status.DROPPED_OUT,
            change.DEATH: status.DECEASED,
            change.GRADUATION: status.GRADUATED,
            **on_roll(status.IN_SCHOOL),
        },
        # Home teaching is still on the registry, so it changes like being in school, and a child
        # able to come to class again resumes.
        status.HOME_TEACHING: {
            change.TRANSFER_OUT: status.TRANSFERRED_OUT,
            change.SUSPENSION: status.SUSPENDED,
            change.DROPOUT: status.DROPPED_OUT,
            change.DEATH: status.DECEASED,
            change.GRADUATION: status.GRADUATED,
            change.RESUMPTION: status.IN_SCHOOL,
            **on_roll(status.HOME_TEACHING),
        },
        # A suspension that runs out without a return is a dropout.
        status.SUSPENDED: {
            change.RESUMPTION: status.IN_SCHOOL,
            change.DROPOUT: status.DROPPED_OUT,
            change.TRANSFER_OUT: status.TRANSFERRED_OUT,
            change.DEATH: status.DECEASED,
            **on_roll(status.SUSPENDED),
        },
        # A dropout found enrolled elsewhere is transferred out; the expert committee may later
        # turn a dropout into a suspension.
        status.DROPPED_OUT: {
            change.RESUMPTION: status.IN_SCHOOL,
            change.TRANSFER_OUT: status.TRANSFERRED_OUT,
            change.SUSPENSION: status.SUSPENDED,
            change.DEATH: status.DECEASED,
            **on_roll(status.DROPPED_OUT),
        },
        # The record left this school; only its coming back changes it here.
        status.TRANSFERRED_OUT: {change.TRANSFER_IN: status.IN_SCHOOL},
        status.GRADUATED: {},
        status.DECEASED: {},
    }


STATUS_CHANGES: Mapping[StudentStatus, Mapping[RegistryChangeType, StudentStatus]] = _status_changes()


def status_after_change(change: RegistryChangeType, current: StudentStatus) -> StudentStatus:
    """The student's status once ``change`` is registered; LifecycleError if the change is impossible."""
    after = STATUS_CHANGES[current].get(change)
    if after is not None:
        return after
    if current is StudentStatus.DECEASED:
        raise LifecycleError(
            f"学生已死亡注销，不能再办理「{change.zh}」",
            f'The student is deceased; no "{change.en}" can be registered',
            field="change",
        )
    raise LifecycleError(
        f"学生当前为「{current.zh}」，不能办理「{change.zh}」",
        f'The student is "{current.en}"; "{change.en}" is not possible',
        field="change",
    )


class SchoolType(Code):
    TABLE = nonmember(("学校类型", "School type"))
    TEACHING_POINT = ("teaching_point", "教学点", "Teaching point")
    PRIMARY = ("primary", "小学", "Primary school")
    JUNIOR = ("junior", "初级中学", "Junior middle school")
    NINE_YEAR = ("nine_year", "九年一贯制学校", "Nine-year school")
    SPECIAL = ("special", "特殊教育学校", "Special school")
    ALIASES = nonmember({"初中": "junior", "九年一贯制": "nine_year", "特校": "special"})

    @property
    def grades(self) -> range:
        """The compulsory grades this kind of school teaches."""
        if self in (SchoolType.TEACHING_POINT, SchoolType.PRIMARY):
            return range(1, 7)
        if self is SchoolType.JUNIOR:
            return range(7, 10)
        return range(1, 10)


class CampaignKind(Code):
    TABLE = nonmember(("专项行动", "Campaign"))
    WINTER_VISITS = ("winter_visits", "寒假大家访", "Winter home visits")
    SPRING_RETURN = ("spring_return", "春季大劝返", "Spring return drive")
    SUMMER_ZERO = ("summer_zero", '夏季"清零"', "Summer zero-out")
    ALIASES = nonmember({"夏季“清零”": "summer_zero", "夏季清零": "summer_zero"})


class ResponsibilityLine(Code):
    TABLE = nonmember(("责任线", "Line of responsibility"))
    GOVERNMENT = ("government", "政府线", "Government line")
    EDUCATION = ("education", "教育线", "Education line")


class ResponsibilityRole(Code):
    """Who covers what under 双线四包 (and the township and village heads of 七长责任制)."""

    TABLE = nonmember(("包保职责", "Responsibility"))
    AREA_LEADER = ("area", "包片", "Covers an area")
    VILLAGE_CADRE = ("village", "包村", "Covers a village")
    CLASS_TEACHER = ("class", "包班", "Covers a class")
    STUDENT_TEACHER = ("student", "包生/包户", "Covers students / households")
    TOWNSHIP_HEAD = ("township_head", "乡镇长", "Township head")
    VILLAGE_HEAD = ("village_head", "村主任", "Village head")
    ALIASES = nonmember({"包生": "student", "包户": "student"})

    @property
    def line(self) -> ResponsibilityLine:
        """Teachers and school leaders are on the education line, township and village cadres not."""
        if self in (
            ResponsibilityRole.VILLAGE_CADRE,
            ResponsibilityRole.TOWNSHIP_HEAD,
            ResponsibilityRole.VILLAGE_HEAD,
        ):
            return ResponsibilityLine.GOVERNMENT
        return ResponsibilityLine.EDUCATION


class VisitorRole(Code):
    TABLE = nonmember(("家访人员身份", "Visitor role"))
    HEAD_TEACHER = ("head_teacher", "班主任", "Head teacher")
    TEACHER = ("teacher", "任课教师", "Teacher")
    SCHOOL_LEADER = ("school_leader", "校领导", "School leader")
    TOWNSHIP_CADRE = ("township_cadre", "乡镇干部", "Township cadre")
    VILLAGE_CADRE = ("village_cadre", "村干部", "Village cadre")
    POVERTY_CADRE = ("poverty_cadre", "驻村扶贫干部", "Resident poverty-relief cadre")
    OTHER = ("other", "其他", "Other")
    ALIASES = nonmember({"教师": "teacher", "驻村干部": "poverty_cadre", "第一书记": "poverty_cadre"})


class Policy(Code):
    TABLE = nonmember(("宣讲政策", "Policy explained"))
    COMPULSORY_EDUCATION_LAW = ("compulsory_law", "义务教育法", "Compulsory Education Law")
    MINOR_PROTECTION_LAW = ("minor_protection", "未成年人保护法", "Law on the Protection of Minors")
    TWO_EXEMPTIONS = ("two_exemptions", "两免一补", "Two exemptions and one subsidy")
    NUTRITION_MEALS = ("nutrition", "营养改善计划", "Nutrition improvement programme")
    LIVING_ALLOWANCE = ("living_allowance", "生活补助", "Living allowance")
    POVERTY_EDUCATION_AID = ("poverty_aid", "教育扶贫资助", "Poverty-relief education aid")
    ALIASES = nonmember({"营养餐": "nutrition", "《义务教育法》": "compulsory_law"})


class VisitPurpose(Code):
    TABLE = nonmember(("家访目的", "Visit purpose"))
    SCREENING = ("screening", "排查", "Screening")
    KEY_TARGET = ("key_target", "重点监测", "Key-target monitoring")
    PERSUASION = ("persuasion", "劝返", "Persuasion")
    RETENTION = ("retention", "巩固回访", "Retention follow-up")
    ROUTINE = ("routine", "常规家访", "Routine visit")


class VisitStatus(Code):
    TABLE = nonmember(("家访记录状态", "Visit record status"))
    DRAFT = ("draft", "草稿", "Draft")
    FINALIZED = ("finalized", "已定稿", "Finalized")


class UserRole(Code):
    TABLE = nonmember(("用户角色", "User role"))
    TEACHER = ("teacher", "教师", "Teacher")
    SCHOOL_ADMIN = ("school_admin", "学校管理员", "School administrator")
    DISTRICT = ("district", "区教育局", "District education bureau")


class Term(Code):
    TABLE = nonmember(("学期", "Term"))
    SPRING = ("spring", "春季学期", "Spring term")
    AUTUMN = ("autumn", "秋季学期", "Autumn term")
    ALIASES = nonmember({"春季": "spring", "秋季": "autumn"})
