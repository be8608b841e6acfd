from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.edge.widgets import SearchSelect, SearchSelectMultiple
from dangjian.members.audience import Audience
from dangjian.members.forms import MemberChoiceField
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.study.models import Form
from dangjian.study.rules.committee_meetings import form_fits_org_kind
from dangjian.study.selectors.activities import form_choices


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; it needs ISO values whatever the locale's display format."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _org_label(org: Organisation) -> str:
    return "　" * org.depth + org.name


class ActivityForm(forms.Form):
    org = forms.ChoiceField(label=_("Organiser"), widget=SearchSelect("study:activity-orgs"))
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    speaker = MemberChoiceField(
        label=_("Speaker"),
        required=False,
        url="study:activity-speakers",
        follow="org",
        help_text=_(
            "Who gives the lecture or report: a member of the college (type a name, pinyin initials or number)…"
        ),
    )
    speaker_name = forms.CharField(
        label=_("Speaker from elsewhere"),
        max_length=64,
        required=False,
        help_text=_("…or the name of a guest speaker."),
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials to study"),
        required=False,
        widget=SearchSelectMultiple("library:material-options"),
        help_text=_("Published materials of the library, for the activity and for make-up study afterwards."),
    )
    late_grace_minutes = forms.IntegerField(
        label=_("Late after (minutes after the start)"),
        min_value=0,
        max_value=24 * 60,
        required=False,
        help_text=_("Leave empty for the organisation's study setting."),
    )
    credit_minutes = forms.IntegerField(
        label=_("Credited minutes"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to credit the activity's length."),
    )

    def __init__(
        self,
        *args,
        orgs: list[Organisation] | None = None,
        audience_fixed: bool = False,
        speakers: QuerySet[Member] | None = None,
        speakers_org: Organisation | None = None,
        materials: list = (),
        organiser: Organisation | None = None,
        form_options: list | None = None,
        **kwargs,
    ):
        """`speakers` is the organiser's `speaker_options`: what the speaker picker offers and accepts.
        `orgs` are the organisers to choose from (creating); `organiser` is the one being edited. The forms
        offered are those they may hold (`form_choices`), or `form_options` where given (editing:
        `form_choices_on_edit`)."""
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in orgs or ()}
        choosing_from = orgs if orgs is not None else [organiser] if organiser is not None else None
        if form_options is not None:
            self.fields["form"].choices = form_options
        elif choosing_from:
            self.fields["form"].choices = form_choices(choosing_from)
        self.material_objects = {str(m.pk): m for m in materials}
        self.fields["materials"].choices = [(str(m.pk), m.title) for m in materials]
        self.fields["speaker"].queryset = speakers if speakers is not None else Member.objects.none()
        if orgs is None:  # editing: the organiser does not change, the picker asks for its college
            del self.fields["org"]
            if speakers_org is not None:
                widget = self.fields["speaker"].widget
                widget.url = reverse(widget.url) + "?" + urlencode({"org": speakers_org.pk})
        else:
            # Another organiser, another college's members: the picker sends the organiser along.
            self.fields["org"].choices = [(str(o.pk), _org_label(o)) for o in orgs]
        if audience_fixed:
            self.fields["audience"].disabled = True
            self.fields["audience"].help_text = _("Fixed once published: the expected attendees were drawn from it.")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The activity must end after it starts."))
        org, form = self.orgs.get(data.get("org") or ""), data.get("form")
        if org is not None and form and not form_fits_org_kind(form, org.kind):
            # An officer of a committee and its branches is offered the committee's meetings: the
            # organiser chosen decides.
            self.add_error(
                "form", _("Only a Party committee holds this form of meeting: choose the committee as organiser.")
            )
        return data

    def clean_materials(self):
        return [self.material_objects[pk] for pk in self.cleaned_data.get("materials") or []]

    def activity_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "org"}
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class RecordForm(forms.Form):
    minutes = forms.CharField(
        label=pgettext_lazy("meeting record", "Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


MARK_CHOICES = [
    ("present", _("Present")),
    ("late", _("Late")),
    ("leave", _("On leave")),
    ("absent", _("Absent")),
]


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class MarkForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MARK_CHOICES)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    answer = forms.CharField(label=_("Answer"), max_length=500, required=False, help_text=_("Required when refusing."))


class MakeUpSubmitForm(forms.Form):
    reflection = forms.CharField(
        label=_("Reflection"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What you studied and what you take from it for your work."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, help_text=_("Required when returning it."))
