from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

# The empty choice Django puts on a select (django.db.models.fields.BLANK_CHOICE_LABEL) has no
# zh-Hans translation in Django's catalogue yet; naming it here keeps it, translated, in ours.
BLANK_CHOICE_LABEL = _("- Select an option -")


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the locale's display format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class Renderer(TemplatesSetting):
    """Django's form renderer, adding the design system's class to every widget it draws.

    One place instead of a class in each form's widgets: text inputs and text areas get
    ``form-control``, selects ``form-select``, check boxes and radio buttons ``form-check-input``.
    """

    CLASSES = {"select": "form-select", "checkbox": "form-check-input", "radio": "form-check-input"}

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict) and "attrs" in widget:
            if widget.get("optgroups") and widget.get("type") in ("checkbox", "radio"):
                # A list of check boxes or radio buttons: each option is an input, the list a wrapper.
                for _group, options, _index in widget["optgroups"]:
                    for option in options:
                        option["attrs"] = _with_class(option["attrs"], "form-check-input")
            elif widget.get("type") != "hidden":
                kind = widget.get("type") or ""
                widget["attrs"] = _with_class(widget["attrs"], self.CLASSES.get(kind, "form-control"))
        return super().render(template_name, context, request=request)


def _with_class(attrs: dict, css: str) -> dict:
    present = str(attrs.get("class", ""))
    if css in present.split():
        return attrs
    return {**attrs, "class": f"{css} {present}".strip()}
