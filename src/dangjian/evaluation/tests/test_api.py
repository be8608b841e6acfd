import datetime

from django.utils import timezone

from dangjian.accounts.system import system_actor
from dangjian.config.api import api
from dangjian.core.tests.apiclient import ApiClient, api_as
from dangjian.evaluation import rules, selectors, services
from dangjian.evaluation.models import Ballot, Campaign, Rating, Recognition, Result
from dangjian.evaluation.rules import Grade, Phase
from dangjian.evaluation.tests.api_operations import OPERATIONS
from dangjian.evaluation.tests.factories import YEAR, decide, make_campaign, vote
from dangjian.members.models import Member
from dangjian.members.services import member_transfer
from dangjian.orgs.models import Organisation


def ratings_for(campaign, voter, grade="qualified"):
    return [
        {
            "member": p.member_id,
            "scores": {code: 4 for code in rules.CRITERION_CODES},
            "grade": grade if p.is_full else "",
        }
        for p in campaign.participants.exclude(member=voter)
    ]


def test_the_operations_are_pinned():
    schema = api.get_openapi_schema()
    found = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/evaluation")
        for op in item.values()
    }
    assert found == OPERATIONS


def test_campaigns_through_the_api(college):
    officer = api_as(college.user("branch"))
    response = officer.post("/evaluation/campaigns", {"org": college.branch.pk, "year": YEAR})
    assert response.status_code == 201
    campaign_id = response.json()["id"]
    assert officer.post("/evaluation/campaigns", {"org": college.branch.pk, "year": YEAR}).status_code == 409
    assert (
        api_as(college.user("member"))
        .post("/evaluation/campaigns", {"org": college.branch.pk, "year": YEAR + 1})
        .status_code
        == 404
    )
    advance = officer.post(f"/evaluation/campaigns/{campaign_id}/advance", {"expected": "study"})
    assert advance.json()["phase"] == "self_assessment"
    back = officer.post(f"/evaluation/campaigns/{campaign_id}/advance", {"to": "study"})
    assert back.status_code == 400
    listed = api_as(college.user("member")).get("/evaluation/campaigns").json()
    assert [c["id"] for c in listed] == [campaign_id]
    assert listed[0]["me"] == {
        "takes_part": True,
        "has_vote": True,
        "has_voted": False,
        "self_assessment_submitted": False,
    }
    assert api_as(college.user("other_branch")).get(f"/evaluation/campaigns/{campaign_id}").status_code == 404


def test_self_assessment_through_the_api(college):
    campaign = make_campaign(college, phase=Phase.SELF_ASSESSMENT)
    member = api_as(college.user("member"))
    url = f"/evaluation/campaigns/{campaign.pk}/self-assessment"
    assert member.get(url).json()["assessment"] is None
    body = {"scores": {code: 3 for code in rules.CRITERION_CODES}, "analysis": "党性分析"}
    assert member.put(url, body).status_code == 200
    assert member.get(url).json()["assessment"]["analysis"] == "党性分析"
    assert member.put(url, body | {"analysis": ""}).status_code == 400
    assert api_as(college.user("other_branch")).get(url).status_code == 404


def test_voting_through_the_api_keeps_the_secret(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    member = api_as(college.user("member"))
    url = f"/evaluation/campaigns/{campaign.pk}/ballot"
    form = member.get(url).json()
    assert form["can_vote"] is True
    assert college.member.pk not in {s["member"] for s in form["subjects"]}
    response = member.post(url, {"ratings": ratings_for(campaign, college.member)})
    assert response.status_code == 201
    assert set(response.json()) == {"receipt"}  # no ballot id, no content
    receipt = response.json()["receipt"]
    again = member.post(url, {"ratings": ratings_for(campaign, college.member)})
    assert again.status_code == 400
    assert Ballot.objects.count() == 1
    form = member.get(url).json()
    assert (form["can_vote"], form["has_voted"]) == (False, True)
    check = f"/evaluation/campaigns/{campaign.pk}/receipt-check"
    assert member.post(check, {"receipt": receipt}).json() == {"counted": True}
    assert member.post(check, {"receipt": "nope"}).json() == {"counted": False}


def test_bad_ballots_through_the_api(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    member = api_as(college.user("branch"))
    url = f"/evaluation/campaigns/{campaign.pk}/ballot"
    own = ratings_for(campaign, college.secretary) + [
        {"member": college.secretary.pk, "scores": {c: 5 for c in rules.CRITERION_CODES}, "grade": "excellent"}
    ]
    response = member.post(url, {"ratings": own})
    assert response.status_code == 400
    assert response.json()["field"] == "ratings"
    twice = ratings_for(campaign, college.secretary)
    assert member.post(url, {"ratings": twice + twice[:1]}).status_code == 400
    assert not Rating.objects.exists()


def test_tally_proposal_decision_and_results_through_the_api(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL)
    for role in ("member", "branch", "group_leader"):
        vote(college.user(role), campaign)
    officer = api_as(college.user("branch"))
    base = f"/evaluation/campaigns/{campaign.pk}"
    tally = officer.get(f"{base}/tally").json()
    assert tally["members"]["shown"] is False
    assert tally["members"]["reason"]
    officer.post(f"{base}/advance", {})
    tally = officer.get(f"{base}/tally").json()
    assert tally["members"]["shown"] is True
    assert len(tally["members"]["rows"]) == 4
    grades = [{"member": p.member_id, "grade": "excellent"} for p in campaign.participants.all()]
    proposal = officer.put(f"{base}/proposal", {"grades": grades})
    assert proposal.status_code == 200
    assert proposal.json()["warning"]
    officer.post(f"{base}/advance", {})
    decision = {"meeting_on": timezone.localdate().isoformat(), "entitled": 4, "attended": 2}
    assert officer.post(f"{base}/decision", decision).status_code == 400
    decision |= {"attended": 3, "grades": [{"member": college.member.pk, "grade": "basic"}]}
    assert officer.post(f"{base}/decision", decision).status_code == 200
    officer.post(f"{base}/advance", {})
    mine = api_as(college.user("member")).get("/evaluation/my-results").json()
    assert [(r["name"], r["decided_grade"]) for r in mine] == [("张三", "basic")]
    assert api_as(college.user("member")).get(f"{base}/results").status_code == 404
    result = Result.objects.get(member=college.member)
    late = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    assert officer.post(f"/evaluation/results/{result.pk}/plan", {"content": "x", "deadline": late}).status_code == 400
    soon = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    plan = officer.post(f"/evaluation/results/{result.pk}/plan", {"content": "每月学习", "deadline": soon})
    assert plan.status_code == 201
    closed = officer.post(f"/evaluation/plans/{plan.json()['id']}/close", {"outcome": "已改正"})
    assert closed.json()["status"] == "closed"


def test_non_members_through_the_api(college):
    campaign = make_campaign(college, phase=Phase.MUTUAL, with_non_members=True)
    officer = api_as(college.user("branch"))
    codes = officer.post(f"/evaluation/campaigns/{campaign.pk}/non-member-codes", {"count": 2}).json()["codes"]
    anonymous = ApiClient()
    assert anonymous.post("/evaluation/assess/form", {"code": codes[0]}).status_code == 400  # not open yet
    services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    form = anonymous.post("/evaluation/assess/form", {"code": codes[0]}).json()
    assert form["year"] == campaign.year
    ratings = [{"member": college.member.pk, "scores": {c: 5 for c in rules.CRITERION_CODES}}]
    assert anonymous.post("/evaluation/assess", {"code": codes[0], "ratings": ratings}).status_code == 201
    assert anonymous.post("/evaluation/assess", {"code": codes[0], "ratings": ratings}).status_code == 400
    graded = [dict(ratings[0], grade="excellent")]
    assert anonymous.post("/evaluation/assess", {"code": codes[1], "ratings": graded}).status_code == 400
    assert Rating.objects.filter(source="non_member").count() == 1


def test_recognition_through_the_api(college):
    officer = api_as(college.user("branch"))
    body = {
        "member": college.member.pk,
        "kind": "expert",
        "title": "教学能手",
        "evidence": "获校级教学比赛一等奖",
        "awarded_on": timezone.localdate().isoformat(),
    }
    assert officer.post("/evaluation/recognitions", body).status_code == 201
    assert api_as(college.user("other_branch")).post("/evaluation/recognitions", body).status_code == 404
    assert officer.get("/evaluation/recognitions").json()["count"] == 1
    own = api_as(college.user("member")).get("/evaluation/recognitions", {"member": college.member.pk}).json()
    assert [r["title"] for r in own["items"]] == ["教学能手"]
    future = body | {"awarded_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}
    assert officer.post("/evaluation/recognitions", future).status_code == 400


def test_closed_campaign_cannot_be_reopened_through_the_api(college):
    campaign = make_campaign(college, phase=Phase.DECISION)
    decide(college, campaign, grades={college.member.pk: Grade.QUALIFIED})
    services.campaign_advance(actor=college.secretary.user, campaign=campaign)
    response = api_as(college.user("branch")).post(f"/evaluation/campaigns/{campaign.pk}/advance", {"to": "mutual"})
    assert response.status_code == 400
    assert "不能重新打开" in response.json()["detail"]
    assert Campaign.objects.get().phase == Phase.CLOSED


def test_recognition_through_the_api_only_for_the_members_the_page_offers(college):
    officer = college.user("branch")
    member_transfer(actor=system_actor(), member=college.other_member, to_org=None, on=timezone.localdate())
    offered = set(selectors.members_for_recognition(officer).values_list("pk", flat=True))
    assert college.member.pk in offered
    assert college.other_member.pk not in offered
    body = {"kind": "expert", "title": "教学能手", "evidence": "获校级教学比赛一等奖"}
    body["awarded_on"] = timezone.localdate().isoformat()
    for member in Member.objects.all():
        response = api_as(officer).post("/evaluation/recognitions", body | {"member": member.pk})
        assert response.status_code == (201 if member.pk in offered else 404), member.name
    assert set(Recognition.objects.values_list("member_id", flat=True)) == offered


def test_a_campaign_through_the_api_only_for_the_branches_the_page_offers(college):
    officer = college.user("committee")
    offered = set(selectors.manageable_branches(officer).values_list("pk", flat=True))
    assert college.branch.pk in offered
    for org in Organisation.objects.all():
        response = api_as(officer).post("/evaluation/campaigns", {"org": org.pk, "year": YEAR})
        # Not offered: out of the caller's scope (404) or not an active branch (400, said by the service).
        assert (response.status_code == 201) == (org.pk in offered), org.name
    assert set(Campaign.objects.values_list("org_id", flat=True)) == offered
