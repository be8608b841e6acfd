from django import forms
from django.utils.translation import gettext_lazy as _

# The empty choice Django puts on a select (django.db.models.fields.BLANK_CHOICE_LABEL) has no
# zh-Hans translation in Django's catalogue yet; naming it here keeps it, translated, in ours.
BLANK_CHOICE_LABEL = _("- Select an option -")


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
