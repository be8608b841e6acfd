"""Pages for an organisation's study settings and for scheduling a regular plan item."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.core.errors import DomainError
from dangjian.edge.http import page, submit
from dangjian.orgs.permissions import access_org
from dangjian.study.forms.schedule import StudySettingsForm
from dangjian.study.models import StudySettings
from dangjian.study.selectors import plans as plan_selectors
from dangjian.study.selectors.schedule import effective_settings, own_settings
from dangjian.study.services import schedule as services


def fixed_day_label(fixed) -> str:
    """ "每月第一个星期五" for a weekday rule."""
    if fixed.weekday is None:
        return ""
    week = dict(StudySettings._meta.get_field("theme_day_week").choices)[fixed.week]
    weekday = dict(StudySettings._meta.get_field("theme_day_weekday").choices)[fixed.weekday]
    return _("%(week)s %(weekday)s of every month") % {"week": week, "weekday": weekday}


def _inherited_hints(org) -> dict[str, str]:
    """Placeholders: what applies when a field is left blank, and from where."""
    settings = effective_settings(org, own=False)
    return {
        "start_time": settings.start_time.strftime("%H:%M"),
        "length_minutes": str(settings.length_minutes),
        "place": settings.place,
        "late_grace_minutes": str(settings.late_grace_minutes),
        "make_up_working_days": str(settings.make_up_working_days),
        "theme_day_of_month": str(settings.fixed_day.day_of_month or ""),
    }


@page(perm=Perm.MANAGE_STUDY)
@require_http_methods(["GET", "POST"])
def study_settings(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = access_org(request.user, org_id, Perm.MANAGE_STUDY)
    instance = own_settings(org)
    form = StudySettingsForm(request.POST or None, instance=instance, inherited=_inherited_hints(org))
    if submit(
        request,
        form,
        lambda data: services.study_settings_update(
            actor=request.user, org=org, **{name: data[name] for name in services.SETTINGS_FIELDS}
        ),
        success=_("The study settings of %(org)s have been saved.") % {"org": org.name},
    ):
        return redirect("study:settings", org_id=org.pk)
    effective = effective_settings(org)
    return render(
        request,
        "study/schedule_settings.html",
        {"form": form, "org": org, "effective": effective, "fixed_day_label": fixed_day_label(effective.fixed_day)},
    )


@page
@require_POST
def plan_item_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    item = plan_selectors.access_plan_item(request.user, pk, Perm.MANAGE_STUDY)
    try:
        created = services.plan_item_schedule(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.field == "fixed_day":
            return redirect("study:settings", org_id=item.plan.org_id)
    else:
        if created:
            messages.success(
                request,
                _("%(count)s draft activities have been created on the fixed day; review and publish them.")
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("Every remaining month already has its activity."))
    return redirect("study:plan-detail", pk=item.plan_id)


urlpatterns = [
    path("orgs/<int:org_id>/settings/", study_settings, name="settings"),
    path("plan-items/<int:pk>/schedule/", plan_item_schedule, name="plan-item-schedule"),
]
