"""Code tables, the interface language, and domain errors."""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import codes, lifecycle
from app.domain.codes import (
    CampaignKind,
    CaseOutcome,
    Code,
    Ethnicity,
    IdType,
    RegistryChangeType,
    ResponsibilityLine,
    ResponsibilityRole,
    SchoolType,
    Sex,
    StudentStatus,
    status_after_change,
)
from app.domain.errors import (
    DomainError,
    LifecycleError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from app.domain.i18n import current_language, resolve_language, set_language

ALL_TABLES: list[type[Code]] = [
    obj
    for module in (codes, lifecycle)
    for obj in vars(module).values()
    if inspect.isclass(obj)
    and issubclass(obj, Code)
    and obj is not Code
    and obj.__module__ == module.__name__
]
ALL_MEMBERS: list[Code] = [member for table in ALL_TABLES for member in table]


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("zh")


# --- i18n ---------------------------------------------------------------------------------------------


def test_chinese_is_the_default_language() -> None:
    assert current_language() == "zh"


def test_set_language_switches_and_resolve_language_prefers_the_argument(english: None) -> None:
    assert current_language() == "en"
    assert resolve_language(None) == "en"
    assert resolve_language("zh") == "zh"


@pytest.mark.parametrize("lang", ["fr", "ZH", "", "zh_CN", "english"])
def test_set_language_refuses_unsupported_languages(lang: str) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        set_language(lang)
    assert current_language() == "zh"


# --- errors -------------------------------------------------------------------------------------------


def test_domain_error_carries_both_languages_and_the_field() -> None:
    error = ValidationError("身份证号有误", "The ID number is wrong", field="id_number")
    assert (error.zh, error.en, error.field) == ("身份证号有误", "The ID number is wrong", "id_number")
    assert error.message("zh") == "身份证号有误"
    assert error.message("en") == "The ID number is wrong"
    assert str(error) == "身份证号有误"


def test_domain_error_str_follows_the_current_language(english: None) -> None:
    error = LifecycleError("不能销号", "Cannot close")
    assert str(error) == "Cannot close"
    assert error.message() == "Cannot close"
    assert error.field is None


@pytest.mark.parametrize("cls", [ValidationError, LifecycleError, NotFoundError, PermissionDenied])
def test_error_subclasses_are_domain_errors_and_survive_pickling(cls: type[DomainError]) -> None:
    error = cls("中文", "English", field="name")
    assert isinstance(error, DomainError)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert (copy.zh, copy.en, copy.field) == ("中文", "English", "name")


def test_error_message_refuses_unknown_language() -> None:
    with pytest.raises(ValueError):
        DomainError("中", "en").message("de")


# --- the Code base ------------------------------------------------------------------------------------


def test_all_tables_are_collected() -> None:
    names = {table.__name__ for table in ALL_TABLES}
    assert {"Sex", "Ethnicity", "CaseOutcome", "StudentStatus", "CaseStatus", "CaseAction", "Term"} <= names
    assert len(ALL_TABLES) == 26


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.__name__)
def test_every_member_has_labels_and_a_unique_value(table: type[Code]) -> None:
    members = list(table)
    assert len({m.value for m in members}) == len(members)
    for member in members:
        assert member.zh and member.en
        assert member.zh != member.en
        assert isinstance(member.value, str)
    # Every spelling (value, labels, aliases) resolves to exactly one member; a clash raises here.
    for spelling, value in table.aliases().items():
        assert table.parse(spelling) is table(value)


def test_members_are_strings_that_store_their_value() -> None:
    assert Sex.MALE == "1"
    assert f"{Sex.FEMALE}" == "2"
    assert str(Ethnicity.ZHUANG) == "08"
    assert Sex("1") is Sex.MALE
    assert Ethnicity("13") is Ethnicity.YAO


def test_label_uses_the_current_language_unless_given(english: None) -> None:
    assert Sex.MALE.label() == "Male"
    assert Sex.MALE.label("zh") == "男"
    assert Ethnicity.ZHUANG.label("zh") == "壮族"


def test_choices_list_value_label_pairs_in_order(english: None) -> None:
    assert Sex.choices() == [("1", "Male"), ("2", "Female")]
    assert Sex.choices("zh") == [("1", "男"), ("2", "女")]
    assert [value for value, _ in Ethnicity.choices()][:3] == ["01", "02", "03"]


def test_a_member_without_labels_is_refused() -> None:
    with pytest.raises(TypeError, match="label"):

        class Broken(Code):
            ONLY = "x"


_WHITESPACE = st.text(alphabet=" \t\n\u3000\u00a0", max_size=3)


@given(
    member=st.sampled_from(ALL_MEMBERS),
    lang=st.sampled_from(["zh", "en"]),
    recase=st.sampled_from([str.upper, str.lower, str.title, str.swapcase, str]),
    before=_WHITESPACE,
    after=_WHITESPACE,
)
def test_parse_round_trips_every_label_in_both_languages(
    member: Code, lang: str, recase: Callable[[str], str], before: str, after: str
) -> None:
    text = before + recase(member.label(lang)) + after
    assert type(member).parse(text) is member


@given(member=st.sampled_from(ALL_MEMBERS), before=_WHITESPACE, after=_WHITESPACE)
def test_parse_round_trips_every_value(member: Code, before: str, after: str) -> None:
    assert type(member).parse(before + member.value + after) is member


@given(table=st.sampled_from(ALL_TABLES), text=st.text(max_size=30))
def test_parse_returns_a_member_or_raises_validation_error(table: type[Code], text: str) -> None:
    try:
        result = table.parse(text)
    except ValidationError as error:
        assert error.zh and error.en
    else:
        assert result in list(table)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("男性", Sex.MALE),
        ("M", Sex.MALE),
        ("m", Sex.MALE),
        ("male", Sex.MALE),
        (" FEMALE ", Sex.FEMALE),
        ("女", Sex.FEMALE),
        ("2", Sex.FEMALE),
        ("f", Sex.FEMALE),
    ],
)
def test_sex_accepts_common_spellings(text: str, expected: Sex) -> None:
    assert Sex.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("汉", Ethnicity.HAN),
        ("汉族", Ethnicity.HAN),
        ("1", Ethnicity.HAN),
        ("8", Ethnicity.ZHUANG),
        ("08", Ethnicity.ZHUANG),
        ("０８", Ethnicity.ZHUANG),
        ("壮", Ethnicity.ZHUANG),
        ("zhuang", Ethnicity.ZHUANG),
        ("瑶", Ethnicity.YAO),
        ("土", Ethnicity.TU),
        ("土家", Ethnicity.TUJIA),
        ("Uighur", Ethnicity.UYGHUR),
        ("其他", Ethnicity.OTHER),
        ("98", Ethnicity.FOREIGN_ORIGIN),
    ],
)
def test_ethnicity_accepts_short_names_and_unpadded_codes(text: str, expected: Ethnicity) -> None:
    assert Ethnicity.parse(text) is expected


def test_ethnicity_follows_gb_t_3304() -> None:
    assert len(Ethnicity) == 58
    assert [m.value for m in Ethnicity][:56] == [f"{n:02d}" for n in range(1, 57)]
    assert (Ethnicity.HAN.value, Ethnicity.HAN.zh) == ("01", "汉族")
    assert (Ethnicity.ZHUANG.value, Ethnicity.ZHUANG.zh) == ("08", "壮族")
    assert (Ethnicity.YAO.value, Ethnicity.YAO.zh) == ("13", "瑶族")
    assert (Ethnicity.TUJIA.value, Ethnicity.TUJIA.zh) == ("15", "土家族")
    assert (Ethnicity.MAONAN.value, Ethnicity.MULAO.value, Ethnicity.GIN.value) == ("36", "32", "49")
    assert (Ethnicity.JINO.value, Ethnicity.JINO.zh) == ("56", "基诺族")
    assert Ethnicity.OTHER.value == "97"
    assert Ethnicity.FOREIGN_ORIGIN.zh == "外国血统中国籍人士"


def test_id_type_codes() -> None:
    assert [m.value for m in IdType] == ["1", "6", "7", "8", "9", "A", "Z"]
    assert IdType.parse("a") is IdType.PASSPORT
    assert IdType.parse("身份证") is IdType.RESIDENT_ID


def test_parse_error_names_the_table_and_the_text() -> None:
    with pytest.raises(ValidationError) as caught:
        Sex.parse("不详")
    assert "性别" in caught.value.zh and "不详" in caught.value.zh
    assert "Sex" in caught.value.en and "不详" in caught.value.en
    assert "1 男" in caught.value.zh


def test_parse_error_for_a_long_table_does_not_list_everything() -> None:
    with pytest.raises(ValidationError) as caught:
        Ethnicity.parse("火星族")
    assert "民族" in caught.value.zh and "火星族" in caught.value.zh
    assert "基诺族" not in caught.value.zh


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_parse_blank_asks_for_a_value(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Sex.parse(text)
    assert caught.value.zh == "请填写「性别」"
    assert caught.value.en == "Sex is empty"


def test_summer_campaign_accepts_either_kind_of_quotes() -> None:
    assert CampaignKind.parse('夏季"清零"') is CampaignKind.SUMMER_ZERO
    assert CampaignKind.parse("夏季“清零”") is CampaignKind.SUMMER_ZERO


# --- table-specific behaviour -------------------------------------------------------------------------


def test_return_outcomes_are_the_first_six() -> None:
    returns = [o for o in CaseOutcome if o.is_return]
    assert returns == list(CaseOutcome)[:6]
    assert CaseOutcome.RETURNED.is_return and CaseOutcome.VOCATIONAL.is_return
    for outcome in (
        CaseOutcome.TRANSFERRED,
        CaseOutcome.ABROAD,
        CaseOutcome.OVER_AGE,
        CaseOutcome.DATA_ERROR,
        CaseOutcome.DECEASED,
    ):
        assert not outcome.is_return


def test_only_vocational_placement_needs_verification() -> None:
    assert [o for o in CaseOutcome if o.needs_verification] == [CaseOutcome.VOCATIONAL]


@pytest.mark.parametrize(
    ("school", "grades"),
    [
        (SchoolType.TEACHING_POINT, range(1, 7)),
        (SchoolType.PRIMARY, range(1, 7)),
        (SchoolType.JUNIOR, range(7, 10)),
        (SchoolType.NINE_YEAR, range(1, 10)),
        (SchoolType.SPECIAL, range(1, 10)),
    ],
)
def test_school_grades(school: SchoolType, grades: range) -> None:
    assert school.grades == grades


def test_responsibility_lines() -> None:
    government = {r for r in ResponsibilityRole if r.line is ResponsibilityLine.GOVERNMENT}
    assert government == {
        ResponsibilityRole.VILLAGE_CADRE,
        ResponsibilityRole.TOWNSHIP_HEAD,
        ResponsibilityRole.VILLAGE_HEAD,
    }
    for role in (
        ResponsibilityRole.AREA_LEADER,
        ResponsibilityRole.CLASS_TEACHER,
        ResponsibilityRole.STUDENT_TEACHER,
    ):
        assert role.line is ResponsibilityLine.EDUCATION
    assert ResponsibilityRole.parse("包户") is ResponsibilityRole.STUDENT_TEACHER


# --- registry changes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "current", "expected"),
    [
        (RegistryChangeType.DROPOUT, StudentStatus.IN_SCHOOL, StudentStatus.DROPPED_OUT),
        (RegistryChangeType.RESUMPTION, StudentStatus.DROPPED_OUT, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.RESUMPTION, StudentStatus.SUSPENDED, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.SUSPENSION, StudentStatus.IN_SCHOOL, StudentStatus.SUSPENDED),
        (RegistryChangeType.TRANSFER_OUT, StudentStatus.IN_SCHOOL, StudentStatus.TRANSFERRED_OUT),
        (RegistryChangeType.TRANSFER_IN, StudentStatus.TRANSFERRED_OUT, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.DEATH, StudentStatus.DROPPED_OUT, StudentStatus.DECEASED),
        (RegistryChangeType.GRADUATION, StudentStatus.IN_SCHOOL, StudentStatus.GRADUATED),
        (RegistryChangeType.GRADUATION, StudentStatus.HOME_TEACHING, StudentStatus.GRADUATED),
        (RegistryChangeType.PROMOTION, StudentStatus.IN_SCHOOL, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.PROMOTION, StudentStatus.HOME_TEACHING, StudentStatus.HOME_TEACHING),
        (RegistryChangeType.REPEAT, StudentStatus.SUSPENDED, StudentStatus.SUSPENDED),
        (RegistryChangeType.CLASS_CHANGE, StudentStatus.DROPPED_OUT, StudentStatus.DROPPED_OUT),
    ],
)
def test_status_after_change(
    change: RegistryChangeType, current: StudentStatus, expected: StudentStatus
) -> None:
    assert status_after_change(change, current) is expected


@pytest.mark.parametrize("change", list(RegistryChangeType))
def test_no_change_on_a_deceased_student(change: RegistryChangeType) -> None:
    with pytest.raises(LifecycleError) as caught:
        status_after_change(change, StudentStatus.DECEASED)
    assert "死亡" in caught.value.zh and change.zh in caught.value.zh


@pytest.mark.parametrize(
    ("change", "current"),
    [
        (RegistryChangeType.RESUMPTION, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.TRANSFER_IN, StudentStatus.IN_SCHOOL),
        (RegistryChangeType.DROPOUT, StudentStatus.DROPPED_OUT),
        (RegistryChangeType.GRADUATION, StudentStatus.DROPPED_OUT),
        (RegistryChangeType.PROMOTION, StudentStatus.GRADUATED),
        (RegistryChangeType.DROPOUT, StudentStatus.TRANSFERRED_OUT),
    ],
)
def test_impossible_changes_raise(change: RegistryChangeType, current: StudentStatus) -> None:
    with pytest.raises(LifecycleError) as caught:
        status_after_change(change, current)
    assert current.zh in caught.value.zh and change.zh in caught.value.zh
    assert current.en in caught.value.en and change.en in caught.value.en


@given(change=st.sampled_from(list(RegistryChangeType)), current=st.sampled_from(list(StudentStatus)))
def test_status_after_change_returns_a_status_or_raises_lifecycle_error(
    change: RegistryChangeType, current: StudentStatus
) -> None:
    try:
        after = status_after_change(change, current)
    except LifecycleError:
        return
    assert after in list(StudentStatus)
    if change in (RegistryChangeType.PROMOTION, RegistryChangeType.REPEAT, RegistryChangeType.CLASS_CHANGE):
        assert after is current
    if change is RegistryChangeType.DEATH:
        assert after is StudentStatus.DECEASED


def test_every_status_still_on_the_roll_can_record_a_death() -> None:
    for status in (
        StudentStatus.IN_SCHOOL,
        StudentStatus.DROPPED_OUT,
        StudentStatus.SUSPENDED,
        StudentStatus.HOME_TEACHING,
    ):
        assert status_after_change(RegistryChangeType.DEATH, status) is StudentStatus.DECEASED
