"""Forms of the development pages. They only parse: the services check every rule and report per field."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.development import rules
from dangjian.edge.forms import DateInput
from dangjian.members.forms import MemberMultipleChoiceField
from dangjian.members.models import Category
from dangjian.orgs.forms import OrgChoiceField


class RegisterForm(forms.Form):
    org = OrgChoiceField(queryset=None, label=_("Branch"), url="development:org-options")
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"), max_length=24, help_text=_("18 characters; the birth date and gender are read from it.")
    )
    number = forms.CharField(label=_("Staff or student number"), max_length=32, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    admin_unit = forms.CharField(label=_("Department or class"), max_length=100, required=False)
    applied_on = forms.DateField(label=_("Application received on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["applied_on"].initial = timezone.localdate()


# The steps a form offers: all but the mentors' (assigned on their own form, which records step 5).
STEP_FORM_CHOICES = [(key, label) for key, label in rules.STEP_CHOICES if key != rules.MENTORS]


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=STEP_FORM_CHOICES)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    months = forms.IntegerField(
        label=_("Extension (months)"),
        required=False,
        min_value=1,
        max_value=24,
        help_text=_("Only for an extension of the probation: 6 to 12 months."),
    )
    training_days = forms.IntegerField(
        label=_("Training days"), required=False, min_value=0, max_value=365, help_text=_("Only for the training.")
    )
    training_hours = forms.DecimalField(
        label=_("Training study hours"),
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
        help_text=_("Only for the training: at least 3 days or 24 study hours."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MentorForm(forms.Form):
    mentors = MemberMultipleChoiceField(label=_("Mentors"), help_text=_("One or two full members of the branch."))
    on = forms.DateField(label=_("Assigned on"), widget=DateInput(), help_text=_("Recorded as step 5 the first time."))

    def __init__(self, *args, members, options_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = members
        self.fields["mentors"].widget.url = options_url
        self.fields["on"].initial = timezone.localdate()


class PipelineFilterForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Branch"), queryset=None, required=False, empty_label=_("All visible branches")
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


def mentor_options_url(person_pk: int) -> str:
    return reverse("development:mentor-options", args=[person_pk])
