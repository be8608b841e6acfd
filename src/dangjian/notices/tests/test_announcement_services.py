"""Publishing, changing, withdrawing, reading and confirming announcements."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.errors import DomainError, NotFound
from dangjian.core.models import AuditEvent
from dangjian.notices.models import Announcement, AnnouncementAttachment, AnnouncementRead
from dangjian.notices.services import (
    announcement_confirm,
    announcement_create,
    announcement_mark_read,
    announcement_update,
    announcement_withdraw,
)
from dangjian.notices.tests.factories import announce, pdf, png


def test_a_branch_officer_publishes_for_their_branch_with_files_and_it_is_audited(college):
    announcement = announcement_create(
        actor=college.user("branch"),
        org=college.branch,
        title=" 关于召开十二月主题党日的通知 ",
        body="时间：12月12日下午。",
        pinned=True,
        uploads=[png(), pdf()],
    )
    assert announcement.title == "关于召开十二月主题党日的通知"
    assert announcement.author == college.user("branch")
    assert sorted(a.content_type for a in announcement.attachments.all()) == ["application/pdf", "image/png"]
    event = AuditEvent.objects.get(action="announcement.publish", object_id=str(announcement.pk))
    assert event.org_path == college.branch.path
    assert event.changes["pinned"] is True


@pytest.mark.parametrize(
    ("role", "org"),
    [("branch", "committee"), ("branch", "other_branch"), ("group_leader", "group"), ("member", "branch")],
)
def test_nobody_publishes_outside_their_scope(college, role, org):
    with pytest.raises(NotFound):
        announcement_create(actor=college.user(role), org=getattr(college, org), title="通知", body="内容")
    assert not Announcement.objects.exists()


def test_a_group_is_not_published_for(college):
    with pytest.raises(DomainError) as refused:
        announcement_create(actor=college.user("branch"), org=college.group, title="通知", body="内容")
    assert refused.value.field == "org"


def test_bad_input_is_refused_with_every_problem_and_nothing_is_saved(college):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        announcement_create(
            actor=college.user("committee"), org=college.committee, title=" ", body="", expires_on=yesterday
        )
    assert set(refused.value.errors) == {"title", "body", "expires_on"}
    assert not Announcement.objects.exists()


def test_a_file_is_judged_by_its_content_not_its_name(college):
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(DomainError) as refused:
        announce(college.branch, uploads=[png(), fake])
    assert refused.value.field == "files"
    assert not Announcement.objects.exists()
    assert not AnnouncementAttachment.objects.exists()


def test_at_most_five_files(college):
    with pytest.raises(DomainError):
        announce(college.branch, uploads=[png(f"{n}.png") for n in range(6)])


def test_changing_records_what_changed_and_files_come_and_go(college):
    announcement = announce(college.branch, uploads=[png()])
    old = announcement.attachments.get()
    changed = announcement_update(
        actor=college.user("branch"),
        announcement=announcement,
        title="关于调整主题党日时间的通知",
        uploads=[pdf()],
        remove_attachments=[old.pk],
    )
    assert changed.title == "关于调整主题党日时间的通知"
    assert [a.name for a in changed.attachments.all()] == ["议程.pdf"]
    event = AuditEvent.objects.get(action="announcement.update")
    assert set(event.changes) == {"title", "attachments_added", "attachments_removed"}


def test_only_its_publishers_change_or_withdraw_it(college):
    announcement = announce(college.committee)
    with pytest.raises(NotFound):
        announcement_update(actor=college.user("branch"), announcement=announcement, title="改")
    with pytest.raises(NotFound):
        announcement_withdraw(actor=college.user("member"), announcement=announcement)


def test_a_withdrawn_announcement_stays_withdrawn(college):
    announcement = announce(college.branch)
    announcement_withdraw(actor=college.user("branch"), announcement=announcement)
    assert AuditEvent.objects.filter(action="announcement.withdraw").count() == 1
    with pytest.raises(DomainError):
        announcement_withdraw(actor=college.user("branch"), announcement=announcement)
    with pytest.raises(DomainError):
        announcement_update(actor=college.user("branch"), announcement=announcement, title="再改")


def test_reading_is_recorded_once_and_never_audited(college):
    announcement = announce(college.committee)
    first = announcement_mark_read(actor=college.member.user, announcement=announcement)
    again = announcement_mark_read(actor=college.member.user, announcement=announcement)
    assert first is not None
    assert first.pk == again.pk
    assert AnnouncementRead.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="announcement.read").exists()


def test_reading_what_does_not_address_you_records_nothing(college):
    announcement = announce(college.other_branch)
    assert announcement_mark_read(actor=college.user("committee"), announcement=announcement) is None
    students = announce(college.committee, audience="students")
    assert announcement_mark_read(actor=college.member.user, announcement=students) is None
    assert not AnnouncementRead.objects.exists()


def test_confirming_reads_too_and_is_audited_once(college):
    announcement = announce(college.branch, requires_confirmation=True)
    read = announcement_confirm(actor=college.member.user, announcement=announcement)
    assert read.confirmed_at is not None
    assert read.read_at <= read.confirmed_at
    announcement_confirm(actor=college.member.user, announcement=announcement)
    assert AuditEvent.objects.filter(action="announcement.confirm").count() == 1


def test_confirming_is_refused_where_it_makes_no_sense(college):
    plain = announce(college.branch)
    with pytest.raises(DomainError):
        announcement_confirm(actor=college.member.user, announcement=plain)
    elsewhere = announce(college.other_branch, requires_confirmation=True)
    with pytest.raises(DomainError):
        announcement_confirm(actor=college.member.user, announcement=elsewhere)
    withdrawn = announce(college.branch, requires_confirmation=True)
    announcement_withdraw(actor=college.user("branch"), announcement=withdrawn)
    with pytest.raises(DomainError):
        announcement_confirm(actor=college.member.user, announcement=withdrawn)
    assert not AnnouncementRead.objects.filter(confirmed_at__isnull=False).exists()


def test_an_expired_announcement_can_be_edited_without_moving_its_last_day(college):
    announcement = announce(college.branch, expires_on=timezone.localdate())
    past = timezone.localdate() - datetime.timedelta(days=3)
    Announcement.objects.filter(pk=announcement.pk).update(expires_on=past)
    announcement.refresh_from_db()
    changed = announcement_update(
        actor=college.user("branch"), announcement=announcement, title="更正", expires_on=past
    )
    assert changed.title == "更正"
    with pytest.raises(DomainError):
        announcement_update(
            actor=college.user("branch"), announcement=changed, expires_on=past - datetime.timedelta(days=1)
        )
