"""API of member development: the people in the pipeline, their steps and clocks.

The same selectors, services and access checks as the pages: a person outside the caller's scope
answers 404, as a missing one does.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import DomainError, NotFound
from dangjian.development import selectors, services
from dangjian.development.models import Person
from dangjian.development.schemas import (
    ApplicantCreatedOut,
    ApplicantCreateIn,
    ApplicantDetailOut,
    ApplicantListIn,
    ApplicantListOut,
    DevelopmentClockItemOut,
    DevelopmentClockOut,
    DevelopmentClocksIn,
    DevelopmentMentorsIn,
    DevelopmentStepIn,
    DevelopmentStepOut,
    DevelopmentStepRecordedOut,
)
from dangjian.edge.schemas import responses
from dangjian.orgs.permissions import access_org

router = Router(tags=["development"])

NOT_VISIBLE = "404 when the person does not exist or the caller may not see them (the two look the same)."
INVALID = "400 with a message (and `field`) when the request breaks a rule; nothing is changed."


def _require(request, perm: Perm) -> None:
    if not scope_for(request.auth).has_anywhere(perm):
        raise NotFound()


def _detail(person: Person) -> dict:
    file = selectors.person_file(person=person, today=timezone.localdate())
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "id_number": person.id_number,  # masked by the schema's resolver
        "number": person.number,
        "category": person.category,
        "org": person.org,
        "stage": person.stage,
        "applied_on": person.applied_on,
        "mentors": [{"id": m.pk, "name": m.name} for m in file.mentors],
        "steps": [DevelopmentStepOut.from_record(r) for r in file.records],
        "clocks": [DevelopmentClockOut.from_state(s) for s in file.clocks],
    }


@router.get(
    "/people",
    operation_id="applicant_list",
    response=responses({200: ApplicantListOut}),
    summary="List the people in development",
    description="People whose developing branch the caller may see, by branch and application date.",
)
def applicant_list(request, filters: Query[ApplicantListIn]):
    org = access_org(request.auth, filters.org, Perm.VIEW_MEMBERS) if filters.org else None
    qs = selectors.person_list(
        actor=request.auth, filters=selectors.PersonFilters(org=org, stage=filters.stage or "", q=filters.q)
    )
    return filters.page(qs)


@router.get(
    "/people/{person_id}",
    operation_id="applicant_get",
    response=responses({200: ApplicantDetailOut}),
    summary="A person's development file: steps and clocks",
    description=NOT_VISIBLE,
)
def applicant_get(request, person_id: int):
    return _detail(selectors.access_person(request.auth, person_id))


@router.post(
    "/people",
    operation_id="applicant_create",
    response=responses({201: ApplicantCreatedOut}),
    summary="Register a written application",
    description=(
        "Step 1: the branch received a written application on `applied_on`. The ID number is checked "
        f"(GB 11643) and gives the birth date and gender. {INVALID}"
    ),
)
def applicant_create(request, payload: ApplicantCreateIn):
    data = payload.model_dump()
    org = selectors.developing_orgs(actor=request.auth).filter(pk=data.pop("org")).first()
    if org is None:
        raise DomainError(_("Choose a branch where you may register applicants."), field="org")
    done = services.person_register(actor=request.auth, org=org, **data)
    person = selectors.access_person(request.auth, done.record.person_id)
    return Status(201, {"person": _detail(person), "warnings": done.warnings})


@router.post(
    "/people/{person_id}/steps",
    operation_id="applicant_step_record",
    response=responses({201: DevelopmentStepRecordedOut}, 409),
    summary="Record a step",
    description=(
        "Records that a step happened on `on`, under the version of the rules in force that day. A step out of "
        "order or against a clock is saved and its `warnings` returned; a date in the future, before the "
        f"application, or a step already recorded (other than reviews and thought reports) is refused. {NOT_VISIBLE} "
        f"{INVALID}"
    ),
)
def applicant_step_record(request, person_id: int, payload: DevelopmentStepIn):
    person = selectors.access_person(request.auth, person_id)
    done = services.step_record(actor=request.auth, person=person, **payload.model_dump())
    return Status(201, {"step": DevelopmentStepOut.from_record(done.record), "warnings": done.warnings})


@router.put(
    "/people/{person_id}/mentors",
    operation_id="applicant_mentors_assign",
    response=responses({200: ApplicantDetailOut}),
    summary="Assign 1 or 2 mentors",
    description=f"Full members of the person's branch; the first assignment records step 5. {NOT_VISIBLE} {INVALID}",
)
def applicant_mentors_assign(request, person_id: int, payload: DevelopmentMentorsIn):
    person = selectors.access_person(request.auth, person_id)
    members = list(selectors.mentor_choices(actor=request.auth, person=person).filter(pk__in=payload.mentors))
    if len(members) != len(set(payload.mentors)):
        raise DomainError(_("Choose full members of the person's branch."), field="mentors")
    services.mentors_assign(actor=request.auth, person=person, mentors=members, on=payload.on)
    return _detail(selectors.access_person(request.auth, person_id))


@router.get(
    "/clocks",
    operation_id="development_clock_list",
    response=responses({200: list[DevelopmentClockItemOut]}),
    summary="Late, coming and irregular steps in the caller's scope",
    description=(
        "For those who see a roster: each clock that warns, late first, with why and what to do. "
        "404 for a caller who sees no roster."
    ),
)
def development_clock_list(request, filters: Query[DevelopmentClocksIn]):
    _require(request, Perm.VIEW_MEMBERS)
    org = access_org(request.auth, filters.org, Perm.VIEW_MEMBERS) if filters.org else None
    pipeline = selectors.scope_clocks(actor=request.auth, org=org, today=timezone.localdate())
    return [
        {
            **DevelopmentClockOut.from_state(item.state),
            "person": item.person.pk,
            "person_name": item.person.name,
            "org": item.person.org,
        }
        for item in pipeline.clocks
    ]
