"""Forms of the committee-level meeting pages: the meeting, agenda items, attendees and decisions."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.edge.forms import DateInput
from dangjian.members.forms import MemberChoiceField
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.study.forms.activities import DateTimeInput
from dangjian.study.models import AgendaItem, Form, Outcome, Side
from dangjian.study.rules.committee_meetings import LEADERSHIP_FORMS

MEETING_FORMS = [(value, label) for value, label in Form.choices if value in LEADERSHIP_FORMS]


def _org_label(org: Organisation) -> str:
    return "　" * org.depth + org.name


class MeetingForm(forms.Form):
    org = forms.ChoiceField(label=_("Committee"))
    form = forms.ChoiceField(label=_("Meeting"), choices=MEETING_FORMS)
    theme = forms.CharField(label=_("Title"), max_length=200, help_text=_("E.g. 2026年第5次党委会."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair_name = forms.CharField(label=_("Chair"), max_length=64, required=False)
    recorder_name = forms.CharField(label=_("Recorder"), max_length=64, required=False)

    def __init__(self, *args, orgs: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(org.pk): org for org in orgs}
        self.fields["org"].choices = [(str(o.pk), _org_label(o)) for o in orgs]

    def clean_org(self) -> Organisation:
        return self.orgs[self.cleaned_data["org"]]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The activity must end after it starts."))
        return data


class MeetingPeopleForm(forms.Form):
    chair_name = forms.CharField(label=_("Chair"), max_length=64, required=False)
    recorder_name = forms.CharField(label=_("Recorder"), max_length=64, required=False)


class AgendaItemForm(forms.Form):
    position = forms.IntegerField(label=_("Order"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=200)
    side = forms.ChoiceField(label=_("Proposed by"), choices=Side.choices, widget=forms.RadioSelect)
    proposer_name = forms.CharField(label=_("Proposer"), max_length=64)
    proposer_post = forms.CharField(
        label=_("Proposer's post"), max_length=64, required=False, help_text=_("E.g. 院长, 党委副书记.")
    )
    materials = forms.CharField(
        label=_("Papers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The points of the report, the matter to decide and the options proposed."),
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("agenda item", "Outcome"),
        choices=[("", _("Not decided yet")), *Outcome.choices],
        required=False,
    )
    resolution = forms.CharField(
        label=_("Decision of the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, with_outcome: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_outcome:  # a new item has not been discussed yet
            del self.fields["outcome"]
            del self.fields["resolution"]


class LeaderForm(forms.Form):
    member = MemberChoiceField(
        label=_("Member"),
        url="study:activity-speakers",
        help_text=_("A leader who is a member of the college but not on the committee (type a name or number)."),
    )

    def __init__(self, *args, members: QuerySet[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ExternalAttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    post = forms.CharField(label=_("Post"), max_length=64, help_text=_("E.g. 院长, 副院长."))
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, widget=forms.RadioSelect)
    sits_in = forms.BooleanField(label=_("Sits in (列席): may speak, does not vote"), required=False)
    present = forms.BooleanField(label=_("Present"), required=False, initial=True)
    absence_reason = forms.CharField(label=_("Reason for absence"), max_length=200, required=False)


class DecisionForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The meeting as a whole"),
    )
    text = forms.CharField(label=pgettext_lazy("meeting", "Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_side = forms.ChoiceField(label=_("Carried out by"), choices=Side.choices, widget=forms.RadioSelect)
    owner = MemberChoiceField(
        label=_("Owner"),
        required=False,
        url="study:activity-speakers",
        help_text=_("A member of the college, who then sees it in their to-do inbox…"),
    )
    owner_name = forms.CharField(
        label=_("Owner (not a member here)"), max_length=64, required=False, help_text=_("…or a name.")
    )
    owner_post = forms.CharField(label=_("Owner's post"), max_length=64, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    orgs = forms.ModelMultipleChoiceField(
        label=_("Concerns"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisations it concerns: their officers and members see it among the college's decisions."),
    )

    def __init__(
        self,
        *args,
        items: QuerySet[AgendaItem],
        members: QuerySet[Member],
        orgs: QuerySet[Organisation],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items
        self.fields["agenda_item"].label_from_instance = lambda item: f"{item.position}. {item.title}"
        self.fields["owner"].queryset = members
        self.fields["orgs"].queryset = orgs
        self.fields["orgs"].label_from_instance = _org_label


class CompleteForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(label=pgettext_lazy("decision", "What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DecisionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done")), ("all", _("All"))],
    )
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
