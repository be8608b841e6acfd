"""Factories for members. They go through the services, so every row is one the product could make."""

import datetime
import random

import factory

from dangjian.accounts.system import system_actor
from dangjian.members import services
from dangjian.members.models import Member
from dangjian.members.rules import id_check_code

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"


def make_id_number(birth_date: datetime.date, gender: str, serial: int, region: str = "110105") -> str:
    """A well-formed ID number: region, birth date, serial (odd digit for men), check digit."""
    order = (serial % 500) * 2 + (1 if gender == "male" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{order:03d}"
    return first17 + id_check_code(first17)


class MemberFactory(factory.Factory):
    class Meta:
        model = Member

    org = None
    name = factory.Sequence(
        lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 3) % len(GIVEN)]
    )
    gender = factory.Sequence(lambda n: "male" if n % 2 else "female")
    birth_date = factory.Sequence(lambda n: datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28))
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(o.birth_date, o.gender, n))
    category = "faculty"
    number = factory.Sequence(lambda n: f"T{n:06d}")
    joined_on = factory.LazyAttribute(lambda o: o.birth_date.replace(year=o.birth_date.year + 22))
    full_member_on = factory.LazyAttribute(lambda o: o.joined_on.replace(year=o.joined_on.year + 1))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    admin_unit = "哲学系"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = kwargs.pop("org")
        assert org is not None, "MemberFactory needs org="
        actor = kwargs.pop("actor", None) or system_actor()
        return services.member_create(actor=actor, org=org, **kwargs)


def random_member_data(rng: random.Random, serial: int) -> dict:
    birth = datetime.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice(["male", "female"])
    return {"birth_date": birth, "gender": gender, "id_number": make_id_number(birth, gender, serial)}
