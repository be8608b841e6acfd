"""Helpers for the development tests: applicants registered and steps recorded through the services."""

import datetime
import itertools

from dangjian.development import services
from dangjian.development.models import Person
from dangjian.members.tests.factories import make_id_number

_serial = itertools.count(300)


def applicant_id(birth: datetime.date = datetime.date(2004, 5, 6), gender: str = "female") -> str:
    return make_id_number(birth, gender, next(_serial), region="320102")


def register(actor, org, *, name: str = "孙申请", applied_on: datetime.date, today=None, **extra) -> Person:
    done = services.person_register(
        actor=actor,
        org=org,
        name=name,
        id_number=extra.pop("id_number", None) or applicant_id(),
        applied_on=applied_on,
        category=extra.pop("category", "undergraduate"),
        today=today or applied_on,
        **extra,
    )
    return done.record.person


def record(actor, person: Person, step: str, on: datetime.date, *, today=None, **extra):
    return services.step_record(actor=actor, person=person, step=step, on=on, today=today or on, **extra)


def walk(actor, person: Person, steps: list[tuple[str, datetime.date]], **extra):
    """Record several steps in order, each on its own day; the last result."""
    done = None
    for key, on in steps:
        done = record(actor, person, key, on, **({"training_days": 3} if key == "training" else {}), **extra)
    return done
