"""Forms for semesters, the calendar, directives and study plans. They parse; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.models import DayKind
from dangjian.edge.forms import DateInput
from dangjian.members.audience import Audience
from dangjian.orgs.forms import org_label
from dangjian.study.models import Form, Organiser
from dangjian.study.rules import plans as rules


class SemesterForm(forms.Form):
    committee = forms.ChoiceField(label=_("Committee"))
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"),
        max_length=64,
        help_text=_("For example 2026—2027学年第一学期 (first semester of 2026–2027)."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), help_text=_("The last day of the semester."))
    teaching_starts_on = forms.DateField(label=_("Teaching starts on"), required=False, widget=DateInput())
    exams_start_on = forms.DateField(label=_("Exams start on"), required=False, widget=DateInput())

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committees is None:  # editing: the committee stays
            del self.fields["committee"]
        else:
            self.fields["committee"].choices = [(str(c.pk), c.name) for c in committees]


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"), max_length=32, required=False, help_text=_("For example 国庆节.")
    )


class DirectiveForm(forms.Form):
    semester = forms.ChoiceField(label=_("Semester"))
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_by = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    body = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, semesters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if semesters is None:  # editing: the semester stays
            del self.fields["semester"]
        else:
            self.fields["semester"].choices = [(str(s.pk), f"{s.committee.name} · {s.name}") for s in semesters]


class DirectiveItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    title = forms.CharField(label=_("Required item"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=[("", "—"), *Form.choices], required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())


DirectiveItemFormSet = forms.formset_factory(DirectiveItemForm, extra=3, can_delete=True)


def directive_items(formset) -> list[dict]:
    """The items a valid formset describes, without empty and deleted rows."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("title")
    ]


class StudyPlanForm(forms.Form):
    org = forms.ChoiceField(label=_("Organisation"))
    semester = forms.ChoiceField(label=_("Semester"))
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty for the usual title.")
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The guiding ideas and the overall requirements, as printed before the table."),
    )

    def __init__(self, *args, orgs=None, semesters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is None:  # editing: organisation and semester stay
            del self.fields["org"]
            del self.fields["semester"]
            self.fields["title"].required = True
            self.fields["title"].help_text = ""
        else:
            self.fields["org"].choices = [(str(o.pk), org_label(o)) for o in orgs]
            self.fields["semester"].choices = [(str(s.pk), f"{s.committee.name} · {s.name}") for s in semesters]


class PlanItemForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=datetime.date.fromisoformat)
    planned_on = forms.DateField(label=_("Planned date"), required=False, widget=DateInput())
    theme = forms.CharField(label=_("Theme"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    organiser = forms.ChoiceField(label=_("Organiser"), choices=Organiser.choices, initial=Organiser.SELF)
    regular = forms.BooleanField(
        label=_("Regular"), required=False, help_text=_("Held every month on the branch's fixed day.")
    )
    planned_minutes = forms.IntegerField(
        label=_("Planned length in minutes"), min_value=0, max_value=24 * 60 * 7, initial=0
    )
    directive_item = forms.ChoiceField(label=_("Follows the directive item"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan, directive_items, **kwargs):
        super().__init__(*args, **kwargs)
        months = rules.semester_months(plan.semester.starts_on, plan.semester.ends_on)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%Y-%m}") for m in months]
        self.directive_items = {str(d.pk): d for d in directive_items}
        self.fields["directive_item"].choices = [("", "—")] + [
            (key, f"{d.directive.title} · {d.title}") for key, d in self.directive_items.items()
        ]
        if plan.org.kind not in rules.PUSHING_KINDS:
            del self.fields["organiser"]

    def cleaned_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["directive_item"] = self.directive_items.get(data.get("directive_item") or "")
        return data
