"""Opinions: where they go, who sees and answers them, and every refusal changing nothing."""

import pytest

from dangjian.core.errors import Conflict, DomainError, Forbidden, NotFound
from dangjian.core.models import AuditEvent
from dangjian.notices.models import Notice
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.rights import selectors, services
from dangjian.rights.models import Opinion, OpinionStatus


def counts() -> tuple[int, int, int]:
    return Opinion.objects.count(), AuditEvent.objects.count(), Notice.objects.count()


def send(user, **kwargs):
    data = {"kind": "suggestion", "title": "建议增加线上学习", "body": "希望支部提供更多线上学习资料。"} | kwargs
    return services.opinion_create(actor=user, **data)


def test_a_suggestion_goes_to_the_members_branch_by_default(college):
    submitted = send(college.member.user)
    opinion = submitted.opinion
    assert opinion.org == college.branch  # 张三 is in a group: the group's branch receives it
    assert opinion.author == college.member
    assert submitted.follow_up_code is None
    assert opinion.follow_up_hash is None
    assert opinion.status == OpinionStatus.OPEN
    event = AuditEvent.objects.get(action="opinion.create")
    assert event.actor == college.member.user
    assert event.org_path == college.branch.path
    # The branch secretary is told; the committee (above) is not disturbed.
    assert list(Notice.objects.values_list("recipient", flat=True)) == [college.secretary.user_id]


def test_a_suggestion_may_go_to_the_committee(college):
    opinion = send(college.member.user, target="committee").opinion
    assert opinion.org == college.committee
    assert list(Notice.objects.values_list("recipient", flat=True)) == [college.user("committee").pk]


def test_criticism_goes_one_level_above_the_branch(college):
    opinion = send(college.member.user, kind="criticism", target="branch").opinion
    assert opinion.org == college.committee


def test_the_committee_is_the_nearest_committee_above_a_general_branch(college):
    general = OrganisationFactory(parent=college.committee, kind="general_branch", name="教工党总支", code="GB1")
    branch = OrganisationFactory(parent=general, name="法学系党支部", code="B09")
    from dangjian.members.tests.factories import MemberFactory

    member = MemberFactory(org=branch, name="孙法")
    assert selectors.opinion_destination(member, "suggestion", "committee") == college.committee
    assert selectors.opinion_destination(member, "criticism", "") == general


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "praise"}, "kind"),
        ({"target": "university"}, "target"),
        ({"title": ""}, "title"),
        ({"title": "建" * 201}, "title"),
        ({"body": "   "}, "body"),
        ({"body": "字" * 5001}, "body"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(college, kwargs, field):
    before = counts()
    with pytest.raises(DomainError) as exc:
        send(college.member.user, **kwargs)
    assert exc.value.field == field
    assert counts() == before


@pytest.mark.parametrize("anonymous", [False, True])
def test_an_account_without_a_member_record_cannot_send_one(college, anonymous):
    before = counts()
    with pytest.raises(DomainError, match="没有关联"):
        send(college.user("admin"), anonymous=anonymous)
    assert counts() == before


def test_the_branch_secretary_answers_and_the_author_is_told(college):
    opinion = send(college.member.user).opinion
    Notice.objects.all().delete()
    services.opinion_answer(actor=college.secretary.user, opinion=opinion, answer="已安排，下月起每周更新资料。")
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED
    assert opinion.answered_by == college.secretary.user
    assert opinion.answered_at is not None
    notice = Notice.objects.get()
    assert notice.recipient == college.member.user
    assert str(opinion.pk) in notice.url
    assert AuditEvent.objects.filter(action="opinion.answer", actor=college.secretary.user).count() == 1


def test_the_committee_may_answer_what_its_branches_receive(college):
    opinion = send(college.member.user).opinion
    services.opinion_answer(actor=college.user("committee"), opinion=opinion, answer="党委已阅，支持。")
    assert Opinion.objects.get().status == OpinionStatus.ANSWERED


def test_refused_answers_change_nothing(college):
    opinion = send(college.member.user).opinion
    before = counts()
    with pytest.raises(Forbidden):  # the author may not answer their own opinion
        services.opinion_answer(actor=college.member.user, opinion=opinion, answer="自问自答")
    with pytest.raises(Forbidden):  # another branch's secretary has no say here
        services.opinion_answer(actor=college.user("other_branch"), opinion=opinion, answer="不归我管")
    with pytest.raises(Forbidden):  # nor a group leader, who does not look after members' care
        services.opinion_answer(actor=college.user("group_leader"), opinion=opinion, answer="组长答复")
    with pytest.raises(DomainError) as exc:
        services.opinion_answer(actor=college.secretary.user, opinion=opinion, answer="  ")
    assert exc.value.field == "answer"
    assert counts() == before
    assert Opinion.objects.get().status == OpinionStatus.OPEN


def test_an_opinion_is_answered_once(college):
    opinion = send(college.member.user).opinion
    services.opinion_answer(actor=college.secretary.user, opinion=opinion, answer="第一次答复")
    before = counts()
    with pytest.raises(Conflict):
        services.opinion_answer(actor=college.user("committee"), opinion=opinion, answer="第二次答复")
    assert counts() == before
    assert Opinion.objects.get().answer == "第一次答复"


def test_criticism_of_the_branch_is_not_seen_by_the_branch(college):
    opinion = send(college.member.user, kind="criticism", title="支部会议走过场").opinion
    assert selectors.access_opinion(college.user("committee"), opinion.pk) == opinion
    assert selectors.access_opinion(college.member.user, opinion.pk) == opinion
    for role in ("branch", "group_leader", "auditor", "other_branch"):
        with pytest.raises(NotFound):
            selectors.access_opinion(college.user(role), opinion.pk)
    assert list(selectors.received_opinions(actor=college.secretary.user)) == []
    assert list(selectors.received_opinions(actor=college.user("committee"))) == [opinion]


def test_access_refuses_ids_that_are_not_opinions(college):
    for pk in ("nonsense", 12, None, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            selectors.access_opinion(college.user("admin"), pk)


def test_lists_put_open_opinions_first_and_filter(college):
    first = send(college.member.user, title="一").opinion
    second = send(college.member.user, title="二").opinion
    services.opinion_answer(actor=college.secretary.user, opinion=first, answer="已答复")
    received = list(selectors.received_opinions(actor=college.secretary.user))
    assert received == [second, first]
    answered = selectors.received_opinions(
        actor=college.secretary.user, filters=selectors.OpinionFilters(status="answered")
    )
    assert list(answered) == [first]
    assert set(selectors.my_opinions(member=college.member)) == {first, second}
    assert list(selectors.my_opinions(member=college.other_member)) == []


def test_the_officers_told_are_those_of_the_receiving_organisation_or_the_nearest_above(college):
    assert selectors.receiving_officers(college.branch) == [college.secretary.user]
    assert selectors.receiving_officers(college.committee) == [college.user("committee")]
    # A group has no care officers of its own: its branch's are told.
    assert selectors.receiving_officers(college.group) == [college.secretary.user]
