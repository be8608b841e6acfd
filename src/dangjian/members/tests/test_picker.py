"""The member picker: its selector and options URL (scope, search, own branch first, namesakes, bounds)."""

import pytest
from django.urls import reverse
from django.utils import translation

from dangjian.members import selectors
from dangjian.members.tests.factories import MemberFactory
from dangjian.orgs.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("members:member-options")


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["text"] for r in response.json()["results"]]


def test_the_options_are_the_members_the_actor_may_see(client, college):
    client.force_login(college.user("branch"))
    found = texts(client.get(URL))
    assert any(t.startswith("张三") for t in found)
    assert not any(t.startswith("赵学生") for t in found)  # another branch's student
    client.force_login(college.user("member"))
    assert [t.split(" · ")[0] for t in texts(client.get(URL))] == ["张三"]  # a member sees only themself


def test_search_by_name_pinyin_initials_or_number(client, college):
    client.force_login(college.user("committee"))
    assert [t.split(" · ")[0] for t in texts(client.get(URL, {"q": "zs"}))] == ["张三"]
    assert [t.split(" · ")[0] for t in texts(client.get(URL, {"q": "S20000"}))] == ["钱书记", "赵学生"]  # by initials
    assert [t.split(" · ")[0] for t in texts(client.get(URL, {"q": "书记"}))] == ["吕书记", "李书记", "钱书记"]


def test_the_actors_own_branch_comes_first(client, college):
    client.force_login(college.user("other_branch"))  # 钱书记, of the student branch
    MemberFactory(org=college.other_branch, name="孙同学", number="S200009", category="undergraduate")
    client.force_login(college.user("committee"))  # 吕书记, of the faculty branch, sees the whole college
    first = texts(client.get(URL))
    assert {t.split(" · ")[1] for t in first[:4]} == {"哲学系教工党支部"}
    assert first[-1].endswith("本科生第一党支部")
    near = texts(client.get(URL, {"near": college.other_branch.pk}))  # another branch asked for first
    assert near[0].endswith("本科生第一党支部")


def test_namesakes_are_told_apart(client, college):
    second_branch = OrganisationFactory(parent=college.committee, name="社会学系教工党支部", code="B03")
    second_group = OrganisationFactory(parent=second_branch, kind="group", name="第一党小组", code="G03")
    MemberFactory(org=second_group, name="张三", number="T100777")
    MemberFactory(org=college.group, name="张三", number="T100888")
    client.force_login(college.user("committee"))
    results = client.get(URL, {"q": "张三"}).json()["results"]
    labels = {(r["text"], r["hint"]) for r in results}
    assert len(results) == 3
    assert len(labels) == 3
    assert ("张三 · 社会学系教工党支部", "第一党小组 · 教职工 · 尾号 0777") in labels
    assert ("张三 · 哲学系教工党支部", "第一党小组 · 教职工 · 尾号 0888") in labels


def test_the_answer_is_bounded_and_says_when_there_is_more(client, college):
    client.force_login(college.user("admin"))
    answer = client.get(URL, {"limit": 2}).json()
    assert len(answer["results"]) == 2
    assert answer["more"] is True
    assert client.get(URL, {"limit": 50}).json()["more"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "张" * 65}, "q"), ({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"limit": "x"}, "limit")],
)
def test_bad_input_is_a_400_with_a_chinese_message(client, college, params, field):
    client.force_login(college.user("admin"))
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


def test_anonymous_gets_401_json(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_member_options_selector_searches_within_scope(college):
    found = list(selectors.member_options(actor=college.user("branch"), q="zx"))
    assert found == []  # 赵学生 matches "zx" but is outside the faculty branch
    assert list(selectors.member_options(actor=college.user("committee"), q="zx")) == [college.other_member]


def test_a_number_not_ending_in_digits_is_shown_whole(college):
    from dangjian.orgs.selectors import member_choice_label

    with translation.override("zh-hans"):
        _, staff = member_choice_label(MemberFactory(org=college.branch, number="T100123"))
        _, other = member_choice_label(MemberFactory(org=college.branch, number="demo-branch"))
    assert staff.endswith("尾号 0123")
    assert other.endswith("学工号 demo-branch")
