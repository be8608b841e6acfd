from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import audit_actions
from dangjian.accounts.selectors import AuditFilters
from dangjian.edge.forms import DateInput


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Staff or student number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _("The staff or student number or the password is wrong."),
        "inactive": _("This account is disabled."),
    }


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, not only digits, not a common password, not your name or staff or student number."
        ),
    )
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Who or what"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, actions: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *audit_actions.choices(actions)]

    def filters(self) -> AuditFilters:
        self.is_valid()  # an invalid field is left out; the others still filter
        data = self.cleaned_data
        return AuditFilters(
            q=(data.get("q") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
