import datetime

import pytest

from dangjian.core.errors import DomainError, Forbidden, NotFound
from dangjian.core.models import AuditEvent
from dangjian.members.tests.factories import MemberFactory
from dangjian.study.models import ReadingItem, ReadingList, SelfStudy
from dangjian.study.services import selfstudy as services
from dangjian.study.tests.factories_selfstudy import COPIED, OTHER_REFLECTION, REFLECTION, reading_list, self_study

TODAY = datetime.date(2025, 6, 15)
DAY = datetime.date(2025, 6, 10)


def log(college, role="member", **kwargs):
    data = {"studied_on": DAY, "minutes": 60, "title": "学习党章", "today": TODAY}
    return services.self_study_log(actor=college.user(role), **(data | kwargs))


# --- Logging ---------------------------------------------------------------------------------


def test_a_member_logs_their_own_study_audited(college):
    entry = log(college, reflection="  体会  ")
    assert (entry.member, entry.minutes, entry.title, entry.reflection) == (college.member, 60, "学习党章", "体会")
    event = AuditEvent.objects.get(action="self_study.log")
    assert event.org_path == college.group.path
    assert "reflection" not in event.changes  # the text stays out of the audit trail


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -30}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"studied_on": TODAY + datetime.timedelta(days=1)}, "studied_on"),
        ({"studied_on": datetime.date(2024, 12, 31)}, "studied_on"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(college, change, field):
    with pytest.raises(DomainError) as caught:
        log(college, **change)
    assert caught.value.field == field
    assert not SelfStudy.objects.exists()
    assert not AuditEvent.objects.filter(action="self_study.log").exists()


def test_a_day_holds_at_most_24_hours(college):
    log(college, minutes=1000)
    with pytest.raises(DomainError, match="24 hours|24小时"):
        log(college, minutes=441)
    log(college, minutes=440)  # exactly 24 hours
    log(college, minutes=600, studied_on=DAY - datetime.timedelta(days=1))  # another day is not affected
    assert SelfStudy.objects.count() == 3


def test_an_account_without_a_member_record_cannot_log(college):
    with pytest.raises(Forbidden):
        log(college, role="admin")


def test_an_officer_may_log_for_a_member_they_manage_but_not_others(college):
    entry = log(college, role="branch", member=college.member)  # 送学上门
    assert entry.member == college.member
    with pytest.raises(Forbidden):
        log(college, role="other_branch", member=college.member)
    with pytest.raises(Forbidden):
        log(college, role="member", member=college.secretary)
    assert SelfStudy.objects.count() == 1


def test_a_reading_item_gives_the_title_and_must_be_assigned(college):
    rl = reading_list(college.user("committee"), college.committee, titles=("《中国共产党章程》",))
    item = rl.items.get()
    entry = log(college, title="", reading_item=item)
    assert entry.title == "《中国共产党章程》"
    students_only = reading_list(college.user("committee"), college.committee, audience="students", titles=("x",))
    with pytest.raises(DomainError) as caught:
        log(college, reading_item=students_only.items.get())
    assert caught.value.field == "reading_item"
    assert SelfStudy.objects.count() == 1


# --- Near duplicates ---------------------------------------------------------------------------


def test_a_copied_reflection_in_the_same_branch_is_flagged(college):
    original = log(college, role="branch", reflection=REFLECTION)  # the secretary, in the branch itself
    copy = log(college, reflection=COPIED)  # a member of a group of that branch
    assert copy.similar_to == original
    assert original.similar_to is None
    own = log(college, role="group_leader", reflection=OTHER_REFLECTION)
    assert own.similar_to is None


def test_reflections_of_other_branches_and_short_ones_are_not_compared(college):
    self_study(college.other_member, DAY, 30, REFLECTION)
    assert log(college, reflection=COPIED).similar_to is None
    log(college, role="branch", reflection="学习党章，坚定理想信念。")
    assert log(college, reflection="学习党章，坚定理想信念。", minutes=10).similar_to is None


def test_an_edit_clears_or_sets_the_flag(college):
    original = log(college, role="branch", reflection=REFLECTION)
    entry = log(college, reflection=COPIED)
    services.self_study_update(actor=college.user("member"), entry=entry, reflection=OTHER_REFLECTION, today=TODAY)
    entry.refresh_from_db()
    assert entry.similar_to is None
    services.self_study_update(actor=college.user("member"), entry=entry, reflection=COPIED, today=TODAY)
    entry.refresh_from_db()
    assert entry.similar_to == original


# --- Update and delete -------------------------------------------------------------------------


def test_a_member_changes_their_own_entry(college):
    entry = log(college)
    services.self_study_update(actor=college.user("member"), entry=entry, minutes=90, title="学习准则", today=TODAY)
    entry.refresh_from_db()
    assert (entry.minutes, entry.title) == (90, "学习准则")
    assert AuditEvent.objects.get(action="self_study.update").changes == {
        "minutes": [60, 90],
        "title": ["学习党章", "学习准则"],
    }


def test_a_bad_change_leaves_the_entry_as_it_was(college):
    entry = log(college)
    log(college, minutes=1000, studied_on=DAY - datetime.timedelta(days=1))
    for change in ({"minutes": 0}, {"studied_on": DAY - datetime.timedelta(days=1), "minutes": 500}):
        with pytest.raises(DomainError):
            services.self_study_update(actor=college.user("member"), entry=entry, today=TODAY, **change)
    with pytest.raises(TypeError):  # no such field: the signature names the fields
        services.self_study_update(actor=college.user("member"), entry=entry, today=TODAY, colour="red")
    entry.refresh_from_db()
    assert (entry.studied_on, entry.minutes) == (DAY, 60)


def test_only_the_owner_changes_or_removes_an_entry(college):
    entry = log(college)
    for role in ("branch", "committee", "group_leader"):
        with pytest.raises(NotFound):
            services.self_study_update(actor=college.user(role), entry=entry, minutes=5, today=TODAY)
        with pytest.raises(NotFound):
            services.self_study_delete(actor=college.user(role), entry=entry, today=TODAY)
    assert SelfStudy.objects.get().minutes == 60


def test_entries_of_a_past_year_are_final(college):
    entry = log(college)
    next_year = datetime.date(2026, 1, 2)
    with pytest.raises(DomainError, match="past year|往年"):
        services.self_study_update(actor=college.user("member"), entry=entry, minutes=5, today=next_year)
    with pytest.raises(DomainError, match="past year|往年"):
        services.self_study_delete(actor=college.user("member"), entry=entry, today=next_year)
    assert SelfStudy.objects.filter(minutes=60).exists()


def test_delete_re_checks_the_copies_of_the_removed_entry(college):
    original = log(college, role="branch", reflection=REFLECTION)
    second = log(college, role="group_leader", reflection=REFLECTION)
    copy = log(college, reflection=COPIED)
    assert copy.similar_to == original
    services.self_study_delete(actor=college.user("branch"), entry=original, today=TODAY)
    copy.refresh_from_db()
    assert copy.similar_to == second
    assert AuditEvent.objects.filter(action="self_study.delete").count() == 1


# --- Reading lists -----------------------------------------------------------------------------


def items(*titles, link=""):
    return [services.ItemIn(title=title, link=link) for title in titles]


def test_officers_create_reading_lists_in_their_scope(college):
    rl = services.reading_list_create(
        actor=college.user("branch"),
        org=college.branch,
        title="教师自学书目",
        audience="faculty",
        due_on=datetime.date(2025, 7, 1),
        guidance="结合教学科研实际自学",
        items=[services.ItemIn("党章"), services.ItemIn("论党的建设", "https://example.org/a", required=False)],
        today=TODAY,
    )
    assert [(i.title, i.required, i.position) for i in rl.items.all()] == [("党章", True, 0), ("论党的建设", False, 1)]
    assert AuditEvent.objects.get(action="reading_list.create").org_path == college.branch.path


@pytest.mark.parametrize("role", ["member", "group_leader", "auditor", "other_branch"])
def test_others_may_not_create_reading_lists(college, role):
    with pytest.raises(Forbidden):
        services.reading_list_create(actor=college.user(role), org=college.branch, title="x", items=items("党章"))
    assert not ReadingList.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"items": []}, "items"),
        ({"items": items(" ")}, "items"),
        ({"items": items("党章", link="javascript:alert(1)")}, "items"),
        ({"due_on": datetime.date(2025, 6, 14)}, "due_on"),
        ({"audience": "everyone"}, "audience"),
    ],
)
def test_bad_reading_lists_are_refused(college, change, field):
    data = {"title": "书目", "items": items("党章"), "audience": "all"} | change
    with pytest.raises(DomainError) as caught:
        services.reading_list_create(actor=college.user("committee"), org=college.committee, today=TODAY, **data)
    assert caught.value.field == field
    assert not ReadingList.objects.exists()
    assert not ReadingItem.objects.exists()


def test_update_keeps_items_with_progress_and_drops_the_rest(college):
    rl = reading_list(college.user("committee"), college.committee, titles=("党章", "准则", "条例"))
    keep, drop, change = rl.items.all()
    entry = log(college, reading_item=keep, title="")
    services.reading_list_update(
        actor=college.user("committee"),
        reading_list=rl,
        title="新书目",
        items=[
            services.ItemIn("党章", id=keep.pk),
            services.ItemIn("条例（2019）", id=change.pk, required=False),
            services.ItemIn("新材料"),
        ],
        today=TODAY,
    )
    assert [(i.title, i.required) for i in rl.items.all()] == [
        ("党章", True),
        ("条例（2019）", False),
        ("新材料", True),
    ]
    assert not ReadingItem.objects.filter(pk=drop.pk).exists()
    entry.refresh_from_db()
    assert entry.reading_item == keep
    assert AuditEvent.objects.get(action="reading_list.update").changes["title"] == ["2025年春季学期必读书目", "新书目"]


def test_update_refuses_items_of_another_list_and_changes_nothing(college):
    first = reading_list(college.user("committee"), college.committee)
    second = reading_list(college.user("committee"), college.committee, titles=("x",))
    with pytest.raises(DomainError):
        services.reading_list_update(
            actor=college.user("committee"),
            reading_list=first,
            title="改",
            items=[services.ItemIn("x", id=second.items.get().pk)],
            today=TODAY,
        )
    first.refresh_from_db()
    assert first.title == "2025年春季学期必读书目"
    assert first.items.count() == 2
    with pytest.raises(Forbidden):
        services.reading_list_update(actor=college.user("branch"), reading_list=first, title="改", today=TODAY)


def test_members_joined_elsewhere_do_not_see_a_branch_list(college):
    outsider = MemberFactory(org=college.other_branch)
    rl = reading_list(college.user("branch"), college.branch)
    with pytest.raises(DomainError):
        services.self_study_log(
            actor=college.user("other_branch"),
            member=outsider,
            studied_on=DAY,
            minutes=30,
            reading_item=rl.items.first(),
            today=TODAY,
        )
