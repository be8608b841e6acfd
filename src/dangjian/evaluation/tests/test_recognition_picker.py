"""The recognition form's member picker: the members the officer may record recognition for, own branch first;
the form refuses anyone else."""

import pytest
from django.urls import reverse

from dangjian.evaluation.models import Recognition

pytestmark = pytest.mark.django_db
URL = reverse("evaluation:recognition-members")


def test_the_options_are_the_members_in_scope_searched(client, college):
    client.force_login(college.user("branch"))
    names = [r["text"].split(" · ")[0] for r in client.get(URL).json()["results"]]
    assert "张三" in names
    assert "赵学生" not in names
    found = client.get(URL, {"q": "zs"}).json()["results"]
    assert found == [
        {"value": str(college.member.pk), "text": "张三 · 哲学系教工党支部", "hint": "第一党小组 · 教职工 · 尾号 0003"}
    ]
    client.force_login(college.user("committee"))
    names = [r["text"].split(" · ")[0] for r in client.get(URL).json()["results"]]
    assert names.index("张三") < names.index("赵学生")  # the committee secretary's own branch first


def test_the_form_refuses_a_member_out_of_scope(client, college):
    client.force_login(college.user("branch"))
    data = {
        "member": college.other_member.pk,
        "kind": "model",
        "title": "优秀共产党员",
        "awarded_on": "2026-06-30",
        "evidence": "校级表彰文件",
    }
    response = client.post(reverse("evaluation:recognition-create"), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"member"}
    assert "选择一个有效的选项" in response.context["form"].errors["member"][0]
    assert not Recognition.objects.exists()
