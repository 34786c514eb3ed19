"""What each stored field is called on screen, in Chinese and English (for history and conflict views)."""

from __future__ import annotations

from app.domain.i18n import resolve_language

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名/名称", "Name"), "sex": ("性别", "Sex"), "birth_date": ("出生日期", "Birth date"),
    "ethnicity": ("民族", "Ethnicity"), "id_type": ("证件类型", "ID type"), "id_number": ("身份证号", "ID number"),
    "student_number": ("学籍号", "Student number"), "grade": ("年级", "Grade"), "class_name": ("班级", "Class"),
    "status": ("学籍状态", "Status"), "registered_poor": ("建档立卡", "Registered poor"),
    "left_behind": ("留守儿童", "Left behind"), "disability_type": ("残疾类别", "Disability type"),
    "disability_grade": ("残疾等级", "Disability grade"), "migrant": ("随迁子女", "Migrant child"),
    "orphan": ("孤儿", "Orphan"), "martyr_family": ("烈士或优抚家庭", "Martyr or veteran family"),
    "boarding": ("就读方式", "Day or boarding"), "school_id": ("学校", "School"),
    "household_id": ("家庭", "Household"), "deleted": ("已删除", "Deleted"),
    "head_name": ("户主", "Head of household"), "address": ("地址", "Address"), "phone": ("电话", "Phone"),
    "household_type": ("户口性质", "Household type"), "registration_place": ("户籍所在地", "Registration place"),
    "hardship": ("困难类别", "Hardship"), "notes": ("备注", "Notes"), "relation": ("关系", "Relation"),
    "work": ("务工情况", "Work"), "works_away": ("外出务工", "Works away"), "is_guardian": ("监护人", "Guardian"),
    "person_name": ("包保人", "Person"), "unit": ("单位", "Unit"), "role": ("职责", "Role"), "line": ("线", "Line"),
    "visited_on": ("家访日期", "Visit date"), "visitors": ("走访人", "Visitors"), "purpose": ("家访目的", "Purpose"),
    "family_situation": ("家庭情况", "Family situation"), "diagnosis": ("问题诊断", "Diagnosis"),
    "measures": ("措施建议", "Measures"), "follow_up_on": ("跟进日期", "Follow-up date"),
    "remarks": ("备注", "Remarks"), "reason": ("原因", "Reason"), "whereabouts": ("去向", "Whereabouts"),
    "outcome": ("处置结果", "Outcome"), "placement": ("安置去向", "Placement"), "plan": ("劝返方案", "Plan"),
    "story": ("案例经过", "Story"), "code": ("代码", "Code"), "school_type": ("学校类型", "School type"),
}


def field_label(field: str, lang: str | None = None) -> str:
    """The field's name for people; the stored name itself when no label is known."""
    labels = FIELD_LABELS.get(field)
    if labels is None:
        return field
    return labels[0] if resolve_language(lang) == "zh" else labels[1]
