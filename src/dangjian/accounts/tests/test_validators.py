"""Passwords made of the account's own name or number are refused, with a Chinese message."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.accounts import services
from dangjian.accounts.models import User
from dangjian.core.errors import DomainError
from dangjian.core.models import AuditEvent


@pytest.fixture
def zhang() -> User:
    return User(username="T100003", display_name="张三丰")


@pytest.mark.parametrize(
    "password",
    [
        "张三丰张三丰张三丰张三丰",  # the name, repeated to the minimum length
        "我是张三丰-2024-good",  # the name inside
        "zhangsanfeng-42!",  # the name in pinyin
        "ZhangSanFeng2024",
        "T100003-password",  # the number inside
        "t100003t100003",
        "x100003x-dangjian",  # the number's digits
        "T1000034",  # too similar to the number
    ],
)
def test_own_name_or_number_is_refused(zhang, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=zhang)
    assert any(error.code == "password_too_personal" for error in refused.value.error_list)


@pytest.mark.parametrize("password", ["春风十里不如学习党章", "correct-horse-battery", "7Gq!m2v-Lr9p"])
def test_other_passwords_pass(zhang, password):
    validate_password(password, user=zhang)


def test_a_one_letter_latin_name_is_not_looked_for():
    validate_password("a-long-and-random-phrase", user=User(username="Z9", display_name="A"))


def test_the_message_is_chinese(zhang):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("张三丰张三丰张三丰张三丰", user=zhang)
    assert "密码不能包含或接近您的姓名" in " ".join(refused.value.messages)


def test_changing_to_ones_own_name_is_refused(college):
    user = college.user("member")  # 张三, T100003
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        services.password_change(actor=user, old_password="test-password-123", new_password="张三张三张三张三张三")
    assert refused.value.field == "new_password"
    assert "姓名" in refused.value.message
    user.refresh_from_db()
    assert user.check_password("test-password-123")
    assert not AuditEvent.objects.filter(action="account.password_change").exists()
