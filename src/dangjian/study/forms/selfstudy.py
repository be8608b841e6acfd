"""Forms for self-study, reading lists and the ledger: they parse input; the services check the rules."""

from dataclasses import replace

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.edge.forms import DateInput
from dangjian.edge.widgets import SearchSelectMultiple
from dangjian.library.models import MaterialStatus
from dangjian.members.audience import Audience
from dangjian.orgs.forms import org_label
from dangjian.study.services.selfstudy import ItemIn


class SelfStudyForm(forms.Form):
    studied_on = forms.DateField(label=_("Date"), widget=DateInput())
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5})
    )
    reading_item = forms.TypedChoiceField(label=_("Reading-list item"), required=False, coerce=int, empty_value=None)
    material = forms.TypedChoiceField(label=_("Library material"), required=False, coerce=int, empty_value=None)
    title = forms.CharField(
        label=_("What did you study?"),
        max_length=200,
        required=False,
        help_text=_("A material or your own title; leave empty when you chose a reading-list item."),
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, items=(), materials=(), **kwargs):
        """`materials`: the library materials the entry may name (already checked: the member may see them).
        Without any, the field is left out and an entry keeps the material it names."""
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.fields["reading_item"].choices = [("", _("None: my own material"))] + [
            (item.pk, f"{item.reading_list.title} · {item.title}") for item in self.items.values()
        ]
        self.materials = {material.pk: material for material in materials}
        if self.materials:
            self.fields["material"].choices = [("", _("None"))] + [(m.pk, m.title) for m in self.materials.values()]
        else:
            del self.fields["material"]
        if not self.is_bound and "studied_on" not in self.initial:
            self.initial["studied_on"] = timezone.localdate()

    def entry_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["reading_item"] = self.items.get(data["reading_item"]) if data["reading_item"] else None
        if "material" in data:
            data["material"] = self.materials.get(data["material"]) if data["material"] else None
        return data


def _material_label(material) -> str:
    label = f"{material.title} · {material.org.name}"
    if material.status != MaterialStatus.PUBLISHED:
        label += f" ({material.get_status_display()})"
    return label


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
    required_materials = forms.TypedMultipleChoiceField(
        label=_("Required materials from the library"),
        coerce=int,
        required=False,
        widget=SearchSelectMultiple("library:material-options"),
        help_text=_("Published materials you may see, by title; members open them in the reader."),
    )
    optional_materials = forms.TypedMultipleChoiceField(
        label=_("Optional materials from the library"),
        coerce=int,
        required=False,
        widget=SearchSelectMultiple("library:material-options"),
    )

    def __init__(self, *args, orgs=(), materials=(), **kwargs):
        """`materials`: the library materials the officer may choose, by title."""
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, org_label(o)) for o in orgs]
        self.material_ids = [m.pk for m in materials]
        choices = [(m.pk, _material_label(m)) for m in materials]
        self.fields["required_materials"].choices = choices
        self.fields["optional_materials"].choices = choices

    @classmethod
    def initial_for(cls, reading_list) -> dict:
        def lines(required: bool) -> str:
            return "\n".join(
                item.title + (f" | {item.link}" if item.link else "")
                for item in reading_list.items.all()
                if item.required == required and item.material_id is None
            )

        def materials(required: bool) -> list[int]:
            return [
                item.material_id
                for item in reading_list.items.all()
                if item.required == required and item.material_id is not None
            ]

        return {
            "org": reading_list.org_id,
            "title": reading_list.title,
            "audience": reading_list.audience,
            "due_on": reading_list.due_on,
            "guidance": reading_list.guidance,
            "required_items": lines(True),
            "optional_items": lines(False),
            "required_materials": materials(True),
            "optional_materials": materials(False),
        }

    def _chosen(self, name: str, required: bool) -> list[ItemIn]:
        chosen = set(self.cleaned_data[name])
        return [ItemIn(material=pk, required=required) for pk in self.material_ids if pk in chosen]

    def items(self, existing=()) -> list[ItemIn]:
        """The items entered: the chosen materials, then the typed lines, required first. A line with the
        title of an existing item, or a material already on the list, keeps that item (and its progress)."""
        data = self.cleaned_data
        entered = [
            *self._chosen("required_materials", required=True),
            *_parse_items(data["required_items"], required=True),
            *self._chosen("optional_materials", required=False),
            *_parse_items(data["optional_items"], required=False),
        ]
        # A material chosen as required and as optional is required.
        required_ids = set(data["required_materials"])
        entered = [item for item in entered if item.required or item.material not in required_ids]
        by_title = {item.title: item.pk for item in existing if item.material_id is None}
        by_material = {item.material_id: item.pk for item in existing if item.material_id is not None}
        return [
            replace(
                item,
                id=by_material.pop(item.material, None) if item.material else by_title.pop(item.title, None),
            )
            for item in entered
        ]

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
