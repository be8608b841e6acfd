"""Evaluation results as decisions a member may appeal (申诉), for the rights app's registry."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.evaluation.models import Result
from dangjian.evaluation.rules import Phase
from dangjian.rights.registry import AppealableKind, AppealSubject, register_appealable

KIND = "evaluation_result"


def _subject(result: Result) -> AppealSubject:
    campaign = result.campaign
    return AppealSubject(
        member_id=result.member_id,
        org=campaign.org,
        description=_("%(year)d democratic evaluation: %(grade)s")
        % {"year": campaign.year, "grade": result.get_decided_grade_display()},
        decided_on=campaign.meeting_on,
        url=reverse("evaluation:result-detail", args=[result.pk]),
    )


def resolve(result_id: int) -> AppealSubject | None:
    """The published result with this id, or None (an unpublished grade is no decision yet)."""
    result = (
        Result.objects.select_related("campaign", "campaign__org")
        .filter(pk=result_id, campaign__phase=Phase.CLOSED)
        .first()
    )
    return _subject(result) if result is not None else None


def choices_for(member_id: int) -> list[tuple[int, AppealSubject]]:
    from dangjian.evaluation.selectors import appealable_results

    return [(result.pk, _subject(result)) for result in appealable_results(member_id)]


def register() -> None:
    register_appealable(
        AppealableKind(
            kind=KIND, label=gettext_lazy("Democratic evaluation grade"), resolve=resolve, choices_for=choices_for
        )
    )
