"""Forms of the care pages. They only parse: every rule is checked by the service, which reports per field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.care import files, rules
from dangjian.care.models import NeedCategory, NeedVisibility, TalkKind
from dangjian.edge.forms import DateInput
from dangjian.members.forms import MemberChoiceField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class NeedSubmitForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of need"), choices=NeedCategory.choices)
    title = forms.CharField(label=_("Subject"), max_length=80)
    description = forms.CharField(
        label=_("What do you need?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the situation and what would help. Only the people chosen below can read it."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=NeedVisibility.choices,
        initial=NeedVisibility.SECRETARY,
        widget=forms.RadioSelect,
        help_text=_(
            "With “branch secretary only”, the Party committee never reads your text, even if the need becomes "
            "overdue; it sees only that a need is overdue. You can widen this later."
        ),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s photos, PDF, Word, Excel or text files, %(size)s MB each.")
        % {"count": files.MAX_ATTACHMENTS, "size": files.MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Attachments"), required=True)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your need answered?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(rules.MAX_RATING, rules.MIN_RATING - 1, -1)],
        widget=forms.RadioSelect(attrs={"class": "rating"}),
        help_text=_("5 is best."),
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member reads it."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Delegate to"), queryset=None)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class TalkForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), url="care:talk-member-options")
    officer = MemberChoiceField(label=_("Held by"), url="care:talk-officer-options")
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=TalkKind.choices)
    summary = forms.CharField(
        label=_("Talk summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Confidential: read only by the officer who held the talk, whoever records it, and the branch secretary."
        ),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will be done next. Officers who see the talk read it."),
    )

    def __init__(self, *args, members, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["officer"].queryset = officers
        self.fields["member"].label_from_instance = lambda m: f"{m.name} · {m.org}"
        self.fields["held_on"].initial = timezone.localdate()


class CareSettingsForm(forms.Form):
    accept_working_days = forms.IntegerField(label=_("Accept within (working days)"), required=False, min_value=0)
    answer_working_days = forms.IntegerField(label=_("Answer within (working days)"), required=False, min_value=0)

    def __init__(self, *args, inherited: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in (inherited or {}).items():
            self.fields[name].widget.attrs["placeholder"] = text
