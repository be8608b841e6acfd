import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dangjian.accounts.system import system_actor
from dangjian.evaluation import rules, services
from dangjian.evaluation.models import Ballot, Campaign, ImprovementPlan, NonMemberCode, Rating, Recognition, Result
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.tests.factories import YEAR, decide, make_campaign, vote
from dangjian.notices.tests.test_inbox import INBOX_QUERIES


def ballot_post(campaign, voter, *, grade="qualified", value=4) -> dict:
    data = {}
    for p in campaign.participants.exclude(member=voter):
        for code in rules.CRITERION_CODES:
            data[f"m{p.member_id}_{code}"] = str(value)
        if p.is_full:
            data[f"m{p.member_id}_grade"] = grade
    return data


def test_an_officer_starts_and_moves_a_campaign(client, college):
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("evaluation:campaign-create"), {"org": college.branch.pk, "year": YEAR, "excellent_limit": "1/3"}
    )
    campaign = Campaign.objects.get()
    assert response.url == reverse("evaluation:campaign-detail", args=[campaign.pk])
    page = client.get(response.url).content.decode()
    assert "张三" in page
    client.post(reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "study"})
    client.post(reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "study"})  # double click
    campaign.refresh_from_db()
    assert campaign.phase == Phase.SELF_ASSESSMENT


def test_a_second_campaign_of_the_year_is_refused_on_the_form(client, college):
    make_campaign(college)
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("evaluation:campaign-create"), {"org": college.branch.pk, "year": YEAR, "excellent_limit": "1/3"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["year"]
    assert Campaign.objects.count() == 1


def test_a_closed_campaign_reopened_is_refused_with_a_message(client, college):
    campaign = make_campaign(college, phase=Phase.CLOSED)
    client.force_login(college.user("branch"))
    response = client.post(
        reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "closed"}, follow=True
    )
    assert "不能重新打开" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.phase == Phase.CLOSED


def test_a_member_writes_the_self_assessment_with_their_recognition_shown(client, college):
    services.recognition_create(
        actor=system_actor(),
        member=college.member,
        kind="innovation",
        title="教学创新奖",
        evidence="开设课程",
        awarded_on=timezone.localdate(),
    )
    campaign = make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    client.force_login(college.user("member"))
    url = reverse("evaluation:self-assessment", args=[campaign.pk])
    assert "教学创新奖" in client.get(url).content.decode()
    data = {f"score_{code}": "4" for code in rules.CRITERION_CODES} | {"analysis": "对照合格党员标准"}
    response = client.post(url, data | {"analysis": ""})
    assert response.status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    officer = client
    officer.force_login(college.user("branch"))
    view = reverse("evaluation:self-assessment-view", args=[campaign.pk, college.member.pk])
    assert "对照合格党员标准" in officer.get(view).content.decode()


def test_a_member_votes_and_checks_the_receipt(client, college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    client.force_login(college.user("member"))
    url = reverse("evaluation:ballot", args=[campaign.pk])
    form = client.get(url)
    assert "李书记" in form.content.decode()
    assert "张三" not in form.content.decode().split("ballot-form")[1]  # nobody rates themself
    response = client.post(url, ballot_post(campaign, college.member))
    assert response.status_code == 200
    receipt = response.context["receipt"]
    assert receipt in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    # The receipt is in no session and no message.
    assert receipt not in str(dict(client.session))
    again = client.post(url, ballot_post(campaign, college.member))
    assert again.status_code == 400
    assert Ballot.objects.count() == 1
    check = client.post(reverse("evaluation:receipt-check", args=[campaign.pk]), {"receipt": receipt})
    assert check.context["counted"] is True
    check = client.post(reverse("evaluation:receipt-check", args=[campaign.pk]), {"receipt": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert check.context["counted"] is False


def test_an_incomplete_ballot_is_shown_again_with_the_reason(client, college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    client.force_login(college.user("member"))
    data = ballot_post(campaign, college.member)
    del data[f"m{college.secretary.pk}_grade"]
    response = client.post(reverse("evaluation:ballot", args=[campaign.pk]), data)
    assert response.status_code == 400
    assert "李书记" in str(response.context["form"].non_field_errors())
    assert not Ballot.objects.exists()


def test_a_probationary_member_sees_why_they_cannot_vote(client, college):
    from dangjian.members.tests.factories import MemberFactory

    today = timezone.localdate()
    probationary = MemberFactory(org=college.group, joined_on=today - datetime.timedelta(days=30), full_member_on=None)
    probationary.user.must_change_password = False
    probationary.user.save()
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    client.force_login(probationary.user)
    response = client.get(reverse("evaluation:ballot", args=[campaign.pk]))
    assert "没有表决权" in response.content.decode()


def test_non_members_assess_with_a_one_time_code_without_logging_in(client, college):
    campaign = make_campaign(college, phase=Phase.MUTUAL, with_non_members=True)
    code = services.non_member_codes_generate(actor=college.secretary.user, campaign=campaign, count=1)[0]
    services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    url = reverse("evaluation:assess")
    assert client.get(url).status_code == 200
    response = client.post(url, {"step": "code", "code": code.lower()})
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    data = {"step": "rate", "code": code} | {f"m{college.member.pk}_{c}": "5" for c in rules.CRITERION_CODES}
    response = client.post(url, data)
    assert response.context["done"]
    assert Rating.objects.filter(source="non_member", subject=college.member).count() == 1
    assert NonMemberCode.objects.get().used
    response = client.post(url, data)
    assert response.status_code == 400
    assert Rating.objects.filter(source="non_member").count() == 1


def test_officers_see_the_codes_once(client, college):
    campaign = make_campaign(college, with_non_members=True)
    client.force_login(college.user("branch"))
    response = client.post(reverse("evaluation:codes", args=[campaign.pk]), {"count": 3})
    assert len(response.context["generated"]) == 3
    assert (
        response.context["generated"][0]
        not in client.get(reverse("evaluation:codes", args=[campaign.pk])).content.decode()
    )


def test_tally_proposal_decision_and_private_results(client, college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    for role in ("member", "branch", "group_leader", "committee"):
        vote(college.user(role), campaign)
    client.force_login(college.user("branch"))
    detail = reverse("evaluation:campaign-detail", args=[campaign.pk])
    tally = client.get(reverse("evaluation:tally", args=[campaign.pk]))
    assert "no-tally" in tally.content.decode()  # not before closing
    client.post(reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "mutual"})
    tally = client.get(reverse("evaluation:tally", args=[campaign.pk]))
    assert tally.context["tally"].verdict.allowed
    proposal = reverse("evaluation:proposal", args=[campaign.pk])
    graded = campaign.participants.filter(is_full=True)
    data = {f"grade_{p.member_id}": Grade.EXCELLENT for p in graded}
    response = client.post(proposal, data, follow=True)
    assert "excellent-warning" in response.content.decode()
    data = {f"grade_{p.member_id}": Grade.QUALIFIED for p in graded} | {f"grade_{college.member.pk}": Grade.BASIC}
    client.post(proposal, data)
    client.post(reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "proposal"})
    decision = reverse("evaluation:decision", args=[campaign.pk])
    base = {"meeting_on": timezone.localdate().isoformat(), "entitled": 4, "note": ""}
    base |= {f"grade_{p.member_id}": Grade.QUALIFIED for p in graded} | {f"grade_{college.member.pk}": Grade.BASIC}
    response = client.post(decision, base | {"attended": 2})
    assert response.status_code == 400
    assert response.context["form"].errors["attended"]
    assert client.post(decision, base | {"attended": 4}).status_code == 302
    client.post(reverse("evaluation:campaign-advance", args=[campaign.pk]), {"expected": "decision"})
    assert client.get(detail).status_code == 200

    result = Result.objects.get(member=college.member)
    other = Result.objects.get(member=college.secretary)
    member = client.__class__()
    member.force_login(college.user("member"))
    page = member.get(reverse("evaluation:result-detail", args=[result.pk]))
    assert page.status_code == 200
    assert "result-grade" in page.content.decode()
    assert member.get(reverse("evaluation:result-detail", args=[other.pk])).status_code == 404
    assert member.get(reverse("evaluation:result-list", args=[campaign.pk])).status_code == 404
    assert member.get(reverse("evaluation:tally", args=[campaign.pk])).status_code == 404
    mine = member.get(reverse("evaluation:my-results"))
    assert list(mine.context["results"]) == [result]

    plan = reverse("evaluation:plan-create", args=[result.pk])
    late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    assert client.post(plan, {"content": "改进", "deadline": late}).status_code == 400
    soon = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    assert client.post(plan, {"content": "每月学习", "deadline": soon}).status_code == 302
    saved = ImprovementPlan.objects.get()
    assert client.post(reverse("evaluation:plan-close", args=[saved.pk]), {"outcome": "已改正"}).status_code == 302


def test_the_result_page_links_to_the_appeal(client, college):
    campaign = make_campaign(college, phase=Phase.DECISION)
    decide(college, campaign, grades={college.member.pk: Grade.BASIC})
    services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    result = Result.objects.get(member=college.member)
    client.force_login(college.user("member"))
    page = client.get(reverse("evaluation:result-detail", args=[result.pk])).content.decode()
    assert f"decision=evaluation_result:{result.pk}" in page


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return SimpleUploadedFile("证书.png", buffer.getvalue(), content_type="image/png")


def test_recognition_with_an_evidence_file(client, college):
    client.force_login(college.user("branch"))
    url = reverse("evaluation:recognition-create")
    data = {
        "member": college.member.pk,
        "kind": "model",
        "title": "优秀共产党员",
        "awarded_on": timezone.localdate().isoformat(),
        "evidence": "抗疫志愿服务",
    }
    fake = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, data | {"evidence_file": fake})
    assert response.status_code == 400
    assert response.context["form"].errors["evidence_file"]
    assert client.post(url, data | {"evidence_file": _png()}).status_code == 302
    recognition = Recognition.objects.get()
    assert "优秀共产党员" in client.get(reverse("evaluation:recognition-list")).content.decode()
    evidence = reverse("evaluation:recognition-evidence", args=[recognition.pk])
    response = client.get(evidence)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    member = client.__class__()
    member.force_login(college.user("member"))
    response = member.get(evidence)
    assert response.status_code == 200  # their own
    b"".join(response.streaming_content)
    other = client.__class__()
    other.force_login(college.user("other_branch"))
    assert other.get(evidence).status_code == 404


def test_the_profile_partial_renders(college, rf):
    from django.template.loader import render_to_string

    from dangjian.evaluation.selectors import recognitions_for_profile

    services.recognition_create(
        actor=system_actor(),
        member=college.member,
        kind="backbone",
        title="教学骨干",
        evidence="承担核心课程",
        awarded_on=timezone.localdate(),
    )
    for role, seen in (("member", True), ("branch", True), ("other_branch", False)):
        recognitions = recognitions_for_profile(actor=college.user(role), member=college.member)
        html = render_to_string("evaluation/_member_recognitions.html", {"recognitions": recognitions})
        assert ("教学骨干" in html) is seen


@pytest.mark.parametrize("role", ["member", "group_leader", "other_branch", "auditor"])
def test_pages_for_officers_only(client, college, role):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    client.force_login(college.user(role))
    for name in ("tally", "proposal", "decision", "codes", "campaign-edit", "result-list"):
        assert client.get(reverse(f"evaluation:{name}", args=[campaign.pk])).status_code == 404, name


def test_list_pages_do_not_query_per_row(client, college, django_assert_max_num_queries):
    from dangjian.evaluation.tests.factories import YEAR as this_year

    for year in (this_year - 1, this_year):
        make_campaign(college, year=year)
    for title in ("甲", "乙", "丙"):
        services.recognition_create(
            actor=system_actor(),
            member=college.member,
            kind="expert",
            title=title,
            evidence="事迹",
            awarded_on=timezone.localdate(),
        )
    client.force_login(college.user("branch"))
    client.get(reverse("evaluation:campaign-list"))  # warm the session
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        assert client.get(reverse("evaluation:campaign-list")).status_code == 200
    with django_assert_max_num_queries(12 + INBOX_QUERIES):
        assert client.get(reverse("evaluation:recognition-list")).status_code == 200
