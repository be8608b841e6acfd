"""The speaker picker on the activity form: a small page, options from the organiser's college with its own
members first, and the form accepting only what the picker may offer."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.study.models import Activity
from dangjian.study.selectors.activities import speaker_options
from dangjian.study.tests.factories_activities import ActivityFactory

pytestmark = pytest.mark.django_db
URL = reverse("study:activity-speakers")


def many_members(org, n: int) -> None:
    Member.objects.bulk_create(
        MemberFactory.build(org=org, name=f"党员{i:03d}", number=f"S9{i:05d}", name_initials="dy") for i in range(n)
    )


def select_html(body: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def test_the_form_draws_a_short_first_page_not_the_whole_college(client, college):
    many_members(college.other_branch, 336)
    client.force_login(college.user("branch"))
    body = client.get(reverse("study:activity-create"), {"org": college.branch.pk}).content.decode()
    speaker = select_html(body, "speaker")
    assert speaker.count("<option") <= 21  # the blank and the first twenty
    assert 'data-picker="/study/activities/speakers/"' in speaker
    assert 'data-picker-follow="org"' in speaker
    # The organiser's own members come first, then the rest of the college, until the page is full.
    assert speaker.index("李书记 · 哲学系教工党支部") < speaker.index("党员000 · 本科生第一党支部")
    assert "党员015" in speaker
    assert "党员016" not in speaker
    assert "tom-select.popular.min.js" in body
    assert "edge/picker.js" in body
    assert len(body.encode()) < 40_000


def test_the_options_are_the_organisers_college_its_own_first(client, college):
    many_members(college.other_branch, 30)
    elsewhere = OrganisationFactory(kind="committee", name="经济学院党委", code="C02")
    MemberFactory(org=OrganisationFactory(parent=elsewhere, code="B09"), name="张三丰")
    client.force_login(college.user("committee"))
    first = client.get(URL, {"org": college.other_branch.pk}).json()
    assert first["more"] is True
    assert all(r["text"].endswith("本科生第一党支部") for r in first["results"][:20])
    found = client.get(URL, {"org": college.branch.pk, "q": "zs"}).json()["results"]
    assert [r["text"] for r in found] == ["张三 · 哲学系教工党支部"]  # not 张三丰 of another college
    assert found[0]["hint"] == "第一党小组 · 教职工 · 尾号 0003"
    by_number = client.get(URL, {"org": college.branch.pk, "q": "s200001"}).json()["results"]
    assert [r["text"] for r in by_number] == ["赵学生 · 本科生第一党支部"]


def test_the_options_need_an_organiser_the_actor_runs_study_for(client, college):
    client.force_login(college.user("branch"))
    assert client.get(URL, {"org": college.other_branch.pk}).status_code == 404
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"org": college.branch.pk, "limit": 99}).status_code == 400


def test_the_form_refuses_a_speaker_from_another_college(client, college):
    elsewhere = OrganisationFactory(kind="committee", name="经济学院党委", code="C02")
    stranger = MemberFactory(org=OrganisationFactory(parent=elsewhere, code="B09"), name="外院党员")
    client.force_login(college.user("branch"))
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    data = {
        "org": college.branch.pk,
        "form": "lecture",
        "theme": "冒名主讲",
        "audience": "all",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "speaker": stranger.pk,
    }
    response = client.post(reverse("study:activity-create"), data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.context["form"].errors["speaker"][0]
    assert not Activity.objects.filter(theme="冒名主讲").exists()
    data["speaker"] = college.other_member.pk  # another branch of the same college: allowed
    assert client.post(reverse("study:activity-create"), data).status_code == 302
    assert Activity.objects.get(theme="冒名主讲").speaker == college.other_member


def test_the_edit_form_keeps_the_chosen_speaker_and_asks_for_its_organisers_college(client, college):
    many_members(college.branch, 40)
    activity = ActivityFactory(org=college.branch, starts_at=timezone.now() + datetime.timedelta(days=3))
    activity.speaker = college.other_member  # beyond the first page
    activity.save()
    client.force_login(college.user("branch"))
    speaker = select_html(client.get(reverse("study:activity-edit", args=[activity.pk])).content.decode(), "speaker")
    assert f'data-picker="{URL}?org={college.branch.pk}"' in speaker
    assert re.search(rf'<option value="{college.other_member.pk}" selected>赵学生', speaker)
    assert speaker.count("<option") <= 22


def test_speaker_options_put_the_organiser_first_and_search(college):
    candidates = list(speaker_options(college.other_branch))
    assert {m.org for m in candidates[:2]} == {college.other_branch}
    assert [m.name for m in speaker_options(college.branch, "lsj")] == ["吕书记", "李书记"]  # lǚ and lǐ
    assert list(speaker_options(college.branch, "李书")) == [college.secretary]


def test_the_organiser_options_are_where_the_actor_runs_study(client, college):
    url = reverse("study:activity-orgs")
    client.force_login(college.user("other_branch"))
    assert [r["text"] for r in client.get(url).json()["results"]] == ["本科生第一党支部"]
    client.force_login(college.user("committee"))
    assert [r["text"] for r in client.get(url, {"q": "小组"}).json()["results"]] == ["第一党小组"]
    body = client.get(reverse("study:activity-create")).content.decode()
    assert 'data-picker="/study/activities/organisers/"' in select_html(body, "org")
