"""Member data rules: the GB 11643 ID number, masking, pinyin initials, phones and member checks."""

import datetime

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from dangjian.members import rules
from dangjian.members.rules import IdNumberError

TODAY = datetime.date(2026, 6, 1)

# The worked example of GB 11643-1999 (a woman born 1949-12-31) and a man born 1880-01-01.
EXAMPLE_FEMALE = "11010519491231002X"
EXAMPLE_MALE = "440524188001010014"


def build_id(region: str, birth: datetime.date, order: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + rules.id_check_code(first17)


regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
orders = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(build_id, regions, births, orders)
# Replacement characters: ASCII digits, X/x, letters, and digits from other scripts (full-width,
# Arabic-Indic, Devanagari) that `str.isdigit` and `int` accept but an ID number must not hold.
other_chars = st.one_of(
    st.sampled_from("0123456789Xx"),
    st.sampled_from("１２３４５６７８９０Ｘ٣٤५ AZaz-/"),
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)


# ID numbers ------------------------------------------------------------------------------------


def test_known_examples():
    assert rules.parse_id_number(EXAMPLE_FEMALE) == rules.IdInfo(datetime.date(1949, 12, 31), "female")
    assert rules.parse_id_number(EXAMPLE_MALE) == rules.IdInfo(datetime.date(1880, 1, 1), "male")


def test_lower_case_x_and_spaces_are_accepted():
    assert rules.parse_id_number(EXAMPLE_FEMALE.lower()).gender == "female"
    assert rules.parse_id_number(" 110105 19491231 002x ").birth_date == datetime.date(1949, 12, 31)
    assert rules.normalise_id_number(" 11010519491231002x ") == EXAMPLE_FEMALE


@given(region=regions, birth=births, order=orders)
def test_every_valid_number_parses_to_its_birth_date_and_gender(region, birth, order):
    info = rules.parse_id_number(build_id(region, birth, order))
    assert info.birth_date == birth
    # GB 11643 §8.1.3: odd order code for men, even for women.
    assert info.gender == ("male" if order % 2 else "female")


@given(number=valid_ids, position=st.integers(min_value=0, max_value=17), char=other_chars)
@example(number=EXAMPLE_FEMALE, position=1, char="２")  # full-width: read as ASCII "2", so wrong
@example(number=EXAMPLE_MALE, position=17, char="X")
def test_changing_any_single_character_is_detected(number, position, char):
    changed = number[:position] + char + number[position + 1 :]
    assume(rules.normalise_id_number(changed) != number)  # "x" for "X" is the same number
    with pytest.raises(IdNumberError):
        rules.parse_id_number(changed)


@given(number=valid_ids, position=st.integers(min_value=0, max_value=16))
def test_swapping_two_neighbouring_characters_is_detected(number, position):
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assume(swapped != number)
    with pytest.raises(IdNumberError):
        rules.parse_id_number(swapped)


@given(text=st.text(max_size=20))
def test_arbitrary_text_either_parses_or_raises_id_number_error(text):
    try:
        info = rules.parse_id_number(text)
    except IdNumberError:
        return
    assert rules.ID_PATTERN.fullmatch(rules.normalise_id_number(text))
    assert isinstance(info.birth_date, datetime.date)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19
        "110105194912310X2X",  # X inside
        "11010519491231002Y",
        "110105194912310021",  # wrong check digit
        "110105 1949123100 2X 3",
        "11010519491231002X\n1",
    ],
)
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(IdNumberError):
        rules.parse_id_number(raw)


@pytest.mark.parametrize("date_part", ["19990230", "20010229", "19991301", "19990001", "19990100", "00000101"])
def test_impossible_birth_dates_are_refused_even_with_a_right_check_digit(date_part):
    first17 = "110105" + date_part + "001"
    with pytest.raises(IdNumberError, match="birth date|出生日期"):
        rules.parse_id_number(first17 + rules.id_check_code(first17))


def test_leap_day_is_a_possible_birth_date():
    assert rules.parse_id_number(build_id("110105", datetime.date(2000, 2, 29), 1)).birth_date == datetime.date(
        2000, 2, 29
    )


@given(region=regions, birth=births, order=orders, other=births)
def test_cross_check_reports_a_different_birth_date(region, birth, order, other):
    number = build_id(region, birth, order)
    gender = "male" if order % 2 else "female"
    assert rules.cross_check_id_number(number, birth_date=birth, gender=gender) == []
    problems = rules.cross_check_id_number(number, birth_date=other, gender=gender)
    assert len(problems) == (0 if other == birth else 1)


def test_cross_check_reports_a_different_gender_and_both():
    assert len(rules.cross_check_id_number(EXAMPLE_FEMALE, birth_date=None, gender="male")) == 1
    assert rules.cross_check_id_number(EXAMPLE_FEMALE, birth_date=None, gender=None) == []
    assert len(rules.cross_check_id_number(EXAMPLE_FEMALE, birth_date=datetime.date(1949, 12, 30), gender="male")) == 2


def test_cross_check_of_a_bad_number_gives_the_parse_error_only():
    problems = rules.cross_check_id_number("110105194912310021", birth_date=datetime.date(1, 1, 1), gender="male")
    assert len(problems) == 1


# Masking ---------------------------------------------------------------------------------------


def test_mask_id_number():
    assert rules.mask_id_number(EXAMPLE_FEMALE) == "110***********002X"
    assert rules.mask_id_number(None) == ""
    assert rules.mask_id_number("") == ""
    # Too short to keep anything: everything is hidden.
    assert rules.mask_id_number("1234567") == "*******"
    assert rules.mask_id_number("1") == "*"
    assert rules.mask_id_number("12345678") == "123*5678"


@given(number=valid_ids)
def test_masked_id_number_hides_the_birth_date(number):
    masked = rules.mask_id_number(number)
    assert len(masked) == 18
    assert masked[3:14] == "*" * 11
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]


def test_mask_phone():
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_phone("010-12345678") == "010*****5678"
    assert rules.mask_phone(None) == ""
    assert rules.mask_phone("") == ""
    assert rules.mask_phone("1234567") == "1******"
    assert rules.mask_phone("12") == "1*"
    assert rules.mask_phone("1") == "*"


@given(value=st.text(min_size=1, max_size=20))
def test_masking_keeps_the_length_and_always_hides_something(value):
    for masked in (rules.mask_id_number(value), rules.mask_phone(value)):
        assert len(masked) == len(value)
        assert "*" in masked
        assert all(m in ("*", v) for m, v in zip(masked, value, strict=True))


# Pinyin initials -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张三", "zs"),
        ("吕", "l"),  # lǚ
        ("吕书记", "lsj"),
        ("欧阳娜娜", "oynn"),
        ("张三2", "zs2"),
        ("王Ab", "wab"),
        ("Tom张三", "tomzs"),
        ("李 四", "ls"),
        ("阿依古丽·买买提", "ayglmmt"),
        ("", ""),
    ],
)
def test_name_initials(name, initials):
    assert rules.name_initials(name) == initials


@given(name=st.text(max_size=30))
def test_name_initials_are_lower_case_ascii_letters_and_digits(name):
    initials = rules.name_initials(name)
    assert initials == initials.lower()
    assert all(c.isascii() and c.isalnum() for c in initials)
    assert len(initials) <= len(name)


# Phones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["13812345678", "19912345678", "010-12345678", "01012345678", "0371-1234567"])
def test_valid_phones(phone):
    assert rules.is_valid_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12345678901",  # no mobile number starts with 10, 11 or 12
        "23812345678",
        "13812345678\n",
        "1381234567８",  # full-width digit
        "138-1234-5678",
        "010--12345678",
        "12345678",  # a landline needs its area code
    ],
)
def test_invalid_phones(phone):
    assert not rules.is_valid_phone(phone)


# Ages and member checks ------------------------------------------------------------------------


@given(birth=births, day=st.dates(min_value=datetime.date(1900, 1, 2), max_value=datetime.date(2199, 12, 31)))
def test_age_grows_by_one_on_each_birthday_and_never_otherwise(birth, day):
    assume(day >= birth)
    age = rules.age_on(birth, day)
    assert day.year - birth.year - 1 <= age <= day.year - birth.year
    assert rules.age_on(birth, day - datetime.timedelta(days=1)) in (age, age - 1)


def test_age_on_birthdays():
    assert rules.age_on(datetime.date(2000, 5, 10), datetime.date(2018, 5, 10)) == 18
    assert rules.age_on(datetime.date(2000, 5, 10), datetime.date(2018, 5, 9)) == 17
    # Born on 29 February: 18 on 1 March of a common year.
    assert rules.age_on(datetime.date(2000, 2, 29), datetime.date(2018, 2, 28)) == 17
    assert rules.age_on(datetime.date(2000, 2, 29), datetime.date(2018, 3, 1)) == 18


def valid_data(**overrides) -> dict:
    birth = datetime.date(2000, 5, 10)
    data = {
        "name": "张三",
        "gender": "male",
        "birth_date": birth,
        "id_number": build_id("110105", birth, 11),
        "category": "undergraduate",
        "phone": "13812345678",
        "joined_on": datetime.date(2019, 6, 1),
        "full_member_on": datetime.date(2020, 6, 1),
    }
    return data | overrides


def fields(problems) -> list[str]:
    return [field for field, _message in problems]


def test_valid_member_has_no_problems():
    assert rules.member_problems(valid_data(), TODAY) == []


@pytest.mark.parametrize("field", ["name", "gender", "birth_date", "category", "joined_on"])
def test_required_fields(field):
    assert field in fields(rules.member_problems(valid_data(**{field: None}), TODAY))


def test_optional_fields_may_be_missing():
    data = valid_data(id_number=None, phone="", full_member_on=None)
    assert rules.member_problems(data, TODAY) == []


def test_joining_on_the_eighteenth_birthday_is_allowed_and_one_day_before_is_not():
    birth = datetime.date(2000, 5, 10)
    assert rules.member_problems(valid_data(joined_on=datetime.date(2018, 5, 10), full_member_on=None), TODAY) == []
    problems = rules.member_problems(valid_data(joined_on=datetime.date(2018, 5, 9), full_member_on=None), TODAY)
    assert fields(problems) == ["joined_on"]
    assert rules.age_on(birth, datetime.date(2018, 5, 9)) == rules.MIN_AGE_TO_JOIN - 1


@given(birth=st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2000, 12, 31)))
def test_the_joining_age_boundary_holds_for_every_birth_date(birth):
    try:
        eighteenth = birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February in a common year: the birthday comes on 1 March
        eighteenth = datetime.date(birth.year + 18, 3, 1)
    data = valid_data(birth_date=birth, id_number=None, full_member_on=None)
    assert rules.member_problems(data | {"joined_on": eighteenth}, TODAY) == []
    day_before = eighteenth - datetime.timedelta(days=1)
    assert fields(rules.member_problems(data | {"joined_on": day_before}, TODAY)) == ["joined_on"]


def test_full_membership_before_joining_is_a_problem_and_on_the_same_day_is_not():
    assert fields(rules.member_problems(valid_data(full_member_on=datetime.date(2019, 5, 31)), TODAY)) == [
        "full_member_on"
    ]
    assert rules.member_problems(valid_data(full_member_on=datetime.date(2019, 6, 1)), TODAY) == []


def test_future_dates():
    assert rules.member_problems(valid_data(joined_on=TODAY, full_member_on=None), TODAY) == []
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert "joined_on" in fields(rules.member_problems(valid_data(joined_on=tomorrow, full_member_on=None), TODAY))
    data = valid_data(birth_date=tomorrow, id_number=build_id("110105", tomorrow, 11))
    assert "birth_date" in fields(rules.member_problems(data, TODAY))


def test_id_number_problems_are_reported_on_the_id_field():
    problems = rules.member_problems(valid_data(gender="female"), TODAY)
    assert fields(problems) == ["id_number"]
    problems = rules.member_problems(valid_data(id_number="110105200005100111"), TODAY)
    assert fields(problems) == ["id_number"]


def test_invalid_phone_is_reported():
    assert fields(rules.member_problems(valid_data(phone="123"), TODAY)) == ["phone"]


def test_full_width_id_number_is_normalised_to_ascii():
    ascii_number = "110105198001010016"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in ascii_number)
    assert rules.normalise_id_number(full_width + " ") == ascii_number
    assert rules.parse_id_number(full_width).gender == "male"
