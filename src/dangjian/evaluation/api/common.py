"""Schemas shared by the evaluation API's modules."""

from django.utils.translation import gettext as _
from ninja import Field, Schema

from dangjian.core.errors import DomainError
from dangjian.edge.schemas import BodyIn
from dangjian.evaluation import rules
from dangjian.evaluation.services import BallotRating


class CriterionOut(Schema):
    code: str
    label: str
    help: str


class ScaleOut(Schema):
    min: int
    max: int
    labels: dict[int, str]


class GradeOut(Schema):
    value: str
    label: str


def criteria_out() -> list[dict]:
    return [{"code": c.code, "label": str(c.label), "help": str(c.help)} for c in rules.CRITERIA]


def scale_out() -> dict:
    return {
        "min": rules.SCALE_MIN,
        "max": rules.SCALE_MAX,
        "labels": {value: str(label) for value, label in rules.SCALE_LABELS.items()},
    }


def grades_out() -> list[dict]:
    return [{"value": value, "label": str(label)} for value, label in rules.Grade.choices]


class RatingIn(BodyIn):
    member: int = Field(description="The member rated.")
    scores: dict[str, int] = Field(
        description="A score from 1 to 5 for every criterion code (see `criteria` of the ballot form)."
    )
    grade: str = Field(
        "",
        description=(
            "Suggested grade (excellent, qualified, basic, unqualified): required for a full member, "
            "refused for a probationary member and from non-members."
        ),
    )


def ratings_dict(ratings: list[RatingIn]) -> dict[int, BallotRating]:
    result: dict[int, BallotRating] = {}
    for rating in ratings:
        if rating.member in result:
            raise DomainError(_("A member is rated twice on the same ballot."), field="ratings")
        result[rating.member] = BallotRating(scores=dict(rating.scores), grade=rating.grade)
    return result
