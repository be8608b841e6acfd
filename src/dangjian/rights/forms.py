"""Forms for opinions and appeals: they parse input; the services check the rules."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.rights.models import AppealStatus, OpinionKind, OpinionStatus, OpinionTarget
from dangjian.rights.rules import TEXT_MAX, TITLE_MAX


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=OpinionKind.choices, widget=forms.RadioSelect)
    target = forms.ChoiceField(
        label=_("Send a suggestion to"),
        choices=OpinionTarget.choices,
        initial=OpinionTarget.BRANCH,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Criticism and reports always go to the organisation above your branch."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX})
    )
    anonymous = forms.BooleanField(
        label=_("Send it anonymously"),
        required=False,
        help_text=_("Your name is not stored. You get a follow-up code, shown once, to read the answer: keep it safe."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Written answer"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX})
    )


class FollowUpForm(forms.Form):
    code = forms.CharField(
        label=_("Follow-up code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


DECISION_KEY = re.compile(r"^[\w.-]{1,64}:\d{1,18}$")


class DecisionField(forms.ChoiceField):
    """The decisions offered are the member's own; any well-formed reference ("kind:id") is passed on all
    the same, so that the service can say clearly why one cannot be appealed."""

    def valid_value(self, value) -> bool:
        return bool(DECISION_KEY.match(str(value)))


class AppealForm(forms.Form):
    decision = DecisionField(label=_("Decision appealed"))
    reasons = forms.CharField(
        label=_("Grounds of the appeal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX}),
        help_text=_("Say what you consider wrong in the decision and why, with the facts you rely on."),
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("Choose a decision"))] + [
            (d.key, f"{d.kind_label} · {d.subject.description} ({d.subject.decided_on:%Y-%m-%d})")
            for d in decisions
            if d.open_appeal is None
        ]

    def decision_ref(self) -> tuple[str, int]:
        kind, _sep, object_id = self.cleaned_data["decision"].rpartition(":")
        return kind, int(object_id)


class OpinionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + OpinionStatus.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + OpinionKind.choices)


class AppealFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), ("overdue", _("Overdue"))] + AppealStatus.choices,
    )
