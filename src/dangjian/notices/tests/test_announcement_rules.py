"""The pure rules of announcements, at their boundaries."""

import datetime

import pytest

from dangjian.notices import rules

TODAY = datetime.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("announcement_path", "member_path", "audience", "category", "is_officer", "expected"),
    [
        ("000001/", "000001/000002/000003/", "all", "faculty", False, True),  # a committee's reaches a group
        ("000001/000002/", "000001/000002/", "all", "faculty", False, True),  # the branch's own
        ("000001/000002/", "000001/000004/", "all", "faculty", False, False),  # a sibling branch's
        ("000001/000002/", "000001/", "all", "faculty", False, False),  # a branch's does not go up
        ("000001/", "000001/000002/", "students", "faculty", False, False),
        ("000001/", "000001/000002/", "students", "graduate", False, True),
        ("000001/", "000001/000002/", "officers", "faculty", False, False),
        ("000001/", "000001/000002/", "officers", "faculty", True, True),
    ],
)
def test_who_is_addressed(announcement_path, member_path, audience, category, is_officer, expected):
    assert (
        rules.is_addressed(
            announcement_path=announcement_path,
            member_path=member_path,
            audience=audience,
            category=category,
            is_officer=is_officer,
        )
        is expected
    )


def test_an_announcement_is_current_through_its_last_day():
    assert rules.is_current(expires_on=TODAY, withdrawn=False, today=TODAY)
    assert not rules.is_current(expires_on=TODAY - datetime.timedelta(days=1), withdrawn=False, today=TODAY)
    assert rules.is_current(expires_on=None, withdrawn=False, today=TODAY)
    assert not rules.is_current(expires_on=None, withdrawn=True, today=TODAY)


def test_the_last_day_is_today_at_the_earliest_and_a_year_ahead_at_the_latest():
    day = datetime.timedelta(days=1)
    assert rules.expiry_error(None, TODAY) is None
    assert rules.expiry_error(TODAY, TODAY) is None
    assert rules.expiry_error(TODAY - day, TODAY) == "past"
    assert rules.expiry_error(TODAY + rules.MAX_EXPIRY_DAYS * day, TODAY) is None
    assert rules.expiry_error(TODAY + (rules.MAX_EXPIRY_DAYS + 1) * day, TODAY) == "far"
