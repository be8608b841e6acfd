import datetime

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.models import Role
from dangjian.edge.forms import DateInput
from dangjian.edge.widgets import SearchSelect
from dangjian.orgs.models import Organisation, OrgKind, Position
from dangjian.orgs.selectors import member_choice_label


def org_label(org: Organisation) -> str:
    return "　" * org.depth + org.name


def org_choice_label(org: Organisation) -> tuple[str, str]:
    """An organisation in a picker: its name, and the one above it with its kind to tell like names apart."""
    hint = [org.parent.name] if org.parent_id and org.parent else []
    hint.append(str(org.get_kind_display()))
    return org.name, " · ".join(hint)


class OrgChoiceField(forms.ModelChoiceField):
    """An organisation found by typing. `queryset` (the page's selector) is what it accepts; the options
    URL (`orgs:org-options` by default: the organisations the actor may see) must offer no more."""

    def __init__(self, queryset=None, *, url: str = "orgs:org-options", **kwargs):
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset, widget=SearchSelect(url), **kwargs)

    def label_from_instance(self, obj) -> str:
        return org_label(obj)


class OrgForm(forms.Form):
    """The organisation's own details; where it sits in the tree is chosen only on creation."""

    name = forms.CharField(label=_("organisation name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=32)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DateInput())
    admin_unit = forms.CharField(
        label=_("Administrative unit served"),
        max_length=100,
        required=False,
        help_text=_("The college, department, year or office the organisation is set up in."),
    )
    admin_unit_head = forms.CharField(label=_("Head of the administrative unit"), max_length=64, required=False)
    term_started_on = forms.DateField(label=_("Current term began on"), required=False, widget=DateInput())
    term_years = forms.IntegerField(
        label=_("Term length in years"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Leave empty to use the regulation's term length for this kind."),
    )
    sort_order = forms.IntegerField(label=_("Order"), required=False, min_value=0, initial=0)

    def cleaned_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return data


class OrgCreateForm(OrgForm):
    parent = forms.ChoiceField(label=_("Parent organisation"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    field_order = ["parent", "kind", "name", "code"]

    def __init__(self, *args, parents: list[Organisation], allow_top: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), org_label(o)) for o in parents]
        if allow_top:
            choices.insert(0, ("", _("(none: a top-level committee)")))
        self.fields["parent"].choices = choices
        self.fields["parent"].required = not allow_top


class OrgEditForm(OrgForm):
    dissolved_on = forms.DateField(
        label=_("Dissolved on"),
        required=False,
        widget=DateInput(),
        help_text=_("Set only when the organisation has been dissolved."),
    )


class OfficerAppointForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label="—")
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    since = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the term is open."),
    )

    def __init__(self, *args, org: Organisation, members, **kwargs):
        """`members` is `officer_candidates` for `org`: what the member picker lists and the form accepts."""
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.label_from_instance = lambda m: " · ".join(part for part in member_choice_label(m) if part)
        field.widget = SearchSelect(reverse("orgs:officer-candidates", args=[org.pk]))


class OfficerEndForm(forms.Form):
    until = forms.DateField(label=_("Term ends on"), widget=DateInput(), initial=timezone.localdate)


# --- Role grants: a role is granted on an organisation -------------------------------------------


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Staff or student number"), max_length=32)
    role = forms.ChoiceField(label=_("Role"))
    org = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        widget=SearchSelect("accounts:role-grant-orgs"),
        help_text=_("The role holds here and in everything below. Leave empty for a system administrator."),
    )
    since = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    until = forms.DateField(
        label=_("Until"), required=False, widget=DateInput(), help_text=_("Leave empty while the role is open.")
    )

    def __init__(self, *args, roles: list[str], orgs: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]
        self.fields["org"].choices = [("", "—")] + [(str(o.pk), org_label(o)) for o in orgs]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and cleaned["role"] != Role.ADMIN and not cleaned.get("org"):
            self.add_error("org", _("This role must be bound to an organisation."))
        return cleaned


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


class RoleEndForm(forms.Form):
    until = forms.DateField(
        label=_("Last day of the role"),
        widget=DateInput(),
        initial=_yesterday,
        help_text=_("The role holds up to and including this day; yesterday ends it now."),
    )
