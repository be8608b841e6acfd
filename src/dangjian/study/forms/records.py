"""Forms of meeting records: the minutes and their speeches, a vote, the organisational life meeting's
stages, a 整改 item and reporting it done. They parse; the services decide."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.members.forms import MemberChoiceField
from dangjian.members.models import Member
from dangjian.study.models import VoteMatter
from dangjian.study.services.records import Speech


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _text(label, rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), required=False, **kwargs)


class MinutesForm(forms.Form):
    host = MemberChoiceField(label=_("Host"), required=False)
    host_name = forms.CharField(label=_("Host (not a member here)"), max_length=64, required=False)
    recorder = MemberChoiceField(label=_("Recorder"), required=False)
    recorder_name = forms.CharField(label=_("Recorder (not a member here)"), max_length=64, required=False)
    agenda = _text(_("Agenda"), 4, help_text=_("One item per line."))
    guests = forms.CharField(label=_("Attending without a vote (列席)"), max_length=500, required=False)
    decisions = _text(_("Decisions"), 4)

    def __init__(self, *args, people: QuerySet[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = people
        self.fields["recorder"].queryset = people


class SpeechForm(forms.Form):
    speaker = MemberChoiceField(label=_("Who spoke"), required=False)
    speaker_name = forms.CharField(label=_("Who spoke (not a member here)"), max_length=64, required=False)
    gist = _text(_("Gist"), 2)

    def __init__(self, *args, people: QuerySet[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = people

    def speech(self) -> Speech | None:
        """The speech this row holds, or None for a row left empty."""
        data = self.cleaned_data
        if not (data.get("gist") or "").strip() and not data.get("speaker") and not data.get("speaker_name"):
            return None
        return Speech(
            gist=data.get("gist") or "", speaker=data.get("speaker"), speaker_name=data.get("speaker_name") or ""
        )


SpeechFormSet = forms.formset_factory(SpeechForm, extra=2, max_num=60, validate_max=True)


class VoteForm(forms.Form):
    item = forms.CharField(label=_("Item voted on"), max_length=300)
    matter = forms.ChoiceField(
        label=_("Matter"),
        choices=VoteMatter.choices,
        initial=VoteMatter.OTHER,
        help_text=_("Written opinions of absent members count only when admitting or confirming a member."),
    )
    entitled = forms.IntegerField(label=_("Members with the vote who ought to attend (应到)"), min_value=0)
    present = forms.IntegerField(label=_("Members with the vote present (实到)"), min_value=0)
    adjust_reason = forms.CharField(
        label=_("Reason for changing 应到 or 实到"),
        max_length=300,
        required=False,
        help_text=_("Needed only when the numbers differ from the roster and the check-in."),
    )
    yes = forms.IntegerField(label=_("In favour"), min_value=0, initial=0)
    no = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)
    written_yes = forms.IntegerField(label=_("Written opinions in favour"), min_value=0, initial=0)
    written_no = forms.IntegerField(label=_("Written opinions against"), min_value=0, initial=0)
    written_abstain = forms.IntegerField(label=_("Written opinions abstaining"), min_value=0, initial=0)


class LifeMeetingForm(forms.Form):
    study_done = forms.BooleanField(label=_("Study and discussion done (学习研讨)"), required=False)
    study_note = _text(_("Study notes"), 2)
    talks_done = forms.BooleanField(label=_("Heart-to-heart talks done (谈心谈话)"), required=False)
    talks_note = _text(_("Talk notes"), 2)
    problems = _text(_("Problems found (查摆问题)"), 4, help_text=_("One problem per line."))
    criticism = _text(_("Criticism and self-criticism (批评与自我批评)"), 5)


class RectificationForm(forms.Form):
    problem = forms.CharField(label=_("Problem"), max_length=300)
    measure = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = MemberChoiceField(label=_("Owner"))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, owners: QuerySet[Member], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class RectificationDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(
        label=pgettext_lazy("rectification", "What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )
