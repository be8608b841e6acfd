"""Forms parse and convert input only; member rules are checked by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.edge.forms import DateInput
from dangjian.edge.widgets import SearchSelect, SearchSelectMultiple
from dangjian.members.models import Category, Education, Gender, SituationKind, Status
from dangjian.members.selectors import DEFAULT_SORT, MemberFilters
from dangjian.orgs.forms import OrgChoiceField, org_label
from dangjian.orgs.selectors import member_choice_label

TRANSFER_OUT = "out"


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    """A member, found by typing (name, pinyin initials or number) and told apart from namesakes by
    branch, group, category and number. Give it the page's selector as `queryset` — what it accepts —
    and the URL of options limited by the same selector (the roster's `members:member-options` by default)."""

    def __init__(self, queryset=None, *, url: str = "members:member-options", follow: str = "", **kwargs):
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset, widget=SearchSelect(url, follow=follow), **kwargs)

    def label_from_instance(self, obj) -> str:
        return " · ".join(part for part in member_choice_label(obj) if part)


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several members, as `MemberChoiceField`."""

    def __init__(self, queryset=None, *, url: str = "members:member-options", follow: str = "", **kwargs):
        super().__init__(queryset, widget=SearchSelectMultiple(url, follow=follow), **kwargs)

    def label_from_instance(self, obj) -> str:
        return " · ".join(part for part in member_choice_label(obj) if part)


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, pinyin initials or number")}),
    )
    org = OrgChoiceField(
        queryset=None, label=_("Organisation"), required=False, empty_label=_("All visible organisations")
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All"))] + Category.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + Status.choices)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("org", _("Organisation")),
            ("-org", _("Organisation, reversed")),
            ("name", _("Name")),
            ("-name", _("Name, reversed")),
            ("number", _("Number")),
            ("-number", _("Number, reversed")),
            ("joined", _("Joined, oldest first")),
            ("-joined", _("Joined, newest first")),
        ],
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def filters(self) -> MemberFilters:
        self.is_valid()  # an invalid field is left out; the others still filter
        data = self.cleaned_data
        return MemberFilters(
            q=(data.get("q") or "").strip()[:64],
            org_id=data["org"].pk if data.get("org") else None,
            category=data.get("category") or "",
            status=data.get("status") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )


class MemberForm(forms.Form):
    """Member data. Required fields and the ID number are checked by `validate_member`."""

    name = forms.CharField(label=_("Name"), max_length=64, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—")] + Gender.choices, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=16, required=False, initial="汉族")
    birth_date = _date(_("Birth date"), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—")] + Education.choices, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + Category.choices, required=False)
    number = forms.CharField(label=_("Staff or student number"), max_length=32, required=False)
    admin_unit = forms.CharField(label=_("Department or class"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    joined_on = _date(_("Joined the Party on"), required=False)
    full_member_on = _date(
        _("Became a full member on"), required=False, help_text=_("Leave empty for a probationary member.")
    )

    REQUIRED = ("name", "gender", "birth_date", "category", "joined_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].widget.attrs["required"] = True

    def member_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in MemberForm.base_fields}


class MemberCreateForm(MemberForm):
    org = forms.TypedChoiceField(
        label=_("Branch or party group"), coerce=int, widget=SearchSelect("members:member-org-options")
    )
    since = _date(_("Member of the organisation since"), initial=timezone.localdate)
    field_order = ["org", "since"]

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "—")] + [(o.pk, org_label(o)) for o in orgs]


class MemberEditForm(MemberForm):
    """Personal data is never put into the form in clear: left empty, it stays as it is."""

    def __init__(self, *args, masked: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in masked.items():
            if value:
                self.fields[name].widget.attrs["placeholder"] = value
                self.fields[name].help_text = _("Leave empty to keep the recorded value.")

    def member_data(self) -> dict:
        data = super().member_data()
        for name in ("id_number", "phone"):
            if not data.get(name):
                data.pop(name, None)
        return data


class TransferForm(forms.Form):
    to_org = forms.ChoiceField(
        label=_("Move to"), widget=SearchSelect("members:member-org-options", keep=(TRANSFER_OUT,))
    )
    on = _date(_("On"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = (
            [("", "—")]
            + [(str(o.pk), org_label(o)) for o in orgs]
            + [(TRANSFER_OUT, _("Out of the college (transferred elsewhere)"))]
        )


class SituationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Situation"), choices=SituationKind.choices)
    since = _date(_("Since"), initial=timezone.localdate)
    until = _date(_("Until"), required=False, help_text=_("Leave empty while it lasts."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
