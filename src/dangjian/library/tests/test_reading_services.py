import datetime

import pytest
from django.utils import timezone

from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent
from dangjian.library import rules
from dangjian.library.models import Material, MaterialPage, ReadingPosition, ReadingSession
from dangjian.library.selectors import reading as selectors
from dangjian.library.services import reading as services
from dangjian.members.models import Member

TZ = timezone.get_current_timezone()


def make_material(org, *, pages=("第一页\n\n第二段",) * 3, **fields) -> Material:
    """A published material with its extracted pages, written straight to the database."""
    values = {
        "title": "学习党章",
        "area": "rules",
        "kind": "txt",
        "status": "published",
        "extraction": "ready",
        "extraction_progress": 100,
        "page_count": len(pages),
    } | fields
    material = Material.objects.create(org=org, **values)
    MaterialPage.objects.bulk_create(
        MaterialPage(material=material, number=number, text=text) for number, text in enumerate(pages, start=1)
    )
    return material


def at(hour: int, minute: int = 0, second: float = 0, day: int = 3) -> datetime.datetime:
    whole = int(second)
    return datetime.datetime(2025, 3, day, hour, minute, whole, int(round((second - whole) * 1_000_000)), tzinfo=TZ)


def beat(college, material, when, *, role="member", page=1):
    return services.reading_beat(actor=college.user(role), material=material, page=page, now=when)


def seconds_of(member: Member) -> int:
    return sum(ReadingSession.objects.filter(member=member).values_list("active_seconds", flat=True))


@pytest.fixture
def material(college) -> Material:
    return make_material(college.branch)


# --- Crediting beats ------------------------------------------------------------------------------


def test_a_member_is_credited_the_time_between_beats(college, material):
    first = beat(college, material, at(9))
    assert (first.member, first.active_seconds, first.day) == (college.member, 0, datetime.date(2025, 3, 3))
    beat(college, material, at(9, 0, 20))
    session = beat(college, material, at(9, 0, 40))
    assert session.pk == first.pk
    assert session.active_seconds == 40
    assert session.started_at == at(9)
    assert session.last_beat_at == at(9, 0, 40)


def test_fractions_of_a_second_are_carried_not_lost(college, material):
    beat(college, material, at(9))
    for n in range(1, 31):
        beat(college, material, at(9) + datetime.timedelta(seconds=20.4 * n))
    # 30 beats 20.4 s apart span 612 s; flooring each would have credited 600.
    assert seconds_of(college.member) == 612


def test_a_sleeping_laptop_adds_at_most_a_minute(college, material):
    beat(college, material, at(9))
    session = beat(college, material, at(9, 4, 30))  # 4.5 minutes later: still the same session
    assert session.active_seconds == 60
    assert session.last_beat_at == at(9, 4, 30)
    assert beat(college, material, at(9, 4, 50)).active_seconds == 80


def test_a_beat_after_a_long_pause_starts_a_new_session(college, material):
    first = beat(college, material, at(9))
    beat(college, material, at(9, 0, 20))
    second = beat(college, material, at(9, 5, 21))  # 301 s after the last beat
    assert second.pk != first.pk
    assert second.active_seconds == 0
    assert second.started_at == at(9, 5, 21)
    assert beat(college, material, at(9, 5, 41)).pk == second.pk
    assert list(ReadingSession.objects.order_by("started_at").values_list("active_seconds", flat=True)) == [20, 20]


def test_rapid_beats_add_only_the_time_that_passed(college, material):
    beat(college, material, at(9))
    for n in range(1, 21):
        beat(college, material, at(9, 0, 0.25 * n))
    assert seconds_of(college.member) == 5


def test_two_open_tabs_do_not_count_twice(college, material):
    other = make_material(college.branch, title="准则")
    beat(college, material, at(9))
    for n in range(1, 13):
        tab = material if n % 2 else other
        beat(college, tab, at(9) + datetime.timedelta(seconds=10 * n))
    assert seconds_of(college.member) == 120
    # One session per material, not one per beat.
    assert ReadingSession.objects.count() == 2
    assert ReadingSession.objects.get(material=other).active_seconds == 60


def test_a_new_local_day_starts_a_new_session(college, material):
    before = beat(college, material, at(23, 59, 50, day=3))
    after = beat(college, material, at(0, 0, 10, day=4))
    assert after.pk != before.pk
    assert (before.day, after.day) == (datetime.date(2025, 3, 3), datetime.date(2025, 3, 4))
    assert after.active_seconds == 20  # reading across midnight still counts, on the new day


def test_the_day_is_the_local_date(college, material):
    # 17:00 UTC is 01:00 the next day in the college's time zone.
    session = beat(college, material, datetime.datetime(2025, 3, 3, 17, 0, tzinfo=datetime.UTC))
    assert session.day == datetime.date(2025, 3, 4)


def test_accounts_without_a_member_record_read_without_being_timed(college, material):
    for role in ("auditor", "admin"):
        assert beat(college, material, at(9), role=role) is None
        assert beat(college, material, at(9, 0, 20), role=role) is None
    assert not ReadingSession.objects.exists()


def test_beats_are_not_audited(college, material):
    before = AuditEvent.objects.count()
    beat(college, material, at(9))
    beat(college, material, at(9, 0, 20))
    assert AuditEvent.objects.count() == before


def test_a_material_outside_the_scope_is_not_found(college, material):
    with pytest.raises(NotFound):
        beat(college, material, at(9), role="other_branch")
    draft = make_material(college.branch, status="draft")
    with pytest.raises(NotFound):
        beat(college, draft, at(9))
    assert not ReadingSession.objects.exists()


@pytest.mark.parametrize("number", [0, 4, -1])
def test_a_beat_names_a_real_page(college, material, number):
    with pytest.raises(DomainError) as caught:
        beat(college, material, at(9), page=number)
    assert caught.value.field == "page"


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "video", "video_url": "https://example.org/v", "page_count": 0, "pages": ()},
        {"extraction": "running", "extraction_progress": 40},
        {"extraction": "failed"},
    ],
)
def test_nothing_is_timed_on_a_material_without_pages_to_read(college, fields):
    material = make_material(college.branch, **fields)
    with pytest.raises(DomainError):
        beat(college, material, at(9))
    assert not ReadingSession.objects.exists()


# --- Position and font size ---------------------------------------------------------------------------


def test_the_position_and_font_size_are_remembered(college, material):
    actor = college.user("member")
    services.reading_position_save(actor=actor, material=material, page=3)
    position = services.reading_position_save(actor=actor, material=material, font_size=22)
    assert (position.member, position.page, position.font_size) == (college.member, 3, 22)
    assert ReadingPosition.objects.count() == 1


@pytest.mark.parametrize(("change", "field"), [({"page": 4}, "page"), ({"font_size": 19}, "font_size")])
def test_a_bad_position_is_refused(college, material, change, field):
    with pytest.raises(DomainError) as caught:
        services.reading_position_save(actor=college.user("member"), material=material, **change)
    assert caught.value.field == field
    assert not ReadingPosition.objects.exists()


def test_no_position_for_accounts_without_a_member_record_or_out_of_scope(college, material):
    assert services.reading_position_save(actor=college.user("auditor"), material=material, page=2) is None
    with pytest.raises(NotFound):
        services.reading_position_save(actor=college.user("other_branch"), material=material, page=2)
    assert not ReadingPosition.objects.exists()


# --- Reading time: the ledger's totals and the member's own view ----------------------------------------


def session(member, material, day, seconds):
    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)
    return ReadingSession.objects.create(
        member=member,
        material=material,
        day=day,
        started_at=start,
        last_beat_at=start + datetime.timedelta(seconds=seconds),
        active_seconds=seconds,
    )


@pytest.fixture
def reading(college, material):
    other = make_material(college.committee, title="准则")
    d1, d2 = datetime.date(2025, 3, 3), datetime.date(2025, 3, 4)
    # Day 1: 50 + 30 minutes over two materials → capped at 60. Day 2: 10.5 minutes → 10.
    session(college.member, material, d1, 50 * 60)
    session(college.member, other, d1, 30 * 60)
    session(college.member, material, d2, 10 * 60 + 30)
    # Another member, and reading in another year, which does not count for 2025.
    session(college.secretary, material, d1, 20 * 60)
    session(college.member, material, datetime.date(2024, 12, 31), 40 * 60)
    return other


def test_reading_minutes_are_capped_per_day_in_one_query(college, reading, django_assert_num_queries):
    ids = [college.member.pk, college.secretary.pk, college.other_member.pk]
    with django_assert_num_queries(1):
        minutes = selectors.reading_minutes(ids, 2025)
    assert minutes == {college.member.pk: 70, college.secretary.pk: 20}
    assert selectors.reading_minutes([college.member.pk], 2024) == {college.member.pk: 40}
    assert selectors.reading_minutes([], 2025) == {}


def test_reading_minutes_take_a_queryset_of_ids(college, reading, django_assert_num_queries):
    members = Member.objects.filter(org=college.group).values("pk")
    with django_assert_num_queries(1):
        assert selectors.reading_minutes(members, 2025) == {college.member.pk: 70}
    assert selectors.reading_minutes(Member.objects.none().values("pk"), 2025) == {}


def test_the_daily_cap_comes_from_the_settings(college, reading, settings):
    settings.DANGJIAN_READING_DAILY_CAP_MINUTES = 30
    assert selectors.reading_minutes([college.member.pk], 2025) == {college.member.pk: 30 + 10}
    assert selectors.reading_rule(2025).daily_cap_minutes == 30


def test_reading_minutes_agree_with_the_rules(college, reading):
    rule = selectors.reading_rule(2025)
    per_day = [(50 + 30), 10]  # minutes read on each day of 2025
    expected = rules.credited_minutes(per_day, rule)
    assert selectors.reading_minutes([college.member.pk], 2025)[college.member.pk] == expected


def test_a_member_sees_their_own_reading(college, material, reading):
    mine = selectors.member_reading(college.member, 2025)
    assert (mine.read_minutes, mine.credited_minutes) == (90, 70)
    assert str(mine.credited_hours) == "1.0"
    assert [(m.title, m.minutes) for m in mine.materials] == [("学习党章", 60), ("准则", 30)]
    assert [s.day for s in mine.recent] == [
        datetime.date(2025, 3, 4),
        datetime.date(2025, 3, 3),
        datetime.date(2025, 3, 3),
    ]
    assert all(s.member_id == college.member.pk for s in mine.recent)
