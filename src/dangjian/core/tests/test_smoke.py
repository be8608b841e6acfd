def test_college_fixture_scopes(college):
    from dangjian.members.selectors import member_list

    assert {m.name for m in member_list(actor=college.user("branch"))} == {"李书记", "王组长", "张三", "吕书记"}
    assert [m.name for m in member_list(actor=college.user("member"))] == ["张三"]
    assert len(member_list(actor=college.user("committee"))) == 6
