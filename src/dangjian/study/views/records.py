"""Pages of meeting records: the printable 会议记录 of an activity (minutes, attendance from the check-in,
votes, the organisational life meeting's stages and 整改), the forms that write them, and the list of
open 整改 items of the branches an officer looks after."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts.http import AuthedRequest
from dangjian.accounts.permissions import Perm
from dangjian.core.errors import NotFound
from dangjian.edge.http import form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.study.forms.records import (
    LifeMeetingForm,
    MinutesForm,
    RectificationDoneForm,
    RectificationForm,
    SpeechFormSet,
    VoteForm,
)
from dangjian.study.models import RectificationStatus
from dangjian.study.rules import records as rules
from dangjian.study.selectors import records as selectors
from dangjian.study.selectors.activities import access_activity
from dangjian.study.services import records as services


@page
def meeting_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 会议记录 of an activity, laid out to print: for everyone who may see the activity."""
    activity = access_activity(request.user, pk)
    record = selectors.meeting_record(actor=request.user, activity=activity)
    return render(
        request,
        "study/records/record.html",
        {"activity": activity, "record": record},
    )


@page
@require_http_methods(["GET", "POST"])
def minutes_edit(request: AuthedRequest, pk: int):
    activity = access_activity(request.user, pk, manage=True)
    people = selectors.attended_members(activity)
    minutes = selectors.minutes_of(activity)
    initial = {"decisions": activity.decisions}
    if minutes is not None:
        initial |= {
            "host": minutes.host_id,
            "host_name": minutes.host_name,
            "recorder": minutes.recorder_id,
            "recorder_name": minutes.recorder_name,
            "agenda": minutes.agenda,
            "guests": minutes.guests,
        }
    speeches = [
        {"speaker": s.speaker_id, "speaker_name": s.speaker_name, "gist": s.gist}
        for s in selectors.speeches_of(activity)
    ]
    form = MinutesForm(request.POST or None, initial=initial, people=people)
    formset = SpeechFormSet(request.POST or None, initial=speeches, prefix="speeches", form_kwargs={"people": people})

    def save(data: dict[str, Any]):
        rows = [f.speech() for f in formset.forms]
        return services.minutes_save(
            actor=request.user, activity=activity, speeches=[s for s in rows if s is not None], **data
        )

    if submit(request, form, save, success=_("The minutes have been saved."), also=[formset]):
        return redirect("study:meeting-record", pk=activity.pk)
    return render(
        request,
        "study/records/minutes_form.html",
        {"activity": activity, "form": form, "formset": formset},
        status=form_status(form, formset),
    )


@page
@require_http_methods(["GET", "POST"])
def vote_add(request: AuthedRequest, pk: int):
    activity = access_activity(request.user, pk, manage=True)
    if not rules.takes_votes(activity.form):
        raise NotFound()  # the page exists for a general meeting only
    entitled, present = selectors.voting_defaults(activity)
    form = VoteForm(request.POST or None, initial={"entitled": entitled, "present": present})
    if submit(
        request,
        form,
        lambda data: services.vote_record_add(actor=request.user, activity=activity, **data),
        success=_("The vote has been recorded."),
    ):
        return redirect("study:meeting-record", pk=activity.pk)
    return render(
        request,
        "study/records/vote_form.html",
        {"activity": activity, "form": form, "defaults": (entitled, present)},
        status=form_status(form),
    )


@page
@require_POST
def vote_remove(request: AuthedRequest, pk: int):
    record = selectors.access_vote_record(request.user, pk, manage=True)
    services.vote_record_remove(actor=request.user, record=record)
    messages.success(request, _("The vote record has been removed."))
    return redirect("study:meeting-record", pk=record.activity_id)


@page
@require_http_methods(["GET", "POST"])
def life_meeting_edit(request: AuthedRequest, pk: int):
    activity = access_activity(request.user, pk, manage=True)
    if not rules.has_life_stages(activity.form):
        raise NotFound()  # the pages exist for an organisational life meeting only
    life = selectors.life_meeting_of(activity)
    initial = {field: getattr(life, field) for field in services.LIFE_FIELDS} if life else {}
    form = LifeMeetingForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.life_meeting_save(actor=request.user, activity=activity, **data),
        success=_("The stages of the meeting have been saved."),
    ):
        return redirect("study:meeting-record", pk=activity.pk)
    return render(
        request, "study/records/life_form.html", {"activity": activity, "form": form}, status=form_status(form)
    )


@page
@require_http_methods(["GET", "POST"])
def rectification_add(request: AuthedRequest, pk: int):
    activity = access_activity(request.user, pk, manage=True)
    if not rules.has_life_stages(activity.form):
        raise NotFound()  # the pages exist for an organisational life meeting only
    life = selectors.life_meeting_of(activity)
    problems = life.problem_list if life else []
    form = RectificationForm(
        request.POST or None,
        initial={"problem": request.GET.get("problem", "")},
        owners=selectors.owner_choices(activity),
    )
    if submit(
        request,
        form,
        lambda data: services.rectification_add(actor=request.user, activity=activity, **data),
        success=_("The rectification measure has been added."),
    ):
        return redirect("study:meeting-record", pk=activity.pk)
    return render(
        request,
        "study/records/rectification_form.html",
        {"activity": activity, "form": form, "problems": problems},
        status=form_status(form),
    )


@page
@require_http_methods(["GET", "POST"])
def rectification_done(request: AuthedRequest, pk: int):
    item = selectors.access_rectification(request.user, pk, manage=True)
    form = RectificationDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    can_mark = selectors.can_mark_done(request.user, item)
    if can_mark and submit(
        request,
        form,
        lambda data: services.rectification_done(actor=request.user, item=item, **data),
        success=_("The rectification measure has been reported done."),
    ):
        return redirect("study:meeting-record", pk=item.activity_id)
    return render(
        request,
        "study/records/rectification_done.html",
        {
            "item": item,
            "form": form,
            "can_mark": can_mark,
            "overdue": rules.rectification_overdue(item.status, item.due_on, timezone.localdate()),
        },
        status=form_status(form),
    )


@page(perm=Perm.VIEW_ORG)
def rectification_list(request: AuthedRequest):
    """Open 整改 items of the branches the officer sees (with `?all=1`, done ones too)."""
    show_all = request.GET.get("all") == "1"
    items = selectors.rectification_list(actor=request.user, open_only=not show_all)
    page_obj = paginate(request, items)
    today = timezone.localdate()
    rows = [(item, rules.rectification_overdue(item.status, item.due_on, today)) for item in page_obj]
    return render(
        request,
        "study/records/rectification_list.html",
        {"page_obj": page_obj, "rows": rows, "show_all": show_all, "open": RectificationStatus.OPEN},
    )


urlpatterns = [
    path("activities/<int:pk>/minutes/", meeting_record, name="meeting-record"),
    path("activities/<int:pk>/minutes/edit/", minutes_edit, name="meeting-minutes-edit"),
    path("activities/<int:pk>/votes/new/", vote_add, name="vote-add"),
    path("votes/<int:pk>/remove/", vote_remove, name="vote-remove"),
    path("activities/<int:pk>/life-meeting/", life_meeting_edit, name="life-meeting-edit"),
    path("activities/<int:pk>/rectifications/new/", rectification_add, name="rectification-add"),
    path("rectifications/", rectification_list, name="rectification-list"),
    path("rectifications/<int:pk>/done/", rectification_done, name="rectification-done"),
]
