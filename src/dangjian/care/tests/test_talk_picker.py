"""The talk form's member picker: members in the actor's care scope, searched, own branch first; the form
refuses a member outside it."""

import pytest
from django.urls import reverse

from dangjian.care.models import Talk
from dangjian.care.selectors.talks import talk_member_choices

pytestmark = pytest.mark.django_db
URL = reverse("care:talk-member-options")


def test_the_options_are_the_members_in_care_scope(client, college):
    client.force_login(college.user("branch"))
    names = [r["text"].split(" · ")[0] for r in client.get(URL).json()["results"]]
    assert "张三" in names
    assert "赵学生" not in names
    assert "李书记" not in names  # not a talk with oneself
    assert [r["text"] for r in client.get(URL, {"q": "zs"}).json()["results"]] == ["张三 · 哲学系教工党支部"]


def test_the_committee_secretary_sees_their_own_branch_first(college):
    names = [m.name for m in talk_member_choices(college.user("committee"))]
    assert names.index("张三") < names.index("赵学生")


def test_the_form_refuses_a_member_outside_the_scope(client, college):
    client.force_login(college.user("branch"))
    data = {
        "member": college.other_member.pk,
        "officer": college.secretary.pk,
        "held_on": "2026-03-02",
        "kind": "routine",
        "summary": "谈心谈话",
    }
    response = client.post(reverse("care:talk-create"), data)
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.context["form"].errors["member"][0]
    assert not Talk.objects.exists()


def test_the_officer_options_are_the_actor_and_the_officers_in_scope(client, college):
    client.force_login(college.user("branch"))
    url = reverse("care:talk-officer-options")
    names = [r["text"].split(" · ")[0] for r in client.get(url).json()["results"]]
    assert set(names) == {"李书记", "王组长"}  # the actor and the group's leader; not 张三, not 钱书记
    assert [r["text"].split(" · ")[0] for r in client.get(url, {"q": "wzz"}).json()["results"]] == ["王组长"]
