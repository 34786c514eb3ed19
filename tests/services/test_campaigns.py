"""The three campaigns of the year: one per kind and year, with dates that make sense."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.codes import CampaignKind
from app.domain.errors import ValidationError
from app.services import campaigns
from app.store import oplog
from app.store.db import Database
from app.store.models import DISTRICT_SCOPE, Campaign
from tests.services.support import unchanged


def test_create_campaign_stores_code_dates_and_default_name(database: Database) -> None:
    with database.write() as session:
        campaign_id = campaigns.create_campaign(session, "寒假大家访", 2027, starts_on="2027-01-10",
                                                ends_on=date(2027, 2, 20)).id
    with database.read() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert (campaign.code, campaign.kind, campaign.name, campaign.scope) == (
            "2027-winter_visits", "winter_visits", "2027年寒假大家访", DISTRICT_SCOPE)
        assert (campaign.starts_on, campaign.ends_on) == (date(2027, 1, 10), date(2027, 2, 20))
        assert campaigns.find_campaign(session, "2027-winter_visits").id == campaign_id  # type: ignore[union-attr]
        assert campaigns.find_campaign(session, "2027-spring_return") is None
        assert oplog.compare_with_log(session) == []


def test_a_given_name_is_kept_and_the_summer_label_parses(database: Database) -> None:
    with database.write() as session:
        campaign_id = campaigns.create_campaign(session, "夏季“清零”", 2026, starts_on="2026-04-01",
                                                ends_on="2026-06-30", name=" 西乡塘区夏季清零行动 ").id
    with database.read() as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        assert (campaign.code, campaign.name) == ("2026-summer_zero", "西乡塘区夏季清零行动")


def test_one_campaign_per_kind_and_year(database: Database) -> None:
    with database.write() as session:
        campaigns.create_campaign(session, CampaignKind.SPRING_RETURN, 2026, starts_on="2026-02-01",
                                  ends_on="2026-03-31")
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        campaigns.create_campaign(session, "spring_return", 2026, starts_on="2026-02-15", ends_on="2026-03-15")
    assert err.value.field == "kind" and "2026 年的“春季大劝返”已经建立" in err.value.zh
    # Another year or another kind is fine.
    with database.write() as session:
        campaigns.create_campaign(session, "spring_return", 2027, starts_on="2027-02-01", ends_on="2027-03-31")
        campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-10", ends_on="2026-02-20")
    with database.read() as session:
        assert sorted(session.scalars(select(Campaign.code))) == [
            "2026-spring_return", "2026-winter_visits", "2027-spring_return"]


def test_end_before_start_is_refused(database: Database) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        campaigns.create_campaign(session, "winter_visits", 2027, starts_on="2027-02-20", ends_on="2027-01-10")
    assert err.value.field == "ends_on" and "结束日期 2027-01-10 早于开始日期 2027-02-20" in err.value.zh


def test_bad_dates_and_kinds_are_refused(database: Database) -> None:
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        campaigns.create_campaign(session, "winter_visits", 2027, starts_on="2027-13-01", ends_on="2027-02-20")
    assert err.value.field == "starts_on" and "开始日期“2027-13-01”不是有效日期" in err.value.zh
    with unchanged(database), pytest.raises(ValidationError) as err, database.write() as session:
        campaigns.create_campaign(session, "秋季大走访", 2027, starts_on="2027-09-01", ends_on="2027-10-01")
    assert "专项行动" in err.value.zh and "秋季大走访" in err.value.zh


def test_campaign_on_finds_the_running_campaign(database: Database) -> None:
    with database.write() as session:
        winter = campaigns.create_campaign(session, "winter_visits", 2026, starts_on="2026-01-10",
                                           ends_on="2026-02-20").id
        spring = campaigns.create_campaign(session, "spring_return", 2026, starts_on="2026-02-15",
                                           ends_on="2026-03-31").id
    with database.read() as session:
        assert campaigns.campaign_on(session, date(2026, 1, 10)).id == winter  # type: ignore[union-attr]
        assert campaigns.campaign_on(session, date(2026, 2, 18)).id == spring  # type: ignore[union-attr]
        assert campaigns.campaign_on(session, date(2026, 3, 31)).id == spring  # type: ignore[union-attr]
        assert campaigns.campaign_on(session, date(2026, 4, 1)) is None
