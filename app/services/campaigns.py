"""The three campaigns of the year (寒假大家访, 春季大劝返, 夏季"清零")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.codes import CampaignKind
from app.domain.errors import ValidationError
from app.services.common import as_date, require_text
from app.store import oplog
from app.store.models import DISTRICT_SCOPE, Campaign


def create_campaign(session: Session, kind: CampaignKind | str, year: int, *, starts_on: date | str,
                    ends_on: date | str, name: str | None = None) -> Campaign:
    """A campaign, coded ``<year>-<kind>`` (e.g. 2027-winter_visits), unique per year and kind."""
    kind = kind if isinstance(kind, CampaignKind) else CampaignKind.parse(kind)
    start = as_date(starts_on, "starts_on", "开始日期", "Start date")
    end = as_date(ends_on, "ends_on", "结束日期", "End date")
    if end < start:
        raise ValidationError(f"结束日期 {end} 早于开始日期 {start}。", f"End date {end} is before start {start}.",
                              field="ends_on")
    code = f"{int(year)}-{kind.value}"
    if find_campaign(session, code) is not None:
        raise ValidationError(f"{year} 年的“{kind.zh}”已经建立。", f"The {year} {kind.en} campaign exists.",
                              field="kind")
    return oplog.create(session, Campaign, {
        "scope": DISTRICT_SCOPE, "code": code, "kind": kind, "starts_on": start, "ends_on": end,
        "name": require_text(name or f"{year}年{kind.zh}", "name", "名称", "Name", max_length=80),
    })


def find_campaign(session: Session, code: str) -> Campaign | None:
    return session.scalars(select(Campaign).where(Campaign.code == code, Campaign.deleted.is_(False))).first()


def campaign_on(session: Session, on: date) -> Campaign | None:
    """The campaign running on a date (the latest-starting one if several overlap)."""
    return session.scalars(select(Campaign).where(
        Campaign.starts_on <= on, Campaign.ends_on >= on, Campaign.deleted.is_(False))
        .order_by(Campaign.starts_on.desc())).first()
