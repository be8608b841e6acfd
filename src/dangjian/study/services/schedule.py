"""Study settings of an organisation, and regular plan items turned into one activity a month."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core import audit
from dangjian.core.calendar import working_calendar
from dangjian.core.errors import DomainError, Forbidden, raise_for_errors
from dangjian.core.unset import UNSET, Unset, given
from dangjian.orgs.models import Organisation
from dangjian.study.models import Activity, PlanItem, StudySettings
from dangjian.study.rules import schedule as rules
from dangjian.study.selectors.schedule import effective_settings
from dangjian.study.services.activities import activity_create

SETTINGS_FIELDS = [
    "theme_day_week",
    "theme_day_weekday",
    "theme_day_of_month",
    "start_time",
    "length_minutes",
    "place",
    "late_grace_minutes",
    "make_up_working_days",
]
MAX_GRACE_MINUTES = 120
MAX_MAKE_UP_WORKING_DAYS = 60


def _check(actor: User, org: Organisation) -> None:
    if not scope_for(actor).allows(Perm.MANAGE_STUDY, org.path):
        raise Forbidden()


def _validate(settings: StudySettings) -> None:
    errors: dict[str, str] = {}
    if (settings.theme_day_week is None) != (settings.theme_day_weekday is None):
        errors["theme_day_weekday"] = _("Choose both the week and the weekday, or neither.")
    if settings.theme_day_weekday is not None and settings.theme_day_of_month is not None:
        errors["theme_day_of_month"] = _("Choose either a weekday or a day of the month, not both.")
    if settings.theme_day_of_month is not None and not 1 <= settings.theme_day_of_month <= rules.LATEST_DAY_OF_MONTH:
        errors["theme_day_of_month"] = _("The day of the month must be between 1 and %(day)s.") % {
            "day": rules.LATEST_DAY_OF_MONTH
        }
    if settings.theme_day_week is not None and settings.theme_day_week not in rules.WEEK_CHOICES:
        errors["theme_day_week"] = _("Choose a week of the month.")
    if settings.length_minutes is not None and not 0 < settings.length_minutes <= 24 * 60:
        errors["length_minutes"] = _("The length must be between 1 minute and a day.")
    if settings.late_grace_minutes is not None and settings.late_grace_minutes > MAX_GRACE_MINUTES:
        errors["late_grace_minutes"] = _("The grace period can be at most %(minutes)s minutes.") % {
            "minutes": MAX_GRACE_MINUTES
        }
    if settings.make_up_working_days is not None and not 1 <= settings.make_up_working_days <= MAX_MAKE_UP_WORKING_DAYS:
        errors["make_up_working_days"] = _("The make-up time must be between 1 and %(days)s working days.") % {
            "days": MAX_MAKE_UP_WORKING_DAYS
        }
    raise_for_errors(errors)


@transaction.atomic(durable=True)
def study_settings_update(
    *,
    actor: User,
    org: Organisation,
    theme_day_week: int | None | Unset = UNSET,
    theme_day_weekday: int | None | Unset = UNSET,
    theme_day_of_month: int | None | Unset = UNSET,
    start_time: datetime.time | None | Unset = UNSET,
    length_minutes: int | None | Unset = UNSET,
    place: str | None | Unset = UNSET,
    late_grace_minutes: int | None | Unset = UNSET,
    make_up_working_days: int | None | Unset = UNSET,
) -> StudySettings:
    """Set the organisation's own study settings; a blank field inherits from above."""
    fields = given(
        theme_day_week=theme_day_week,
        theme_day_weekday=theme_day_weekday,
        theme_day_of_month=theme_day_of_month,
        start_time=start_time,
        length_minutes=length_minutes,
        place=place,
        late_grace_minutes=late_grace_minutes,
        make_up_working_days=make_up_working_days,
    )
    _check(actor, org)
    settings = StudySettings.objects.select_for_update().filter(org=org).first() or StudySettings(org=org)
    before = audit.snapshot(settings, SETTINGS_FIELDS)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.place = (settings.place or "").strip()
    _validate(settings)
    settings.save()
    changes = audit.diff(before, audit.snapshot(settings, SETTINGS_FIELDS))
    if changes:
        audit.record(actor=actor, action="study_settings.update", obj=settings, org_path=org.path, changes=changes)
    return settings


@transaction.atomic(durable=True)
def plan_item_schedule(*, actor: User, item: PlanItem, today: datetime.date | None = None) -> list[Activity]:
    """Draft one activity for every remaining month of the semester of a regular item, on the
    organisation's fixed day moved off holidays, at its usual time and place. Months that already
    have an activity from this item are left as they are, so running it again adds nothing."""
    plan = item.plan
    org = plan.org
    _check(actor, org)
    if not item.regular:
        raise DomainError(_("Only a regular item is held every month."))
    settings = effective_settings(org)
    if not settings.fixed_day.is_set:
        raise DomainError(_("Set the organisation's fixed day in the study settings first."), field="fixed_day")
    today = today or timezone.localdate()
    semester = plan.semester
    starts_on = max(item.month, semester.starts_on, today)
    held = {
        timezone.localdate(starts_at).replace(day=1)
        for starts_at in item.activities.values_list("starts_at", flat=True)
    }
    length = datetime.timedelta(minutes=item.planned_minutes or settings.length_minutes)
    tz = timezone.get_current_timezone()
    created = []
    for day in rules.regular_days(starts_on, semester.ends_on, settings.fixed_day, working_calendar()):
        if day.replace(day=1) in held:
            continue
        starts_at = datetime.datetime.combine(day, settings.start_time, tzinfo=tz)
        created.append(
            activity_create(
                actor=actor,
                org=org,
                plan_item=item,
                starts_at=starts_at,
                ends_at=starts_at + length,
                place=settings.place,
            )
        )
    audit.record(
        actor=actor,
        action="plan_item.schedule",
        obj=item,
        org_path=org.path,
        changes={
            "activities": [a.pk for a in created],
            "days": [timezone.localdate(a.starts_at).isoformat() for a in created],
        },
    )
    return created
