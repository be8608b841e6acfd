"""Forms of the announcement pages and of the person's own choice of the daily e-mail digest. They
only parse: every rule is checked by the service, which reports per field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import User
from dangjian.edge.forms import DateInput
from dangjian.members.audience import Audience
from dangjian.notices import rules, selectors
from dangjian.notices.models import Announcement


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AnnouncementForm(forms.Form):
    org = OrgChoiceField(label=_("Publish for"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=rules.MAX_TITLE)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    audience = forms.ChoiceField(
        label=_("Addressed to"),
        choices=Audience.choices,
        initial=Audience.ALL,
        help_text=_("The members of the organisation and of every organisation under it who are in this audience."),
    )
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    requires_confirmation = forms.BooleanField(
        label=_("Ask members to confirm receipt"),
        required=False,
        help_text=_(
            "For a meeting notice, say: each member confirms, and the branch's officers see who has not confirmed yet."
        ),
    )
    expires_on = forms.DateField(
        label=_("Shown until"),
        widget=DateInput(),
        required=False,
        help_text=_("The last day members are shown it; leave empty to keep it shown."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s files: PDF, photos, Word, Excel or PowerPoint, %(size)s MB each.")
        % {"count": rules.MAX_ATTACHMENTS, "size": rules.MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args, actor: User, announcement: Announcement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if announcement is None:
            orgs = selectors.publishing_orgs(actor=actor)
            self.fields["org"].queryset = orgs
            if orgs.count() == 1:
                self.fields["org"].widget = forms.HiddenInput()
                self.fields["org"].initial = orgs.first()
        else:
            del self.fields["org"]
            attachments = announcement.attachments.all()
            if attachments:
                self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                    label=_("Remove attachments"),
                    queryset=attachments,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def service_data(self) -> dict:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data["uploads"] = data.pop("files", [])
        if "remove_attachments" in data:
            data["remove_attachments"] = [a.pk for a in data["remove_attachments"]]
        return data


class DigestForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("E-mail me a daily digest of my to-dos and unread notices"),
        required=False,
        help_text=_("Off unless you turn it on; nothing is sent on a day when nothing waits for you."),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
