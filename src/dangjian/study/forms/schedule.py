from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.study.models import StudySettings


class StudySettingsForm(forms.ModelForm):
    """An organisation's own study settings; a blank field keeps what applies from above."""

    class Meta:
        model = StudySettings
        fields = [
            "theme_day_week",
            "theme_day_weekday",
            "theme_day_of_month",
            "start_time",
            "length_minutes",
            "place",
            "late_grace_minutes",
            "make_up_working_days",
        ]
        widgets = {"start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "theme_day_of_month": _("Or a fixed date, 1–28, instead of a weekday."),
            "late_grace_minutes": _("A member checking in this many minutes after the start is recorded as late."),
            "make_up_working_days": _("Make-up study for a leave or an absence is due within this many working days."),
        }

    def __init__(self, *args, inherited: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Show what applies now when the field is left blank.
        for name, text in (inherited or {}).items():
            if name in self.fields:
                self.fields[name].widget.attrs["placeholder"] = text

    def _post_clean(self):
        # Validation belongs to the service (`study_settings_update`), which reports per field.
        pass
