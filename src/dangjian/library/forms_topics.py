"""The study-topic form: it parses input; the services check the rules."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.edge.widgets import SearchSelectMultiple
from dangjian.library.models import Material, MaterialStatus
from dangjian.members.audience import Audience
from dangjian.orgs.forms import org_label
from dangjian.orgs.models import Organisation

NUMBERS = re.compile(r"\d+")
SEPARATORS = re.compile(r"[\d\s,，、;；]*")


def material_label(material: Material) -> str:
    """ "12 · 学习党章的体会 · 哲学系教工党支部": the number comes first, so the order can be typed by it."""
    label = f"{material.pk} · {material.title} · {material.org.name}"
    if material.status != MaterialStatus.PUBLISHED:
        label += f" ({material.get_status_display()})"
    return label


class TopicForm(forms.Form):
    org = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        help_text=_("The members of this organisation and those below it who are in the audience see the topic."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.ALL)
    guidance = forms.CharField(
        label=_("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How to study the materials: what to focus on, by when."),
    )
    materials = forms.TypedMultipleChoiceField(
        label=_("Materials"),
        coerce=int,
        required=False,
        widget=SearchSelectMultiple("library:material-options"),
        help_text=_("Published materials you may see: type part of a title to find one."),
    )
    order = forms.CharField(
        label=_("Order"),
        required=False,
        max_length=1000,
        help_text=_(
            "The numbers of the chosen materials in the order to study them, e.g. 12, 5, 8; "
            "chosen materials not typed follow by title."
        ),
    )

    def __init__(self, *args, orgs: list[Organisation] = (), materials: list[Material] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, org_label(o)) for o in orgs]
        self.choice_ids = [m.pk for m in materials]
        self.fields["materials"].choices = [(m.pk, material_label(m)) for m in materials]

    @classmethod
    def initial_for(cls, topic, material_ids: list[int]) -> dict:
        return {
            "org": topic.org_id,
            "title": topic.title,
            "audience": topic.audience,
            "guidance": topic.guidance,
            "materials": material_ids,
            "order": ", ".join(str(pk) for pk in material_ids),
        }

    def clean_order(self) -> list[int]:
        text = self.cleaned_data["order"]
        if SEPARATORS.fullmatch(text) is None:
            raise forms.ValidationError(_("Type the numbers of the materials, separated by commas."))
        typed = [int(n) for n in NUMBERS.findall(text)]
        unknown = [n for n in typed if n not in self.choice_ids]
        if unknown:
            raise forms.ValidationError(
                _("%(n)s is not the number of a material on the list.") % {"n": unknown[0]}, code="unknown"
            )
        return typed

    def material_ids(self) -> list[int]:
        """The chosen materials: those typed in the order first, as typed, then the others by title.
        A typed number that is not chosen is left out, so unchoosing a material removes it."""
        chosen = set(self.cleaned_data["materials"])
        typed = [pk for pk in dict.fromkeys(self.cleaned_data["order"]) if pk in chosen]
        return typed + [pk for pk in self.choice_ids if pk in chosen and pk not in typed]

    def topic_data(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "audience": data["audience"], "guidance": data["guidance"]}
