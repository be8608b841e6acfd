"""The three ways to close an early-warning entry: with a talk, with another action, with a reason."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.care.models import TalkKind
from dangjian.compliance.models import LifeSettings, Resolution
from dangjian.compliance.rules import reminders as reminder_rules
from dangjian.compliance.rules import requirements as req
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


class LifeSettingsForm(forms.Form):
    """A committee's variant of the requirements, per-requirement overrides (how many, counted by which
    period, from how many full members) and the reminder lead time. A blank override follows the variant."""

    variant = forms.ChoiceField(label=_("Variant of the requirements"), required=False)
    reminder_working_days = forms.IntegerField(
        label=_("Remind this many working days ahead"),
        min_value=0,
        max_value=reminder_rules.MAX_REMINDER_WORKING_DAYS,
        help_text=_(
            "Branch officers are reminded before a requirement's period closes while it is still due, and members "
            "before an activity they are expected at starts."
        ),
    )

    # The override fields each requirement gets, and the ones only some get.
    OVERRIDES = ("times", "period", "min_full_members")

    def __init__(self, *args, instance: LifeSettings, **kwargs):
        stored = instance.overrides or {}
        initial = {"variant": instance.variant, "reminder_working_days": instance.reminder_working_days}
        base = req.requirement_set()
        self.requirements = [r for r in base.requirements]
        for r in self.requirements:
            for name in self.OVERRIDES:
                if name in stored.get(r.key, {}):
                    initial[self.field_name(r.key, name)] = stored[r.key][name]
        super().__init__(*args, initial=initial, **kwargs)
        self.stored = stored
        self.fields["variant"].choices = LifeSettings._meta.get_field("variant").choices
        self.rows = []
        for r in self.requirements:
            names = [self.field_name(r.key, "times"), self.field_name(r.key, "period")]
            self.fields[names[0]] = forms.IntegerField(
                label=_("How many"),
                required=False,
                min_value=1,
                max_value=reminder_rules.MAX_TIMES,
                widget=forms.NumberInput(attrs={"placeholder": r.times}),
            )
            self.fields[names[1]] = forms.ChoiceField(
                label=_("Counted by"),
                required=False,
                choices=[("", _("As the variant says"))] + PERIOD_CHOICES,
            )
            if r.min_full_members:
                names.append(self.field_name(r.key, "min_full_members"))
                self.fields[names[2]] = forms.IntegerField(
                    label=_("From this many full members"),
                    required=False,
                    min_value=0,
                    max_value=reminder_rules.MAX_MIN_FULL_MEMBERS,
                    widget=forms.NumberInput(attrs={"placeholder": r.min_full_members}),
                )
            self.rows.append({"requirement": r, "fields": [self[name] for name in names]})

    @staticmethod
    def field_name(key: str, name: str) -> str:
        return f"{key}__{name}"

    def settings_data(self) -> dict:
        """What the service takes: the variant, the overrides (those of the form's fields that are filled,
        with any others stored through the API kept) and the lead time."""
        data = self.cleaned_data
        overrides: dict[str, dict] = {}
        for r in self.requirements:
            values = {k: v for k, v in self.stored.get(r.key, {}).items() if k not in self.OVERRIDES}
            for name in self.OVERRIDES:
                value = data.get(self.field_name(r.key, name))
                if value not in (None, ""):
                    values[name] = value
            if values:
                overrides[r.key] = values
        return {
            "variant": data.get("variant") or "",
            "overrides": overrides,
            "reminder_working_days": data["reminder_working_days"],
        }
