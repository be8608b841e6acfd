"""Forms for self-study, reading lists and the ledger: they parse input; the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import org_label
from dangjian.study.models import Audience
from dangjian.study.services.selfstudy import ItemIn
from dangjian.web.forms import DateInput


class SelfStudyForm(forms.Form):
    studied_on = forms.DateField(label=_("Date"), widget=DateInput())
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5})
    )
    reading_item = forms.TypedChoiceField(label=_("Reading-list item"), required=False, coerce=int, empty_value=None)
    title = forms.CharField(
        label=_("What did you study?"),
        max_length=200,
        required=False,
        help_text=_("A material or your own title; leave empty when you chose a reading-list item."),
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.fields["reading_item"].choices = [("", _("None: my own material"))] + [
            (item.pk, f"{item.reading_list.title} · {item.title}") for item in self.items.values()
        ]
        if not self.is_bound and "studied_on" not in self.initial:
            self.initial["studied_on"] = timezone.localdate()

    def entry_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["reading_item"] = self.items.get(data["reading_item"]) if data["reading_item"] else None
        return data


def _parse_items(text: str, *, required: bool) -> list[ItemIn]:
    """One item per line: a title, optionally followed by `|` and a link."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _sep, link = line.partition("|")
        items.append(ItemIn(title=title.strip(), link=link.strip(), required=required))
    return items


class ReadingListForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    guidance = forms.CharField(label=_("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    required_items = forms.CharField(
        label=_("Required items (必学)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; add | and a web address to link the material."),
    )
    optional_items = forms.CharField(
        label=_("Optional items (选学)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, org_label(o)) for o in orgs]

    @classmethod
    def initial_for(cls, reading_list) -> dict:
        def lines(required: bool) -> str:
            return "\n".join(
                item.title + (f" | {item.link}" if item.link else "")
                for item in reading_list.items.all()
                if item.required == required
            )

        return {
            "org": reading_list.org_id,
            "title": reading_list.title,
            "audience": reading_list.audience,
            "due_on": reading_list.due_on,
            "guidance": reading_list.guidance,
            "required_items": lines(True),
            "optional_items": lines(False),
        }

    def items(self, existing=()) -> list[ItemIn]:
        """The items entered; a line with the title of an existing item keeps that item (and its progress)."""
        data = self.cleaned_data
        parsed = _parse_items(data["required_items"], required=True) + _parse_items(
            data["optional_items"], required=False
        )
        by_title = {item.title: item.pk for item in existing}
        return [ItemIn(item.title, item.link, item.required, by_title.pop(item.title, None)) for item in parsed]

    def list_data(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("title", "audience", "due_on", "guidance")}


class LedgerFilterForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, orgs=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", _("All visible organisations"))] + [(o.pk, org_label(o)) for o in orgs]
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.default_year = years[0] if years else timezone.localdate().year

    def values(self) -> tuple[int | None, int]:
        self.is_valid()  # an invalid field falls back to its default
        data = self.cleaned_data
        return data.get("org"), data.get("year") or self.default_year


class ReflectionFilterForm(LedgerFilterForm):
    flagged = forms.BooleanField(label=_("Near duplicates only"), required=False)
