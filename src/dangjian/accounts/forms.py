from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.selectors import AuditFilters
from dangjian.edge.forms import DateInput

# Labels for the audit log's action filter; unknown actions are shown by their code.
ACTION_LABELS = {
    "account.": _("Accounts (all)"),
    "account.create": _("Account created"),
    "account.password_change": _("Password changed"),
    "account.password_reset": _("Password reset"),
    "api_token.create": _("API token issued"),
    "api_token.revoke": _("API token revoked"),
    "api_token.revoke_all": _("All API tokens of an account revoked"),
    "api_token.purge": _("Expired tokens and sessions removed"),
    "account.deactivate": _("Account disabled"),
    "role.": _("Roles (all)"),
    "role.grant": _("Role granted"),
    "role.end": _("Role ended"),
    "org.": _("Organisations (all)"),
    "org.create": _("Organisation created"),
    "org.update": _("Organisation changed"),
    "officer.": _("Officers (all)"),
    "officer.appoint": _("Officer appointed"),
    "officer.end": _("Officer term ended"),
    "member.": _("Members (all)"),
    "member.create": _("Member added"),
    "member.update": _("Member changed"),
    "member.transfer": _("Member transferred"),
    "member.reveal": _("Personal data revealed"),
    "member.situation_add": _("Special situation recorded"),
    "member.situation_end": _("Special situation ended"),
    "member.import": _("Roster imported"),
    "member.export": _("Roster exported"),
    "study_ledger.export": _("Study-hour ledger exported"),
    "audit_log.export": _("Audit log exported"),
}


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
        codes = list(ACTION_LABELS)
        codes += sorted(set(actions) - set(codes))
        self.fields["action"].choices = [("", _("All actions"))] + [(c, ACTION_LABELS.get(c, c)) for c in codes]

    def filters(self) -> AuditFilters:
        self.is_valid()  # an invalid field is left out; the others still filter
        data = self.cleaned_data
        return AuditFilters(
            q=(data.get("q") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
