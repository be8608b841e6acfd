"""The person's own choice of the daily e-mail digest."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DigestForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("E-mail me a daily digest of my to-dos and unread notices"),
        required=False,
        help_text=_("Off unless you turn it on; nothing is sent on a day when nothing waits for you."),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
