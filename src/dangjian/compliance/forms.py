"""The three ways to close an early-warning entry: with a talk, with another action, with a reason."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.care.models import TalkKind
from dangjian.compliance.models import Resolution
from dangjian.edge.forms import DateInput
from dangjian.members.models import Member


class CloseForm(forms.Form):
    """Shared: the date and the note. `resolution` is what the service receives."""

    mode = ""
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def close_data(self) -> dict:
        data = self.cleaned_data
        return {"resolution": self.chosen_resolution(), "on": data.get("on"), "note": data.get("note", "")}

    def chosen_resolution(self) -> str:
        return self.mode


class TalkCloseForm(CloseForm):
    mode = Resolution.TALK
    officer = forms.ChoiceField(label=_("Officer who held the talk"))
    talk_kind = forms.ChoiceField(label=_("Kind of talk"), choices=TalkKind.choices, initial=TalkKind.REMINDER)
    note = forms.CharField(
        label=_("Summary of the talk"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Confidential: seen only by the officers who look after the member."),
    )
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, officers: list[Member] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = {str(m.pk): m for m in officers}
        self.fields["officer"].choices = [("", "—")] + [(str(m.pk), m.name) for m in officers]

    def close_data(self) -> dict:
        data = self.cleaned_data
        return super().close_data() | {
            "officer": self.officers.get(data.get("officer") or ""),
            "talk_kind": data.get("talk_kind") or TalkKind.REMINDER,
            "follow_up": data.get("follow_up", ""),
        }


class ActionCloseForm(CloseForm):
    mode = "action"
    resolution = forms.ChoiceField(
        label=_("What was done"),
        choices=[
            (Resolution.VISIT, Resolution.VISIT.label),
            (Resolution.STUDY_AT_HOME, Resolution.STUDY_AT_HOME.label),
            (Resolution.OTHER, Resolution.OTHER.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def chosen_resolution(self) -> str:
        return self.cleaned_data.get("resolution", "")


class ReasonCloseForm(CloseForm):
    mode = Resolution.EXPLAINED
    note = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Why no action is needed, e.g. the absences are explained by a long sick leave."),
    )


CLOSE_FORMS = {form.mode: form for form in (TalkCloseForm, ActionCloseForm, ReasonCloseForm)}


# --- Organisational life --------------------------------------------------------------------------

PERIOD_CHOICES = [
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("semester", _("Semester")),
    ("year", _("Year")),
]


class LifeFilterForm(forms.Form):
    """The period to check: its kind and a day inside it (default: this quarter)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False, initial="quarter")
    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False, initial=timezone.localdate)

    def chosen(self) -> tuple[str, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("period") or "quarter", data.get("date") or timezone.localdate()


class ExcuseForm(forms.Form):
    """Excuse one requirement of one organisation (the branch or a group) for one period, with a reason."""

    org = forms.IntegerField(widget=forms.HiddenInput)
    requirement = forms.CharField(widget=forms.HiddenInput, max_length=32)
    period = forms.ChoiceField(widget=forms.HiddenInput, choices=PERIOD_CHOICES)
    starts_on = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Give the reason in writing.")},
        help_text=_("E.g. a student branch over the summer holidays, or a branch founded in the middle of the year."),
    )
