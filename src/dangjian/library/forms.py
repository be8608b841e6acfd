import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.library.models import ContentArea, MaterialKind, MaterialStatus
from dangjian.members.audience import Audience
from dangjian.orgs.models import Organisation

WORDS = re.compile(r"[,，、;；\s]+")


def split_words(value: str) -> list[str]:
    """ "主题党日，三会一课 党课" → ["主题党日", "三会一课", "党课"]."""
    return [word for word in WORDS.split(value or "") if word]


def _org_label(org: Organisation) -> str:
    return "　" * org.depth + org.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _OrgChoice(forms.Form):
    org = forms.ChoiceField(
        label=_("Organisation"), help_text=_("Its members (and those below it) may see the material.")
    )

    def __init__(self, *args, orgs: list[Organisation] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(str(o.pk), _org_label(o)) for o in orgs]


class UploadForm(_OrgChoice):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Word (.docx), PDF, PowerPoint (.pptx), text (.txt) or Markdown (.md)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.pptx,.txt,.md,.doc,.ppt"}),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty to take it from the file.")
    )
    area = forms.ChoiceField(label=_("Content area"), choices=ContentArea.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    published_on = forms.DateField(label=_("Publish date"), required=False, widget=DateInput())
    downloadable = forms.BooleanField(label=_("Members may download the original file"), required=False, initial=True)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas or spaces."))

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "org"}
        data["tags"] = split_words(data["tags"])
        return data


class VideoForm(_OrgChoice):
    title = forms.CharField(label=_("Title"), max_length=200)
    video_url = forms.URLField(label=_("Video link"), assume_scheme="https")
    duration_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=1)
    summary = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    area = forms.ChoiceField(label=_("Content area"), choices=ContentArea.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    published_on = forms.DateField(label=_("Publish date"), required=False, widget=DateInput())
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas or spaces."))

    service_data = UploadForm.service_data


class MaterialForm(forms.Form):
    """The metadata an officer checks before publishing, with the proposed summary and keywords."""

    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    published_on = forms.DateField(label=_("Publish date"), required=False, widget=DateInput())
    area = forms.ChoiceField(label=_("Content area"), choices=ContentArea.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("5 to 10, separated by commas."))
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas or spaces."))
    downloadable = forms.BooleanField(label=_("Members may download the original file"), required=False)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["keywords"] = split_words(data["keywords"])
        data["tags"] = split_words(data["tags"])
        return data


class FindForm(forms.Form):
    """The library's search box and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Content area"), required=False, choices=[("", _("All areas")), *ContentArea.choices]
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *MaterialKind.choices])
    tag = forms.CharField(label=_("Tag"), required=False, max_length=32)
    # Any number is accepted: the search is limited to what the user may see before this filter.
    org = forms.IntegerField(label=_("Organisation"), required=False, widget=forms.Select)
    published_from = forms.DateField(label=_("Published from"), required=False, widget=DateInput())
    published_to = forms.DateField(label=_("Published until"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *MaterialStatus.choices]
    )

    def __init__(self, *args, orgs: list[Organisation] = (), managing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].widget.choices = [("", _("All organisations")), *((str(o.pk), _org_label(o)) for o in orgs)]
        if not managing:
            del self.fields["status"]
